"""The Google Postmaster Tools verification record: its token checked, published at the domain
by every DNS writer, and part of ``dns_records``."""

from __future__ import annotations

from typing import Any

import pytest

from components.domain.args import ExternalDns, PostmasterToolsArgs, SesDomainArgs
from components.domain.component import SesDomain
from components.domain.records import Purpose, required_records
from components.validation import ConfigError
from tests.components.test_domain_args import declare
from tests.support.harness import evaluate, parse

TOKEN = "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"


def domain(postmaster: Any, provider: str = "external") -> dict[str, Any]:
    dns: dict[str, Any] = {"provider": provider}
    if provider == "cloudflare":
        dns["zoneId"] = "0123456789abcdef0123456789abcdef"
    return {"name": "example.com", "dns": dns, "postmasterTools": postmaster}


def problems(values: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as raised:
        parse(values)
    return {p.key: str(p) for p in raised.value.problems}


def test_the_record_is_a_txt_at_the_domain_in_dns_records() -> None:
    result = evaluate({"domains": [domain({"verification": TOKEN})]})
    (record,) = [r for r in result.outputs["dns_records"] if r["purpose"] == "postmaster_tools"]
    assert record == {
        "domain": "example.com",
        "name": "example.com",
        "type": "TXT",
        "value": TOKEN,
        "ttl": 1800,
        "purpose": "postmaster_tools",
    }


def test_without_the_setting_there_is_no_record() -> None:
    config = parse({"domains": [{"name": "example.com", "dns": {"provider": "external"}}]})
    assert config.domains[0].postmaster_tools is None
    purposes = {r.purpose for r in required_records(config.domains[0], ["a", "b", "c"])}
    assert Purpose.POSTMASTER_TOOLS not in purposes


@pytest.mark.parametrize(
    ("provider", "resource_type"),
    [
        ("route53", "aws:route53/record:Record"),
        ("cloudflare", "cloudflare:index/dnsRecord:DnsRecord"),
    ],
)
def test_dns_providers_write_it(provider: str, resource_type: str) -> None:
    config = domain({"verification": TOKEN}, provider)
    if provider == "route53":
        config["dns"]["zoneId"] = "Z0123456789ABCDEFGHIJ"
    result = evaluate({"domains": [config]})
    written = [r for r in result.of_type(resource_type) if r.name.endswith("postmaster-tools")]
    assert len(written) == 1
    inputs = written[0].inputs
    assert inputs["name"] == "example.com"
    assert TOKEN in str(inputs.get("records") or inputs.get("content"))


@pytest.mark.parametrize(
    "value",
    [
        "rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ",  # the token without its prefix
        "google-site-verification=",  # no token
        "google-site-verification=short",  # under 16 characters
        "google-site-verification=abc def ghi jkl mno",  # white space
        "google-site-verification=" + "a" * 129,  # over 128 characters
        "v=spf1 include:amazonses.com ~all",  # another record
    ],
)
def test_a_malformed_value_is_refused_naming_key_value_and_shape(value: str) -> None:
    found = problems({"domains": [domain({"verification": value})]})
    key = "ses:domains[0].postmasterTools.verification"
    assert list(found) == [key]
    assert "google-site-verification=" in found[key] and "16 to 128" in found[key]


def test_a_huge_value_is_echoed_cut_short() -> None:
    found = problems({"domains": [domain({"verification": "x" * 100_000})]})
    assert len(found["ses:domains[0].postmasterTools.verification"]) < 1000


def test_missing_verification_unknown_keys_and_wrong_types_all_at_once() -> None:
    found = problems(
        {
            "domains": [
                domain({"token": TOKEN}),
                {**domain({"verification": 42}), "name": "example.org"},
                {**domain("yes"), "name": "example.net"},
            ]
        }
    )
    assert "ses:domains[0].postmasterTools.verification" in found
    assert "ses:domains[0].postmasterTools.token" in found
    assert "ses:domains[1].postmasterTools.verification" in found
    assert "ses:domains[2].postmasterTools" in found


def test_props_publish_the_record() -> None:
    result = declare(
        lambda: SesDomain(
            "d",
            SesDomainArgs(
                name="example.com",
                region="us-east-1",
                postmaster_tools=PostmasterToolsArgs(verification=TOKEN),
            ),
        )
    )
    (record,) = [r for r in result.outputs["dns_records"] if r["purpose"] == "postmaster_tools"]
    assert record["name"] == "example.com" and record["value"] == TOKEN
    assert result.named("d-postmaster-tools").inputs["records"] == [TOKEN]


def test_props_are_checked_by_the_same_parser_and_named_as_props() -> None:
    with pytest.raises(ConfigError) as raised:
        SesDomain(
            "d",
            SesDomainArgs(
                name="example.com",
                region="us-east-1",
                postmaster_tools=PostmasterToolsArgs(verification="TOKEN"),
                dns=ExternalDns(),
            ),
        )
    (problem,) = raised.value.problems
    assert problem.key == "SesDomainArgs.postmaster_tools.verification"
    assert "google-site-verification=" in problem.allowed
