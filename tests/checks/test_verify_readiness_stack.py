"""What ``--mailbox-providers`` reads from the stack document (``readiness_stack``): the reviewed
plans' documents, their outputs alone, and documents that hold nothing usable."""

from __future__ import annotations

import json

import pytest

from components.checks.verify.readiness_stack import StackFacts, stack_facts
from tests.support.paths import REPO

SNAPSHOTS = REPO / "tests" / "snapshots"


def plan_text(stack: str) -> str:
    return (SNAPSHOTS / f"plan-{stack}.json").read_text(encoding="utf-8")


def test_the_platform_plan() -> None:
    facts = stack_facts(plan_text("platform"))
    assert facts.outputs and facts.resources
    assert facts.contact_lists == {"us-west-2": "platform-subscribers"}
    assert facts.domain_sets == {
        "acme.example.net": "acme-marketing",
        "platform.example.com": "platform-transactional",
    }
    assert facts.pools == {"platform-marketing": "MANAGED"}
    assert facts.set_pools == {
        "acme-marketing": "platform-marketing",
        "platform-transactional": None,
    }
    assert facts.set_tls == {"acme-marketing": "REQUIRE", "platform-transactional": "REQUIRE"}
    assert facts.alarm_regions == {"us-west-2"}
    assert facts.complaint_thresholds == {"us-west-2": 0.0008}


def test_the_marketing_plan() -> None:
    facts = stack_facts(plan_text("marketing"))
    assert facts.domain_sets == {"news.example.com": "marketing"}
    assert facts.contact_lists == {} and facts.pools == {}
    assert facts.complaint_thresholds == {"us-east-1": 0.0008}


@pytest.mark.parametrize("stack", ["platform", "marketing", "prod", "global", "adopt"])
def test_the_outputs_alone_say_what_the_plan_says(stack: str) -> None:
    """Each set's TLS policy and pool and each region's complaint threshold are outputs, so
    ``pulumi stack output --json`` alone decides what the plan's resources did."""
    plan = stack_facts(plan_text(stack))
    facts = stack_facts(json.dumps(json.loads(plan_text(stack))["outputs"]))
    assert facts.outputs and not facts.resources
    assert facts.set_tls == plan.set_tls and facts.set_tls
    assert facts.set_pools == plan.set_pools
    assert facts.complaint_thresholds == plan.complaint_thresholds


def test_the_platform_outputs_alone() -> None:
    outputs = json.loads(plan_text("platform"))["outputs"]
    facts = stack_facts(json.dumps(outputs))
    assert facts.contact_lists == {"us-west-2": "platform-subscribers"}
    assert facts.set_pools == {
        "acme-marketing": "platform-marketing",
        "platform-transactional": None,
    }
    assert facts.set_tls == {"acme-marketing": "REQUIRE", "platform-transactional": "REQUIRE"}
    assert facts.complaint_thresholds == {"us-west-2": 0.0008}


def test_outputs_of_a_stack_deployed_before_the_new_outputs() -> None:
    """Outputs without ``tls_policy``, ``sending_pool_name`` and the thresholds: not known."""
    outputs = json.loads(plan_text("platform"))["outputs"]
    for entry in outputs["configuration_sets"].values():
        del entry["tls_policy"], entry["sending_pool_name"]
    for entry in outputs["reputation_alarms"].values():
        del entry["complaint_rate_threshold"], entry["bounce_rate_threshold"]
    facts = stack_facts(json.dumps(outputs))
    assert facts.outputs and facts.alarm_regions == {"us-west-2"}
    assert facts.set_tls == {} and facts.set_pools == {} and facts.complaint_thresholds == {}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '[{"domain": "example.com"}]',
        '{"dns_records": []}',
        '{"outputs": {"dns_records": []}, "resources": []}',
    ],
)
def test_nothing_usable_is_no_facts(text: str) -> None:
    assert stack_facts(text) == StackFacts()


def test_entries_not_shaped_as_the_stack_writes_them_are_left_out() -> None:
    document = {
        "outputs": {
            "dns_records": [],
            "contact_lists": {"us-east-1": {"name": 7}, "eu-west-1": "x"},
            "configuration_sets": {
                "main": {"domains": ["a.example", 3], "tls_policy": 1, "sending_pool_name": 2},
                "other": [],
            },
            "dedicated_ip_pools": {"p": {"name": "p"}},
            "reputation_alarms": ["us-east-1"],
        },
        "resources": [
            "x",
            {"type": "aws:sesv2/configurationSet:ConfigurationSet", "inputs": {}},
            {
                "type": "aws:cloudwatch/metricAlarm:MetricAlarm",
                "inputs": {
                    "metricName": "Reputation.ComplaintRate",
                    "region": "us-east-1",
                    "threshold": True,
                },
            },
        ],
    }
    facts = stack_facts(json.dumps(document))
    assert facts.outputs and facts.resources
    assert facts.contact_lists == {} and facts.pools == {} and facts.alarm_regions == set()
    assert facts.domain_sets == {"a.example": "main"}
    assert facts.set_tls == {} and facts.set_pools == {} and facts.complaint_thresholds == {}


@pytest.mark.parametrize("threshold", [True, "0.001", None, [0.001]])
def test_a_threshold_output_that_is_no_number_is_left_out(threshold: object) -> None:
    outputs = {
        "dns_records": [],
        "reputation_alarms": {"us-east-1": {"complaint_rate_threshold": threshold}},
    }
    facts = stack_facts(json.dumps(outputs))
    assert facts.alarm_regions == {"us-east-1"} and facts.complaint_thresholds == {}
