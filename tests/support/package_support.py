"""Building and installing the project the way a consumer's ``pip install git+https://...`` does,
offline: a copy of the packaged files, ``pip install --no-deps --no-index --no-build-isolation
--target DIR``, then Python processes that see only ``DIR`` and the venv's dependencies; or the
same copy built into a wheel (``pip wheel``) for a virtualenv to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO

IMPORT_NAME = "ses_domains"
DISTRIBUTION = "ses-domains"
PACKAGED = ("pyproject.toml", "components", "docs/reuse.md")
"""What the build reads: the rest of the repository is not part of the package."""


def _source_copy(workdir: Path) -> Path:
    """A clean copy of what the build reads, in ``workdir/source``."""
    source = workdir / "source"
    for item in PACKAGED:
        origin = REPO / item
        target = source / item
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(origin, target)
    return source


def _pip(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def install_package(workdir: Path) -> Path:
    """Install the project from a clean copy into ``workdir/site``; returns that directory."""
    site = workdir / "site"
    _pip(
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        "--target",
        str(site),
        str(_source_copy(workdir)),
    )
    return site


def build_wheel(workdir: Path) -> Path:
    """Build the project's wheel from a clean copy, offline, into ``workdir/wheels``; returns
    that directory (a ``--find-links`` for pip)."""
    wheels = workdir / "wheels"
    _pip(
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        "--wheel-dir",
        str(wheels),
        str(_source_copy(workdir)),
    )
    return wheels


def run_installed(
    site: Path, code: str, *, cwd: Path, timeout: int = 180
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in isolated mode (no PYTHONPATH, no current directory on ``sys.path``) with
    ``site`` first on the path: the repository's ``components`` folder is not importable."""
    bootstrap = f"import sys; sys.path.insert(0, {str(site)!r})\n"
    return subprocess.run(
        [sys.executable, "-I", "-c", bootstrap + code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
