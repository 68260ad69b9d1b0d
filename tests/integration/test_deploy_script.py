"""The main-job script refuses to start, naming every missing prerequisite at once, and takes
one stack name or prints its usage."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import REPO


def run_deploy(tmp_path: Path, *args: str, repo: Path = REPO) -> subprocess.CompletedProcess[str]:
    path = ":".join(
        part
        for part in os.environ.get("PATH", "/usr/bin:/bin").split(":")
        if part and not (Path(part) / "pulumi").exists()
    )
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PULUMI_"))
    }
    environment.update(
        PATH=path,
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
    )
    return subprocess.run(
        [str(repo / "scripts" / "deploy.sh"), *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_missing_cli_credentials_and_passphrase_are_named_together(tmp_path: Path) -> None:
    result = run_deploy(tmp_path)
    assert result.returncode == 4, result.stderr
    assert "cannot deploy stack 'dev'; missing:" in result.stderr
    assert "the Pulumi CLI ('pulumi' is not on PATH)" in result.stderr
    assert "AWS credentials" in result.stderr
    assert "PULUMI_CONFIG_PASSPHRASE" in result.stderr
    assert not (REPO / ".state").exists() or not any((REPO / ".state").iterdir())


def test_bad_stack_stops_before_anything_else(tmp_path: Path) -> None:
    result = run_deploy(tmp_path, "no-such-stack")
    assert result.returncode == 2
    assert "Pulumi.no-such-stack.yaml does not exist" in result.stderr
    assert "missing:" not in result.stderr


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
    result = run_deploy(tmp_path, *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "usage: scripts/deploy.sh [STACK]" in result.stderr
    assert "missing:" not in result.stderr


def test_help_prints_usage(tmp_path: Path) -> None:
    result = run_deploy(tmp_path, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: scripts/deploy.sh [STACK]")


def test_list_shaped_config_is_refused_without_a_traceback(tmp_path: Path) -> None:
    """A copy of the project (the plan reads the stack files beside its own code) whose stack
    file holds a list where the config mapping belongs."""
    repo = tmp_path / "repo"
    shutil.copytree(
        REPO / "components", repo / "components", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO / "scripts", repo / "scripts")
    for name in ("__main__.py", "Pulumi.yaml", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(REPO / name, repo / name)
    (repo / ".venv").symlink_to((REPO / ".venv").resolve())
    (repo / "Pulumi.listed.yaml").write_text("config: [a, b]\n", encoding="utf-8")
    result = run_deploy(tmp_path, "listed", repo=repo)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "config must be a mapping of keys to values" in result.stderr
    assert "the configuration of stack 'listed' is not valid" in result.stderr
