"""Parsing a domain's ``sendingAuthorization`` list into
:class:`~.authorization.SendingAuthorization` policies, every problem reported at once.
Pure: no Pulumi."""

from __future__ import annotations

import re

from ..api_limits import shape_limits
from ..arns import parse_aws_principal
from ..regions import partition_of
from ..smtp.access import parse_from_pattern, parse_recipient_pattern
from ..validation import Fields, Problems, did_you_mean
from .authorization import DEFAULT_ACTIONS, SendAction, SendingAuthorization

POLICY_NAME_LIMITS = shape_limits("sesv2", "PolicyName")
"""SES's ``PolicyName``: 1-64 characters (botocore's model)."""
POLICY_NAME = re.compile(r"[A-Za-z0-9_-]+")
"""The characters SES allows in a policy name (API reference, CreateEmailIdentityPolicy: "can
only include alphanumeric characters, dashes, and underscores"); the model carries no pattern."""


def _name(fields: Fields, seen: dict[str, str], problems: Problems) -> str | None:
    name = fields.string("name", required=True)
    if name is None:
        return None
    problem = POLICY_NAME_LIMITS.problem(name)
    if problem is not None or not POLICY_NAME.fullmatch(name):
        problems.add(
            fields.key_path("name"),
            name,
            "must be an SES policy name: 1-64 letters, digits, '-' and '_'"
            + (f"; it {problem}" if problem else ""),
        )
        return None
    if name in seen:
        problems.add(fields.key_path("name"), name, f"duplicates {seen[name]} on this identity")
        return None
    seen[name] = fields.key_path("name")
    return name


def _actions(fields: Fields, problems: Problems) -> tuple[SendAction, ...]:
    if not fields.has("actions"):
        return DEFAULT_ACTIONS
    allowed = [action.value for action in SendAction]
    actions: list[SendAction] = []
    items = fields.string_list("actions")
    if not items:
        problems.add(
            fields.key_path("actions"),
            fields.raw("actions"),
            "must list at least one action (" + ", ".join(allowed) + "); leave it out for "
            "ses:SendEmail and ses:SendRawEmail",
        )
    for path, text in items:
        if text in allowed:
            actions.append(SendAction(text))
        else:
            problems.add(
                path, text, f"must be one of {', '.join(allowed)}{did_you_mean(text, allowed)}"
            )
    return tuple(dict.fromkeys(actions))


def parse_sending_authorization(
    entries: list[Fields], domain: str | None, region: str | None, problems: Problems
) -> tuple[SendingAuthorization, ...]:
    """The policies listed at a domain's ``sendingAuthorization`` (each entry's problems added
    to ``problems``; an entry with any problem is left out). ``domain`` and ``region`` are the
    parsed domain's (``None`` when unusable: the checks that need them are skipped)."""
    partition = partition_of(region) if region else None
    seen: dict[str, str] = {}
    policies: list[SendingAuthorization] = []
    for fields in entries:
        before = len(problems)
        name = _name(fields, seen, problems)
        principal_items = fields.string_list("principals")
        if not principal_items:
            problems.add(
                fields.key_path("principals"),
                fields.raw("principals"),
                "must list at least one account id or IAM role or user ARN that may send",
            )
        principals: list[str] = []
        for path, text in principal_items:
            if partition is None:
                continue
            try:
                principals.append(parse_aws_principal(text, partition))
            except ValueError as error:
                problems.add(path, text, str(error))
        actions = _actions(fields, problems)
        from_addresses: list[str] = []
        for path, text in fields.string_list("fromAddresses"):
            if domain is None:
                continue
            try:
                from_addresses.append(parse_from_pattern(text, [domain]))
            except ValueError as error:
                problems.add(
                    path,
                    text,
                    f"must be an address or wildcard (* any characters, ? one) under {domain}, "
                    f"e.g. orders@{domain} or *@{domain} ({error})",
                )
        recipients: list[str] = []
        for path, text in fields.string_list("recipients"):
            try:
                recipients.append(parse_recipient_pattern(text))
            except ValueError as error:
                problems.add(
                    path, text, f"must be an address or wildcard such as *@example.com ({error})"
                )
        fields.finish()
        if name is None or len(problems) > before:
            continue
        policies.append(
            SendingAuthorization(
                name=name,
                principals=tuple(dict.fromkeys(principals)),
                actions=actions,
                from_addresses=tuple(dict.fromkeys(from_addresses)),
                recipients=tuple(dict.fromkeys(recipients)),
            )
        )
    return tuple(policies)
