"""The main-job script refuses to start, naming every missing prerequisite at once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.paths import REPO


def run_deploy(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
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
        [str(REPO / "scripts" / "deploy.sh"), *args],
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
