"""A domain's ``sendingAuthorization``: parsing (every problem at once), the policy document,
the ``EmailIdentityPolicy`` the stack declares, the typed props and the constraints."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.constraints import check_resources
from components.domain.args import ExternalDns, SendingAuthorizationArgs, SesDomainArgs
from components.domain.authorization import (
    SendAction,
    SendingAuthorization,
    authorization_policy,
)
from components.domain.component import SesDomain
from components.multilang.props import PropsFromInputs
from components.plan.mocks import ACCOUNT_ID
from components.validation import ConfigError
from tests.support.harness import evaluate, parse, use_mocks

POLICY = "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy"
ROLE = "arn:aws:iam::111122223333:role/order-service"
GOOD: dict[str, Any] = {
    "name": "partner-orders",
    "principals": [ROLE, "444455556666"],
    "fromAddresses": ["Orders@Example.com", "*@news.example.com"],
    "recipients": ["*@example.net"],
}


def _config(*authorizations: Any, **extra: Any) -> dict[str, Any]:
    domain = {
        "name": "example.com",
        "region": "eu-west-1",
        "dns": {"provider": "external"},
        "sendingAuthorization": list(authorizations),
    }
    return {"domains": [domain], **extra}


def _problems(*authorizations: Any, **extra: Any) -> dict[str, str]:
    with pytest.raises(ConfigError) as raised:
        parse(_config(*authorizations, **extra))
    return {problem.key: problem.allowed for problem in raised.value.problems}


def _lint(document: dict[str, Any]) -> list[tuple[str, Any]]:
    policy = analyze_policy_string(json.dumps(document))
    return [(finding.issue, finding.detail) for finding in policy.findings]


def test_a_policy_is_parsed_with_account_ids_as_root_arns_and_default_actions() -> None:
    [domain] = parse(_config(GOOD)).domains
    assert domain.sending_authorization == (
        SendingAuthorization(
            name="partner-orders",
            principals=(ROLE, "arn:aws:iam::444455556666:root"),
            actions=(SendAction.SEND_EMAIL, SendAction.SEND_RAW_EMAIL),
            from_addresses=("Orders@example.com", "*@news.example.com"),
            recipients=("*@example.net",),
        ),
    )


def test_every_bad_value_is_reported_at_once() -> None:
    problems = _problems(
        {
            "name": "bad name!",
            "principals": ["*", "arn:aws:iam::*:role/x", "arn:aws-cn:iam::111122223333:role/x"],
            "actions": ["ses:SendEmail", "ses:*", "ses:SendRawEmai"],
            "fromAddresses": ["noreply@other.org"],
            "recipients": ["no-at-sign"],
            "principal": "typo",
        },
        {"name": "x" * 65, "principals": []},
        {"name": "dup", "principals": ["123"]},
        {"name": "dup", "principals": [ROLE], "actions": []},
    )
    at = "ses:domains[0].sendingAuthorization"
    assert "SES policy name" in problems[f"{at}[0].name"]
    assert "may not be '*'" in problems[f"{at}[0].principals[0]"]
    assert "wildcard" in problems[f"{at}[0].principals[1]"]
    assert "partition aws-cn" in problems[f"{at}[0].principals[2]"]
    assert "must be one of ses:SendEmail" in problems[f"{at}[0].actions[1]"]
    assert "did you mean 'ses:SendRawEmail'" in problems[f"{at}[0].actions[2]"]
    assert "under example.com" in problems[f"{at}[0].fromAddresses[0]"]
    assert f"{at}[0].recipients[0]" in problems
    assert "not a known key" in problems[f"{at}[0].principal"]
    assert "1-64" in problems[f"{at}[1].name"]
    assert "at least one" in problems[f"{at}[1].principals"]
    assert "12-digit account id" in problems[f"{at}[2].principals[0]"]
    assert "duplicates" in problems[f"{at}[3].name"]
    assert "at least one action" in problems[f"{at}[3].actions"]


def test_no_from_addresses_is_a_warning_and_an_error_in_production() -> None:
    loose = {"name": "any", "principals": [ROLE]}
    warnings = parse(_config(loose)).warnings
    assert any("sendingAuthorization[0].fromAddresses is not set" in w for w in warnings)
    problems = _problems(loose, production=True)
    assert (
        "required in a production stack"
        in problems["ses:domains[0].sendingAuthorization[0].fromAddresses"]
    )


def test_the_document_is_one_least_privilege_statement_that_lints_clean() -> None:
    identity = f"arn:aws:ses:eu-west-1:{ACCOUNT_ID}:identity/example.com"
    [domain] = parse(_config(GOOD)).domains
    document = authorization_policy(identity, domain.sending_authorization[0])
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AuthorizedSenders",
                "Effect": "Allow",
                "Principal": {"AWS": [ROLE, "arn:aws:iam::444455556666:root"]},
                "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                "Resource": identity,
                "Condition": {
                    "StringLike": {"ses:FromAddress": ["*@news.example.com", "Orders@example.com"]},
                    "ForAllValues:StringLike": {"ses:Recipients": "*@example.net"},
                    "Null": {"ses:Recipients": "false"},
                },
            }
        ],
    }
    assert _lint(document) == []


def test_the_document_refuses_a_wildcard_principal_built_in_code() -> None:
    with pytest.raises(ValueError, match="may not hold"):
        authorization_policy("arn", SendingAuthorization(name="x", principals=("*",)))


def test_the_stack_declares_one_identity_policy_per_entry_in_the_identitys_region() -> None:
    second = {"name": "bulk", "principals": [ROLE], "actions": ["ses:SendBulkTemplatedEmail"]}
    result = evaluate(_config(GOOD, second))
    policies = {r.name: r for r in result.of_type(POLICY)}
    assert set(policies) == {
        "example.com-authorization-partner-orders",
        "example.com-authorization-bulk",
    }
    first = policies["example.com-authorization-partner-orders"]
    assert first.parent == "example.com"
    assert first.inputs["emailIdentity"] == "example.com"
    assert first.inputs["policyName"] == "partner-orders"
    assert first.inputs["region"] == "eu-west-1"
    document = json.loads(first.inputs["policy"])
    identity = result.outputs["identities"]["example.com"]["arn"]
    assert document["Statement"][0]["Resource"] == identity
    bulk = json.loads(policies["example.com-authorization-bulk"].inputs["policy"])
    assert bulk["Statement"][0]["Action"] == "ses:SendBulkTemplatedEmail"
    assert result.outputs["identities"]["example.com"]["authorization_policies"] == [
        "partner-orders",
        "bulk",
    ]


def test_props_are_checked_by_the_same_parser_and_named_as_props() -> None:
    use_mocks()
    with pytest.raises(ConfigError) as raised:
        SesDomain(
            "d",
            SesDomainArgs(
                name="example.com",
                region="us-east-1",
                sending_authorization=[
                    SendingAuthorizationArgs(
                        name="p", principals=["*"], from_addresses=["x@other.org"]
                    )
                ],
            ),
        )
    keys = {problem.key for problem in raised.value.problems}
    assert keys == {
        "SesDomainArgs.sending_authorization[0].principals[0]",
        "SesDomainArgs.sending_authorization[0].from_addresses[0]",
    }


def test_props_declare_the_policy() -> None:
    monitor = use_mocks()

    @pulumi.runtime.test
    def program() -> pulumi.Output[str]:
        domain = SesDomain(
            "d",
            SesDomainArgs(
                name="example.com",
                region="us-east-1",
                dns=ExternalDns(),
                sending_authorization=[
                    SendingAuthorizationArgs(
                        name="p",
                        principals=[ROLE],
                        actions=[SendAction.SEND_RAW_EMAIL],
                        from_addresses=["orders@example.com"],
                    )
                ],
            ),
        )
        return domain.arn

    program()
    [policy] = [r for r in monitor.declared if r.type == POLICY]
    assert policy.name == "d-authorization-p"
    statement = json.loads(policy.inputs["policy"])["Statement"][0]
    assert statement["Action"] == "ses:SendRawEmail"
    assert statement["Condition"] == {"StringLike": {"ses:FromAddress": "orders@example.com"}}


def _policy_resource(policy: str, name: str = "p") -> dict[str, Any]:
    return {
        "type": POLICY,
        "name": f"x-{name}",
        "parent": None,
        "inputs": {
            "emailIdentity": "example.com",
            "policyName": name,
            "policy": policy,
            "region": "us-east-1",
        },
    }


def test_constraints_catch_a_long_policy_a_bad_name_and_a_name_used_twice() -> None:
    (too_long,) = check_resources([_policy_resource("x" * 4097)])
    assert too_long.property == "policy" and "4096" in too_long.allowed
    assert {v.property for v in check_resources([_policy_resource("{}", "a b")])} == {"policyName"}
    twice = check_resources([_policy_resource("{}"), {**_policy_resource("{}"), "name": "y"}])
    assert len(twice) == 1


def test_the_multi_language_inputs_become_the_same_props() -> None:
    props = PropsFromInputs(SesDomainArgs, "SesDomain").build(
        {
            "name": "example.com",
            "sendingAuthorization": [
                {"name": "p", "principals": [ROLE], "actions": ["ses:SendEmail"]}
            ],
        }
    )
    assert isinstance(props, SesDomainArgs)
    [authorization] = props.sending_authorization
    assert authorization == SendingAuthorizationArgs(
        name="p", principals=[ROLE], actions=[SendAction.SEND_EMAIL]
    )
