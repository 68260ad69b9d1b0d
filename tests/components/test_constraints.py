"""The constraints layer: AWS's and the providers' create-time limits, with their sources,
held against every resource the stacks declare."""

from __future__ import annotations

from typing import Any

import pytest

from components.api_limits import member_shape, shape_limits
from components.constraints import Origin, check_resources, constraints
from components.constraints.table import MODEL_MEMBERS
from components.plan import make_plan
from tests.support.paths import REPO

STACKS = sorted(
    p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in REPO.glob("Pulumi.*.yaml")
)


def _queue(name: str, region: str = "us-east-1", **inputs: Any) -> dict[str, Any]:
    return {
        "type": "aws:sqs/queue:Queue",
        "name": f"q-{name}-{region}",
        "parent": None,
        "inputs": {"name": name, "region": region, **inputs},
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_plans_with_no_constraint_violation(stack: str) -> None:
    plan = make_plan(stack)
    assert plan.resources
    assert plan.constraint_violations == ()
    assert plan.to_json()["constraint_violations"] == []


def test_all_stacks_deployed_into_one_account_share_no_physical_name() -> None:
    """The workflows deploy every stack with one role: held together, as one account holds them,
    no two stacks' resources may claim one name in its scope (before the names carried the stack,
    dev and prod shared the alerts topic, both alarms and the dashboard)."""
    together = [
        {**resource, "name": f"{stack}/{resource['name']}"}
        for stack in STACKS
        for resource in make_plan(stack).resources
    ]
    assert len(STACKS) >= 2
    assert check_resources(together) == []
    topic = next(r for r in together if r["type"] == "aws:sns/topic:Topic")
    (shared,) = check_resources([*together, {**topic, "name": "again"}])
    assert shared.resource_name == "again"
    assert shared.allowed.endswith(f"{topic['name']} declares the same")


def test_every_constraint_names_its_source_and_both_origins_are_used() -> None:
    found = constraints()
    assert all(c.source for c in found)
    origins = {c.origin for c in found}
    assert origins == {Origin.BOTOCORE, Origin.TABLE}


def test_botocore_limits_are_read_from_the_model() -> None:
    found = [c for c in constraints() if c.origin is Origin.BOTOCORE]
    checked = 0
    for resource_type, prop, service, operation, member in MODEL_MEMBERS:
        limits = shape_limits(service, member_shape(service, operation, member).name)
        if limits.max is None:
            continue
        maxima = {c.maximum for c in found if (c.type, c.property) == (resource_type, prop)}
        assert limits.max in maxima, (resource_type, prop)
        checked += 1
    assert checked > 10


def test_a_queue_name_over_80_characters_is_a_violation() -> None:
    (violation,) = check_resources([_queue("q" * 81)])
    assert violation.property == "name"
    assert "80" in violation.allowed
    assert len(violation.value) <= 110


def test_a_name_two_queues_share_in_one_region_is_a_violation_and_two_regions_are_not() -> None:
    assert check_resources([_queue("same"), _queue("same", region="eu-west-1")]) == []
    shared = check_resources([_queue("same"), {**_queue("same"), "name": "other-logical"}])
    assert len(shared) == 1


def test_a_second_stacks_contact_list_or_vdm_in_one_region_is_caught() -> None:
    """Contact lists and the account's VDM settings are one per account and region, whatever
    their names: only the platform stack declares them, in us-west-2, and another stack that
    declared its own there (deployed with the same role, into the same account) is refused."""
    resources = make_plan("platform").resources
    single = [
        r
        for r in resources
        if r["type"]
        in {
            "aws:sesv2/contactList:ContactList",
            "aws:sesv2/accountVdmAttributes:AccountVdmAttributes",
        }
    ]
    assert len(single) == 2
    others = [
        {**r, "name": f"dev/{r['name']}", "inputs": {**r["inputs"], "contactListName": "dev-list"}}
        for r in single
    ]
    assert {v.resource_name for v in check_resources([*single, *others])} == {
        f"dev/{r['name']}" for r in single
    }
    elsewhere = [{**r, "inputs": {**r["inputs"], "region": "eu-west-1"}} for r in others]
    assert check_resources([*single, *elsewhere]) == []


def test_a_contact_list_topic_name_ses_would_refuse_is_a_violation() -> None:
    (contact_list,) = [
        r
        for r in make_plan("platform").resources
        if r["type"] == "aws:sesv2/contactList:ContactList"
    ]
    topics = [{**contact_list["inputs"]["topics"][0], "topicName": "has space"}]
    (violation,) = check_resources(
        [{**contact_list, "inputs": {**contact_list["inputs"], "topics": topics}}]
    )
    assert violation.property == "topics[0].topicName"
    assert violation.value == "has space"
