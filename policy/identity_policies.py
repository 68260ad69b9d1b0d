"""The sending authorization rule: an SES identity policy names specific principals and limits
the From addresses, so another account can send only as the addresses it was given."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from documents import PolicyDocument, as_list, as_mapping, short, statements
from pulumi_policy import ReportViolation, ResourceValidationArgs

IDENTITY_POLICY_TYPES = frozenset(
    {
        "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy",
        "aws:ses/identityPolicy:IdentityPolicy",
    }
)
ALLOWED_ACCOUNTS_KEY = "allowedAccountPrincipals"
"""The rule's config: account ids whose whole account (``:root``, or the bare id) may be named."""
_WHOLE_ACCOUNT = re.compile(r"(?:arn:aws[a-z-]*:iam::)?(\d{12})(?::root)?")
_FROM_OPERATORS = (
    "stringlike",
    "stringequals",
    "forallvalues:stringlike",
    "forallvalues:stringequals",
)
_ANY_ADDRESS = frozenset({"*", "*@*", "?*", "*@*.*"})


def _principal_problems(statement: Mapping[str, Any], allowed: Collection[str]) -> list[str]:
    if "NotPrincipal" in statement:
        return ["uses NotPrincipal; name the principals that may send"]
    principal = statement.get("Principal")
    if principal is None or principal == "*":
        return [f"names {short(principal or 'no principal')}; name the account's role or user"]
    problems: list[str] = []
    for kind, names in as_mapping(principal).items():
        for name in (str(n) for n in as_list(names)):
            whole = _WHOLE_ACCOUNT.fullmatch(name)
            if "*" in name:
                problems.append(f"lets {kind} {short(name)} send; name a specific principal")
            elif whole and whole.group(1) not in allowed:
                problems.append(
                    f"lets the whole account {whole.group(1)} send; name its role or user, or "
                    f"list the account in the policy config's {ALLOWED_ACCOUNTS_KEY}"
                )
    return problems or ([] if as_mapping(principal) else ["names no principal"])


def _limits_from(statement: Mapping[str, Any]) -> bool:
    for operator, keys in as_mapping(statement.get("Condition")).items():
        if str(operator).lower() not in _FROM_OPERATORS:
            continue
        for key, values in as_mapping(keys).items():
            patterns = {str(v) for v in as_list(values)}
            if str(key).lower() == "ses:fromaddress" and patterns and not patterns & _ANY_ADDRESS:
                return True
    return False


def identity_policy_specific(
    resource_type: str, props: Mapping[str, Any], *, allowed_accounts: Collection[str] = ()
) -> list[str]:
    """Every Allow statement of an SES identity policy names specific principals (never ``*``
    or a wildcard; a whole account only when ``allowed_accounts`` lists it) and limits
    ``ses:FromAddress`` with ``StringLike``/``StringEquals`` to something narrower than any
    address."""
    if resource_type not in IDENTITY_POLICY_TYPES:
        return []
    name = props.get("policyName") or props.get("name") or ""
    identity = props.get("emailIdentity") or props.get("identity") or ""
    label = f"sending authorization {short(name)} on {short(identity)}"
    parsed = PolicyDocument(props.get("policy"))
    document = parsed.document
    if document is None or parsed.problem is not None:
        return parsed.unreadable(label)
    problems: list[str] = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        where = f"{label}: statement {short(statement.get('Sid') or index)}"
        problems += [f"{where} {p}" for p in _principal_problems(statement, allowed_accounts)]
        if not _limits_from(statement):
            problems.append(
                f"{where} does not limit ses:FromAddress; add a StringLike condition with the "
                "addresses the principals may send as"
            )
    return problems


def validate_identity_policies(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """The pack's entry point: the rule with its config's allowed accounts."""
    allowed = {str(a) for a in as_list(as_mapping(args.get_config()).get(ALLOWED_ACCOUNTS_KEY))}
    for message in identity_policy_specific(
        args.resource_type, args.props, allowed_accounts=allowed
    ):
        report_violation(message, None)
