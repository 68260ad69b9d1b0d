"""The GitHub Actions workflows: valid against the GitHub workflow schema (check-jsonschema's
vendored copy, offline), clean under zizmor (offline), and wired as docs/reuse.md describes:
pull-request code never meets prod's secrets or a role that can write, secrets reach steps only,
every action is pinned by commit."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import parliament
import pytest
import yaml

from tests.support.paths import REPO

WORKFLOW_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.y*ml"))
BIN = Path(sys.executable).parent
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$"
)
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:")
SECRET = re.compile(r"\$\{\{\s*secrets\.(\w+)\s*\}\}")


def load(name: str, root: Path = REPO) -> dict[str, Any]:
    path = root / ".github" / "workflows" / name
    # PyYAML reads the key `on` as True (YAML 1.1); map it back.
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {("on" if key is True else key): value for key, value in document.items()}


def check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema's vendored GitHub workflow schema, offline, on ``path``."""
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def zizmor(path: Path) -> list[dict[str, Any]]:
    """zizmor's findings (offline, default persona, as scripts/test.sh runs it) on ``path``."""
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return list(json.loads(result.stdout))


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).startswith(action + "@")]


def pulumi_pin() -> str:
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("pulumi=="):
            return line.split("==", 1)[1].split("#", 1)[0].strip()
    raise AssertionError("requirements.txt pins no pulumi")


def stack_problems(root: Path) -> list[str]:
    """What is wrong with the stacks the workflows name, for the checkout at ``root``: every
    deployed stack has its Pulumi.<stack>.yaml and an offline plan on pull requests. Stack files
    the workflows do not name (the examples, a user's own) are none of their business: the test
    job plans every stack file against its snapshot (test_plan.py, test_moto_replay.py)."""
    deployed = load("deploy.yml", root)["jobs"]["deploy"]["strategy"]["matrix"]["stack"]
    planned = load("preview.yml", root)["jobs"]["plan"]["strategy"]["matrix"]["stack"]
    problems = [f"deployed {deployed} but planned {planned}"] if planned != deployed else []
    problems += [
        f"stack {stack} has no Pulumi.{stack}.yaml"
        for stack in deployed
        if not (root / f"Pulumi.{stack}.yaml").is_file()
    ]
    return problems


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


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    assert zizmor(WORKFLOW_DIR) == []


def test_zizmor_catches_what_the_workflows_used_to_do(tmp_path: Path) -> None:
    old = tmp_path / "old.yml"
    old.write_text(
        "on: push\npermissions: {}\njobs:\n  x:\n    name: x\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ steps.verify.outputs.status }}\n"
    )
    found = {finding["ident"] for finding in zizmor(old)}
    assert found == {"unpinned-uses", "artipacked", "template-injection"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_with_its_version(workflow: Path) -> None:
    text = workflow.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if USES_LINE.match(line)]
    used = [s for job in load(workflow.name)["jobs"].values() for s in steps(job) if "uses" in s]
    assert len(lines) == len(used) > 0
    for line in lines:
        assert PINNED_USES.match(line), line


def test_one_action_is_pinned_to_one_commit_and_version_everywhere() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if match := PINNED_USES.match(line):
                pins.setdefault(match[1], set()).add((match[2], match[3]))
    assert pins and all(len(found) == 1 for found in pins.values()), pins


def test_the_pulumi_cli_matches_the_sdk_pin() -> None:
    found = [
        step
        for workflow in WORKFLOWS
        for job in load(workflow.name)["jobs"].values()
        for step in uses(job, "pulumi/actions")
    ]
    assert len(found) == 2
    assert all(step["with"]["pulumi-version"] == pulumi_pin() for step in found)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials_and_permissions_start_empty(workflow: Path) -> None:
    document = load(workflow.name)
    assert document["permissions"] == {}
    for job in document["jobs"].values():
        for checkout in uses(job, "actions/checkout"):
            assert checkout["with"]["persist-credentials"] is False


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_secrets_reach_steps_only(workflow: Path) -> None:
    document = load(workflow.name)
    assert not SECRET.search(json.dumps(document.get("env", {})))
    for job in document["jobs"].values():
        assert not SECRET.search(json.dumps(job.get("env", {})))
        for step in steps(job):
            assert not SECRET.search(step.get("run", "")), step
            assert "${{" not in step.get("run", ""), f"expand in env:, not in run: {step}"


def test_pull_request_code_gets_no_production_secret_and_no_writing_role() -> None:
    workflow = load("preview.yml")
    assert set(workflow["on"]) == {"pull_request"}
    text = (WORKFLOW_DIR / "preview.yml").read_text(encoding="utf-8")
    assert set(SECRET.findall(text)) == {
        "PREVIEW_PULUMI_ACCESS_TOKEN",
        "PREVIEW_PULUMI_CONFIG_PASSPHRASE",
        "GITHUB_TOKEN",
    }
    assert "vars.AWS_ROLE_ARN" not in text
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        # An environment would change the OIDC subject away from `pull_request`.
        assert "environment" not in job, name
        if uses(job, "actions/checkout"):
            assert set(job["permissions"]) <= {"contents", "id-token"}, name
            assert job["permissions"]["contents"] == "read", name
    (aws,) = [s for j in jobs.values() for s in uses(j, "aws-actions/configure-aws-credentials")]
    assert aws["with"]["role-to-assume"] == "${{ vars.PREVIEW_AWS_ROLE_ARN }}"
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(aws["with"])


def test_pull_requests_test_plan_every_stack_and_preview_dev_with_the_policy_pack() -> None:
    jobs = load("preview.yml")["jobs"]
    assert any(s.get("run") == "scripts/test.sh" for s in steps(jobs["test"]))
    plan = jobs["plan"]
    assert "id-token" not in plan["permissions"]
    (offline,) = [s for s in steps(plan) if "components.plan" in s.get("run", "")]
    assert '-m components.plan --stack "$STACK"' in offline["run"]
    assert offline["env"] == {"STACK": "${{ matrix.stack }}"}
    preview = jobs["preview-dev"]
    assert preview["needs"] == "test"
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert preview["permissions"] == {"contents": "read", "id-token": "write"}
    (install,) = uses(preview, "pulumi/actions")
    assert "command" not in install["with"]  # install only; the preview is the next step
    run = next(s for s in steps(preview) if "pulumi preview" in s.get("run", ""))
    assert "pulumi preview --stack dev --policy-pack policy" in run["run"]
    assert (REPO / "policy" / "PulumiPolicy.yaml").exists()
    order = [s.get("uses", s.get("name", "")).split("@")[0] for s in steps(preview)]
    assert order.index("aws-actions/configure-aws-credentials") < order.index(run["name"])
    comment = jobs["comment"]
    assert comment["needs"] == "preview-dev"
    assert comment["permissions"] == {"pull-requests": "write"}
    assert not uses(comment, "actions/checkout")  # it runs none of the pull request's code


def test_pushes_to_main_deploy_in_the_stacks_environment_verify_upload_and_fail() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    job = workflow["jobs"]["deploy"]
    assert job["environment"] == "${{ matrix.stack }}"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    (aws,) = uses(job, "aws-actions/configure-aws-credentials")
    assert aws["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
    (pulumi,) = uses(job, "pulumi/actions")
    assert pulumi["with"]["command"] == "up"
    assert pulumi["with"]["policyPacks"] == "policy"
    assert pulumi["env"] == {
        "PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}",
        "PULUMI_BACKEND_URL": "${{ vars.PULUMI_BACKEND_URL }}",
        "PULUMI_CONFIG_PASSPHRASE": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    }
    verify = next(s for s in steps(job) if s.get("id") == "verify")
    assert verify["env"]["STACK"] == "${{ matrix.stack }}"
    assert (
        'python -m checks verify --stack "$STACK" --wait 900 --json > report.json' in verify["run"]
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


def test_installs_are_hash_checked_from_the_locks() -> None:
    installs = [
        line
        for workflow in WORKFLOWS
        for line in workflow.read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
        if "pip install" in line
    ]
    assert installs
    for line in installs:
        assert "--require-hashes" in line and re.search(r"-r \S+\.lock\b", line), line


def _checkout_copy(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    shutil.copytree(WORKFLOW_DIR, root / ".github" / "workflows")
    for stack_file in REPO.glob("Pulumi.*.yaml"):
        shutil.copy(stack_file, root / stack_file.name)
    return root


def test_the_workflows_name_existing_stacks() -> None:
    assert stack_problems(REPO) == []


def test_a_stack_file_a_user_added_changes_nothing(tmp_path: Path) -> None:
    root = _checkout_copy(tmp_path)
    (root / "Pulumi.staging.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    assert stack_problems(root) == []


def test_a_deployed_stack_without_its_file_is_caught(tmp_path: Path) -> None:
    root = _checkout_copy(tmp_path)
    (root / "Pulumi.prod.yaml").unlink()
    assert stack_problems(root) == ["stack prod has no Pulumi.prod.yaml"]


def _ci_policies() -> list[dict[str, Any]]:
    """The JSON documents of docs/reuse.md's CI section, in order."""
    text = (REPO / "docs" / "reuse.md").read_text(encoding="utf-8")
    section = text[text.index("## CI:") : text.index("## Guardrails as policy")]
    blocks = re.findall(r"^( *)```json\n(.*?)^\1```$", section, flags=re.S | re.M)
    return [json.loads(textwrap.dedent(body)) for _, body in blocks]


def _subject(trust: dict[str, Any]) -> str:
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    condition = statement["Condition"]["StringEquals"]
    assert condition["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    return str(condition["token.actions.githubusercontent.com:sub"])


def test_the_documented_roles_trust_pull_requests_and_one_environment_only() -> None:
    preview_trust, _, deploy_trust = _ci_policies()
    assert _subject(preview_trust) == "repo:<org>/<repo>:pull_request"
    assert _subject(deploy_trust) == "repo:<org>/<repo>:environment:prod"


def test_the_documented_preview_role_can_only_read() -> None:
    _, permissions, _ = _ci_policies()
    levels = {
        (service["prefix"], privilege["privilege"].lower()): privilege["access_level"]
        for service in parliament.iam_definition
        for privilege in service["privileges"]
    }
    findings: set[tuple[str, str]] = set()
    for statement in permissions["Statement"]:
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert "*" not in action, action
            found = {
                levels[(e["service"], e["action"].lower())]
                for e in parliament.expand_action(action)
            }
            assert found and found <= {"Read", "List"}, (action, found)
        single = json.dumps({"Version": permissions["Version"], "Statement": [statement]})
        for community in (False, True):
            policy = parliament.analyze_policy_string(single, include_community_auditors=community)
            findings |= {(statement["Sid"], finding.issue) for finding in policy.findings}
    # Read-only describes of whatever the stack declares: their names derive from each domain.
    assert findings == {("ReadWhatTheStackDeclares", "RESOURCE_STAR")}
