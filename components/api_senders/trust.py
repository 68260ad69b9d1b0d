"""An API sender role's trust policy: checking the ``trust`` settings and building the document.
Pure: no Pulumi; serialised once with :func:`~..feedback.policies.to_json`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..arns import parse_trust_principal
from ..feedback.policies import POLICY_VERSION, to_json
from ..validation import Fields, as_list, as_mapping, did_you_mean
from .model import TrustConfig, TrustPrincipalKind

_BASE_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
)
"""IAM's condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators");
each may end in ``IfExists`` (except ``Null``) and take a ``ForAllValues:``/``ForAnyValue:``
set prefix."""
_OPERATOR = re.compile(
    r"(?:(?P<set>ForAllValues|ForAnyValue):)?(?P<base>[A-Za-z]+?)(?P<ifexists>IfExists)?"
)
_CONDITION_KEY = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9_./:@+=,-]{1,128}")
TRUST_ACTION = "sts:AssumeRole"
TRUST_SID = "TrustedToSend"


def operator_problem(operator: str) -> str | None:
    """Why ``operator`` is not an IAM condition operator (``None`` when it is)."""
    match = _OPERATOR.fullmatch(operator)
    if (
        match
        and match["base"] in _BASE_OPERATORS
        and not (match["base"] == "Null" and match["ifexists"])
    ):
        return None
    return (
        "must be an IAM condition operator such as StringEquals, StringLike or ArnLike "
        "(optionally ending in IfExists, or after ForAllValues: / ForAnyValue:)"
        + did_you_mean(operator, list(_BASE_OPERATORS))
    )


def parse_conditions(fields: Fields, key: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """The ``conditions`` map at ``key``: operator -> condition key -> a value or a list."""
    problems = fields.problems
    raw = fields.raw(key)
    if raw is None:
        return {}
    outer = as_mapping(raw)
    path = fields.key_path(key)
    if outer is None:
        problems.add(path, raw, "must map IAM condition operators to {condition key: values}")
        return {}
    conditions: dict[str, dict[str, tuple[str, ...]]] = {}
    for operator, inner_raw in outer.items():
        operator_path = f"{path}.{operator}"
        if (problem := operator_problem(operator)) is not None:
            problems.add(operator_path, operator, problem)
            continue
        inner = as_mapping(inner_raw)
        if not inner:
            problems.add(
                operator_path, inner_raw, "must map condition keys (aws:SourceAccount) to values"
            )
            continue
        for condition_key, value in inner.items():
            value_path = f"{operator_path}.{condition_key}"
            if not _CONDITION_KEY.fullmatch(condition_key):
                problems.add(
                    value_path,
                    condition_key,
                    "must be a condition key such as aws:SourceAccount or sts:ExternalId",
                )
                continue
            values = [value] if isinstance(value, str | bool | int) else as_list(value)
            texts = [str(v).lower() if isinstance(v, bool) else str(v) for v in values or []]
            if not texts or not all(isinstance(v, str | bool | int) for v in values or []):
                problems.add(value_path, value, "must be a string or a non-empty list of strings")
                continue
            conditions.setdefault(operator, {})[condition_key] = tuple(dict.fromkeys(texts))
    return conditions


def parse_trust(fields: Fields, partition: str | None) -> TrustConfig | None:
    """A role's ``trust`` object (``None`` with its problems added when unusable)."""
    problems = fields.problems
    items = fields.string_list("principals")
    if not items:
        problems.add(
            fields.key_path("principals"),
            fields.raw("principals"),
            "must list at least one principal that may assume the role: a service principal "
            "(ecs-tasks.amazonaws.com), an account id or an IAM role ARN",
        )
    principals: list[tuple[TrustPrincipalKind, str]] = []
    for path, text in items:
        if partition is None:
            continue
        try:
            kind, name = parse_trust_principal(text, partition)
        except ValueError as error:
            problems.add(path, text, str(error))
            continue
        principals.append((TrustPrincipalKind(kind), name))
    conditions = parse_conditions(fields, "conditions")
    fields.finish()
    if not principals or len(principals) != len(items):
        return None
    return TrustConfig(principals=tuple(dict.fromkeys(principals)), conditions=conditions)


def trust_policy(trust: TrustConfig) -> dict[str, Any]:
    """The role's trust policy: only the named principals may assume it, under the conditions."""
    if not trust.principals:
        raise ValueError("a trust policy needs at least one principal")
    principal: dict[str, Any] = {}
    for kind in TrustPrincipalKind:
        names = sorted({name for found, name in trust.principals if found is kind})
        if names:
            principal[kind.value] = names[0] if len(names) == 1 else names
    statement: dict[str, Any] = {
        "Sid": TRUST_SID,
        "Effect": "Allow",
        "Principal": principal,
        "Action": TRUST_ACTION,
    }
    if trust.conditions:
        statement["Condition"] = _condition_document(trust.conditions)
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def _condition_document(
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]],
) -> dict[str, dict[str, str | list[str]]]:
    return {
        operator: {
            key: values[0] if len(values) == 1 else list(values) for key, values in keys.items()
        }
        for operator, keys in conditions.items()
    }


def trust_policy_json(trust: TrustConfig) -> str:
    """:func:`trust_policy` as the text the role takes."""
    return to_json(trust_policy(trust))
