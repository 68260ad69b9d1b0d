"""What the domain section declares, AWS and the DNS providers accept: BYODKIM selectors as SES
defines them, derived DNS names within DNS's limits, Cloudflare's TTLs, the regional Easy DKIM
domains, and a warning for DMARC settings that deploy but cannot pass."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from components.api_limits import shape_limits
from components.domain.records import required_records
from components.names import MAX_NAME_OCTETS
from components.regions import REGIONAL_DKIM_DOMAINS, dkim_domain, ses_regions
from components.validation import ConfigError
from tests.components.test_domain_parse import RSA_2048
from tests.support.harness import parse

TOKENS = ["a" * 32, "b" * 32, "c" * 32]


def _problems(values: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        parse(values)
    return {p.key: p.allowed for p in caught.value.problems}


def _byodkim(selector: str) -> dict[str, Any]:
    return {
        "domains": [
            {
                "name": "example.com",
                "dkim": {"mode": "byodkim", "selector": selector, "privateKeyConfig": "dkimKey"},
            }
        ],
        "dkimKey": RSA_2048,
    }


def test_selector_limits_come_from_botocores_sesv2_model() -> None:
    model = botocore.session.get_session().get_service_model("sesv2")
    shape = model.shape_for("Selector")
    limits = shape_limits("sesv2", "Selector")
    assert (limits.min, limits.max) == (shape.metadata["min"], shape.metadata["max"]) == (1, 63)
    assert limits.pattern == shape.metadata["pattern"].removeprefix("^").removesuffix("$")


@pytest.mark.parametrize("selector", ["ses2026.eu", "a" * 64, "-ses", "ses-", "s_1", "Ses2026"])
def test_a_selector_is_one_dns_label_of_at_most_63_characters(selector: str) -> None:
    allowed = _problems(_byodkim(selector))["ses:domains[0].dkim.selector"]
    assert allowed.startswith("must be one DNS label: lowercase letters, digits and inner hyphens")


@pytest.mark.parametrize("selector", ["ses2026", "a" * 63, "s-1", "x"])
def test_valid_selectors_are_accepted(selector: str) -> None:
    assert parse(_byodkim(selector)).domains[0].dkim.selector == selector


def _name_of_length(octets: int) -> str:
    labels: list[str] = []
    left = octets
    while left > 0:
        size = min(63, left)
        if left - size == 1:  # never leave a lone dot's worth: a label needs one octet
            size -= 1
        labels.append("a" * size)
        left -= size + 1
    name = ".".join(labels)
    assert len(name) == octets
    return name


def test_a_domain_too_long_for_its_easy_dkim_names_is_refused_with_the_limit() -> None:
    # <32-character token>._domainkey. adds 44 octets: a 210-octet domain is the longest.
    longest = MAX_NAME_OCTETS - 44
    ok = parse({"domains": [{"name": _name_of_length(longest)}]})
    records = required_records(ok.domains[0], TOKENS)
    assert max(len(r.name) for r in records) == MAX_NAME_OCTETS
    allowed = _problems({"domains": [{"name": _name_of_length(longest + 2)}]})
    message = allowed["ses:domains[0].name"]
    assert "is too long for its Easy DKIM records" in message
    assert f"has {MAX_NAME_OCTETS + 2} octets" in message
    assert f"this domain may have at most {longest})" in message


def test_the_byodkim_mail_from_and_dmarc_names_are_checked_too() -> None:
    byodkim = {"dkim": {"mode": "byodkim", "selector": "s", "privateKeyConfig": "k"}}
    name = _name_of_length(247)  # fits alone; s._domainkey. adds 13, mail. 5, _dmarc. 7
    with pytest.raises(ConfigError) as caught:
        parse({"domains": [{"name": name, **byodkim}], "k": RSA_2048})
    messages = [p.allowed for p in caught.value.problems if p.key == "ses:domains[0].name"]
    assert [m.split(":")[0] for m in messages] == [
        "is too long for its DKIM key record",
        "is too long for its DMARC record",
    ]
    assert all(len(m) < 300 for m in messages)
    name = _name_of_length(249)
    with pytest.raises(ConfigError) as caught:
        parse({"domains": [{"name": name, **byodkim}], "k": RSA_2048})
    messages = [p.allowed for p in caught.value.problems if p.key == "ses:domains[0].name"]
    assert [m.split(":")[0] for m in messages] == [
        "is too long for its DKIM key record",
        "is too long for its MAIL FROM domain",
        "is too long for its DMARC record",
    ]


def test_turning_off_mail_from_and_dmarc_leaves_only_the_dkim_name_to_fit() -> None:
    name = _name_of_length(200)
    config = parse(
        {"domains": [{"name": name, "mailFrom": {"enabled": False}, "dmarc": {"enabled": False}}]}
    )
    assert config.domains[0].name == name


@pytest.mark.parametrize("ttl", [2, 59, 86401, 172800, 0])
def test_cloudflare_ttls_are_one_or_60_to_86400(ttl: int) -> None:
    dns = {"provider": "cloudflare", "zoneId": "0" * 32, "ttl": ttl}
    allowed = _problems({"domains": [{"name": "example.com", "dns": dns}]})
    assert "ses:domains[0].dns.ttl" in allowed
    if 1 < ttl < 60:
        assert allowed["ses:domains[0].dns.ttl"] == (
            "must be 1 (automatic) or a whole number from 60 to 86400: Cloudflare's limits"
        )


@pytest.mark.parametrize("ttl", [1, 60, 86400])
def test_cloudflare_ttls_within_its_limits_are_accepted(ttl: int) -> None:
    dns = {"provider": "cloudflare", "zoneId": "0" * 32, "ttl": ttl}
    assert parse({"domains": [{"name": "example.com", "dns": dns}]}).domains[0].dns.ttl == ttl


def test_route53_keeps_its_own_ttl_range() -> None:
    config = parse({"domains": [{"name": "example.com", "dns": {"ttl": 172800}}]})
    assert config.domains[0].dns.ttl == 172800


@pytest.mark.parametrize(
    "region",
    ["ap-south-2", "ap-southeast-5", "ca-west-1", "eu-central-2", "me-central-1", "af-south-1"],
)
def test_regional_easy_dkim_domains(region: str) -> None:
    assert dkim_domain(region) == f"dkim.{region}.amazonses.com"


def test_every_regional_dkim_region_is_an_ses_region_and_others_use_the_global_domain() -> None:
    assert set(REGIONAL_DKIM_DOMAINS) <= ses_regions()
    assert dkim_domain("us-east-1") == dkim_domain("eu-west-1") == "dkim.amazonses.com"


def test_strict_spf_alignment_with_a_mail_from_subdomain_warns() -> None:
    config = parse({"domains": [{"name": "example.com", "dmarc": {"aspf": "s"}}]})
    assert [w for w in config.warnings if "aspf" in w] == [
        "ses:domains[0].dmarc.aspf = 's': strict SPF alignment needs the MAIL FROM domain to "
        "equal example.com, but it is mail.example.com; SPF can never align, so DMARC rests on "
        "DKIM alone. Use 'r' (relaxed) to let SPF align through the MAIL FROM subdomain."
    ]


def test_relaxed_spf_alignment_does_not_warn() -> None:
    warnings = parse({"domains": [{"name": "example.com", "dmarc": {"aspf": "r"}}]}).warnings
    assert not [w for w in warnings if "aspf" in w]


def test_a_dmarc_pct_below_100_warns_that_rfc_9989_removed_it() -> None:
    config = parse({"domains": [{"name": "example.com", "dmarc": {"pct": 25}}]})
    assert [w for w in config.warnings if "pct" in w] == [
        "ses:domains[0].dmarc.pct = 25: RFC 9989 (DMARCbis) removed pct; receivers that follow it "
        "apply the policy to all mail. To test a policy, publish p=none first (checks verify "
        "reports pct as dmarc_obsolete_tag)"
    ]


def test_the_default_dmarc_pct_does_not_warn() -> None:
    assert not [w for w in parse({"domains": [{"name": "example.com"}]}).warnings if "pct" in w]
