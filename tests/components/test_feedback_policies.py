"""The feedback loop's policy documents, whole: who may act, on what, for which account and
sources, the TLS-only deny, the key policy, the redrive policy and the dashboard."""

from __future__ import annotations

import pytest

from components.feedback import policies

ACCOUNT = "123456789012"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-bounces"
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:ses-bounces"
SET_A = "arn:aws:ses:eu-west-1:123456789012:configuration-set/a"
SET_B = "arn:aws:ses:eu-west-1:123456789012:configuration-set/b"


def deny_without_tls(service: str, resource: str) -> dict[str, object]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": f"{service}:*",
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_ses_topic_policy_whole() -> None:
    assert policies.ses_topic_policy(TOPIC, ACCOUNT, [SET_B, SET_A, SET_B]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowSesPublish",
                "Effect": "Allow",
                "Principal": {"Service": "ses.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": TOPIC,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnEquals": {"aws:SourceArn": [SET_A, SET_B]},
                },
            },
            deny_without_tls("sns", TOPIC),
        ],
    }


def test_one_source_is_a_string_not_a_list() -> None:
    policy = policies.ses_topic_policy(TOPIC, ACCOUNT, [SET_A, SET_A])
    assert policy["Statement"][0]["Condition"]["ArnEquals"] == {"aws:SourceArn": SET_A}


def test_alarm_topic_policy_whole() -> None:
    alarm = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:bounce-rate"
    assert policies.alarm_topic_policy(TOPIC, ACCOUNT, [alarm]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowAlarmPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": TOPIC,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnEquals": {"aws:SourceArn": alarm},
                },
            },
            deny_without_tls("sns", TOPIC),
        ],
    }


def test_topic_queue_policy_whole() -> None:
    assert policies.topic_queue_policy(QUEUE, TOPIC, ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowTopicSend",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": QUEUE,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnEquals": {"aws:SourceArn": TOPIC},
                },
            },
            deny_without_tls("sqs", QUEUE),
        ],
    }


def test_ses_kms_key_policy_whole() -> None:
    assert policies.ses_kms_key_policy("aws-cn", ACCOUNT, [SET_A]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnableAccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws-cn:iam::123456789012:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AllowSesToEncryptFeedback",
                "Effect": "Allow",
                "Principal": {"Service": "ses.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnEquals": {"aws:SourceArn": SET_A},
                },
            },
        ],
    }


def test_lambda_invoke_statement_whole() -> None:
    function = "arn:aws:lambda:eu-west-1:123456789012:function:on-bounce"
    assert policies.lambda_invoke_statement(function, TOPIC, ACCOUNT, "sns-bounces") == {
        "Sid": "sns-bounces",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": function,
        "Condition": {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnEquals": {"aws:SourceArn": TOPIC},
        },
    }


def test_a_service_statement_needs_a_source() -> None:
    with pytest.raises(ValueError) as raised:
        policies.ses_topic_policy(TOPIC, ACCOUNT, [])
    assert str(raised.value) == "a service statement needs at least one source ARN"


def test_arns_in_other_partitions() -> None:
    assert (
        policies.configuration_set_arn("aws-us-gov", "us-gov-west-1", ACCOUNT, "main")
        == "arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/main"
    )
    assert (
        policies.default_event_bus_arn("aws-cn", "cn-north-1", ACCOUNT)
        == "arn:aws-cn:events:cn-north-1:123456789012:event-bus/default"
    )


def test_redrive_policy() -> None:
    assert policies.redrive_policy(QUEUE + "-dlq", 5) == {
        "deadLetterTargetArn": QUEUE + "-dlq",
        "maxReceiveCount": 5,
    }


def test_to_json_sorts_keys() -> None:
    assert policies.to_json({"b": 1, "a": {"d": 2, "c": 3}}) == '{"a": {"c": 3, "d": 2}, "b": 1}'


def test_dashboard_body_whole() -> None:
    body = policies.dashboard_body("eu-west-1", 0.05, 0.001, period=300)
    assert body == {
        "widgets": [
            {
                "type": "metric",
                "x": 0,
                "y": 0,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": "SES sending",
                    "region": "eu-west-1",
                    "metrics": [
                        ["AWS/SES", "Send"],
                        ["AWS/SES", "Delivery"],
                        ["AWS/SES", "Bounce"],
                        ["AWS/SES", "Complaint"],
                        ["AWS/SES", "Reject"],
                    ],
                    "stat": "Sum",
                    "period": 300,
                    "view": "timeSeries",
                },
            },
            {
                "type": "metric",
                "x": 12,
                "y": 0,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": "SES reputation",
                    "region": "eu-west-1",
                    "metrics": [
                        ["AWS/SES", "Reputation.BounceRate"],
                        ["AWS/SES", "Reputation.ComplaintRate"],
                    ],
                    "stat": "Maximum",
                    "period": 300,
                    "view": "timeSeries",
                    "yAxis": {"left": {"min": 0}},
                    "annotations": {
                        "horizontal": [
                            {"label": "bounce-rate alarm", "value": 0.05},
                            {"label": "complaint-rate alarm", "value": 0.001},
                        ]
                    },
                },
            },
        ]
    }


def test_dashboard_period_defaults_to_an_hour() -> None:
    body = policies.dashboard_body("eu-west-1", 0.05, 0.001)
    assert [w["properties"]["period"] for w in body["widgets"]] == [3600, 3600]
