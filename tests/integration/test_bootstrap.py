"""scripts/bootstrap.sh: installs only from the hash-locked files, says one line per step with its
outcome, and one plain line when the package index cannot be reached. Every run is in a scratch
copy with its own .venv (a logging stand-in, or a fresh virtualenv), never the shared one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO
from tests.support.release_server import direct_environment

NOT_FOUND = "/nonexistent/python"


def _bootstrap_copy(tmp_path: Path, *, fake_python: str | None = None) -> tuple[Path, Path]:
    """bootstrap.sh and the locks in a scratch checkout; unless ``fake_python`` is None its .venv
    python is a script that logs its arguments and then runs ``fake_python`` (shell)."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "bootstrap.sh", root / "scripts")
    for lock in ("requirements.lock", "requirements-dev.lock"):
        shutil.copy(REPO / lock, root / lock)
    log = tmp_path / "pip.log"
    if fake_python is not None:
        python = root / ".venv" / "bin" / "python"
        python.parent.mkdir(parents=True)
        python.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n{fake_python}\n')
        python.chmod(0o755)
    return root, log


def _bootstrap(
    root: Path, *args: str, environment: dict[str, str] | None = None, timeout: int = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(root / "scripts" / "bootstrap.sh"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PYTHON": NOT_FOUND} if environment is None else environment,
    )


def _path_without(program: str, *fakes: Path) -> str:
    """PATH with ``fakes`` first and no folder that holds ``program``."""
    kept = [
        part
        for part in os.environ.get("PATH", "/usr/bin:/bin").split(":")
        if part and not (Path(part) / program).exists()
    ]
    return ":".join([*map(str, fakes), *kept])


def _fake_bin(tmp_path: Path, **scripts: str) -> Path:
    """A folder of shell scripts named like the keywords (``apt_get`` -> ``apt-get``)."""
    folder = tmp_path / "fake-bin"
    folder.mkdir(exist_ok=True)
    for name, body in scripts.items():
        path = folder / name.replace("_", "-")
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return folder


def test_bootstrap_installs_only_from_the_lock_with_hashes_keyed_on_the_lock(
    tmp_path: Path,
) -> None:
    root, log = _bootstrap_copy(tmp_path, fake_python="exit 0")
    first = _bootstrap(root, "runtime")
    second = _bootstrap(root, "runtime")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "bootstrap: virtualenv .venv present",
        "bootstrap: packages installed from requirements.lock (every file's sha256 checked)",
    ]
    assert second.stdout.splitlines()[1] == (
        "bootstrap: packages from requirements.lock already installed"
    )
    assert first.stderr == second.stderr == ""
    (call,) = log.read_text(encoding="utf-8").splitlines()
    assert call.startswith("-m pip install ")
    assert "--require-hashes" in call.split() and "-r requirements.lock" in call
    with (root / "requirements.lock").open("a", encoding="utf-8") as lock:
        lock.write("# changed\n")
    assert _bootstrap(root, "runtime").returncode == 0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2


def test_bootstrap_names_an_unknown_mode(tmp_path: Path) -> None:
    root, log = _bootstrap_copy(tmp_path, fake_python="exit 0")
    result = _bootstrap(root, "tests")
    assert result.returncode == 2
    assert result.stderr == "bootstrap: mode 'tests' is not known: use runtime or dev\n"
    assert not log.exists()


def test_a_pip_failure_shows_pips_last_lines_and_leaves_no_stamp(tmp_path: Path) -> None:
    mismatch = (
        "echo 'ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.' >&2\n"
        "echo '    idna==3.20: Expected sha256 00 Got 11' >&2\nexit 1"
    )
    root, _ = _bootstrap_copy(tmp_path, fake_python=mismatch)
    result = _bootstrap(root, "runtime")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "bootstrap: pip could not install the packages of requirements.lock (exit 1)",
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
        "    idna==3.20: Expected sha256 00 Got 11",
        "bootstrap: BOOTSTRAP_VERBOSE=1 shows pip's whole output",
    ]
    assert not list((root / ".venv").glob(".installed-*"))


def test_dev_mode_says_knotd_is_present(tmp_path: Path) -> None:
    root, _ = _bootstrap_copy(tmp_path, fake_python="exit 0")
    fakes = _fake_bin(tmp_path, knotd="exit 0")
    result = _bootstrap(
        root, "dev", environment={**os.environ, "PATH": _path_without("knotd", fakes)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"bootstrap: knotd present ({fakes / 'knotd'})"


def test_dev_mode_installs_knot_as_root_and_names_what_to_run_otherwise(tmp_path: Path) -> None:
    root, _ = _bootstrap_copy(tmp_path, fake_python="exit 0")
    apt_log = tmp_path / "apt.log"
    as_root = _fake_bin(tmp_path, id="echo 0", apt_get=f'echo "$@" >> "{apt_log}"')
    installed = _bootstrap(
        root, "dev", environment={**os.environ, "PATH": _path_without("knotd", as_root)}
    )
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.splitlines()[-1] == "bootstrap: knotd installed (Debian package knot)"
    assert apt_log.read_text(encoding="utf-8").splitlines() == [
        "update -q",
        "install -y -q knot knot-dnsutils",
    ]
    _fake_bin(tmp_path, apt_get="exit 100")
    failed = _bootstrap(
        root, "dev", environment={**os.environ, "PATH": _path_without("knotd", as_root)}
    )
    assert failed.returncode == 1
    assert failed.stderr == "bootstrap: apt-get could not install knot (see above)\n"
    _fake_bin(tmp_path, id="echo 1000")
    refused = _bootstrap(
        root, "dev", environment={**os.environ, "PATH": _path_without("knotd", as_root)}
    )
    assert refused.returncode == 1
    assert refused.stderr == (
        "bootstrap: knotd (Debian package 'knot') is missing and installing it needs root:"
        " sudo apt-get install knot knot-dnsutils\n"
    )


def test_an_unreachable_index_is_one_plain_line(tmp_path: Path) -> None:
    """A fresh virtualenv, then pip against an index on a closed loopback port (no retries, no
    pip configuration, no local wheels): one line naming the index without its credentials."""
    root, _ = _bootstrap_copy(tmp_path)
    environment = {
        key: value
        for key, value in direct_environment().items()
        if key not in {"PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX", "PIP_INDEX_URL"}
    }
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        index = f"http://127.0.0.1:{closed.getsockname()[1]}/simple"
        environment |= {
            "PYTHON": sys.executable,
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_RETRIES": "0",
            "PIP_INDEX_URL": index.replace("//", "//ci:s3cret@"),
        }
        quiet = _bootstrap(root, "runtime", environment=environment, timeout=300)
        verbose = _bootstrap(
            root, "runtime", environment=environment | {"BOOTSTRAP_VERBOSE": "1"}, timeout=300
        )
    assert quiet.returncode == 1
    assert quiet.stdout.splitlines() == [
        f"bootstrap: virtualenv .venv created with Python {sys.version.split()[0]}"
    ]
    assert quiet.stderr == (
        f"bootstrap: cannot reach the package index {index} ([Errno 111] Connection refused);"
        " check the network, a proxy (HTTPS_PROXY) or PIP_INDEX_URL, then run"
        " scripts/bootstrap.sh again (BOOTSTRAP_VERBOSE=1 shows pip's output)\n"
    )
    assert verbose.returncode == 1
    assert "No matching distribution found" in verbose.stderr
    assert verbose.stderr.endswith(quiet.stderr)
    assert "s3cret" not in quiet.stderr + verbose.stdout + verbose.stderr
    assert not list((root / ".venv").glob(".installed-*"))
