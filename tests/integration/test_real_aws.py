"""Opt-in: the dev stack against a real account with the Pulumi CLI. Never part of the proof.

Runs only with ``SES_TEST_REAL_AWS=1``, the ``pulumi`` CLI on PATH and AWS credentials, after
``Pulumi.dev.yaml`` names your own domain and Route 53 zone (the preview looks the zone up); it
then previews the dev stack on a throwaway local backend (nothing is created). Everything else in
the suite stands in for this with the mock runtime, pyright and botocore's models.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.aws

WHY_SKIPPED = (
    "needs a real AWS account and the Pulumi CLI: set SES_TEST_REAL_AWS=1 with credentials "
    "and 'pulumi' on PATH (neither is available on the machines this suite runs on)"
)


@pytest.mark.skipif(
    os.environ.get("SES_TEST_REAL_AWS") != "1" or shutil.which("pulumi") is None,
    reason=WHY_SKIPPED,
)
def test_dev_stack_previews_against_aws(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{tmp_path}",
        "PULUMI_CONFIG_PASSPHRASE": "opt-in-test",
    }
    subprocess.run(
        ["pulumi", "stack", "init", "dev"], cwd=REPO, env=environment, check=True, timeout=300
    )
    preview = subprocess.run(
        ["pulumi", "preview", "--stack", "dev", "--non-interactive"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "ses:index:SesDomain" in preview.stdout
