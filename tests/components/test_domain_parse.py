"""Bad configuration: every problem named with key, value and what is allowed, all at once."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from components.domain.model import DkimMode, DmarcPolicy, MxFailureBehavior
from components.validation import ConfigError
from tests.support.harness import parse
from tests.support.private_keys import pem, rsa_pem

RSA_3072 = rsa_pem(3072)
RSA_1536 = rsa_pem(1536)
RSA_2048 = rsa_pem(2048)
RSA_2048_ENCRYPTED = pem(
    rsa.generate_private_key(public_exponent=65537, key_size=2048),
    encryption=serialization.BestAvailableEncryption(b"passphrase"),
)
EC_KEY = pem(ec.generate_private_key(ec.SECP256R1()))


def domain(**overrides: Any) -> dict[str, Any]:
    return {"name": "example.com", **overrides}


def byodkim(key_name: str = "dkimKey") -> dict[str, Any]:
    return {"mode": "byodkim", "selector": "ses1", "privateKeyConfig": key_name}


# (case id, config values, key that must be named, fragment of what is allowed)
BAD_INPUTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("no domains key", {}, "ses:domains", "is required"),
    ("empty domain list", {"domains": []}, "ses:domains", "at least one domain"),
    ("domains not a list", {"domains": "example.com"}, "ses:domains", "list of objects"),
    ("domain entry not an object", {"domains": ["example.com"]}, "ses:domains[0]", "object"),
    ("missing name", {"domains": [{}]}, "ses:domains[0].name", "is required"),
    ("empty name", {"domains": [domain(name="")]}, "ses:domains[0].name", "is empty"),
    ("name not a string", {"domains": [domain(name=42)]}, "ses:domains[0].name", "string"),
    ("IPv4 address", {"domains": [domain(name="192.0.2.1")]}, "ses:domains[0].name", "IP address"),
    ("IPv6 address", {"domains": [domain(name="2001:db8::1")]}, "ses:domains[0].name", "IP addr"),
    ("URL", {"domains": [domain(name="https://example.com")]}, "ses:domains[0].name", "URL"),
    ("URL path", {"domains": [domain(name="example.com/x")]}, "ses:domains[0].name", "URL"),
    (
        "email as domain",
        {"domains": [domain(name="a@example.com")]},
        "ses:domains[0].name",
        "email",
    ),
    ("single label", {"domains": [domain(name="localhost")]}, "ses:domains[0].name", "two labels"),
    ("empty label", {"domains": [domain(name="a..com")]}, "ses:domains[0].name", "empty label"),
    ("underscore", {"domains": [domain(name="a_b.com")]}, "ses:domains[0].name", "letters, d"),
    ("leading hyphen", {"domains": [domain(name="-a.com")]}, "ses:domains[0].name", "hyphens"),
    ("space inside", {"domains": [domain(name="ex ample.com")]}, "ses:domains[0].name", "white"),
    ("padded", {"domains": [domain(name=" example.com")]}, "ses:domains[0].name", "white space"),
    ("label 64", {"domains": [domain(name="a" * 64 + ".com")]}, "ses:domains[0].name", "63"),
    (
        "name 254 octets",
        {"domains": [domain(name=".".join(["a" * 63] * 3 + ["b" * 61]) + ".com")]},
        "ses:domains[0].name",
        "at most 253",
    ),
    ("numeric TLD", {"domains": [domain(name="example.123")]}, "ses:domains[0].name", "numeric"),
    ("bad IDN", {"domains": [domain(name="xn--zz.com")]}, "ses:domains[0].name", "A-label"),
    (
        "duplicate domain after normalising",
        {"domains": [domain(), domain(name="EXAMPLE.com.")]},
        "ses:domains[1].name",
        "duplicates ses:domains[0].name",
    ),
    (
        "region without SES",
        {"domains": [domain(region="us-east-9")]},
        "ses:domains[0].region",
        "not a region where SES runs",
    ),
    ("region typo", {"domains": [domain(region="eu-west1")]}, "ses:domains[0].region", "eu-west-1"),
    (
        "MAIL FROM outside the domain",
        {"domains": [domain(mailFrom={"subdomain": "mail.example.org"})]},
        "ses:domains[0].mailFrom.subdomain",
        "is not under example.com",
    ),
    (
        "MAIL FROM equals the domain",
        {"domains": [domain(mailFrom={"subdomain": "example.com"})]},
        "ses:domains[0].mailFrom.subdomain",
        "equals the domain",
    ),
    (
        "MAIL FROM bad label",
        {"domains": [domain(mailFrom={"subdomain": "bad_label"})]},
        "ses:domains[0].mailFrom.subdomain",
        "label",
    ),
    (
        "MX failure behaviour in v1 spelling",
        {"domains": [domain(mailFrom={"behaviorOnMxFailure": "UseDefaultValue"})]},
        "ses:domains[0].mailFrom.behaviorOnMxFailure",
        "USE_DEFAULT_VALUE",
    ),
    (
        "DMARC policy",
        {"domains": [domain(dmarc={"policy": "strict"})]},
        "ses:domains[0].dmarc.policy",
        "none, quarantine, reject",
    ),
    (
        "DMARC subdomain policy",
        {"domains": [domain(dmarc={"subdomainPolicy": "block"})]},
        "ses:domains[0].dmarc.subdomainPolicy",
        "none, quarantine, reject",
    ),
    (
        "rua without mailto",
        {"domains": [domain(dmarc={"rua": ["dmarc@example.com"]})]},
        "ses:domains[0].dmarc.rua[0]",
        "mailto:",
    ),
    (
        "rua https URI",
        {"domains": [domain(dmarc={"rua": ["https://example.com/dmarc"]})]},
        "ses:domains[0].dmarc.rua[0]",
        "mailto:",
    ),
    (
        "ruf bad address",
        {"domains": [domain(dmarc={"ruf": ["mailto:not-an-address"]})]},
        "ses:domains[0].dmarc.ruf[0]",
        "mailto:",
    ),
    (
        "rua two URIs in one entry",
        {"domains": [domain(dmarc={"rua": ["mailto:a@example.com,mailto:b@example.com"]})]},
        "ses:domains[0].dmarc.rua[0]",
        "one URI",
    ),
    ("pct 101", {"domains": [domain(dmarc={"pct": 101})]}, "ses:domains[0].dmarc.pct", "0 to 100"),
    ("pct -1", {"domains": [domain(dmarc={"pct": -1})]}, "ses:domains[0].dmarc.pct", "0 to 100"),
    ("pct 50.5", {"domains": [domain(dmarc={"pct": 50.5})]}, "ses:domains[0].dmarc.pct", "whole"),
    ("adkim", {"domains": [domain(dmarc={"adkim": "x"})]}, "ses:domains[0].dmarc.adkim", "r, s"),
    (
        "email identity without @",
        {"domains": [domain(emailIdentities=["ops.example.com"])]},
        "ses:domains[0].emailIdentities[0]",
        "email address",
    ),
    (
        "email identity with two @",
        {"domains": [domain(emailIdentities=["a@b@example.com"])]},
        "ses:domains[0].emailIdentities[0]",
        "email address",
    ),
    (
        "email identity bad domain",
        {"domains": [domain(emailIdentities=["ops@192.0.2.1"])]},
        "ses:domains[0].emailIdentities[0]",
        "email address",
    ),
    (
        "email identity double dot",
        {"domains": [domain(emailIdentities=["a..b@example.com"])]},
        "ses:domains[0].emailIdentities[0]",
        "email address",
    ),
    (
        "email identity listed twice",
        {"domains": [domain(emailIdentities=["a@example.com", "A@example.com"])]},
        "ses:domains[0].emailIdentities[1]",
        "listed twice",
    ),
    (
        "DKIM mode",
        {"domains": [domain(dkim={"mode": "manual"})]},
        "ses:domains[0].dkim.mode",
        "easy, byodkim",
    ),
    (
        "Easy DKIM key length",
        {"domains": [domain(dkim={"keyLength": "RSA_4096_BIT"})]},
        "ses:domains[0].dkim.keyLength",
        "RSA_2048_BIT",
    ),
    (
        "BYODKIM without selector",
        {"domains": [domain(dkim={"mode": "byodkim", "privateKeyConfig": "k"})], "k": RSA_2048},
        "ses:domains[0].dkim.selector",
        "is required",
    ),
    (
        "BYODKIM without key",
        {"domains": [domain(dkim={"mode": "byodkim", "selector": "s1"})]},
        "ses:domains[0].dkim.privateKeyConfig",
        "is required",
    ),
    (
        "BYODKIM key config not set",
        {"domains": [domain(dkim=byodkim("missingKey"))]},
        "ses:domains[0].dkim.privateKeyConfig",
        "not set",
    ),
    (
        "BYODKIM key not a key",
        {"domains": [domain(dkim=byodkim())], "dkimKey": "hunter2"},
        "ses:dkimKey",
        "RSA private key of 1024 or 2048 bits",
    ),
    (
        "BYODKIM 3072-bit key",
        {"domains": [domain(dkim=byodkim())], "dkimKey": RSA_3072},
        "ses:dkimKey",
        "3072-bit",
    ),
    (
        "BYODKIM 1536-bit key",
        {"domains": [domain(dkim=byodkim())], "dkimKey": RSA_1536},
        "ses:dkimKey",
        "1536-bit",
    ),
    (
        "BYODKIM EC key",
        {"domains": [domain(dkim=byodkim())], "dkimKey": EC_KEY},
        "ses:dkimKey",
        "needs RSA",
    ),
    (
        "BYODKIM encrypted key",
        {"domains": [domain(dkim=byodkim())], "dkimKey": RSA_2048_ENCRYPTED},
        "ses:dkimKey",
        "passphrase",
    ),
    (
        "BYODKIM public key instead of private",
        {
            "domains": [domain(dkim=byodkim())],
            "dkimKey": "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
        },
        "ses:dkimKey",
        "RSA private key",
    ),
    (
        "BYODKIM bad selector",
        {"domains": [domain(dkim={**byodkim(), "selector": "Bad_Selector"})], "dkimKey": RSA_2048},
        "ses:domains[0].dkim.selector",
        "lowercase",
    ),
    (
        "selector with Easy DKIM",
        {"domains": [domain(dkim={"selector": "s1"})]},
        "ses:domains[0].dkim.selector",
        "byodkim only",
    ),
    (
        "DNS provider",
        {"domains": [domain(dns={"provider": "godaddy"})]},
        "ses:domains[0].dns.provider",
        "route53, cloudflare, external",
    ),
    (
        "Route 53 zone id",
        {"domains": [domain(dns={"zoneId": "not-a-zone"})]},
        "ses:domains[0].dns.zoneId",
        "hosted zone id",
    ),
    (
        "zone name not a parent",
        {"domains": [domain(dns={"zoneName": "example.org"})]},
        "ses:domains[0].dns.zoneName",
        "parent",
    ),
    (
        "Cloudflare without zone id",
        {"domains": [domain(dns={"provider": "cloudflare"})]},
        "ses:domains[0].dns.zoneId",
        "is required",
    ),
    (
        "Cloudflare bad zone id",
        {"domains": [domain(dns={"provider": "cloudflare", "zoneId": "Z123"})]},
        "ses:domains[0].dns.zoneId",
        "32 lowercase hex",
    ),
    ("TTL too low", {"domains": [domain(dns={"ttl": 5})]}, "ses:domains[0].dns.ttl", "60 to"),
    (
        "tag key with aws: prefix",
        {"domains": [domain()], "tags": {"aws:owner": "x"}},
        "ses:tags.aws:owner",
        "not starting with aws:",
    ),
    (
        "tag value not a string",
        {"domains": [domain(tags={"team": 7})]},
        "ses:domains[0].tags.team",
        "string",
    ),
    ("protect not boolean", {"domains": [domain()], "protect": "yes"}, "ses:protect", "true or"),
    (
        "unknown domain key with suggestion",
        {"domains": [domain(mailfrom={"subdomain": "m"})]},
        "ses:domains[0].mailfrom",
        "did you mean 'mailFrom'",
    ),
    (
        "unknown nested key with suggestion",
        {"domains": [domain(dmarc={"polcy": "reject"})]},
        "ses:domains[0].dmarc.polcy",
        "did you mean 'policy'",
    ),
    (
        "unknown top-level key with suggestion",
        {"domains": [domain()], "domain": []},
        "ses:domain",
        "did you mean 'domains'",
    ),
]


@pytest.mark.parametrize(
    ("values", "key", "allowed"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_named(values: dict[str, Any], key: str, allowed: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(values)
    matching = [p for p in raised.value.problems if p.key == key]
    assert matching, f"no problem for {key}; got {[str(p) for p in raised.value.problems]}"
    assert any(allowed in p.allowed for p in matching), [str(p) for p in matching]


def test_every_problem_is_reported_at_once() -> None:
    values = {
        "domains": [
            domain(
                name="https://bad.example",
                region="mars-1",
                dmarc={"policy": "strict", "pct": 300, "rua": ["x"]},
                emailIdentities=["nope"],
            ),
            domain(name="192.0.2.7"),
            {"nmae": "typo.example"},
        ],
        "tagz": {},
    }
    with pytest.raises(ConfigError) as raised:
        parse(values)
    keys = {p.key for p in raised.value.problems}
    assert keys >= {
        "ses:domains[0].name",
        "ses:domains[0].region",
        "ses:domains[0].dmarc.policy",
        "ses:domains[0].dmarc.pct",
        "ses:domains[0].dmarc.rua[0]",
        "ses:domains[0].emailIdentities[0]",
        "ses:domains[1].name",
        "ses:domains[2].name",
        "ses:domains[2].nmae",
        "ses:tagz",
    }
    message = str(raised.value)
    assert message.startswith(f"{len(raised.value.problems)} configuration problems:")
    assert (
        "'https://bad.example'" in message and "must be one of none, quarantine, reject" in message
    )


def test_secret_key_text_never_appears_in_messages() -> None:
    with pytest.raises(ConfigError) as raised:
        parse({"domains": [domain(dkim=byodkim())], "dkimKey": RSA_3072})
    assert "PRIVATE KEY" not in str(raised.value)
    assert RSA_3072.splitlines()[1] not in str(raised.value)


def test_region_falls_back_to_aws_region_and_is_required_without_it() -> None:
    assert parse({"domains": [domain()]}, aws_region="eu-west-1").domains[0].region == "eu-west-1"
    with pytest.raises(ConfigError) as raised:
        parse({"domains": [domain()]}, aws_region=None)
    assert [p.key for p in raised.value.problems] == ["ses:domains[0].region"]


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("Example.COM", "example.com"),
        ("example.com.", "example.com"),
        ("MAIL.Example.Com.", "mail.example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ],
)
def test_names_are_normalised_not_rejected(given: str, normalised: str) -> None:
    config = parse({"domains": [domain(name=given, emailIdentities=[f"Ops@{given}"])]})
    assert config.domains[0].name == normalised
    assert config.domains[0].email_identities == (f"Ops@{normalised}",)
    assert config.domains[0].mail_from_domain == f"mail.{normalised}"


def test_defaults_are_the_safe_ones() -> None:
    parsed = parse({"domains": [domain()]}).domains[0]
    assert parsed.dkim.mode is DkimMode.EASY
    assert parsed.dkim.key_length.value == "RSA_2048_BIT"
    assert parsed.mail_from.enabled and parsed.mail_from_domain == "mail.example.com"
    assert parsed.mail_from.behavior_on_mx_failure is MxFailureBehavior.USE_DEFAULT_VALUE
    assert parsed.dmarc.enabled and parsed.dmarc.policy is DmarcPolicy.NONE
    assert parsed.dns.provider.value == "route53" and parsed.dns.ttl == 1800
    assert not parsed.protect


def test_byodkim_key_is_accepted_and_hidden_from_repr() -> None:
    config = parse({"domains": [domain(dkim=byodkim())], "dkimKey": RSA_2048})
    key = config.domains[0].dkim.key
    assert key is not None and key.bits == 2048
    assert key.private_key_base64 not in repr(config)
    assert "BEGIN" not in key.private_key_base64 and "\n" not in key.private_key_base64


def test_string_forms_from_the_cli_are_accepted() -> None:
    """``pulumi config set`` stores scalars as strings: "true", "50"."""
    config = parse({"domains": [domain(dmarc={"pct": "50"}, protect="true")], "protect": "false"})
    assert config.domains[0].dmarc.pct == 50
    assert config.domains[0].protect is True
