"""Every physical name the stack derives for an AWS resource, computed in one place.

The components call these functions for the names they declare, and the config parser calls
them for the whole stack before anything is declared, so a name over AWS's limit is shortened the
same way everywhere and two resources that would get the same name in one scope (an account, or
an account and region) are a configuration error naming both keys. Names the user gives
(configuration sets, IAM users) are checked where they are parsed. No Pulumi import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .api_limits import shape_limits
from .validation import Problems

MAX_SQS_QUEUE_NAME = 80
"""SQS queue names: 1-80 letters, digits, ``-`` and ``_`` (``.fifo`` aside). botocore's SQS model
carries no length for ``QueueName``; the limit is the CreateQueue API reference's, and the
provider enforces it at preview (terraform-provider-aws, internal/service/sqs/queue.go)."""
MAX_SNS_TOPIC_NAME = 256
"""SNS topic names: 1-256 letters, digits, ``-`` and ``_`` (CreateTopic API reference)."""
MAX_ALARM_NAME = shape_limits("cloudwatch", "AlarmName").max or 255
STATEMENT_ID = shape_limits("lambda", "StatementId")
"""Lambda AddPermission's statement id: unique per function, at most 100 of ``[A-Za-z0-9_-]``."""
ENDPOINT_NAME = shape_limits("sesv2", "EndpointName")
"""An SES global endpoint's name: 1-64 of ``[\\w-]``, unique per account and primary region."""
MAX_NAME_PREFIX = 32
DEFAULT_PREFIX = "ses"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def fit(name: str, limit: int) -> str:
    """``name`` itself when it fits, else cut and ended with 8 hex digits of its SHA-256, so
    shortened names stay distinct and the same name always shortens the same way."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}-{digest}"


def stack_prefix(stack: str | None) -> str:
    """The default prefix of names that are only unique per account and region: ``ses-<stack>``,
    so two stacks of the project in one account never share an alarm, topic or dashboard."""
    if not stack:
        return DEFAULT_PREFIX
    return fit(_UNSAFE.sub("-", f"{DEFAULT_PREFIX}-{stack}"), MAX_NAME_PREFIX)


def topic_name(set_name: str, kind: str) -> str:
    """A configuration set's feedback topic."""
    return fit(f"{set_name}-{kind}", MAX_SNS_TOPIC_NAME)


def queue_name(set_name: str, kind: str) -> str:
    """The queue subscribed to a feedback topic."""
    return fit(f"{set_name}-{kind}", MAX_SQS_QUEUE_NAME)


def dead_letter_queue_name(set_name: str, kind: str) -> str:
    """The dead-letter queue behind :func:`queue_name`; its ``-dlq`` suffix is always kept."""
    return fit(f"{set_name}-{kind}", MAX_SQS_QUEUE_NAME - len("-dlq")) + "-dlq"


def alerts_topic_name(prefix: str) -> str:
    """The reputation alerts topic of a region."""
    return fit(f"{prefix}-reputation-alerts", MAX_SNS_TOPIC_NAME)


RATE_ALARM_SUFFIXES = ("bounce-rate", "complaint-rate")
"""The reputation alarms of each region."""


def alarm_name(prefix: str, suffix: str) -> str:
    """A reputation alarm (``suffix``: one of :data:`RATE_ALARM_SUFFIXES`)."""
    return fit(f"{prefix}-{suffix}", MAX_ALARM_NAME)


def dashboard_name(prefix: str, region: str) -> str:
    """The CloudWatch dashboard of a region (dashboard names are account-wide)."""
    return fit(f"{prefix}-{region}", MAX_SNS_TOPIC_NAME)


def lambda_statement_id(region: str, topic: str) -> str:
    """The statement that lets one topic invoke a function, derived from what it grants (the
    topic's region and name), so two topics subscribing one function get two statements where a
    constant id would collide. Letters and digits only: valid for Lambda (``[A-Za-z0-9_-]``, at
    most 100) and as an IAM policy ``Sid``, which is how the statement is linted."""
    digest = hashlib.sha256(f"{region}/{topic}".encode()).hexdigest()[:16]
    return f"AllowSnsInvoke{digest}"


def global_endpoint_name(domain: str) -> str:
    """The default name of a domain's global endpoint: the domain with dashes for dots, as its
    own configuration set is named; as unique as the domain's identities are."""
    return fit(domain.replace(".", "-"), ENDPOINT_NAME.max or 64)


def smtp_secret_name(user: str) -> str:
    """The default Secrets Manager name of an SMTP user's credentials,
    ``ses-smtp/<user>/credentials``. The last part keeps the name from ending in a hyphen and
    six characters (``...-mailer``), which Secrets Manager's partial-ARN lookups confuse with the
    random suffix of every ARN."""
    return f"ses-smtp/{user}/credentials"


@dataclass(frozen=True, kw_only=True)
class PhysicalName:
    """One name the stack will give an AWS resource."""

    kind: str
    """What is named, in words: ``SNS topic``, ``SQS queue``, ..."""
    scope: str
    """Where the name must be unique: a region (``us-east-1``), ``account`` or a function ARN."""
    name: str
    """The name."""
    key: str
    """The configuration key it comes from."""


def report_collisions(names: Iterable[PhysicalName], problems: Problems) -> None:
    """A configuration problem for each name that another resource of the same kind and scope
    already has, naming both keys."""
    first: dict[tuple[str, str, str], PhysicalName] = {}
    for item in names:
        slot = (item.kind, item.scope, item.name)
        earlier = first.setdefault(slot, item)
        if earlier is not item:
            where = "the account" if item.scope == "account" else item.scope
            problems.add(
                item.key,
                item.name,
                f"would name a {item.kind} that {earlier.key} already names in {where}; rename "
                "one of them (physical names must be unique)",
            )
