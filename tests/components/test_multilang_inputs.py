"""Bad inputs to the ``ses`` package's components, as another language sends them: through the
provider's Construct (before the SDK maps them) and from Python. Every problem is named at once
by its input path with what is allowed, as the engine's invalid-inputs error, never a traceback;
unknown and misspelt inputs are refused with the nearest name; nothing is silently dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

import pulumi
import pytest
from pulumi.errors import InputPropertiesError
from pulumi.output import Unknown
from pulumi.runtime import config as runtime_config
from pulumi.runtime import rpc

from components import __version__
from components.domain.model import DmarcPolicy
from components.multilang.package import PACKAGE_NAME
from components.multilang.provider import COMPONENTS, SesComponentProvider, SesDomain
from components.validation import ConfigError
from tests.support.harness import use_mocks
from tests.support.private_keys import rsa_pem

DOMAIN = {"name": "shop.example.net", "region": "eu-west-1", "dns": {"external": {}}}
SHOP_ARN = "arn:aws:ses:eu-west-1:123456789012:identity/shop.example.net"
SMTP: dict[str, Any] = {
    "userName": "app",
    "regions": ["eu-west-1"],
    "policy": {"identityArns": [SHOP_ARN]},
}


def construct(component: str, inputs: dict[str, Any] | Callable[[], dict[str, Any]]) -> list[Any]:
    """Construct through the provider under the mock runtime; returns what was declared.
    Inputs holding Outputs are made by a function, inside the program's event loop."""
    monitor = use_mocks("provider")
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)

    @pulumi.runtime.test
    def program() -> None:
        given = inputs() if callable(inputs) else inputs
        provider.construct("x", f"ses:index:{component}", given)

    program()
    return monitor.declared


def refused(component: str, inputs: dict[str, Any] | Callable[[], dict[str, Any]]) -> str:
    with pytest.raises(InputPropertiesError) as caught:
        construct(component, inputs)
    message = caught.value.message
    assert "Traceback" not in message and "internal error" not in message.lower()
    return message


def test_a_string_where_the_dmarc_object_belongs_is_refused_not_p_none() -> None:
    message = refused("SesDomain", {**DOMAIN, "dmarc": "reject"})
    assert "SesDomain.dmarc = 'reject': must be an object with the keys" in message
    assert "did you mean {policy: reject}?" in message


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (
            {**DOMAIN, "dmarcc": {"policy": "reject"}},
            "SesDomain.dmarcc: is not an input of SesDomain; the inputs are adopt, bimi, "
            "configurationSetName, dkim, dmarc, dns, emailIdentities, globalEndpoint, mailFrom, "
            "name, postmasterTools, protect, region, regions, sendingAuthorization, tags; did you "
            "mean 'dmarc'?",
        ),
        (
            {**DOMAIN, "dmarc": {"polcy": "reject"}},
            "SesDomain.dmarc.polcy: is not an input of SesDomain dmarc; the inputs are adkim, "
            "aspf, enabled, pct, policy, rua, ruf, subdomainPolicy; did you mean 'policy'?",
        ),
        (
            {**DOMAIN, "dkim": {"byodkim": {"selector": "s1", "privateKeyConfig": "k"}}},
            "SesDomain.dkim.byodkim.privateKeyConfig: is not an input of SesDomain "
            "dkim.byodkim; the inputs are privateKey, selector; did you mean 'privateKey'?",
        ),
        ({**SMTP, "users": ["a", "b"]}, "SmtpUser.users: is not an input of SmtpUser"),
    ],
)
def test_unknown_inputs_are_refused_with_the_nearest_name(
    inputs: dict[str, Any], expected: str
) -> None:
    component = "SmtpUser" if "userName" in inputs else "SesDomain"
    assert expected in refused(component, inputs)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"configurationSetName": 7}, "SesDomain.configurationSetName = 7: must be a string"),
        (
            {"configurationSetName": "bad name!"},
            "SesDomain.configurationSetName = 'bad name!': must be an SES configuration set name",
        ),
        ({"protect": "yes"}, "SesDomain.protect = 'yes': must be true or false"),
        ({"dmarc": {"pct": 50.5}}, "SesDomain.dmarc.pct = 50.5: must be a whole number"),
        (
            {"dmarc": {"rua": "mailto:d@x.com"}},
            "SesDomain.dmarc.rua = 'mailto:d@x.com': must be a list of strings",
        ),
        (
            {"dmarc": {"policy": "rejct"}},
            "must be one of none, quarantine, reject; did you mean 'reject'?",
        ),
        ({"tags": ["a"]}, "SesDomain.tags = ['a']: must be a mapping of names to strings"),
        ({"tags": {"team": 5}}, "SesDomain.tags.team = 5: must be a string"),
        ({"emailIdentities": [1]}, "SesDomain.emailIdentities[0] = 1: must be a string"),
        ({"name": None}, "SesDomain.name = (missing): is required"),
    ],
)
def test_types_are_checked(extra: dict[str, Any], expected: str) -> None:
    message = refused("SesDomain", {**DOMAIN, **extra})
    assert expected in message
    assert message.startswith("1 configuration problem:"), message


def test_smtp_user_regions_and_policy_problems_are_each_one_clear_problem() -> None:
    message = refused("SmtpUser", {**SMTP, "regions": "eu-west-1"})
    assert message == (
        "1 configuration problem:\n  - SmtpUser.regions = 'eu-west-1': must be a list of strings"
    )
    message = refused("SmtpUser", {**SMTP, "regions": []})
    assert message.count("SmtpUser.regions") == 1, message
    message = refused("SmtpUser", {**SMTP, "policy": {"identities": [{"region": "eu-west-1"}]}})
    assert "SmtpUser.policy.identities[0].identity = (missing): is required" in message
    assert "SmtpUser.policy.identities[0].domain = (missing): is required" in message


def test_schema_and_value_problems_are_reported_together() -> None:
    message = refused(
        "SesDomain", {**DOMAIN, "region": "mars-1", "dmarcc": {}, "dmarc": {"pct": 300}}
    )
    assert message.startswith("3 configuration problems:")
    for part in ("SesDomain.dmarcc", "SesDomain.region = 'mars-1'", "SesDomain.dmarc.pct = 300"):
        assert part in message


def test_a_secret_or_computed_value_in_a_plain_input_is_refused_without_showing_it() -> None:
    message = refused("SesDomain", {**DOMAIN, "name": pulumi.Output.secret("hidden.example")})
    assert "SesDomain.name: must be a plain value known when the program runs" in message
    assert "hidden" not in message
    unknown = refused("SesDomain", {**DOMAIN, "dmarc": {"rua": [rpc.UNKNOWN]}})  # in a preview
    assert "SesDomain.dmarc.rua[0]: must be a plain value known when the program runs" in unknown
    declared = construct(
        "SesDomain", {**DOMAIN, "configurationSetName": pulumi.Output.from_input("my-set")}
    )
    identity = next(r for r in declared if r.name == "x-identity")
    assert identity.inputs["configurationSetName"] == "my-set"


def test_python_callers_get_the_schema_check_too() -> None:
    use_mocks("provider")
    with pytest.raises(ConfigError, match=r"SesDomain.dmarcc: is not an input"):
        SesDomain("x", {**DOMAIN, "dmarcc": {}})  # pyright: ignore[reportArgumentType]
    domain = SesDomain("y", {**DOMAIN, "dmarc": {"policy": DmarcPolicy.REJECT}})  # pyright: ignore[reportArgumentType]
    assert domain.mail_from_domain == "mail.shop.example.net"


def test_warnings_are_logged_on_the_component_by_input_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        construct("SmtpUser", SMTP)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("SmtpUser.policy.fromAddresses is not set: ") for w in warnings), (
        warnings
    )
    assert not any("production" in w for w in warnings)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        construct(
            "ApiSender",
            {
                "senderName": "orders",
                "policy": SMTP["policy"],
                "trust": {"principals": ["ecs-tasks.amazonaws.com"]},
            },
        )
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        w.startswith("ApiSender.trust.conditions: role orders trusts a service principal")
        for w in warnings
    ), warnings
    assert any(w.startswith("ApiSender.policy.fromAddresses is not set: ") for w in warnings)


BAD_INPUTS: list[tuple[str, dict[str, Any]]] = [
    ("SesDomain", {}),
    ("SesDomain", {"name": 1, "region": 2}),
    ("SesDomain", {**DOMAIN, "dkim": "easy"}),
    ("SesDomain", {**DOMAIN, "dkim": {"easy": {"keyLength": 4096}}}),
    ("SesDomain", {**DOMAIN, "dkim": {}}),
    ("SesDomain", {**DOMAIN, "dkim": {"easy": {}, "byodkim": {"selector": "s"}}}),
    ("SesDomain", {**DOMAIN, "mailFrom": []}),
    ("SesDomain", {**DOMAIN, "mailFrom": {"subdomain": "x" * 300}}),
    ("SesDomain", {**DOMAIN, "dmarc": None, "dns": "route53"}),
    ("SesDomain", {**DOMAIN, "dmarc": {"pct": float("nan")}}),
    ("SesDomain", {**DOMAIN, "dmarc": {"pct": 1e300}}),
    ("SesDomain", {**DOMAIN, "dmarc": {"rua": [None, {"a": 1}]}}),
    ("SesDomain", {**DOMAIN, "dns": {"cloudflare": {}}}),
    ("SesDomain", {**DOMAIN, "dns": {"external": {"ttl": "1800"}}}),
    ("SesDomain", {**DOMAIN, "dns": {"route53": {}, "external": {}}}),
    ("SesDomain", {**DOMAIN, "tags": {"aws:x": "y"}}),
    ("SesDomain", {**DOMAIN, "emailIdentities": "a@b.c"}),
    ("SesDomain", {**DOMAIN, "name": "x" * 10_000}),
    ("SesDomain", {**DOMAIN, "region": ["us-east-1"]}),
    ("SesDomain", {**DOMAIN, "1": 2, "": 3}),
    ("SmtpUser", {}),
    ("SmtpUser", {"userName": "app", "regions": "eu-west-1"}),
    ("SmtpUser", {"userName": "app", "regions": []}),
    ("SmtpUser", {**SMTP, "regions": ["mars-1"]}),
    ("SmtpUser", {**SMTP, "regions": ["eu-west-1", "eu-west-1"]}),
    ("SmtpUser", {**SMTP, "policy": {"fromAddresses": "noreply@shop.example.net"}}),
    ("SmtpUser", {**SMTP, "policy": {"identityArns": [SHOP_ARN], "fromAddresses": ["a b"]}}),
    ("SmtpUser", {**SMTP, "policy": {"identities": [{"region": "eu-west-1"}]}}),
    ("SmtpUser", {**SMTP, "group": "mailers"}),
    ("SmtpUser", {**SMTP, "secret": True}),
    ("SmtpUser", {**SMTP, "secret": {"recoveryWindowDays": 3}}),
    ("SmtpUser", {**SMTP, "rotation": 5}),
    ("SmtpUser", {**SMTP, "userName": "x y", "tags": "t"}),
    ("SmtpUser", {**SMTP, "policy": {"configurationSets": [{"region": "x", "name": "a b"}]}}),
    ("SmtpGroup", {}),
    ("SmtpGroup", {"groupName": "a b", "policy": {"identityArns": []}}),
    ("FeedbackTopics", {}),
    ("FeedbackTopics", {"setName": "s", "sourceArn": 5}),
    ("FeedbackTopics", {"setName": "s", "sourceArn": "a", "topics": [{"kind": "bounce"}] * 2}),
    ("ApiSender", {}),
    ("ApiSender", {"senderName": "a", "policy": {"identityArns": [SHOP_ARN]}, "kind": "robot"}),
    ("ApiSender", {"senderName": "a", "policy": {"identityArns": [SHOP_ARN]}, "trust": {}}),
    ("ApiSender", {"senderName": "a", "policy": [], "trust": {"principals": "*"}}),
    ("ApiSender", {**SMTP, "senderName": "a", "kind": "user", "maxSessionDuration": 7200}),
    ("ContactList", {"name": "a b", "region": "eu-west-1", "topics": {}}),
    ("DedicatedIpPool", {"name": "x", "scalingMode": "managed", "region": "eu-west-1"}),
    ("DedicatedIpPool", {"name": 5, "region": "eu-west-1", "tags": []}),
    ("AccountVdm", {"regions": "eu-west-1"}),
    ("AccountVdm", {"regions": ["eu-west-1"], "enabled": True}),
    ("Tenant", {"name": "t", "region": "eu-west-1", "resources": ["arn"]}),
    ("Tenant", {"name": "t", "region": "eu-west-1", "resources": {"x": 5}}),
]


def test_every_bad_input_is_refused_by_input_path() -> None:
    handled = 0
    for component, inputs in BAD_INPUTS:
        with pytest.raises(InputPropertiesError) as caught:
            construct(component, inputs)
        message, errors = caught.value.message, caught.value.errors or []
        assert errors and all(f"{component}." in message for _ in errors), message
        assert "Traceback" not in message
        handled += 1
    print(f"provider bad inputs: {len(BAD_INPUTS)} tried, {handled} refused with named problems")


def test_a_choice_needs_exactly_one_object() -> None:
    none = refused("SesDomain", {**DOMAIN, "dns": {}})
    assert none == (
        "1 configuration problem:\n  - SesDomain.dns: must hold exactly one of route53, "
        "cloudflare, external (one object per choice); none was given"
    )
    byodkim = {"selector": "s", "privateKey": "k"}
    two = refused("SesDomain", {**DOMAIN, "dkim": {"easy": {}, "byodkim": byodkim}})
    assert "SesDomain.dkim = ['byodkim', 'easy']: must hold exactly one of easy, byodkim" in two


def test_cloudflare_and_enabled_false_reach_the_props() -> None:
    zone = "0123456789abcdef0123456789abcdef"
    declared = construct(
        "SesDomain",
        {
            **DOMAIN,
            "dns": {"cloudflare": {"zoneId": zone, "ttl": 300.0}},
            "mailFrom": {"enabled": False},
            "dmarc": {"enabled": False},
        },
    )
    records = [r for r in declared if r.type.startswith("cloudflare:")]
    assert records and all(r.inputs["zoneId"] == zone for r in records)
    assert {r.inputs["ttl"] for r in records} == {300}
    assert not [r for r in declared if r.name == "x-mail-from"]
    assert not [r for r in records if r.inputs["name"].startswith("_dmarc")]


def test_value_problems_are_named_by_the_choice_they_sit_in() -> None:
    message = refused("SesDomain", {**DOMAIN, "dns": {"cloudflare": {"zoneId": "nope"}}})
    assert "SesDomain.dns.cloudflare.zoneId = 'nope'" in message


def test_a_byodkim_key_arrives_as_a_secret_output_and_stays_secret() -> None:
    key = rsa_pem(2048)
    declared = construct(
        "SesDomain",
        lambda: {
            **DOMAIN,
            "dkim": {"byodkim": {"selector": "s1", "privateKey": pulumi.Output.secret(key)}},
        },
    )
    identity = next(r for r in declared if r.name == "x-identity")
    signing = identity.inputs["dkimSigningAttributes"]
    assert signing["domainSigningSelector"] == "s1"
    assert "BEGIN" not in str(signing) and signing["domainSigningPrivateKey"]
    plain = refused(
        "SesDomain", {**DOMAIN, "dkim": {"byodkim": {"selector": "s1", "privateKey": key}}}
    )
    assert "SesDomain.dkim.byodkim.privateKey = [secret, not shown]" in plain
    assert "BEGIN" not in plain


def test_an_unknown_configuration_set_name_in_a_preview_is_passed_on() -> None:
    declared = construct(
        "SesDomain",
        lambda: {**DOMAIN, "configurationSetName": pulumi.Output.from_input("s").apply(_unknown)},
    )
    assert next(r for r in declared if r.name == "x-identity")


def _unknown(_: str) -> str:
    return cast(str, Unknown())


def test_a_zone_id_output_is_passed_to_the_records() -> None:
    declared = construct(
        "SesDomain",
        lambda: {**DOMAIN, "dns": {"route53": {"zoneId": pulumi.Output.from_input("ZOUT")}}},
    )
    dmarc = next(r for r in declared if r.name == "x-dmarc")
    assert dmarc.inputs["zoneId"] == "ZOUT"


def test_map_keys_keep_their_spelling_in_problem_names() -> None:
    message = refused("SesDomain", {**DOMAIN, "tags": {"aws:cost_centre": "x"}})
    assert "SesDomain.tags.aws:cost_centre" in message, message


def test_a_kms_key_output_reaches_the_smtp_secret() -> None:
    arn = "arn:aws:kms:eu-west-1:123456789012:key/from-an-output"
    declared = construct(
        "SmtpUser",
        lambda: {**SMTP, "secret": {"kmsKeyId": pulumi.Output.from_input(arn)}},
    )
    secret = next(r for r in declared if r.type == "aws:secretsmanager/secret:Secret")
    assert secret.inputs["kmsKeyId"] == arn
    message = refused("SmtpUser", {**SMTP, "secret": {"kmsKeyId": "nope"}})
    assert "SmtpUser.secret.kmsKeyId = 'nope'" in message


def test_region_defaults_to_the_programs_aws_region() -> None:
    without = {key: value for key, value in DOMAIN.items() if key != "region"}
    runtime_config.set_all_config({}, [])  # an earlier program in this process may have set it
    message = refused("SesDomain", without)
    assert "SesDomain.region = (missing)" in message and "aws:region" in message, message
    runtime_config.set_all_config({"aws:region": "eu-central-1"}, [])
    try:
        declared = construct("SesDomain", without)
    finally:
        runtime_config.set_all_config({}, [])
    assert next(r for r in declared if r.name == "x-identity").inputs["region"] == "eu-central-1"


def test_a_preview_unknown_in_a_plain_input_is_refused_as_not_known() -> None:
    message = refused("SesDomain", {**DOMAIN, "dmarc": {"rua": [Unknown()]}})
    assert "SesDomain.dmarc.rua[0]: must be a plain value known when the program runs" in message


def test_a_byodkim_key_named_by_a_secret_config_key_is_read_and_stays_secret() -> None:
    key = rsa_pem(2048)
    runtime_config.set_all_config({"ses:dkimKey": key, "ses:plainKey": key}, ["ses:dkimKey"])
    try:
        byodkim = {"selector": "s1", "privateKey": "dkimKey"}
        declared = construct("SesDomain", {**DOMAIN, "dkim": {"byodkim": byodkim}})
        plain = refused(
            "SesDomain",
            {**DOMAIN, "dkim": {"byodkim": {"selector": "s1", "privateKey": "plainKey"}}},
        )
    finally:
        runtime_config.set_all_config({}, [])
    identity = next(r for r in declared if r.name == "x-identity")
    assert identity.inputs["dkimSigningAttributes"]["domainSigningSelector"] == "s1"
    assert "dkimSigningAttributes" in {path.split(".")[0] for path in identity.secret_paths}
    assert "ses:plainKey = [secret, not shown]: is plain text" in plain and "--secret" in plain
    assert "BEGIN" not in plain and key.splitlines()[1] not in plain


def test_tag_values_may_be_outputs_in_every_component() -> None:
    account = {"accountId": "123456789012", "partition": "aws"}
    owner = {"team": "mail", "owner": "from-an-output"}
    runs = {
        "ConfigurationSet": (
            {"name": "s1", "region": "eu-west-1", "account": account},
            "aws:sesv2/configurationSet:ConfigurationSet",
        ),
        "FeedbackTopics": (
            {"setName": "s1", "sourceArn": "arn", "region": "eu-west-1", "account": account},
            "aws:sns/topic:Topic",
        ),
        "ReputationAlarms": (
            {"region": "eu-west-1", "account": account},
            "aws:cloudwatch/metricAlarm:MetricAlarm",
        ),
        "SmtpUser": (SMTP, "aws:iam/user:User"),
        "SesDomain": (DOMAIN, "aws:sesv2/emailIdentity:EmailIdentity"),
    }
    for component, (inputs, resource) in runs.items():
        declared = construct(
            component,
            lambda inputs=inputs: {
                **inputs,
                "tags": {"team": "mail", "owner": pulumi.Output.from_input("from-an-output")},
            },
        )
        tagged = [r for r in declared if r.type == resource]
        assert tagged and all(r.inputs["tags"] == owner for r in tagged), (component, tagged)
    message = refused("SmtpUser", lambda: {**SMTP, "tags": {"aws:x": pulumi.Output.from_input("")}})
    assert "SmtpUser.tags.aws:x" in message
