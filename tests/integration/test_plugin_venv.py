"""The plugin started the way ``pulumi package add ./provider`` and a program using the package
start it: in a virtualenv of its own, away from the checkout, with the interpreter of that
virtualenv running the plugin's folder (``python <plugin dir> <engine address>``, which runs its
``__main__.py``), asked ``GetSchema`` over gRPC on 127.0.0.1 and stopped within a bound.

What the Pulumi Python runtime does (``PulumiPlugin.yaml``: ``toolchain: pip``, ``virtualenv:
venv``): ``python -m venv <plugin>/venv``, then ``venv/bin/python -m pip install -r
requirements.txt`` in the plugin's folder, then the plugin runs with that virtualenv activated
(``VIRTUAL_ENV``, its ``bin`` first on ``PATH``) in the program's folder. Here the one step
that would download is replaced: the third-party packages (Pulumi, the AWS SDKs, ...) come
from the test's own virtualenv through a ``.pth`` file, because this machine reaches no index;
the project itself is installed into the fresh virtualenv from the wheel the suite builds, with
``pip install --no-index --find-links``, so pip still checks that every dependency the wheel
declares is there at its pinned version.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from components import __version__
from tests.components.test_multilang_provider import (
    PLUGIN_DIR,
    SCHEMA,
    ask_schema,
    start_plugin,
    stop_plugin,
)
from tests.support.package_support import DISTRIBUTION, IMPORT_NAME
from tests.support.schema_rules import violations

PLUGIN_FILES = ("PulumiPlugin.yaml", "__main__.py", "requirements.txt")


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"


def _venv_site_packages(venv: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return venv / "lib" / version / "site-packages"


def _clean_env() -> dict[str, str]:
    """The environment without this test run's Python settings and with no pip configuration
    (no index, no find-links of the machine): only what each command is given."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH")
    }
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


@pytest.fixture(scope="module")
def plugin_venv(
    tmp_path_factory: pytest.TempPathFactory, package_wheel: Path
) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the plugin folder outside the checkout with its own ``venv``; returns the
    folder, the virtualenv and the activated environment."""
    plugin = tmp_path_factory.mktemp("plugin-outside") / "ses-provider"
    plugin.mkdir()
    for name in PLUGIN_FILES:
        shutil.copy(PLUGIN_DIR / name, plugin / name)
    venv = plugin / "venv"
    env = _clean_env()
    base_python = getattr(sys, "_base_executable", sys.executable)
    _run([base_python, "-m", "venv", str(venv)], plugin, env)
    shared = sysconfig.get_paths()["purelib"]
    (_venv_site_packages(venv) / "shared-third-party.pth").write_text(shared + "\n")
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index"]
    _run([*pip, "--find-links", str(package_wheel), f"{DISTRIBUTION}[cloudflare]"], plugin, env)
    return plugin, venv, env


def test_the_shared_packages_do_not_hold_the_project() -> None:
    """Otherwise the virtualenv could import the package without installing the wheel."""
    shared = Path(sysconfig.get_paths()["purelib"])
    assert not (shared / IMPORT_NAME).exists()
    assert not list(shared.glob(f"{DISTRIBUTION.replace('-', '_')}-*"))


def test_the_plugin_in_its_own_venv_serves_the_schema(
    plugin_venv: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    plugin, venv, env = plugin_venv
    python = venv / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", f"import {IMPORT_NAME}; print({IMPORT_NAME}.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    program = tmp_path / "program"  # the program's folder: where the runtime starts the plugin
    program.mkdir()
    process, port = start_plugin([str(python), str(plugin)], program, env=env)
    try:
        version, served = ask_schema(port)
    finally:
        errors = stop_plugin(process)
    assert "Traceback" not in errors, errors
    assert version == __version__
    schema: dict[str, Any] = json.loads(served)
    assert schema == SCHEMA
    assert violations(schema) == []
    assert schema["language"]["nodejs"]["packageName"] == "@ses-domains/ses"
