"""SesDomain built from typed props: every option reaches the resources, the stack config's
validator checks them (named as props), and a BYODKIM key stays secret."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.runtime import config as runtime_config

from components.domain.args import (
    Byodkim,
    CloudflareDns,
    DmarcArgs,
    EasyDkim,
    ExternalDns,
    MailFromArgs,
    Route53Dns,
    SesDomainArgs,
    props_key,
)
from components.domain.component import SesDomain
from components.domain.dkim_keys import load_byodkim_key
from components.domain.model import (
    DkimKeyLength,
    DmarcAlignment,
    DmarcPolicy,
    MxFailureBehavior,
)
from components.feedback.args import ConfigurationSetArgs
from components.feedback.configuration_set import ConfigurationSet
from components.plan.mocks import DeclaredResource
from components.validation import ConfigError
from tests.support.harness import Evaluation, evaluate, resolve_outputs, use_mocks
from tests.support.private_keys import rsa_pem

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
PEM = rsa_pem(2048, private_format=serialization.PrivateFormat.TraditionalOpenSSL)


def declare(build: Callable[[], SesDomain]) -> Evaluation:
    """Build one SesDomain under mocks and resolve its outputs."""
    monitor = use_mocks()
    result = Evaluation(monitor.declared)

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        domain = build()
        watched: dict[str, pulumi.Output[Any]] = {
            "arn": domain.arn,
            "dns_records": domain.dns_records,
            "dkim_status": domain.dkim_status,
        }
        return resolve_outputs(watched, result.outputs, result.secret)

    program()
    return result


def refused(args: SesDomainArgs) -> tuple[ConfigError, list[DeclaredResource]]:
    monitor = use_mocks()
    with pytest.raises(ConfigError) as raised:
        SesDomain("d", args)
    return raised.value, monitor.declared


def records(result: Evaluation) -> dict[str, dict[str, Any]]:
    return {record["purpose"] + record["type"]: record for record in result.outputs["dns_records"]}


@pytest.fixture
def stack_config() -> Iterator[Callable[[dict[str, str], list[str]], None]]:
    """Set the stack's config for one test; cleared after it."""

    def set_config(values: dict[str, str], secret_keys: list[str]) -> None:
        runtime_config.set_all_config(values, secret_keys)

    yield set_config
    runtime_config.set_all_config({}, [])


def test_defaults_are_safe() -> None:
    result = declare(
        lambda: SesDomain("news", SesDomainArgs(name="News.Example.org.", region="us-east-1"))
    )
    identity = result.named("news-identity")
    assert identity.inputs["emailIdentity"] == "news.example.org"
    assert identity.inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
    assert result.named("news-mail-from").inputs["mailFromDomain"] == "mail.news.example.org"
    assert result.named("news-mail-from").inputs["behaviorOnMxFailure"] == "USE_DEFAULT_VALUE"
    assert records(result)["dmarcTXT"]["value"] == "v=DMARC1; p=none"
    assert records(result)["dmarcTXT"]["ttl"] == 1800
    assert result.named("news-dmarc").type == "aws:route53/record:Record"
    assert "protect" not in str(identity.inputs)


def test_every_option_reaches_the_resources() -> None:
    args = SesDomainArgs(
        name="news.example.org",
        region="eu-west-1",
        dkim=EasyDkim(key_length=DkimKeyLength.RSA_1024_BIT, target_domain="dkim.example.net"),
        mail_from=MailFromArgs(
            subdomain="bounce", behavior_on_mx_failure=MxFailureBehavior.REJECT_MESSAGE
        ),
        dmarc=DmarcArgs(
            policy=DmarcPolicy.REJECT,
            subdomain_policy=DmarcPolicy.QUARANTINE,
            rua=["mailto:dmarc@news.example.org"],
            ruf=["mailto:ruf@news.example.org"],
            pct=50,
            adkim=DmarcAlignment.STRICT,
            aspf=DmarcAlignment.RELAXED,
        ),
        dns=Route53Dns(zone_name="example.org", ttl=300),
        email_identities=["ops@news.example.org"],
        tags={"team": "mail"},
        configuration_set_name="news-set",
    )
    result = declare(lambda: SesDomain("news", args))
    identity = result.named("news-identity")
    assert identity.inputs["region"] == "eu-west-1"
    assert identity.inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_1024_BIT"}
    assert identity.inputs["tags"] == {"team": "mail"}
    assert identity.inputs["configurationSetName"] == "news-set"
    mail_from = result.named("news-mail-from").inputs
    assert mail_from["mailFromDomain"] == "bounce.news.example.org"
    assert mail_from["behaviorOnMxFailure"] == "REJECT_MESSAGE"
    dmarc = records(result)["dmarcTXT"]
    assert dmarc["value"] == (
        "v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; "
        "rua=mailto:dmarc@news.example.org; ruf=mailto:ruf@news.example.org"
    )
    assert dmarc["ttl"] == 300
    assert all(
        r["value"].endswith(".dkim.example.net")
        for r in result.outputs["dns_records"]
        if r["purpose"] == "dkim"
    )
    address = [
        r for r in result.of_type(IDENTITY) if r.inputs["emailIdentity"] == "ops@news.example.org"
    ]
    assert address and address[0].inputs["configurationSetName"] == "news-set"


def test_external_and_cloudflare_dns_and_disabled_parts() -> None:
    external = declare(
        lambda: SesDomain(
            "n",
            SesDomainArgs(
                name="n.example.org",
                region="us-east-1",
                dns=ExternalDns(),
                mail_from=None,
                dmarc=None,
            ),
        )
    )
    assert {r.type for r in external.declared} == {"ses:index:SesDomain", IDENTITY}
    assert {r["purpose"] for r in external.outputs["dns_records"]} == {"dkim"}
    cloudflare = declare(
        lambda: SesDomain(
            "c",
            SesDomainArgs(
                name="c.example.org", region="us-east-1", dns=CloudflareDns(zone_id="0" * 32, ttl=1)
            ),
        )
    )
    written = cloudflare.named("c-dmarc")
    assert written.type == "cloudflare:index/dnsRecord:DnsRecord"
    assert written.inputs["zoneId"] == "0" * 32 and written.inputs["ttl"] == 1


def test_route53_zone_id_reaches_the_records() -> None:
    result = declare(
        lambda: SesDomain(
            "z",
            SesDomainArgs(
                name="z.example.org",
                region="us-east-1",
                dns=Route53Dns(zone_id="Z0123456789ABCDEFGHIJ", ttl=60),
            ),
        )
    )
    dmarc = result.named("z-dmarc").inputs
    assert dmarc["zoneId"] == "Z0123456789ABCDEFGHIJ" and dmarc["ttl"] == 60


def test_a_zone_id_output_reaches_the_records_and_no_zone_is_looked_up() -> None:
    route53 = declare(
        lambda: SesDomain(
            "o",
            SesDomainArgs(
                name="o.example.org",
                region="us-east-1",
                dns=Route53Dns(zone_id=pulumi.Output.from_input("ZFROMANOUTPUT")),
            ),
        )
    )
    assert route53.named("o-dmarc").inputs["zoneId"] == "ZFROMANOUTPUT"
    assert not [r for r in route53.declared if "Z00000000" in str(r.inputs)]
    cloudflare = declare(
        lambda: SesDomain(
            "q",
            SesDomainArgs(
                name="q.example.org",
                region="us-east-1",
                dns=CloudflareDns(zone_id=pulumi.Output.from_input("cf-zone-from-output")),
            ),
        )
    )
    assert cloudflare.named("q-dmarc").inputs["zoneId"] == "cf-zone-from-output"


def test_protect_reaches_the_identity() -> None:
    monitor = use_mocks()
    seen: list[bool] = []

    @pulumi.runtime.test
    def program() -> None:
        domain = SesDomain(
            "p", SesDomainArgs(name="p.example.org", region="us-east-1", protect=True)
        )
        seen.append(bool(domain.identity._protect))  # pyright: ignore[reportPrivateUsage]

    program()
    assert monitor.declared and seen == [True]


def test_every_bad_value_at_once_named_as_props_and_nothing_declared() -> None:
    error, declared = refused(
        SesDomainArgs(
            name="bad..name",
            region="mars-1",
            dkim=EasyDkim(target_domain="not a domain"),
            mail_from=MailFromArgs(subdomain="x.elsewhere.org"),
            dmarc=DmarcArgs(pct=101, rua=["dmarc@example.org"], policy="never"),  # type: ignore[arg-type]
            dns=Route53Dns(zone_id="nope", ttl=5),
            email_identities=["not-an-address", "not-an-address"],
            tags={"aws:owner": "me"},
            configuration_set_name="has spaces",
        )
    )
    keys = {problem.key for problem in error.problems}
    assert keys == {
        "SesDomainArgs.name",
        "SesDomainArgs.region",
        "SesDomainArgs.dkim.target_domain",
        "SesDomainArgs.dmarc.policy",
        "SesDomainArgs.dmarc.rua[0]",
        "SesDomainArgs.dmarc.pct",
        "SesDomainArgs.dns.zone_id",
        "SesDomainArgs.dns.ttl",
        "SesDomainArgs.email_identities[0]",
        "SesDomainArgs.email_identities[1]",
        "SesDomainArgs.tags.aws:owner",
        "SesDomainArgs.configuration_set_name",
    }
    assert declared == []
    assert "Traceback" not in str(error)


def test_wrong_types_are_config_errors_not_tracebacks() -> None:
    error, declared = refused(
        SesDomainArgs(
            name=42,  # type: ignore[arg-type]
            region="us-east-1",
            dkim="easy",  # type: ignore[arg-type]
            dns={"provider": "route53"},  # type: ignore[arg-type]
            protect="yes",  # type: ignore[arg-type]
        )
    )
    keys = {problem.key for problem in error.problems}
    assert keys == {
        "SesDomainArgs.name",
        "SesDomainArgs.dkim",
        "SesDomainArgs.dns",
        "SesDomainArgs.protect",
    }
    assert declared == []


def test_mail_from_outside_the_domain_is_named() -> None:
    error, _ = refused(
        SesDomainArgs(
            name="n.example.org",
            region="us-east-1",
            mail_from=MailFromArgs(subdomain="a.other.org"),
        )
    )
    assert [p.key for p in error.problems] == ["SesDomainArgs.mail_from.subdomain"]


def test_props_keys() -> None:
    assert props_key("SesDomainArgs.mailFrom.behaviorOnMxFailure") == (
        "SesDomainArgs.mail_from.behavior_on_mx_failure"
    )
    assert props_key("SesDomainArgs.emailIdentities[3]") == "SesDomainArgs.email_identities[3]"
    assert props_key("SesDomainArgs.dkim.privateKeyConfig") == "SesDomainArgs.dkim.private_key"
    assert props_key("ses:dkimKey") == "ses:dkimKey"


@pytest.mark.parametrize("wrap", [pulumi.Output.secret, pulumi.Output.from_input])
def test_byodkim_output_key_stays_secret(wrap: Callable[[str], pulumi.Output[str]]) -> None:
    result = declare(
        lambda: SesDomain(
            "k",
            SesDomainArgs(
                name="k.example.org",
                region="us-east-1",
                dkim=Byodkim(selector="ses2026", private_key=wrap(PEM)),
            ),
        )
    )
    identity = result.named("k-identity")
    assert identity.secret_paths == ("dkimSigningAttributes.domainSigningPrivateKey",)
    assert identity.inputs["dkimSigningAttributes"]["domainSigningSelector"] == "ses2026"
    key_record = result.named("k-dkim-key").inputs
    assert key_record["name"] == "ses2026._domainkey.k.example.org"
    assert key_record["records"] and "[secret]" not in str(key_record)
    public = load_byodkim_key(PEM).public_key_base64
    (dkim,) = [r for r in result.outputs["dns_records"] if r["purpose"] == "dkim"]
    assert dkim["value"] == f"v=DKIM1; k=rsa; p={public}"
    assert result.secret_outputs == set(), "the public records must not inherit the key's secrecy"
    assert "PRIVATE" not in str(result.outputs) and "PRIVATE" not in str(result.declared)


def test_plain_text_key_is_refused_and_never_shown() -> None:
    error, declared = refused(
        SesDomainArgs(
            name="k.example.org", region="us-east-1", dkim=Byodkim(selector="s1", private_key=PEM)
        )
    )
    assert [p.key for p in error.problems] == ["SesDomainArgs.dkim.private_key"]
    assert "PRIVATE" not in str(error) and "MII" not in str(error)
    assert declared == []


@pytest.mark.parametrize(
    ("full_key", "given"), [("ses:dkimKey", "dkimKey"), ("keys:dkim", "keys:dkim")]
)
def test_byodkim_from_secret_config_key(
    stack_config: Callable[[dict[str, str], list[str]], None], full_key: str, given: str
) -> None:
    stack_config({full_key: PEM}, [full_key])
    result = declare(
        lambda: SesDomain(
            "k",
            SesDomainArgs(
                name="k.example.org",
                region="us-east-1",
                dkim=Byodkim(selector="s1", private_key=given),
            ),
        )
    )
    assert result.named("k-identity").secret_paths == (
        "dkimSigningAttributes.domainSigningPrivateKey",
    )
    assert result.named("k-dkim-key").inputs["name"] == "s1._domainkey.k.example.org"


def test_byodkim_config_key_in_plain_text_or_missing_is_refused(
    stack_config: Callable[[dict[str, str], list[str]], None],
) -> None:
    stack_config({"ses:dkimKey": PEM}, [])
    error, _ = refused(
        SesDomainArgs(
            name="k.example.org",
            region="us-east-1",
            dkim=Byodkim(selector="s1", private_key="dkimKey"),
        )
    )
    assert [p.key for p in error.problems] == ["ses:dkimKey"]
    assert "PRIVATE" not in str(error)
    error, _ = refused(
        SesDomainArgs(
            name="k.example.org",
            region="us-east-1",
            dkim=Byodkim(selector="s1", private_key="otherKey"),
        )
    )
    assert [p.key for p in error.problems] == ["SesDomainArgs.dkim.private_key"]


def test_a_bad_output_key_fails_naming_the_prop_without_showing_it() -> None:
    monitor = use_mocks()

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        bad = pulumi.Output.secret(
            "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"
        )
        domain = SesDomain(
            "k",
            SesDomainArgs(
                name="k.example.org",
                region="us-east-1",
                dkim=Byodkim(selector="s1", private_key=bad),
            ),
        )
        return domain.dns_records

    with pytest.raises(ConfigError) as raised:
        program()
    assert [p.key for p in raised.value.problems] == ["SesDomainArgs.dkim.private_key"]
    assert "not a key" not in str(raised.value)
    assert monitor.declared


def _comparable(result: Evaluation, name: str) -> list[tuple[str, str, Any]]:
    return sorted((r.type, r.name, r.inputs) for r in result.declared if name in (r.name, r.parent))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policy=st.sampled_from(list(DmarcPolicy)),
    pct=st.integers(min_value=0, max_value=100),
    key_length=st.sampled_from(list(DkimKeyLength)),
    subdomain=st.sampled_from(["mail", "bounce", "mf.example.com"]),
    ttl=st.integers(min_value=60, max_value=172800),
    mail_from=st.booleans(),
)
def test_props_and_stack_config_declare_the_same(
    policy: DmarcPolicy,
    pct: int,
    key_length: DkimKeyLength,
    subdomain: str,
    ttl: int,
    mail_from: bool,
) -> None:
    from_config = evaluate(
        {
            "domains": [
                {
                    "name": "example.com",
                    "region": "us-east-1",
                    "dkim": {"keyLength": key_length.value},
                    "mailFrom": {"enabled": mail_from, "subdomain": subdomain},
                    "dmarc": {"policy": policy.value, "pct": pct, "rua": ["mailto:d@example.com"]},
                    "dns": {"ttl": ttl},
                    "configurationSet": False,
                }
            ]
        }
    )
    from_props = declare(
        lambda: SesDomain(
            "example.com",
            SesDomainArgs(
                name="example.com",
                region="us-east-1",
                dkim=EasyDkim(key_length=key_length),
                mail_from=MailFromArgs(subdomain=subdomain) if mail_from else None,
                dmarc=DmarcArgs(policy=policy, pct=pct, rua=["mailto:d@example.com"]),
                dns=Route53Dns(ttl=ttl),
            ),
        )
    )
    assert _comparable(from_props, "example.com") == _comparable(from_config, "example.com")
    assert from_props.outputs["dns_records"] == from_config.outputs["dns_records"]


def test_region_defaults_to_aws_region_and_is_required_without_it(
    stack_config: Callable[[dict[str, str], list[str]], None],
) -> None:
    stack_config({"aws:region": "eu-central-1"}, [])
    result = declare(lambda: SesDomain("r", SesDomainArgs(name="r.example.org")))
    assert result.named("r-identity").inputs["region"] == "eu-central-1"
    stack_config({}, [])
    error, declared = refused(SesDomainArgs(name="r.example.org"))
    assert [p.key for p in error.problems] == ["SesDomainArgs.region"]
    assert declared == []


def test_settings_that_cannot_work_are_logged_as_warnings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: logged.append(message))
    args = SesDomainArgs(
        name="w.example.org", region="us-east-1", dmarc=DmarcArgs(aspf=DmarcAlignment.STRICT)
    )
    declare(lambda: SesDomain("w", args))
    assert len(logged) == 1 and logged[0].startswith("SesDomainArgs.dmarc.aspf")


def test_a_configuration_set_built_in_code_is_the_identitys_default_and_drives_its_feedback() -> (
    None
):
    def build() -> SesDomain:
        news_set = ConfigurationSet(
            "news-set", ConfigurationSetArgs(name="news-events", region="eu-west-1")
        )
        return SesDomain(
            "news",
            SesDomainArgs(
                name="news.example.org",
                region="eu-west-1",
                dns=ExternalDns(),
                email_identities=["ops@news.example.org"],
                configuration_set_name=news_set,
            ),
        )

    result = declare(build)
    assert result.named("news-identity").inputs["configurationSetName"] == "news-events"
    address = [
        r for r in result.of_type(IDENTITY) if r.inputs["emailIdentity"] == "ops@news.example.org"
    ]
    assert address[0].inputs["configurationSetName"] == "news-events"
    feedback = result.named("news-feedback-attributes")
    assert feedback.inputs == {
        "emailIdentity": "news.example.org",
        "emailForwardingEnabled": False,
        "region": "eu-west-1",
    }
    assert result.named("news-feedback").parent == "news"


def test_a_set_name_output_is_the_default_and_leaves_forwarding_alone() -> None:
    args = SesDomainArgs(
        name="news.example.org",
        region="eu-west-1",
        dns=ExternalDns(),
        configuration_set_name=pulumi.Output.from_input("named-elsewhere"),
    )
    result = declare(lambda: SesDomain("news", args))
    assert result.named("news-identity").inputs["configurationSetName"] == "named-elsewhere"
    assert not [r for r in result.declared if r.name.startswith("news-feedback")]


def test_a_configuration_set_of_another_region_is_refused_before_anything_is_declared() -> None:
    monitor = use_mocks()
    news_set = ConfigurationSet("set", ConfigurationSetArgs(name="s1", region="us-east-1"))
    before = len(monitor.declared)
    with pytest.raises(ConfigError) as raised:
        SesDomain(
            "d",
            SesDomainArgs(
                name="news.example.org",
                region="eu-west-1",
                dns=ExternalDns(),
                configuration_set_name=news_set,
            ),
        )
    assert str(raised.value.problems[0]) == (
        "SesDomainArgs.configuration_set_name = 'ConfigurationSet in us-east-1': must be a"
        " configuration set in the identity's region eu-west-1: a set serves identities of its"
        " own region only"
    )
    assert len(raised.value.problems) == 1
    assert len(monitor.declared) == before


def test_tag_values_may_be_outputs_checked_once_known() -> None:
    def build() -> SesDomain:
        args = SesDomainArgs(
            name="news.example.org",
            region="eu-west-1",
            dns=ExternalDns(),
            email_identities=["ops@news.example.org"],
            tags={"team": "mail", "owner": pulumi.Output.from_input("ops-team")},
        )
        return SesDomain("news", args)

    result = declare(build)
    assert result.named("news-identity").inputs["tags"] == {"team": "mail", "owner": "ops-team"}
    address = [r for r in result.of_type(IDENTITY) if r.name != "news-identity"]
    assert address[0].inputs["tags"] == {"team": "mail", "owner": "ops-team"}


def test_a_bad_tag_key_with_an_output_value_is_refused_up_front() -> None:
    error, declared = refused(
        SesDomainArgs(
            name="news.example.org",
            region="eu-west-1",
            dns=ExternalDns(),
            tags={"aws:owner": pulumi.Output.from_input("x"), "ok": "y" * 300},
        )
    )
    keys = sorted(problem.key for problem in error.problems)
    assert keys == ["SesDomainArgs.tags.aws:owner", "SesDomainArgs.tags.ok"]
    assert declared == []


def test_a_tag_output_too_long_fails_when_known_without_showing_it() -> None:
    def build() -> SesDomain:
        args = SesDomainArgs(
            name="news.example.org",
            region="eu-west-1",
            dns=ExternalDns(),
            tags={"owner": pulumi.Output.secret("s" * 300)},
        )
        return SesDomain("news", args)

    with pytest.raises(ConfigError) as raised:
        declare(build)
    assert str(raised.value.problems[0]) == (
        "SesDomainArgs.tags.owner: must be a string of at most 256 characters (a tag value)"
    )
