"""The main-job script: it takes one stack name or prints its usage, refuses to start naming
every missing prerequisite at once, and where `pulumi` is missing it installs the pinned CLI into
the checkout (digest checked) and deploys with it. Each test runs deploy.sh in a scratch checkout:
the repository's files linked in, the shared .venv used read-only (bootstrap.sh is a stand-in
there, so nothing is installed into it), the CLI served from loopback and never from
get.pulumi.com."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import REPO
from tests.support.release_server import (
    VERSION,
    Member,
    archive,
    direct_environment,
    fake_cli,
    release_server,
    sha256,
    write_pins,
)

LOCAL = {"scripts", ".git", ".state", ".pulumi-cli", ".venv"}
"""What the scratch checkout does not take from the repository."""


def scratch_checkout(tmp_path: Path, digest: str) -> Path:
    """deploy.sh and the CLI installer with a pin of ``digest``, everything else linked."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for name in ("deploy.sh", "pulumi_cli.py", "pulumi_download.py"):
        shutil.copy(REPO / "scripts" / name, root / "scripts" / name)
    write_pins(root / "scripts" / "pulumi-cli.toml", digest)
    bootstrap = root / "scripts" / "bootstrap.sh"
    bootstrap.write_text("#!/bin/sh\necho 'bootstrap: (stand-in) nothing to install'\n")
    bootstrap.chmod(0o755)
    (root / ".venv").symlink_to((REPO / ".venv").resolve())
    for entry in REPO.iterdir():
        if entry.name not in LOCAL:
            (root / entry.name).symlink_to(entry)
    return root


def run_deploy(
    root: Path, tmp_path: Path, *args: str, base_url: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    path = ":".join(
        part
        for part in os.environ.get("PATH", "/usr/bin:/bin").split(":")
        if part and not (Path(part) / "pulumi").exists()
    )
    environment = {
        key: value
        for key, value in direct_environment().items()
        if not key.startswith(("AWS_", "PULUMI_"))
    }
    environment.update(
        PATH=path,
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
        PULUMI_CLI_BASE_URL=base_url,
        PULUMI_CLI_TIMEOUT="10",
        FAKE_PULUMI_LOG=str(tmp_path / "pulumi.log"),
        **extra,
    )
    return subprocess.run(
        [str(root / "scripts" / "deploy.sh"), *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


READY = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "PULUMI_CONFIG_PASSPHRASE": "test passphrase",
    "FAKE_PULUMI_UP_STATUS": "7",
}
"""Credentials and passphrase present; the fake CLI's `up` ends with 7, so deploy.sh exits with
pulumi's status before the checks would ask real DNS."""


def test_missing_cli_credentials_and_passphrase_are_named_together(tmp_path: Path) -> None:
    root = scratch_checkout(tmp_path, "")
    with release_server() as server:
        result = run_deploy(root, tmp_path, base_url=server.base_url)
        assert server.requests == []
    assert result.returncode == 4, result.stderr
    assert f"no pinned SHA-256 for pulumi v{VERSION}" in result.stderr
    assert "cannot deploy stack 'dev'; missing:" in result.stderr
    assert "the Pulumi CLI: 'pulumi' is not on PATH" in result.stderr
    assert "AWS credentials" in result.stderr
    assert "PULUMI_CONFIG_PASSPHRASE" in result.stderr
    assert not (root / ".state").exists()
    assert not (root / ".pulumi-cli").exists() or not any((root / ".pulumi-cli").iterdir())


def test_bad_stack_stops_before_anything_else(tmp_path: Path) -> None:
    root = scratch_checkout(tmp_path, "")
    with release_server() as server:
        result = run_deploy(root, tmp_path, "no-such-stack", base_url=server.base_url)
        assert server.requests == []
    assert result.returncode == 2
    assert "Pulumi.no-such-stack.yaml does not exist" in result.stderr
    assert "missing:" not in result.stderr
    assert "pulumi-cli" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("",), "'(empty)' is not a stack name"),
        (("dev", "prod"), "one stack name at most; got 2 arguments"),
        (("--force",), "unknown option '--force'"),
        (("../dev",), "'../dev' is not a stack name"),
    ],
    ids=["empty", "extra argument", "unknown option", "path"],
)
def test_bad_arguments_print_usage_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    root = scratch_checkout(tmp_path, "")
    with release_server() as server:
        result = run_deploy(root, tmp_path, *args, base_url=server.base_url)
        assert server.requests == []
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "usage: scripts/deploy.sh [STACK]" in result.stderr
    assert "missing:" not in result.stderr


def test_help_prints_usage(tmp_path: Path) -> None:
    root = scratch_checkout(tmp_path, "")
    with release_server() as server:
        result = run_deploy(root, tmp_path, "--help", base_url=server.base_url)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: scripts/deploy.sh [STACK]")


def test_list_shaped_config_is_refused_without_a_traceback(tmp_path: Path) -> None:
    """The plan reads the stack files beside its own code: the scratch checkout gets a copy of
    components/ and a stack file holding a list where the config mapping belongs."""
    root = scratch_checkout(tmp_path, "")
    (root / "components").unlink()
    shutil.copytree(
        REPO / "components", root / "components", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "Pulumi.listed.yaml").write_text("config: [a, b]\n", encoding="utf-8")
    with release_server() as server:
        result = run_deploy(root, tmp_path, "listed", base_url=server.base_url)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "config must be a mapping of keys to values" in result.stderr
    assert "the configuration of stack 'listed' is not valid" in result.stderr


def test_a_missing_cli_is_installed_into_the_checkout_and_deploys(tmp_path: Path) -> None:
    data = archive(fake_cli())
    root = scratch_checkout(tmp_path, sha256(data))
    with release_server() as server:
        server.serve_archive(data)
        result = run_deploy(root, tmp_path, base_url=server.base_url, **READY)
    assert result.returncode == 7, result.stderr
    assert "missing:" not in result.stderr
    assert f"SHA-256 {sha256(data)} of pulumi-v{VERSION}-" in result.stderr
    assert f"installed pulumi v{VERSION}" in result.stderr
    installed = list((root / ".pulumi-cli").glob(f"{VERSION}-linux-*/pulumi/pulumi"))
    assert len(installed) == 1
    backend = f"file://{root}/.state"
    assert (tmp_path / "pulumi.log").read_text(encoding="utf-8").splitlines() == [
        f"{backend} stack select --create dev",
        f"{backend} up --yes --stack dev",
    ]
    assert not (REPO / ".pulumi-cli").exists()


def test_a_tampered_cli_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    good = archive(fake_cli())
    tampered = archive([*fake_cli(), Member(name="pulumi/extra", data=b"#!/bin/sh\n")])
    root = scratch_checkout(tmp_path, sha256(good))
    with release_server() as server:
        server.serve_archive(tampered)
        result = run_deploy(root, tmp_path, base_url=server.base_url, **READY)
    assert result.returncode == 4, result.stderr
    assert f"expected SHA-256 {sha256(good)}, got {sha256(tampered)}" in result.stderr
    assert "the Pulumi CLI: 'pulumi' is not on PATH" in result.stderr
    assert "AWS credentials" not in result.stderr
    assert not (tmp_path / "pulumi.log").exists()
    assert not list((root / ".pulumi-cli").glob("*/pulumi"))
