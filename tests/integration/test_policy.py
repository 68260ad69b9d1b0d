"""The policy pack: each rule on resource inputs from the offline plan, one compliant and one
violating case (at least) per rule, and the pack's policies run through pulumi-policy's own
analyzer service (``Analyze``, as the engine calls it) with the plan's resources."""

from __future__ import annotations

import base64
import copy
import json
from functools import cache
from typing import Any

import identity_policies as authorization
import pytest
import ses_guardrails as guard
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer  # pyright: ignore[reportPrivateUsage]

from components.plan import make_plan
from tests.support.harness import fresh_event_loop
from tests.support.paths import REPO, STACK_NAMES

POLICY_DIR = REPO / "policy"


@cache
def plan_resources(stack: str) -> dict[str, dict[str, Any]]:
    fresh_event_loop()
    return {r["name"]: r for r in make_plan(stack).to_json()["resources"]}


def resource(stack: str, name: str) -> tuple[str, dict[str, Any]]:
    found = plan_resources(stack)[name]
    return found["type"], copy.deepcopy(found["inputs"])


def rsa_der(bits: int, *, private: bool) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    der = (
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        if private
        else key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return base64.b64encode(der).decode("ascii")


def split_route53(text: str) -> str:
    return '""'.join(text[i : i + 255] for i in range(0, len(text), 255))


# --- configuration sets require TLS ---


def test_tls_rule_passes_the_plans_configuration_sets() -> None:
    for stack, name in (("prod", "cs-example-com-set"), ("dev", "cs-dev-example-com-set")):
        assert guard.configuration_set_requires_tls(*resource(stack, name)) == []


def test_tls_rule_rejects_optional_or_missing_tls() -> None:
    kind, props = resource("prod", "cs-example-com-set")
    props["deliveryOptions"]["tlsPolicy"] = "OPTIONAL"
    assert "tlsPolicy is OPTIONAL" in guard.configuration_set_requires_tls(kind, props)[0]
    del props["deliveryOptions"]
    assert "unset" in guard.configuration_set_requires_tls(kind, props)[0]


# --- SMTP policies: sending only, never Resource "*" ---


def test_smtp_rule_passes_the_plans_user_policy() -> None:
    assert guard.smtp_policy_send_only(*resource("prod", "smtp-prod-app-mailer-policy")) == []
    assert guard.smtp_policy_send_only(*resource("dev", "smtp-dev-app-mailer-policy")) == []


def test_smtp_rule_rejects_more_actions_and_resource_star() -> None:
    kind, props = resource("prod", "smtp-prod-app-mailer-policy")
    document = json.loads(props["policy"])
    document["Statement"][0]["Action"] = ["ses:SendRawEmail", "ses:*"]
    document["Statement"][0]["Resource"] = "*"
    props["policy"] = json.dumps(document)
    problems = guard.smtp_policy_send_only(kind, props)
    assert len(problems) == 2
    assert "allows ses:*" in problems[0] and 'Resource "*"' in problems[1]


def test_smtp_rule_ignores_policies_without_ses_actions() -> None:
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    props = {"policy": json.dumps(document)}
    assert guard.smtp_policy_send_only("aws:iam/rolePolicy:RolePolicy", props) == []


# --- SES-facing topic policies: aws:SourceAccount and aws:SourceArn ---


def test_topic_rule_passes_the_plans_feedback_topics() -> None:
    for name in (
        "cs-example-com-topics-bounce-policy",
        "cs-eu-example-com-topics-complaint-policy",
    ):
        assert guard.ses_topic_policy_guarded(*resource("prod", name)) == []


def test_topic_rule_rejects_a_statement_without_source_conditions() -> None:
    kind, props = resource("prod", "cs-example-com-topics-bounce-policy")
    document = json.loads(props["policy"])
    ses_statement = next(s for s in document["Statement"] if guard._names_ses(s))  # pyright: ignore[reportPrivateUsage]
    ses_statement["Condition"].pop("ArnEquals")
    props["policy"] = json.dumps(document)
    problems = guard.ses_topic_policy_guarded(kind, props)
    assert len(problems) == 1 and "without aws:SourceArn conditions" in problems[0]
    ses_statement.pop("Condition")
    props["policy"] = json.dumps(document)
    assert "aws:SourceAccount and aws:SourceArn" in guard.ses_topic_policy_guarded(kind, props)[0]


# --- DKIM keys are 2048-bit ---


def test_dkim_rule_passes_easy_dkim_and_the_byodkim_record_of_the_plan() -> None:
    assert guard.dkim_keys_2048(*resource("prod", "example.com-identity")) == []
    assert guard.dkim_keys_2048(*resource("prod", "eu.example.com-dkim-key")) == []
    # the BYODKIM identity's private key is secret: redacted in the plan, so not judged there
    kind, props = resource("prod", "eu.example.com-identity")
    assert props["dkimSigningAttributes"]["domainSigningPrivateKey"] == "[secret]"
    assert guard.dkim_keys_2048(kind, props) == []
    props["dkimSigningAttributes"]["domainSigningPrivateKey"] = rsa_der(2048, private=True)
    assert guard.dkim_keys_2048(kind, props) == []


def test_dkim_rule_rejects_1024_bit_keys_everywhere() -> None:
    kind, props = resource("prod", "example.com-identity")
    props["dkimSigningAttributes"]["nextSigningKeyLength"] = "RSA_1024_BIT"
    assert "set RSA_2048_BIT" in guard.dkim_keys_2048(kind, props)[0]
    kind, props = resource("prod", "eu.example.com-identity")
    small = rsa_der(1024, private=True)
    props["dkimSigningAttributes"]["domainSigningPrivateKey"] = small
    problems = guard.dkim_keys_2048(kind, props)
    assert problems == ["eu.example.com: the BYODKIM private key is 1024-bit; use a 2048-bit key"]
    assert small[20:60] not in problems[0]
    kind, props = resource("prod", "eu.example.com-dkim-key")
    props["records"] = [split_route53(f"v=DKIM1; k=rsa; p={rsa_der(1024, private=False)}")]
    assert "is 1024-bit" in guard.dkim_keys_2048(kind, props)[0]


# --- DMARC is not p=none in production ---


def test_production_is_the_stack_name_or_the_environment_tag() -> None:
    assert guard.is_production("urn:pulumi:prod::ses::aws:route53/record:Record::x", {})
    assert not guard.is_production("urn:pulumi:dev::ses::aws:route53/record:Record::x", {})
    assert guard.is_production("urn:pulumi:eu-live::ses::t::x", {"environment": "production"})
    config = {"productionStacks": ["eu-live"]}
    assert guard.is_production("urn:pulumi:eu-live::ses::t::x", {}, config)
    assert not guard.is_production("urn:pulumi:prod::ses::t::x", {}, config)


def test_dmarc_rule_passes_prods_records_and_dev_outside_production() -> None:
    for name in ("example.com-dmarc", "eu.example.com-dmarc"):
        assert guard.dmarc_enforced(*resource("prod", name), production=True) == []
    assert guard.dmarc_enforced(*resource("dev", "dev.example.com-dmarc"), production=False) == []


def test_dmarc_rule_rejects_p_none_in_production() -> None:
    kind, props = resource("dev", "dev.example.com-dmarc")
    problems = guard.dmarc_enforced(kind, props, production=True)
    assert problems == [
        "_dmarc.dev.example.com: p=none in a production stack; use quarantine or reject"
    ]
    kind, props = resource("prod", "example.com-dmarc")
    props["records"] = [props["records"][0].replace("sp=reject", "sp=none")]
    assert "sp=none" in guard.dmarc_enforced(kind, props, production=True)[0]


@pytest.mark.parametrize(("tag", "shown"), [("t=y", "t=y"), ("T=Y", "t=y"), ("pct=0", "pct=0")])
def test_dmarc_rule_rejects_test_mode_in_production(tag: str, shown: str) -> None:
    kind, props = resource("prod", "example.com-dmarc")
    props["records"] = [props["records"][0] + f"; {tag}"]
    assert guard.dmarc_enforced(kind, props, production=True) == [
        f"_dmarc.example.com: {shown} puts DMARC in test mode in a production stack (receivers "
        "apply the policy to no mail); remove it"
    ]
    assert guard.dmarc_enforced(kind, props, production=False) == []


@pytest.mark.parametrize("tag", ["t=n", "pct=100", "pct=50"])
def test_dmarc_rule_leaves_records_not_in_test_mode(tag: str) -> None:
    kind, props = resource("prod", "example.com-dmarc")
    props["records"] = [props["records"][0] + f"; {tag}"]
    assert guard.dmarc_enforced(kind, props, production=True) == []


# --- sending authorization: specific principals, limited From addresses ---

AUTHORIZATION = "example.com-authorization-partner-orders"


def _authorization(**statement: Any) -> tuple[str, dict[str, Any]]:
    kind, props = resource("prod", AUTHORIZATION)
    document = json.loads(props["policy"])
    document["Statement"][0].update(statement)
    for key in [k for k, v in statement.items() if v is None]:
        del document["Statement"][0][key]
    props["policy"] = json.dumps(document)
    return kind, props


def test_identity_policy_rule_passes_the_plans_authorization() -> None:
    assert authorization.identity_policy_specific(*resource("prod", AUTHORIZATION)) == []


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ({"Principal": "*"}, "names *"),
        ({"Principal": {"AWS": "*"}}, "lets AWS * send"),
        ({"Principal": {"AWS": "arn:aws:iam::111122223333:role/*"}}, "name a specific principal"),
        ({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, "whole account 111122223333"),
        ({"Principal": {"AWS": "111122223333"}}, "whole account 111122223333"),
        ({"Principal": None, "NotPrincipal": {"AWS": "x"}}, "NotPrincipal"),
        ({"Condition": None}, "does not limit ses:FromAddress"),
        ({"Condition": {"StringLike": {"ses:FromAddress": "*"}}}, "does not limit"),
        ({"Condition": {"StringLikeIfExists": {"ses:FromAddress": "a@example.com"}}}, "not limit"),
    ],
)
def test_identity_policy_rule_rejects_broad_principals_and_any_from_address(
    statement: dict[str, Any], said: str
) -> None:
    problems = authorization.identity_policy_specific(*_authorization(**statement))
    assert len(problems) == 1 and said in problems[0], problems
    assert problems[0].startswith("sending authorization partner-orders on example.com:")


def test_a_whole_account_passes_only_when_the_config_lists_it() -> None:
    kind, props = _authorization(Principal={"AWS": "arn:aws:iam::111122223333:root"})
    assert (
        authorization.identity_policy_specific(kind, props, allowed_accounts={"111122223333"}) == []
    )
    assert (
        authorization.identity_policy_specific(kind, props, allowed_accounts={"444455556666"}) != []
    )


def test_identity_policy_rule_reads_the_config_through_the_analyzer() -> None:
    _, props = _authorization(Principal={"AWS": "111122223333"})
    policy = [p for p in guard.POLICIES if p.name == "ses-identity-policy-specific-principal"]
    assert len(_analyze(policy, "prod", AUTHORIZATION, props)) == 1
    assert _analyze(policy, "prod", AUTHORIZATION, props, config={
        "ses-identity-policy-specific-principal": {"allowedAccountPrincipals": ["111122223333"]}
    }) == []  # fmt: skip


def test_identity_policy_rule_ignores_other_resources_and_reports_unreadable_policies() -> None:
    assert (
        authorization.identity_policy_specific(*resource("prod", "smtp-prod-app-mailer-policy"))
        == []
    )
    kind, props = resource("prod", AUTHORIZATION)
    props["policy"] = "{not json"
    assert "cannot be checked" in authorization.identity_policy_specific(kind, props)[0]


# --- the pack, through pulumi-policy's analyzer service ---


def _analyze(
    policies: list[Any],
    stack: str,
    name: str,
    props: dict[str, Any],
    tags: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
) -> list[tuple[str, str]]:
    servicer = _PolicyAnalyzerServicer(
        guard.PACK_NAME,
        "0.0.1",
        policies,
        EnforcementLevel.MANDATORY,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )
    if tags:
        servicer.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(tags=tags), None)
    if config:
        settings = {}
        for policy_name, properties in config.items():
            struct = struct_pb2.Struct()
            json_format.ParseDict(properties, struct)
            settings[policy_name] = analyzer_pb2.PolicyConfig(
                enforcementLevel=analyzer_pb2.MANDATORY, properties=struct
            )
        servicer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=settings), None)
    kind = plan_resources(stack)[name]["type"]
    properties = struct_pb2.Struct()
    json_format.ParseDict(props, properties)
    request = analyzer_pb2.AnalyzeRequest(
        type=kind, properties=properties, urn=f"urn:pulumi:{stack}::ses::{kind}::{name}", name=name
    )
    response = servicer.Analyze(request, None)
    return [(d.policyName, d.message) for d in response.diagnostics]


def test_pack_lists_each_rule_once_as_a_resource_validation_policy() -> None:
    names = [policy.name for policy in guard.POLICIES]
    assert names == [
        *guard.RULES,
        "ses-identity-policy-specific-principal",
        "ses-dmarc-enforced-in-production",
    ]
    assert all(isinstance(policy, ResourceValidationPolicy) for policy in guard.POLICIES)
    manifest = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert manifest["runtime"]["name"] == "python"
    assert (
        "from ses_guardrails import PACK_NAME, POLICIES" in (POLICY_DIR / "__main__.py").read_text()
    )


@pytest.mark.parametrize("stack", STACK_NAMES)
def test_the_plans_pass_the_whole_pack_except_devs_dmarc_when_marked_production(stack: str) -> None:
    for name, planned in plan_resources(stack).items():
        assert _analyze(guard.POLICIES, stack, name, planned["inputs"]) == [], name
    dmarc = plan_resources("dev")["dev.example.com-dmarc"]["inputs"]
    flagged = _analyze(
        guard.POLICIES, "dev", "dev.example.com-dmarc", dmarc, {"environment": "production"}
    )
    assert [policy for policy, _ in flagged] == ["ses-dmarc-enforced-in-production"]


@pytest.mark.parametrize(
    ("policy_name", "stack", "name", "break_it"),
    [
        (
            "ses-configuration-set-requires-tls",
            "prod",
            "cs-example-com-set",
            lambda p: p["deliveryOptions"].update(tlsPolicy="OPTIONAL"),
        ),
        (
            "ses-smtp-policy-send-only",
            "prod",
            "smtp-prod-app-mailer-policy",
            lambda p: p.update(policy=p["policy"].replace('"ses:SendRawEmail"', '"ses:*"')),
        ),
        (
            "ses-topic-policy-source-guard",
            "prod",
            "cs-example-com-topics-bounce-policy",
            lambda p: p.update(policy=p["policy"].replace('"aws:SourceAccount"', '"aws:Other"')),
        ),
        (
            "ses-dkim-2048-bit",
            "prod",
            "example.com-identity",
            lambda p: p["dkimSigningAttributes"].update(nextSigningKeyLength="RSA_1024_BIT"),
        ),
        (
            "ses-identity-policy-specific-principal",
            "prod",
            "example.com-authorization-partner-orders",
            lambda p: p.update(policy=p["policy"].replace('"ses:FromAddress"', '"ses:Other"')),
        ),
        (
            "ses-dmarc-enforced-in-production",
            "prod",
            "example.com-dmarc",
            lambda p: p.update(records=[p["records"][0].replace("p=reject;", "p=none;", 1)]),
        ),
    ],
)
def test_each_policy_reports_through_the_analyzer(
    policy_name: str, stack: str, name: str, break_it: Any
) -> None:
    policy = [p for p in guard.POLICIES if p.name == policy_name]
    props = copy.deepcopy(plan_resources(stack)[name]["inputs"])
    assert _analyze(policy, stack, name, props) == []
    break_it(props)
    reported = _analyze(policy, stack, name, props)
    assert len(reported) >= 1 and {p for p, _ in reported} == {policy_name}
