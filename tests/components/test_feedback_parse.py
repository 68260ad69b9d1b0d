"""Feedback-loop configuration: defaults, enum values against botocore, and every bad input."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import botocore.session
import pytest

from components.feedback.model import (
    DEFAULT_BOUNCE_THRESHOLD,
    DEFAULT_COMPLAINT_THRESHOLD,
    DimensionValueSource,
    EventType,
    FeatureStatus,
    HttpsPolicy,
    SubscriptionProtocol,
    SuppressionReason,
    TlsPolicy,
    default_set_name,
)
from components.regions import partition_of, ses_regions
from components.stack_config import StackConfig, parse_stack_config
from components.validation import ConfigError

SESV2 = botocore.session.get_session().get_service_model("sesv2")
EMAIL_SUB = {"protocol": "email", "endpoint": "ops@example.com"}
ALARMS_OK = {"subscriptions": [EMAIL_SUB]}


def parse(**values: Any) -> StackConfig:
    values.setdefault("domains", [{"name": "example.com"}])
    values.setdefault("alarms", ALARMS_OK)
    return parse_stack_config(values, namespace="ses", aws_region="eu-west-1")


def problems_of(**values: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse(**values)
    return [str(problem) for problem in caught.value.problems]


def only_problem(**values: Any) -> str:
    found = problems_of(**values)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("enum", "shape"),
    [
        (EventType, "EventType"),
        (TlsPolicy, "TlsPolicy"),
        (SuppressionReason, "SuppressionListReason"),
        (HttpsPolicy, "HttpsPolicy"),
        (FeatureStatus, "FeatureStatus"),
        (DimensionValueSource, "DimensionValueSource"),
    ],
)
def test_enums_match_the_sesv2_model(enum: type[StrEnum], shape: str) -> None:
    assert [member.value for member in enum] == SESV2.shape_for(shape).enum


def test_max_delivery_bounds_match_the_model() -> None:
    metadata = SESV2.shape_for("MaxDeliverySeconds").metadata
    assert (metadata["min"], metadata["max"]) == (300, 50400)


def test_defaults_give_each_domain_its_own_set_with_the_full_loop() -> None:
    config = parse(domains=[{"name": "example.com"}, {"name": "Mail.Example.ORG"}])
    feedback = config.feedback
    assert feedback.domain_sets == {
        "example.com": "example-com",
        "mail.example.org": "mail-example-org",
    }
    first = feedback.set_named("example-com")
    assert first.region == "eu-west-1"
    assert first.tls_policy is TlsPolicy.REQUIRE
    assert first.reputation_metrics and first.sending_enabled
    assert first.suppressed_reasons == (SuppressionReason.BOUNCE, SuppressionReason.COMPLAINT)
    assert [(t.kind, t.events) for t in first.topics] == [
        ("bounce", (EventType.BOUNCE,)),
        ("complaint", (EventType.COMPLAINT,)),
        ("delivery", (EventType.DELIVERY,)),
    ]
    assert first.email_forwarding is False
    assert not first.kms.enabled and not first.cloudwatch.enabled
    assert feedback.alarms.bounce_rate_threshold == DEFAULT_BOUNCE_THRESHOLD == 0.04
    assert feedback.alarms.complaint_rate_threshold == DEFAULT_COMPLAINT_THRESHOLD == 0.0008
    assert feedback.alarm_regions == ("eu-west-1",)
    assert feedback.account_suppression is None
    assert config.warnings == ()


def test_shared_set_and_opt_out() -> None:
    config = parse(
        domains=[
            {"name": "a.example.com", "configurationSet": "shared"},
            {"name": "b.example.com", "configurationSet": "shared"},
            {"name": "c.example.com", "configurationSet": False},
        ],
        configurationSets=[{"name": "shared", "kms": {}, "tlsPolicy": "OPTIONAL"}],
    )
    assert config.feedback.domain_sets == {
        "a.example.com": "shared",
        "b.example.com": "shared",
        "c.example.com": None,
    }
    assert [s.name for s in config.feedback.configuration_sets] == ["shared"]
    assert config.feedback.set_named("shared").kms.enabled


def test_long_domain_gets_a_64_char_set_name() -> None:
    name = default_set_name(("a" * 60) + ".example.com")
    assert len(name) == 64


def test_account_suppression_only_when_asked() -> None:
    config = parse(accountSuppression={"suppressedReasons": ["COMPLAINT"]})
    assert config.feedback.account_suppression is not None
    assert config.feedback.account_suppression.suppressed_reasons == (SuppressionReason.COMPLAINT,)
    assert config.feedback.account_suppression.regions == ("eu-west-1",)


# --- warnings --------------------------------------------------------------------------------


def test_unrouted_complaint_is_a_warning_and_keeps_forwarding_on() -> None:
    config = parse(feedback={"topics": {"bounce": {}}})
    assert len(config.warnings) == 1
    assert "COMPLAINT events" in config.warnings[0]
    assert "allowUnroutedFeedback" in config.warnings[0]
    assert config.feedback.set_named("example-com").email_forwarding is True


def test_unrouted_allowed_explicitly_is_silent() -> None:
    config = parse(feedback={"topics": {"delivery": {}}, "allowUnroutedFeedback": True})
    assert config.warnings == ()


def test_threshold_at_review_level_warns() -> None:
    config = parse(alarms={**ALARMS_OK, "bounceRateThreshold": 0.05})
    assert any("review level" in warning for warning in config.warnings)


def test_alarms_without_subscribers_warn() -> None:
    config = parse(alarms={})
    assert any("no subscribers" in warning for warning in config.warnings)


# --- bad input: each case with its expected message -----------------------------------------

BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    (
        "unknown event type",
        {"feedback": {"topics": {"bounce": {"events": ["BOUNCED"]}}}},
        "ses:feedback.topics.bounce.events[0] = 'BOUNCED': is not an SES event type; one of SEND,",
    ),
    (
        "lowercase event type",
        {"feedback": {"topics": {"bounce": {"events": ["bounce"]}}}},
        "did you mean 'BOUNCE'?",
    ),
    (
        "event routed twice",
        {"feedback": {"topics": {"bounce": {}, "all": {"events": ["BOUNCE", "COMPLAINT"]}}}},
        "ses:feedback.topics.all.events = 'BOUNCE': is already routed to topic 'bounce'",
    ),
    (
        "custom topic without events",
        {"feedback": {"topics": {"bounce": {}, "complaint": {}, "opens": {}}}},
        "ses:feedback.topics.opens.events = (missing): is required for topic 'opens'",
    ),
    (
        "bad topic name",
        {"feedback": {"topics": {"Bounce Topic": {"events": ["BOUNCE"]}}}},
        "topic names are 1-30 lowercase letters",
    ),
    ("empty topics", {"feedback": {"topics": {}}}, "must name at least one topic"),
    (
        "forwarding off with complaints unrouted",
        {"feedback": {"topics": {"bounce": {}}, "emailForwarding": False}},
        "ses:feedback.emailForwarding = False: may be false only when BOUNCE and COMPLAINT",
    ),
    (
        "threshold above 1",
        {"alarms": {**ALARMS_OK, "bounceRateThreshold": 5}},
        "ses:alarms.bounceRateThreshold = 5: must be a number from 0 to 1",
    ),
    (
        "threshold negative",
        {"alarms": {**ALARMS_OK, "complaintRateThreshold": -0.001}},
        "ses:alarms.complaintRateThreshold = -0.001: must be a number from 0 to 1",
    ),
    (
        "threshold zero",
        {"alarms": {**ALARMS_OK, "complaintRateThreshold": 0}},
        "must be a fraction above 0 and at most 1",
    ),
    (
        "threshold not a number",
        {"alarms": {**ALARMS_OK, "bounceRateThreshold": "five percent"}},
        "ses:alarms.bounceRateThreshold = 'five percent': must be a number from 0 to 1",
    ),
    (
        "period not a multiple of 60",
        {"alarms": {**ALARMS_OK, "periodSeconds": 90}},
        "ses:alarms.periodSeconds = 90: must be a multiple of 60",
    ),
    (
        "bad alarm name prefix",
        {"alarms": {**ALARMS_OK, "namePrefix": "ses alarms"}},
        "must be 1-32 letters",
    ),
    (
        "bad email endpoint",
        {"alarms": {"subscriptions": [{"protocol": "email", "endpoint": "ops-at-example.com"}]}},
        "ses:alarms.subscriptions[0].endpoint = 'ops-at-example.com': must be an email address",
    ),
    (
        "http endpoint",
        {"alarms": {"subscriptions": [{"protocol": "https", "endpoint": "http://h.example"}]}},
        "must be an https:// URL for https (must start with https://",
    ),
    (
        "https endpoint with credentials",
        {
            "alarms": {
                "subscriptions": [{"protocol": "https", "endpoint": "https://u:p@h.example/"}]
            }
        },
        "must not carry credentials",
    ),
    (
        "bad sqs arn",
        {
            "alarms": {
                "subscriptions": [{"protocol": "sqs", "endpoint": "arn:aws:sns:eu-west-1:1:x"}]
            }
        },
        "must be an SQS queue ARN for sqs",
    ),
    (
        "fifo sqs arn",
        {
            "alarms": {
                "subscriptions": [
                    {"protocol": "sqs", "endpoint": "arn:aws:sqs:eu-west-1:123456789012:q.fifo"}
                ]
            }
        },
        "is a FIFO queue",
    ),
    (
        "bad lambda arn",
        {
            "feedback": {
                "topics": {
                    "bounce": {
                        "subscriptions": [
                            {"protocol": "lambda", "endpoint": "arn:aws:lambda:eu-west-1:12:f"}
                        ]
                    },
                    "complaint": {},
                }
            }
        },
        "ses:feedback.topics.bounce.subscriptions[0].endpoint = 'arn:aws:lambda:eu-west-1:12:f': "
        "must be a Lambda function ARN",
    ),
    (
        "unknown protocol",
        {"alarms": {"subscriptions": [{"protocol": "sms", "endpoint": "+15555550100"}]}},
        "ses:alarms.subscriptions[0].protocol = 'sms': must be one of email, https, sqs, lambda",
    ),
    (
        "missing protocol",
        {"alarms": {"subscriptions": [{"endpoint": "ops@example.com"}]}},
        "ses:alarms.subscriptions[0].protocol = (missing): is required",
    ),
    (
        "raw delivery on email",
        {"alarms": {"subscriptions": [{**EMAIL_SUB, "rawMessageDelivery": True}]}},
        "rawMessageDelivery = True: applies to sqs and https subscriptions only",
    ),
    (
        "duplicate subscription",
        {"alarms": {"subscriptions": [EMAIL_SUB, EMAIL_SUB]}},
        "ses:alarms.subscriptions[1].endpoint = 'ops@example.com': duplicates "
        "ses:alarms.subscriptions[0]",
    ),
    (
        "duplicate configuration set names",
        {
            "domains": [{"name": "example.com", "configurationSet": "main"}],
            "configurationSets": [{"name": "main"}, {"name": "main"}],
        },
        "ses:configurationSets[1].name = 'main': duplicates ses:configurationSets[0].name",
    ),
    (
        "own set name taken by an explicit set",
        {"configurationSets": [{"name": "example-com"}]},
        "ses:domains[0].configurationSet = True: the domain's own set would be named 'example-com'",
    ),
    (
        "unknown configuration set reference",
        {
            "domains": [{"name": "example.com", "configurationSet": "mian"}],
            "configurationSets": [{"name": "main"}],
        },
        "ses:domains[0].configurationSet = 'mian': names no entry of configurationSets "
        "(defined: main); did you mean 'main'?",
    ),
    (
        "set in another region",
        {
            "domains": [{"name": "example.com", "configurationSet": "main"}],
            "configurationSets": [{"name": "main", "region": "us-east-1"}],
        },
        "is in region us-east-1 but the domain is in eu-west-1",
    ),
    (
        "bad configuration set name",
        {
            "domains": [{"name": "example.com", "configurationSet": False}],
            "configurationSets": [{"name": "my set!"}],
        },
        "ses:configurationSets[0].name = 'my set!': configuration set names are 1-64",
    ),
    (
        "bad configurationSet reference type",
        {"domains": [{"name": "example.com", "configurationSet": 42}]},
        "ses:domains[0].configurationSet = 42: must be the name of an entry in configurationSets",
    ),
    (
        "tls policy in lower case",
        {"feedback": {"tlsPolicy": "require"}},
        "ses:feedback.tlsPolicy = 'require': must be one of REQUIRE, OPTIONAL; did you mean "
        "'REQUIRE'?",
    ),
    (
        "bad suppression reason",
        {"feedback": {"suppressedReasons": ["BOUNCES"]}},
        "ses:feedback.suppressedReasons[0] = 'BOUNCES': must be one of BOUNCE, COMPLAINT",
    ),
    (
        "max delivery too short",
        {"feedback": {"maxDeliverySeconds": 100}},
        "ses:feedback.maxDeliverySeconds = 100: must be a whole number from 300 to 50400",
    ),
    (
        "misspelt key",
        {"feedback": {"tlsPolcy": "REQUIRE"}},
        "ses:feedback.tlsPolcy: is not a known key; known keys here:",
    ),
    (
        "tracking domain is a URL",
        {"feedback": {"tracking": {"customRedirectDomain": "https://track.example.com"}}},
        "ses:feedback.tracking.customRedirectDomain = 'https://track.example.com': must be a "
        "domain name",
    ),
    (
        "bad https policy",
        {"feedback": {"tracking": {"customRedirectDomain": "t.example.com", "httpsPolicy": "ON"}}},
        "must be one of REQUIRE, REQUIRE_OPEN_ONLY, OPTIONAL",
    ),
    (
        "bad vdm status",
        {"feedback": {"vdm": {"engagementMetrics": "on"}}},
        "ses:feedback.vdm.engagementMetrics = 'on': must be one of ENABLED, DISABLED",
    ),
    (
        "bad dimension source",
        {"feedback": {"cloudWatch": {"dimensions": [{"name": "campaign", "source": "TAG"}]}}},
        "must be one of MESSAGE_TAG, EMAIL_HEADER, LINK_TAG",
    ),
    (
        "bad dimension name",
        {"feedback": {"cloudWatch": {"dimensions": [{"name": "camp aign"}]}}},
        "dimension names are 1-256",
    ),
    (
        "kms deletion window too short",
        {"feedback": {"kms": {"deletionWindowInDays": 3}}},
        "ses:feedback.kms.deletionWindowInDays = 3: must be a whole number from 7 to 30",
    ),
    (
        "bad account suppression reason",
        {"accountSuppression": {"suppressedReasons": ["SPAM"]}},
        "ses:accountSuppression.suppressedReasons[0] = 'SPAM': must be one of BOUNCE, COMPLAINT",
    ),
    (
        "bad queue receive count",
        {"feedback": {"topics": {"bounce": {"queue": {"maxReceiveCount": 0}}, "complaint": {}}}},
        "ses:feedback.topics.bounce.queue.maxReceiveCount = 0: must be a whole number from 1",
    ),
]


@pytest.mark.parametrize(
    ("values", "expected"),
    [pytest.param(values, expected, id=case) for case, values, expected in BAD_INPUTS],
)
def test_bad_input_is_reported_with_key_value_and_what_is_allowed(
    values: dict[str, Any], expected: str
) -> None:
    message = only_problem(**values)
    assert expected in message


def test_every_bad_input_at_once() -> None:
    """One configuration with many mistakes: all of them are reported in one error."""
    found = problems_of(
        domains=[
            {"name": "example.com", "configurationSet": "mian"},
            {"name": "example.org", "configurationSet": 42},
        ],
        configurationSets=[
            {"name": "main", "tlsPolicy": "require", "maxDeliverySeconds": 100},
            {"name": "main"},
        ],
        feedback={
            "topics": {
                "bounce": {"events": ["BOUNCED"]},
                "complaint": {
                    "subscriptions": [
                        {"protocol": "https", "endpoint": "http://h.example"},
                        {"protocol": "sqs", "endpoint": "arn:aws:sqs:nowhere"},
                        {"protocol": "lambda", "endpoint": "function-name"},
                        {"protocol": "email", "endpoint": "nobody"},
                    ]
                },
            },
            "suppressedReasons": ["BOUNCES"],
        },
        alarms={"bounceRateThreshold": 5, "complaintRateThreshold": -1, "periodSeconds": 90},
        accountSuppression={"suppressedReasons": ["SPAM"]},
    )
    expected = [
        "ses:configurationSets[0].tlsPolicy = 'require'",
        "ses:configurationSets[0].maxDeliverySeconds = 100",
        "ses:configurationSets[1].name = 'main': duplicates",
        "ses:feedback.topics.bounce.events[0] = 'BOUNCED'",
        "ses:feedback.topics.complaint.subscriptions[0].endpoint = 'http://h.example'",
        "ses:feedback.topics.complaint.subscriptions[1].endpoint = 'arn:aws:sqs:nowhere'",
        "ses:feedback.topics.complaint.subscriptions[2].endpoint = 'function-name'",
        "ses:feedback.topics.complaint.subscriptions[3].endpoint = 'nobody'",
        "ses:feedback.suppressedReasons[0] = 'BOUNCES'",
        "ses:domains[0].configurationSet = 'mian'",
        "ses:domains[1].configurationSet = 42",
        "ses:alarms.bounceRateThreshold = 5",
        "ses:alarms.complaintRateThreshold = -1",
        "ses:alarms.periodSeconds = 90",
        "ses:accountSuppression.suppressedReasons[0] = 'SPAM'",
    ]
    for fragment in expected:
        assert any(fragment in problem for problem in found), (fragment, found)
    assert len(found) == len(expected), found


def test_bad_input_case_count() -> None:
    """The figure for the closing note: distinct bad-input cases tested in this module."""
    assert len(BAD_INPUTS) == 41
    assert len({case for case, _, _ in BAD_INPUTS}) == len(BAD_INPUTS)


def test_subscription_protocols_cover_the_issue() -> None:
    assert {p.value for p in SubscriptionProtocol} == {"email", "https", "sqs", "lambda"}


@pytest.mark.parametrize("region", sorted(ses_regions()))
def test_queue_and_function_arns_in_every_ses_region_are_accepted(region: str) -> None:
    """Found by tests/components/test_generated_configs.py: eusc-de-east-1's four-letter
    prefix made its queue and function ARNs fail the endpoint check."""
    partition = partition_of(region)
    subscriptions = [
        {"protocol": "sqs", "endpoint": f"arn:{partition}:sqs:{region}:123456789012:bounces"},
        {
            "protocol": "lambda",
            "endpoint": f"arn:{partition}:lambda:{region}:123456789012:function:process",
        },
    ]
    config = parse(feedback={"topics": {"bounce": {"subscriptions": subscriptions}}})
    (own,) = config.feedback.configuration_sets
    (bounce,) = (topic for topic in own.topics if topic.kind == "bounce")
    assert [s.endpoint for s in bounce.subscriptions] == [s["endpoint"] for s in subscriptions]
