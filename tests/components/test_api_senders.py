"""``apiSenders`` and ``identityArns``: parsing (every problem at once), the trust and sending
policies, the ``ApiSender`` component under mocks, its outputs and secrets, and its props."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.api_senders.args import ApiSenderArgs, TrustArgs
from components.api_senders.model import ApiSenderKind, TrustPrincipalKind
from components.api_senders.sender import ApiSender
from components.api_senders.trust import trust_policy
from components.plan import make_plan
from components.plan.mocks import ACCOUNT_ID
from components.smtp.credentials import API_ACTIONS, send_policy
from components.smtp.policy import SmtpPolicyArgs
from components.validation import ConfigError
from tests.support.harness import evaluate, parse, resolve_outputs, use_mocks

ROLE = "aws:iam/role:Role"
PARTNER = "arn:aws:ses:us-east-1:444455556666:identity/partner.example"
APP: dict[str, Any] = {
    "name": "app-api",
    "trust": {
        "principals": ["ecs-tasks.amazonaws.com", "111122223333"],
        "conditions": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}},
    },
    "domains": ["example.com"],
    "fromAddresses": ["noreply@example.com"],
}
REPORTS: dict[str, Any] = {
    "name": "reports",
    "kind": "user",
    "accessKey": True,
    "rotation": "2026-05",
    "domains": ["example.com"],
    "fromAddresses": ["reports@example.com"],
    "recipients": ["*@example.com"],
}


def _config(*senders: Any, **extra: Any) -> dict[str, Any]:
    domain = {"name": "example.com", "region": "us-east-1", "dns": {"provider": "external"}}
    return {"domains": [domain], "apiSenders": list(senders), **extra}


def _problems(*senders: Any, **extra: Any) -> dict[str, str]:
    with pytest.raises(ConfigError) as raised:
        parse(_config(*senders, **extra))
    return {problem.key: problem.allowed for problem in raised.value.problems}


def _lint(text: str) -> list[tuple[str, Any]]:
    return [(f.issue, f.detail) for f in analyze_policy_string(text).findings]


def test_a_role_and_a_user_are_parsed() -> None:
    role, user = parse(_config(APP, REPORTS)).api_senders
    assert role.kind is ApiSenderKind.ROLE and role.path == "/ses-api/"
    assert role.trust is not None
    assert role.trust.principals == (
        (TrustPrincipalKind.SERVICE, "ecs-tasks.amazonaws.com"),
        (TrustPrincipalKind.AWS, "arn:aws:iam::111122223333:root"),
    )
    assert role.trust.conditions == {"StringEquals": {"aws:SourceAccount": (ACCOUNT_ID,)}}
    assert role.access.from_addresses == ("noreply@example.com",)
    assert user.kind is ApiSenderKind.USER and user.trust is None
    assert user.access_key and user.rotation == "2026-05"


def test_every_bad_value_is_reported_at_once() -> None:
    problems = _problems(
        {
            "name": "app api",
            "trust": {
                "principals": ["*", "arn:aws-us-gov:iam::111122223333:role/x"],
                "conditions": {"StringEqual": {"aws:SourceAccount": "1"}, "Bool": {"bad": "x"}},
            },
            "accessKey": True,
            "domains": ["example.com"],
            "fromAddresses": ["noreply@example.com"],
        },
        {"name": "no-trust", "domains": ["example.com"], "fromAddresses": ["a@example.com"]},
        {
            "name": "user",
            "kind": "user",
            "trust": {"principals": ["lambda.amazonaws.com"]},
            "maxSessionDuration": 7200,
            "identityArns": [
                "arn:aws:ses:us-east-1:12345:identity/x.example",
                "arn:aws-cn:ses:us-east-1:444455556666:identity/x.example",
                "arn:aws:ses:us-east-9:444455556666:identity/x.example",
            ],
        },
        {
            "name": "Mailer",
            "kind": "user",
            "domains": ["example.com"],
            "fromAddresses": ["m@example.com"],
        },
        smtpUsers=[
            {"name": "mailer", "domains": ["example.com"], "fromAddresses": ["m@example.com"]}
        ],
    )
    at = "ses:apiSenders"
    assert "IAM role name" in problems[f"{at}[0].name"]
    assert "may not be '*'" in problems[f"{at}[0].trust.principals[0]"]
    assert "partition aws-us-gov" in problems[f"{at}[0].trust.principals[1]"]
    assert "did you mean 'StringEquals'" in problems[f"{at}[0].trust.conditions.StringEqual"]
    assert "condition key" in problems[f"{at}[0].trust.conditions.Bool.bad"]
    assert "applies to kind user only" in problems[f"{at}[0].accessKey"]
    assert "is required for a role" in problems[f"{at}[1].trust"]
    assert "applies to kind role only" in problems[f"{at}[2].trust"]
    assert "applies to kind role only" in problems[f"{at}[2].maxSessionDuration"]
    assert "SES identity ARN" in problems[f"{at}[2].identityArns[0]"]
    assert "partition aws-cn" in problems[f"{at}[2].identityArns[1]"]
    assert "not a region where SES runs" in problems[f"{at}[2].identityArns[2]"]
    assert "also the IAM user of ses:smtpUsers (mailer)" in problems[f"{at}[3].name"]


def test_senders_without_from_addresses_warn_and_fail_in_production() -> None:
    loose = {**REPORTS, "fromAddresses": []}
    assert any(
        "apiSenders[0].fromAddresses is not set" in w for w in parse(_config(loose)).warnings
    )
    problems = _problems(loose, production=True)
    assert "production" in problems["ses:apiSenders[0].fromAddresses"]


def test_the_stack_declares_a_role_with_its_trust_and_the_smtp_builders_policy() -> None:
    result = evaluate(_config(APP, REPORTS))
    [role] = result.of_type(ROLE)
    assert role.name == "api-app-api-role" and role.parent == "api-app-api"
    assert role.inputs["name"] == "app-api" and role.inputs["maxSessionDuration"] == 3600
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"] == [
        {
            "Sid": "TrustedToSend",
            "Effect": "Allow",
            "Principal": {
                "AWS": "arn:aws:iam::111122223333:root",
                "Service": "ecs-tasks.amazonaws.com",
            },
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}},
        }
    ]
    policy = result.named("api-app-api-policy")
    assert policy.inputs["role"] == "app-api" and policy.inputs["name"] == "ses-api-send"
    identity = f"arn:aws:ses:us-east-1:{ACCOUNT_ID}:identity/example.com"
    default_set = f"arn:aws:ses:us-east-1:{ACCOUNT_ID}:configuration-set/example-com"
    assert json.loads(policy.inputs["policy"]) == send_policy(
        [identity], [default_set], ["noreply@example.com"], actions=API_ACTIONS
    )
    assert _lint(policy.inputs["policy"]) == []
    senders = result.outputs["api_senders"]
    assert senders["app-api"] == {
        "kind": "role",
        "name": "app-api",
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/ses-api/app-api",
        "region": "us-east-1",
        "regions": ["us-east-1"],
        "endpoints": {"us-east-1": "email.us-east-1.amazonaws.com"},
    }
    credentials = result.outputs["api_sender_credentials"]
    assert set(credentials) == {"reports"}
    assert set(credentials["reports"]) == {"access_key_id", "secret_access_key", "region"}
    assert "api_sender_credentials" in result.secret_outputs
    assert "api_senders" not in result.secret_outputs
    assert result.named("api-reports-key-2026-05").inputs["user"] == "reports"


def test_no_access_key_unless_asked() -> None:
    result = evaluate(_config({**REPORTS, "accessKey": False}))
    assert not result.of_type("aws:iam/accessKey:AccessKey")
    assert "api_sender_credentials" not in result.outputs


def test_senders_may_use_another_accounts_identity() -> None:
    relay = {
        "name": "relay",
        "identityArns": [PARTNER.replace("partner.example", "Partner.Example")],
        "fromAddresses": ["relay@partner.example"],
    }
    config = parse(
        {**_config({**relay, "kind": "user"}), "smtpUsers": [{**relay, "name": "smtp-relay"}]}
    )
    [smtp] = config.smtp_users
    [api] = config.api_senders
    for access in (smtp.access, api.access):
        assert access.identity_arns == (PARTNER,)
        assert access.domains == () and access.regions == ("us-east-1",)
    result = evaluate(
        {**_config({**relay, "kind": "user"}), "smtpUsers": [{**relay, "name": "smtp-relay"}]}
    )
    for name in ("api-relay-policy", "smtp-smtp-relay-policy"):
        [statement] = json.loads(result.named(name).inputs["policy"])["Statement"]
        assert statement["Resource"] == [PARTNER]


def test_from_addresses_stay_under_the_senders_identities() -> None:
    problems = _problems(
        {
            "name": "relay",
            "kind": "user",
            "identityArns": [PARTNER],
            "fromAddresses": ["x@example.com"],
        }
    )
    assert "sender's domains" in problems["ses:apiSenders[0].fromAddresses[0]"]


def test_props_name_every_problem_as_props() -> None:
    use_mocks()
    with pytest.raises(ConfigError) as raised:
        ApiSender(
            "a",
            ApiSenderArgs(
                sender_name="bad name",
                trust=TrustArgs(principals=["*"], conditions={"Nope": {"aws:x": "1"}}),
                policy=SmtpPolicyArgs(),
            ),
        )
    keys = {problem.key for problem in raised.value.problems}
    assert keys == {
        "ApiSenderArgs.sender_name",
        "ApiSenderArgs.trust.principals[0]",
        "ApiSenderArgs.trust.conditions.Nope",
        "ApiSenderArgs.policy.identity_arns",
    }


def test_props_declare_a_user_whose_key_is_secret() -> None:
    monitor = use_mocks()
    values: dict[str, Any] = {}
    secret: dict[str, bool] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        sender = ApiSender(
            "a",
            ApiSenderArgs(
                sender_name="mailer",
                kind=ApiSenderKind.USER,
                access_key=True,
                policy=SmtpPolicyArgs(
                    identity_arns=[PARTNER], from_addresses=["a@partner.example"]
                ),
            ),
        )
        assert sender.access_key_id is not None and sender.secret_access_key is not None
        watched = {"id": sender.access_key_id, "key": sender.secret_access_key, "arn": sender.arn}
        return resolve_outputs(watched, values, secret)

    program()
    assert secret == {"id": True, "key": True, "arn": False}
    declared = {r.name: r.type for r in monitor.declared}
    assert declared["a-user"] == "aws:iam/user:User"
    assert declared["a-key-initial"] == "aws:iam/accessKey:AccessKey"
    assert not any(kind == ROLE for kind in declared.values())


def test_the_trust_document_merges_principals_by_kind() -> None:
    [role] = parse(_config(APP)).api_senders
    assert role.trust is not None
    assert trust_policy(role.trust)["Statement"][0]["Principal"]["Service"] == (
        "ecs-tasks.amazonaws.com"
    )


def test_the_prod_stack_file_holds_one_of_each() -> None:
    """Pulumi.prod.yaml exercises every feature here in the offline plan (its BYODKIM stand-in
    key is random, so the plan is checked here rather than against a snapshot)."""
    plan = make_plan("prod")
    types = {(r["type"], r["name"]) for r in plan.resources}
    assert (
        "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy",
        "example.com-authorization-partner-orders",
    ) in types
    assert (ROLE, "api-prod-app-api-role") in types
    assert ("aws:iam/accessKey:AccessKey", "api-prod-reports-key-2026-05") in types
    relay = next(r for r in plan.resources if r["name"] == "smtp-prod-partner-relay-policy")
    assert json.loads(relay["inputs"]["policy"])["Statement"][0]["Resource"] == [PARTNER]
    assert plan.constraint_violations == ()


def test_a_service_principal_without_a_source_condition_is_a_warning() -> None:
    unguarded = {**APP, "trust": {"principals": ["lambda.amazonaws.com"]}}
    warnings = parse(_config(unguarded)).warnings
    assert any("apiSenders[0].trust.conditions" in w and "confused deputy" in w for w in warnings)
    assert not any("confused deputy" in w for w in parse(_config(APP)).warnings)


def test_another_accounts_identity_must_be_in_the_stacks_partition() -> None:
    relay = {
        "name": "relay",
        "identityArns": ["arn:aws-us-gov:ses:us-gov-west-1:444455556666:identity/partner.example"],
        "fromAddresses": ["relay@partner.example"],
    }
    problems = _problems(relay, smtpUsers=[{**relay, "name": "smtp-relay"}])
    for key in ("ses:apiSenders[0].identityArns[0]", "ses:smtpUsers[0].identityArns[0]"):
        assert "this stack's account is in aws (aws:region)" in problems[key]
