"""Generated configurations near every limit: what the plan declares, AWS accepts.

Each configuration drawn by :func:`~tests.support.config_strategies.stack_configs` is either
refused by ``parse_stack_config`` with every problem under ``ses:`` or ``aws:`` (and then the
offline plan CLI exits 2), or planned with no constraint violation (create-time limits, physical
names unique in their scope) and no duplicate logical name. A configuration that
crosses a limit on purpose must be refused. ``python -m bench.generated_configs`` runs the same
property for many more examples.
"""

from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, given, settings

from components.plan.run import make_plan
from tests.support.config_strategies import BREAKS, DrawnStack, stack_configs
from tests.support.generated_configs import (
    STACK,
    Outcome,
    judge,
    plan_violations,
    project_dir,
)
from tests.support.paths import REPO

EXAMPLES = 30
"""About 1 s of planning each: the test stays within a minute on two shared cores."""


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(stack_configs())
def test_each_configuration_is_refused_by_key_or_planned_without_collisions(
    drawn: DrawnStack,
) -> None:
    verdict = judge(drawn)
    assert verdict.outcome is not Outcome.VIOLATION, "\n".join(verdict.violations)


def plan_cli(drawn: DrawnStack) -> subprocess.CompletedProcess[str]:
    with project_dir(drawn) as path:
        return subprocess.run(
            [sys.executable, "-m", "components.plan", "--stack", STACK, "--project-dir", str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )


def valid_stack(**values: object) -> DrawnStack:
    domains = [{"name": "example.com", "dns": {"provider": "external"}}]
    return DrawnStack(values={"domains": domains, **values}, aws_region="eu-west-1")


def test_refused_configurations_exit_2_naming_the_key() -> None:
    for broken in ("label 64 octets", "topic kind 31", "IAM group name 129"):
        drawn = valid_stack()
        BREAKS[broken](drawn.values, drawn.aws_region)
        result = plan_cli(drawn)
        assert result.returncode == 2, (broken, result.stderr)
        assert f"plan: stack {STACK!r}: " in result.stderr
        assert "ses:" in result.stderr, result.stderr


def test_a_valid_configuration_plans_through_the_cli() -> None:
    result = plan_cli(valid_stack())
    assert result.returncode == 0, result.stderr


def test_the_property_finds_a_shared_name_and_a_crossed_limit() -> None:
    """The check is shown working on a real plan with one resource doubled, physically and
    logically, and one input past its limit."""
    with project_dir(valid_stack()) as path:
        resources = make_plan(STACK, path).resources
    assert plan_violations(resources) == []
    (identity,) = (r for r in resources if r["type"].endswith("emailIdentity:EmailIdentity"))
    (shared,) = plan_violations([*resources, {**identity, "name": "twin"}])
    assert shared.startswith(f"twin ({identity['type']}): emailIdentity = ")
    assert f"{identity['name']} declares the same" in shared
    (logical,) = plan_violations([*resources, identity])
    assert (
        logical == f"{identity['type']} {identity['name']}: two resources share this logical name"
    )
    bad_set = {**identity, "name": "bad-set"}
    bad_set["inputs"] = {**identity["inputs"], "configurationSetName": "not valid!"}
    assert any(v.startswith("bad-set (") for v in plan_violations([*resources, bad_set]))
