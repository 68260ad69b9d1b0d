"""The policy pack on inputs it cannot read: deeply nested or broken policy JSON, garbage
BYODKIM keys, wrong types anywhere. Each is a mandatory violation with a clear message, or is
compliant, but never an exception (which the engine shows as a traceback) and never a pass by
silence; no message quotes key material."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import ses_guardrails as guard
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer  # pyright: ignore[reportPrivateUsage]

from tests.integration.test_policy import plan_resources

DEEP = "[" * 100_000 + "]" * 100_000
GARBAGE_KEY = "R0FSQkFHRS1OT1QtQS1LRVktc2VjcmV0LW1hcmtlci03NzQx"  # base64, but not DER


def _analyze(kind: str, props: dict[str, Any], stack: str = "prod") -> list[tuple[str, str, int]]:
    servicer = _PolicyAnalyzerServicer(
        guard.PACK_NAME, "0.0.1", guard.POLICIES, EnforcementLevel.MANDATORY,
        None, None, None, None, None, None, None,
    )  # fmt: skip
    properties = struct_pb2.Struct()
    json_format.ParseDict(props, properties)
    request = analyzer_pb2.AnalyzeRequest(
        type=kind, properties=properties, urn=f"urn:pulumi:{stack}::ses::{kind}::x", name="x"
    )
    response = servicer.Analyze(request, None)
    return [(d.policyName, d.message, d.enforcementLevel) for d in response.diagnostics]


def _planned(name: str) -> tuple[str, dict[str, Any]]:
    found = plan_resources("prod")[name]
    return found["type"], copy.deepcopy(found["inputs"])


def test_deeply_nested_policy_json_is_a_violation_not_a_recursion_error() -> None:
    kind, props = _planned("smtp-prod-app-mailer-policy")
    props["policy"] = DEEP
    assert guard.smtp_policy_send_only(kind, props) == [
        "IAM policy ses-smtp-send: the policy document is nested too deeply to read; it cannot "
        "be checked, and AWS would refuse it too"
    ]
    kind, props = _planned("cs-example-com-topics-bounce-policy")
    props["policy"] = DEEP
    (found,) = _analyze(kind, props)
    assert found[0] == "ses-topic-policy-source-guard"
    assert "nested too deeply" in found[1]
    assert found[2] == analyzer_pb2.EnforcementLevel.MANDATORY


@pytest.mark.parametrize(
    ("policy", "said"),
    [
        ('{"Version": "2012-10-17", "Statement": [', "is not valid JSON"),
        ("not json at all", "is not valid JSON"),
        ('["ses:SendRawEmail"]', "is a JSON list, not an object"),
        ('{"Version": "2012-10-17"}', "has no statements"),
        ('{"Statement": ["Allow ses:*"]}', "has a statement that is not an object"),
        ("1" * 5000, "is not valid JSON"),
    ],
)
def test_an_unreadable_iam_policy_is_a_mandatory_violation(policy: str, said: str) -> None:
    kind, props = _planned("smtp-prod-app-mailer-policy")
    props["policy"] = policy
    reported = _analyze(kind, props)
    assert [(name, level) for name, _, level in reported] == [
        ("ses-smtp-policy-send-only", analyzer_pb2.EnforcementLevel.MANDATORY)
    ]
    assert said in reported[0][1]


def test_a_garbage_byodkim_key_is_a_violation_that_does_not_quote_it() -> None:
    kind, props = _planned("eu.example.com-identity")
    for garbage in (GARBAGE_KEY, "not base64 at all!", "-----BEGIN PRIVATE KEY-----\nxx"):
        props["dkimSigningAttributes"]["domainSigningPrivateKey"] = garbage
        reported = _analyze(kind, props)
        assert [name for name, _, _ in reported] == ["ses-dkim-2048-bit"]
        assert "is not an RSA private key" in reported[0][1]
        assert garbage not in reported[0][1]
        assert "R0FSQkFH" not in reported[0][1]


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(props: dict[str, Any]) -> None:
        target = props
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value

    return apply


WRONG_VALUES: list[Any] = [
    None,
    7,
    1.5,
    True,
    "",
    "x" * 10_000,
    DEEP,
    [],
    [1, [2]],
    {},
    {"a": {"b": 1}},
]
"""Values of the wrong type or shape, tried in every input a rule reads."""

TARGETS: list[tuple[str, tuple[str, ...]]] = [
    ("cs-example-com-set", ("deliveryOptions",)),
    ("cs-example-com-set", ("deliveryOptions", "tlsPolicy")),
    ("cs-example-com-set", ("configurationSetName",)),
    ("smtp-prod-app-mailer-policy", ("policy",)),
    ("smtp-prod-app-mailer-policy", ("name",)),
    ("cs-example-com-topics-bounce-policy", ("policy",)),
    ("cs-example-com-topics-bounce-policy", ("arn",)),
    ("example.com-identity", ("emailIdentity",)),
    ("example.com-identity", ("dkimSigningAttributes",)),
    ("eu.example.com-identity", ("dkimSigningAttributes", "domainSigningPrivateKey")),
    ("eu.example.com-dkim-key", ("records",)),
    ("eu.example.com-dkim-key", ("name",)),
    ("example.com-dmarc", ("records",)),
    ("example.com-dmarc", ("type",)),
    ("example.com-authorization-partner-orders", ("policy",)),
    ("example.com-authorization-partner-orders", ("policyName",)),
    ("example.com-authorization-partner-orders", ("emailIdentity",)),
]

STATEMENT_VALUES: list[Any] = [
    {"Effect": "Allow", "Action": 7, "Resource": {"x": 1}},
    {"Effect": "Allow", "Action": ["ses:SendRawEmail", None], "Resource": [None]},
    {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Condition": []},
    {"Effect": "Allow", "Principal": {"Service": 5}, "Condition": {"StringEquals": "x"}},
    {"Effect": ["Allow"], "NotAction": "*", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": [None, 7]}, "Condition": {"StringLike": []}},
    {"Effect": "Allow", "Principal": [], "NotPrincipal": 1, "Condition": {"StringLike": {"x": 1}}},
]


def _bad_inputs() -> list[tuple[str, str, dict[str, Any]]]:
    cases: list[tuple[str, str, dict[str, Any]]] = []
    for name, path in TARGETS:
        for value in WRONG_VALUES:
            kind, props = _planned(name)
            _set(path, value)(props)
            cases.append((f"{name}.{'.'.join(path)} = {str(value)[:20]}", kind, props))
    for name in (
        "smtp-prod-app-mailer-policy",
        "cs-example-com-topics-bounce-policy",
        "example.com-authorization-partner-orders",
    ):
        for statement in STATEMENT_VALUES:
            kind, props = _planned(name)
            props["policy"] = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
            cases.append((f"{name} statement {statement}", kind, props))
    return cases


def test_every_rule_survives_wrong_types_everywhere() -> None:
    """Every rule, through the analyzer, on every input it reads set to values of the wrong type:
    each run ends with violations or none, never an exception."""
    cases = _bad_inputs()
    failures: list[str] = []
    violations = 0
    for label, kind, props in cases:
        try:
            reported = _analyze(kind, props)
        except Exception as error:  # the figure counts what the engine would show as a crash
            failures.append(f"{label}: {type(error).__name__}")
            continue
        violations += bool(reported)
        assert all(isinstance(message, str) and message for _, message, _ in reported)
        assert all(len(message) <= 400 for _, message, _ in reported), label
    print(f"policy pack bad inputs: {len(cases)} tried, {len(cases) - len(failures)} handled, "
          f"{violations} reported as violations")  # fmt: skip
    assert failures == []
