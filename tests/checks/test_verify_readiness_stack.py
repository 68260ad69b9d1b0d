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


def test_the_outputs_alone_have_no_resource_facts() -> None:
    outputs = json.loads(plan_text("platform"))["outputs"]
    facts = stack_facts(json.dumps(outputs))
    assert facts.outputs and not facts.resources
    assert facts.contact_lists == {"us-west-2": "platform-subscribers"}
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
            "configuration_sets": {"main": {"domains": ["a.example", 3]}, "other": []},
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
    assert facts.set_tls == {} and facts.complaint_thresholds == {}
