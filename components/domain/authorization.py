"""Sending authorization: which other accounts may send from a domain identity, and the policy
document (``aws.sesv2.EmailIdentityPolicy``) that says so. Pure: no Pulumi.

One policy allows named principals (accounts, IAM roles or users; never ``*``) the listed send
actions on exactly this identity, optionally only as some From addresses (``ses:FromAddress``)
and to some recipients (``ses:Recipients``). The document is serialised once, by
:func:`~..feedback.policies.to_json` (sorted keys), so the plan is the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..feedback.policies import POLICY_VERSION, to_json


class SendAction(StrEnum):
    """The SES actions a sending authorization policy may allow."""

    SEND_EMAIL = "ses:SendEmail"
    """Send through the API (SES v2 ``SendEmail``, and v1 ``SendEmail``)."""
    SEND_RAW_EMAIL = "ses:SendRawEmail"
    """Send raw MIME (v1 ``SendRawEmail``, and the SMTP interface)."""
    SEND_TEMPLATED_EMAIL = "ses:SendTemplatedEmail"
    """Send with an SES template."""
    SEND_BULK_TEMPLATED_EMAIL = "ses:SendBulkTemplatedEmail"
    """Send one template to many destinations."""


DEFAULT_ACTIONS = (SendAction.SEND_EMAIL, SendAction.SEND_RAW_EMAIL)
"""What a policy allows unless it lists ``actions``: the two ways to send a message."""
STATEMENT_ID = "AuthorizedSenders"


@dataclass(frozen=True, kw_only=True)
class SendingAuthorization:
    """One sending authorization policy on a domain identity."""

    name: str
    """The policy's name, unique on the identity (1-64 letters, digits, ``-`` and ``_``)."""
    principals: tuple[str, ...]
    """Who may send: account root ARNs (from account ids) and IAM role or user ARNs."""
    actions: tuple[SendAction, ...] = DEFAULT_ACTIONS
    """What they may call."""
    from_addresses: tuple[str, ...] = ()
    """``ses:FromAddress`` patterns (``StringLike``); empty: any address of the identity."""
    recipients: tuple[str, ...] = ()
    """``ses:Recipients`` patterns (``ForAllValues:StringLike``); empty: any recipient."""


def _one_or_many(values: Sequence[str]) -> str | list[str]:
    ordered = sorted(set(values))
    return ordered[0] if len(ordered) == 1 else ordered


def authorization_policy(identity_arn: str, authorization: SendingAuthorization) -> dict[str, Any]:
    """The policy document: one statement, on ``identity_arn`` only."""
    if not authorization.principals:
        raise ValueError("a sending authorization policy needs at least one principal")
    if any("*" in principal for principal in authorization.principals):
        raise ValueError("a sending authorization principal may not hold '*'")
    statement: dict[str, Any] = {
        "Sid": STATEMENT_ID,
        "Effect": "Allow",
        "Principal": {"AWS": _one_or_many(authorization.principals)},
        "Action": _one_or_many([action.value for action in authorization.actions]),
        "Resource": identity_arn,
    }
    condition: dict[str, Any] = {}
    if authorization.from_addresses:
        condition["StringLike"] = {"ses:FromAddress": _one_or_many(authorization.from_addresses)}
    if authorization.recipients:
        condition["ForAllValues:StringLike"] = {
            "ses:Recipients": _one_or_many(authorization.recipients)
        }
        # ForAllValues is also true when the key is absent; require it to be present.
        condition["Null"] = {"ses:Recipients": "false"}
    if condition:
        statement["Condition"] = condition
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def authorization_policy_json(identity_arn: str, authorization: SendingAuthorization) -> str:
    """:func:`authorization_policy` as the text the resource takes."""
    return to_json(authorization_policy(identity_arn, authorization))
