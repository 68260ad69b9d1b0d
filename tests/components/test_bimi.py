"""BIMI settings: the record, its URLs and selector checked, and refused unless DMARC is at
enforcement; the same through stack config and through typed props."""

from __future__ import annotations

from typing import Any

import pytest

from components.domain.args import BimiArgs, DmarcArgs, ExternalDns, SesDomainArgs
from components.domain.component import SesDomain
from components.domain.model import DmarcPolicy
from components.domain.records import Purpose, required_records, split_txt
from components.validation import ConfigError
from tests.components.test_domain_args import declare
from tests.support.harness import evaluate, parse

LOGO = "https://brand.example.com/bimi/logo.svg"
VMC = "https://brand.example.com/bimi/vmc.pem"


def domain(bimi: dict[str, Any], **dmarc: Any) -> dict[str, Any]:
    return {
        "name": "example.com",
        "dns": {"provider": "external"},
        "dmarc": {"policy": "reject", **dmarc},
        "bimi": bimi,
    }


def problems(values: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as raised:
        parse(values)
    return {p.key: p.allowed for p in raised.value.problems}


def test_the_record_is_part_of_dns_records() -> None:
    result = evaluate({"domains": [domain({"logoUrl": LOGO, "authorityUrl": VMC})]})
    (record,) = [r for r in result.outputs["dns_records"] if r["purpose"] == "bimi"]
    assert record == {
        "domain": "example.com",
        "name": "default._bimi.example.com",
        "type": "TXT",
        "value": f"v=BIMI1; l={LOGO}; a={VMC}",
        "ttl": 1800,
        "purpose": "bimi",
    }


def test_selector_and_empty_authority() -> None:
    config = parse({"domains": [domain({"logoUrl": LOGO, "selector": "brand2"})]})
    bimi = config.domains[0].bimi
    assert bimi is not None and bimi.selector == "brand2" and bimi.authority_url is None
    result = evaluate({"domains": [domain({"logoUrl": LOGO, "selector": "brand2"})]})
    (record,) = [r for r in result.outputs["dns_records"] if r["purpose"] == "bimi"]
    assert record["name"] == "brand2._bimi.example.com"
    assert record["value"] == f"v=BIMI1; l={LOGO}; a="


def test_a_long_record_is_split_into_strings_of_255_octets() -> None:
    logo = "https://brand.example.com/" + "a" * 400 + ".svg"
    config = parse({"domains": [domain({"logoUrl": logo})]})
    bimi = config.domains[0].bimi
    assert bimi is not None
    (record,) = [r for r in required_records(config.domains[0]) if r.purpose is Purpose.BIMI]
    assert [len(s) for s in record.txt_strings] == [255, len(record.value) - 255]
    assert "".join(split_txt(record.value)) == record.value


@pytest.mark.parametrize(
    ("bimi", "key", "allowed"),
    [
        ({}, "logoUrl", "is required"),
        ({"logoUrl": "http://brand.example.com/logo.svg"}, "logoUrl", "scheme 'http'"),
        ({"logoUrl": "brand.example.com/logo.svg"}, "logoUrl", "scheme '(none)'"),
        ({"logoUrl": "https:///logo.svg"}, "logoUrl", "no host name"),
        ({"logoUrl": "https://u:p@brand.example.com/l.svg"}, "logoUrl", "user information"),
        ({"logoUrl": "https://brand.example.com/logo.png"}, "logoUrl", "does not end in .svg"),
        ({"logoUrl": "https://brand.example.com/l.svg?x=1"}, "logoUrl", "query or fragment"),
        ({"logoUrl": "https://brand.example.com/a;b.svg"}, "logoUrl", "contains ';'"),
        ({"logoUrl": "https://brand.example.com/a b.svg"}, "logoUrl", "contains ' '"),
        ({"logoUrl": "https://b_x.example.com/l.svg"}, "logoUrl", "has the host 'b_x"),
        ({"logoUrl": "https://[::1/l.svg"}, "logoUrl", "it is no URL (Invalid IPv6 URL)"),
        ({"logoUrl": "https://x.com/" + "a" * 2100 + ".svg"}, "logoUrl", "at most 2048"),
        ({"logoUrl": LOGO, "authorityUrl": "https://b.example.com/v.crt"}, "authorityUrl", ".pem"),
        ({"logoUrl": LOGO, "authorityUrl": "ftp://b.example.com/v.pem"}, "authorityUrl", "https"),
        ({"logoUrl": LOGO, "selector": "Brand"}, "selector", "one DNS label"),
        ({"logoUrl": LOGO, "selector": "a.b"}, "selector", "one DNS label"),
        ({"logoUrl": LOGO, "selector": "a" * 64}, "selector", "at most 63"),
        ({"logoUrl": LOGO, "colour": "red"}, "colour", "not a known key"),
    ],
)
def test_bad_bimi_settings_are_named(bimi: dict[str, Any], key: str, allowed: str) -> None:
    found = problems({"domains": [domain(bimi)]})
    assert allowed in found[f"ses:domains[0].bimi.{key}"]


def test_bimi_is_refused_unless_dmarc_is_enforced_naming_every_setting_at_once() -> None:
    found = problems(
        {"domains": [domain({"logoUrl": LOGO}, policy="none", pct=90, subdomainPolicy="none")]}
    )
    assert "quarantine or reject" in found["ses:domains[0].dmarc.policy"]
    assert "BIMI" in found["ses:domains[0].dmarc.policy"]
    assert "must be 100" in found["ses:domains[0].dmarc.pct"]
    assert "sp=none" in found["ses:domains[0].dmarc.subdomainPolicy"]


@pytest.mark.parametrize(
    "dmarc",
    [
        {"policy": "quarantine"},
        {"policy": "reject", "subdomainPolicy": "quarantine"},
        {"policy": "quarantine", "pct": 100},
        {"enabled": False, "policy": "none"},
    ],
)
def test_enforced_or_external_dmarc_is_accepted(dmarc: dict[str, Any]) -> None:
    values = {"domains": [{**domain({"logoUrl": LOGO}), "dmarc": dmarc}]}
    assert parse(values).domains[0].bimi is not None


def test_no_bimi_no_record() -> None:
    result = evaluate({"domains": [{"name": "example.com", "dns": {"provider": "external"}}]})
    assert all(r["purpose"] != "bimi" for r in result.outputs["dns_records"])


def test_props_are_checked_by_the_same_parser_and_named_as_props() -> None:
    with pytest.raises(ConfigError) as raised:
        SesDomain(
            "d",
            SesDomainArgs(
                name="example.com",
                region="us-east-1",
                bimi=BimiArgs(logo_url="http://brand.example.com/logo.svg", selector="X"),
                dns=ExternalDns(),
            ),
        )
    keys = {p.key for p in raised.value.problems}
    assert {
        "SesDomainArgs.bimi.logo_url",
        "SesDomainArgs.bimi.selector",
        "SesDomainArgs.dmarc.policy",
    } <= keys


def test_props_publish_the_record() -> None:
    result = declare(
        lambda: SesDomain(
            "d",
            SesDomainArgs(
                name="example.com",
                region="us-east-1",
                dmarc=DmarcArgs(policy=DmarcPolicy.QUARANTINE),
                bimi=BimiArgs(logo_url=LOGO, authority_url=VMC, selector="s1"),
            ),
        )
    )
    (record,) = [r for r in result.outputs["dns_records"] if r["purpose"] == "bimi"]
    assert record["name"] == "s1._bimi.example.com"
    written = result.named("d-bimi")
    assert written.type == "aws:route53/record:Record"
    assert written.inputs["records"] == [f"v=BIMI1; l={LOGO}; a={VMC}"]


def test_every_dns_writer_publishes_bimi_and_tracking_records() -> None:
    """Cloudflare writes both as it writes the other records; Route 53 is above; external
    writes nothing and exports both."""
    cloudflare = {"provider": "cloudflare", "zoneId": "0" * 32}
    values = {
        "domains": [{**domain({"logoUrl": LOGO}), "dns": cloudflare}],
        "feedback": {"tracking": {"customRedirectDomain": "t.example.com"}},
    }
    result = evaluate(values)
    bimi = result.named("example.com-bimi")
    assert bimi.type == "cloudflare:index/dnsRecord:DnsRecord"
    assert bimi.inputs["content"] == f'"v=BIMI1; l={LOGO}; a="'
    tracking = result.named("example.com-tracking-t")
    assert tracking.type == "cloudflare:index/dnsRecord:DnsRecord"
    assert tracking.inputs["type"] == "CNAME"
    assert tracking.inputs["content"] == "r.us-east-1.awstrack.me"
    values["domains"][0]["dns"] = {"provider": "external"}
    exported = evaluate(values)
    assert {r["purpose"] for r in exported.outputs["dns_records"]} >= {"bimi", "tracking"}
    assert not [r for r in exported.declared if r.name.endswith(("-bimi", "-tracking-t"))]
