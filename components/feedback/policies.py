"""Resource policies and documents of the feedback loop, as plain dicts.

Pure functions with no Pulumi import: the components call them inside ``apply`` and serialise
with :func:`to_json` (sorted keys), so the plan is deterministic and tests can check every
statement (and lint it with parliament) without a runtime.

Every statement that lets an AWS service act is guarded against the confused deputy: the service
principal may act only for this account (``aws:SourceAccount``) and only on behalf of the exact
resource that should (``aws:SourceArn``: the configuration set, the topic, the alarms).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

POLICY_VERSION = "2012-10-17"
SES_PRINCIPAL = "ses.amazonaws.com"
SNS_PRINCIPAL = "sns.amazonaws.com"
CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"

Policy = dict[str, Any]
Statement = dict[str, Any]


def to_json(document: Mapping[str, Any]) -> str:
    """``document`` as JSON with sorted keys: the same text for the same document, every run."""
    return json.dumps(document, sort_keys=True)


def _one_or_many(values: Sequence[str]) -> str | list[str]:
    ordered = sorted(set(values))
    return ordered[0] if len(ordered) == 1 else ordered


def _source_conditions(account_id: str, source_arns: Sequence[str]) -> dict[str, Any]:
    if not source_arns:
        raise ValueError("a service statement needs at least one source ARN")
    return {
        "StringEquals": {"aws:SourceAccount": account_id},
        "ArnEquals": {"aws:SourceArn": _one_or_many(source_arns)},
    }


def _deny_insecure_transport(action: str, resource: str) -> Statement:
    """Nobody may use ``resource`` without TLS: every action of the service ``action`` belongs
    to (``sns:*``, ``sqs:*``), not only the one the policy allows.

    SES, CloudWatch and SNS reach the topics and queues over TLS, so their deliveries pass; and
    with ``Bool`` (not ``BoolIfExists``) a request without the key is not denied either."""
    service = action.split(":", 1)[0]
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": f"{service}:*",
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def configuration_set_arn(partition: str, region: str, account_id: str, name: str) -> str:
    """ARN of an SES configuration set (what SES sends as ``aws:SourceArn``)."""
    return f"arn:{partition}:ses:{region}:{account_id}:configuration-set/{name}"


def default_event_bus_arn(partition: str, region: str, account_id: str) -> str:
    """ARN of the region's default EventBridge bus."""
    return f"arn:{partition}:events:{region}:{account_id}:event-bus/default"


def _service_only_policy(
    sid: str, principal: str, action: str, resource: str, account_id: str, sources: Sequence[str]
) -> Policy:
    """One service may take one action on one resource, for this account and these sources,
    and nobody may take any action on the resource without TLS."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            _service_statement(sid, principal, action, resource, account_id, sources),
            _deny_insecure_transport(action, resource),
        ],
    }


def _service_statement(
    sid: str, principal: str, action: str, resource: str, account_id: str, sources: Sequence[str]
) -> Statement:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": action,
        "Resource": resource,
        "Condition": _source_conditions(account_id, sources),
    }


def ses_topic_policy(topic_arn: str, account_id: str, source_arns: Sequence[str]) -> Policy:
    """Feedback topic policy: only SES, for these configuration sets, may publish."""
    return _service_only_policy(
        "AllowSesPublish", SES_PRINCIPAL, "sns:Publish", topic_arn, account_id, source_arns
    )


def alarm_topic_policy(topic_arn: str, account_id: str, alarm_arns: Sequence[str]) -> Policy:
    """Alerts topic policy: only CloudWatch, for these alarms, may publish."""
    return _service_only_policy(
        "AllowAlarmPublish", CLOUDWATCH_PRINCIPAL, "sns:Publish", topic_arn, account_id, alarm_arns
    )


def ses_kms_key_policy(partition: str, account_id: str, source_arns: Sequence[str]) -> Policy:
    """Key policy of the feedback topics' key.

    The account root statement delegates administration to IAM in the account, so the key can
    never be orphaned; the SES statement is what lets SES publish to the encrypted topics (without
    it event destinations fail silently). In a key policy ``Resource: "*"`` means "this key".
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "EnableAccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AllowSesToEncryptFeedback",
                "Effect": "Allow",
                "Principal": {"Service": SES_PRINCIPAL},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": _source_conditions(account_id, source_arns),
            },
        ],
    }


def topic_queue_policy(queue_arn: str, topic_arn: str, account_id: str) -> Policy:
    """Queue policy: only SNS, for this one topic, may send messages to the queue."""
    return _service_only_policy(
        "AllowTopicSend", SNS_PRINCIPAL, "sqs:SendMessage", queue_arn, account_id, [topic_arn]
    )


def lambda_invoke_statement(
    function_arn: str, topic_arn: str, account_id: str, statement_id: str
) -> Statement:
    """The statement an ``aws.lambda_.Permission`` adds to the function's resource policy.

    The component builds the permission from this statement (statement id, principal, action,
    source ARN and account), so what is linted is what is declared. The statement id must be
    unique per function: :func:`..physical_names.lambda_statement_id` derives it from the topic.
    """
    return _service_statement(
        statement_id,
        SNS_PRINCIPAL,
        "lambda:InvokeFunction",
        function_arn,
        account_id,
        [topic_arn],
    )


def redrive_policy(dead_letter_queue_arn: str, max_receive_count: int) -> dict[str, Any]:
    """SQS redrive policy: after ``max_receive_count`` receives, a message goes to the DLQ."""
    return {"deadLetterTargetArn": dead_letter_queue_arn, "maxReceiveCount": max_receive_count}


DASHBOARD_COUNTS = ("Send", "Delivery", "Bounce", "Complaint", "Reject")
DASHBOARD_RATES = ("Reputation.BounceRate", "Reputation.ComplaintRate")


def dashboard_body(
    region: str, bounce_threshold: float, complaint_threshold: float, period: int = 3600
) -> dict[str, Any]:
    """CloudWatch dashboard: SES sending counts and the two reputation rates with thresholds."""
    counts = [["AWS/SES", metric] for metric in DASHBOARD_COUNTS]
    return {
        "widgets": [
            {
                "type": "metric",
                "x": 0,
                "y": 0,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": "SES sending",
                    "region": region,
                    "metrics": counts,
                    "stat": "Sum",
                    "period": period,
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
                    "region": region,
                    "metrics": [["AWS/SES", metric] for metric in DASHBOARD_RATES],
                    "stat": "Maximum",
                    "period": period,
                    "view": "timeSeries",
                    "yAxis": {"left": {"min": 0}},
                    "annotations": {
                        "horizontal": [
                            {"label": "bounce-rate alarm", "value": bounce_threshold},
                            {"label": "complaint-rate alarm", "value": complaint_threshold},
                        ]
                    },
                },
            },
        ]
    }
