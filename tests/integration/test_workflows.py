"""The GitHub Actions workflows: valid against the GitHub workflow schema (check-jsonschema's
vendored copy, offline) and wired as docs/reuse.md describes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))


def load(name: str) -> dict[str, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1); map it back.
    document = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return {("on" if key is True else key): value for key, value in document.items()}


def check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema's vendored GitHub workflow schema, offline, on ``path``."""
    check = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run(
        [str(check), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).startswith(action + "@")]


def test_there_are_two_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "preview.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_valid_against_the_github_schema(workflow: Path) -> None:
    result = check_workflow(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n")
    result = check_workflow(broken)
    assert result.returncode == 1


def _assert_oidc(job: dict[str, Any]) -> None:
    assert job["permissions"]["id-token"] == "write"
    (aws,) = uses(job, "aws-actions/configure-aws-credentials")
    assert aws["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(aws["with"])
    env = job["env"]
    assert env["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert env["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert env["PULUMI_CONFIG_PASSPHRASE"] == "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"


def _stacks() -> list[str]:
    return sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in REPO.glob("Pulumi.*.yaml")
    )


def test_pull_requests_test_then_preview_every_stack_with_the_policy_pack() -> None:
    workflow = load("preview.yml")
    assert set(workflow["on"]) == {"pull_request"}
    test_job = workflow["jobs"]["test"]
    assert any(s.get("run") == "scripts/test.sh" for s in steps(test_job))
    preview = workflow["jobs"]["preview"]
    assert preview["needs"] == "test"
    assert sorted(preview["strategy"]["matrix"]["stack"]) == _stacks()
    _assert_oidc(preview)
    assert preview["permissions"]["pull-requests"] == "write"
    (pulumi,) = uses(preview, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["stack-name"] == "${{ matrix.stack }}"
    assert pulumi["with"]["comment-on-pr"] is True
    assert pulumi["with"]["policyPacks"] == "policy"
    assert (REPO / pulumi["with"]["policyPacks"] / "PulumiPolicy.yaml").exists()
    order = [s.get("uses", s.get("name")) for s in steps(preview)]
    assert order.index("aws-actions/configure-aws-credentials@v4") < order.index(
        "pulumi/actions@v6"
    )


def test_pushes_to_main_deploy_verify_upload_and_fail_on_status() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    job = workflow["jobs"]["deploy"]
    assert sorted(job["strategy"]["matrix"]["stack"]) == _stacks()
    _assert_oidc(job)
    (pulumi,) = uses(job, "pulumi/actions")
    assert pulumi["with"]["command"] == "up"
    verify = next(s for s in steps(job) if s.get("id") == "verify")
    assert (
        "python -m checks verify --stack ${{ matrix.stack }} --wait 900 --json > report.json"
        in verify["run"]
    )
    assert (
        "set +e" in verify["run"] and 'echo "status=$status" >> "$GITHUB_OUTPUT"' in verify["run"]
    )
    (upload,) = uses(job, "actions/upload-artifact")
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "report.json"
    fail = steps(job)[-1]
    assert fail["if"] == "always() && steps.verify.outputs.status != '0'"
    assert "exit 1" in fail["run"]
    ordered = steps(job)
    assert ordered.index(verify) < ordered.index(upload) < ordered.index(fail)
