"""What an SNS subscription endpoint must be, per protocol, and where raw message delivery
applies. Pure (no Pulumi import): the parser checks endpoints with it, the components read
:data:`RAW_DELIVERY_PROTOCOLS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ..names import normalize_address
from .model import SubscriptionProtocol

RAW_DELIVERY_PROTOCOLS = frozenset({SubscriptionProtocol.SQS, SubscriptionProtocol.HTTPS})
"""SNS protocols where raw message delivery applies."""

_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"[a-z]{2,4}(?:-[a-z]+)+-\d"
"""A region code; the prefix is two letters except in the European Sovereign Cloud (eusc-)."""
_SQS_ARN = re.compile(rf"^arn:{_PARTITION}:sqs:{_REGION}:\d{{12}}:[A-Za-z0-9_-]{{1,80}}(\.fifo)?$")
_LAMBDA_ARN = re.compile(
    rf"^arn:{_PARTITION}:lambda:{_REGION}:\d{{12}}:function:[A-Za-z0-9_-]{{1,64}}"
    r"(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$"
)


def _check_https_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme != "https":
        raise ValueError("must start with https:// (SNS http endpoints send events in clear)")
    if not parts.hostname:
        raise ValueError("has no host name")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials; they would be stored in plain config")
    if any(char.isspace() for char in text):
        raise ValueError("contains white space")
    return text


def _check_sqs_arn(text: str) -> str:
    match = _SQS_ARN.match(text)
    if not match:
        raise ValueError("must be an SQS queue ARN: arn:aws:sqs:<region>:<12-digit account>:<name>")
    if match.group(1):
        raise ValueError("is a FIFO queue; a standard SNS topic cannot deliver to it")
    return text


def _check_lambda_arn(text: str) -> str:
    if not _LAMBDA_ARN.match(text):
        raise ValueError(
            "must be a Lambda function ARN: arn:aws:lambda:<region>:<account>:function:<name>"
        )
    return text


ENDPOINT_CHECKS: dict[SubscriptionProtocol, tuple[Callable[[str], str], str]] = {
    SubscriptionProtocol.EMAIL: (normalize_address, "an email address such as ops@example.com"),
    SubscriptionProtocol.HTTPS: (_check_https_url, "an https:// URL"),
    SubscriptionProtocol.SQS: (_check_sqs_arn, "an SQS queue ARN"),
    SubscriptionProtocol.LAMBDA: (_check_lambda_arn, "a Lambda function ARN"),
}
"""Per protocol: the check (returns the endpoint, normalised, or raises ``ValueError`` saying
why) and what the endpoint must be, for the error message."""
