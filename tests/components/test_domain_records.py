"""Pure record building: TXT splitting, DMARC values, the BIND fragment."""

from __future__ import annotations

from typing import Any

import dns.rdatatype
import dns.zone
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.domain.model import DmarcAlignment, DmarcConfig, DmarcPolicy
from components.domain.records import (
    DnsRecord,
    Purpose,
    RecordType,
    dkim_key_value,
    dmarc_value,
    needs_dkim_tokens,
    record_slots,
    required_records,
    split_txt,
    zone_file,
)
from tests.support.harness import parse
from tests.support.private_keys import rsa_pem

SOA_AND_NS = (
    "example.com. 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 900 1209600 300\n"
    "example.com. 3600 IN NS ns.example.com.\n"
)


def rdata(zone: dns.zone.Zone, name: str, rdtype: dns.rdatatype.RdataType) -> Any:
    (only,) = zone.find_rdataset(name, rdtype)
    return only


@given(st.text(max_size=2000))
def test_split_txt_round_trips_within_255_octets(value: str) -> None:
    pieces = split_txt(value)
    assert "".join(pieces) == value
    assert all(len(piece.encode()) <= 255 for piece in pieces)
    assert all(pieces) or pieces == [""]


def test_split_txt_packs_full_strings() -> None:
    assert [len(p) for p in split_txt("a" * 600)] == [255, 255, 90]
    assert split_txt("a" * 255) == ["a" * 255]
    assert [len(p.encode()) for p in split_txt("é" * 200)] == [254, 146]


@pytest.mark.parametrize(
    ("dmarc", "expected"),
    [
        (DmarcConfig(), "v=DMARC1; p=none"),
        (
            DmarcConfig(
                policy=DmarcPolicy.REJECT,
                subdomain_policy=DmarcPolicy.QUARANTINE,
                rua=("mailto:a@example.com", "mailto:b@example.net!10m"),
                ruf=("mailto:f@example.com",),
                pct=25,
                adkim=DmarcAlignment.STRICT,
                aspf=DmarcAlignment.STRICT,
            ),
            "v=DMARC1; p=reject; sp=quarantine; pct=25; adkim=s; aspf=s; "
            "rua=mailto:a@example.com,mailto:b@example.net!10m; ruf=mailto:f@example.com",
        ),
    ],
)
def test_dmarc_value(dmarc: DmarcConfig, expected: str) -> None:
    assert dmarc_value(dmarc) == expected


def test_zone_file_loads_in_dnspython_with_the_same_data() -> None:
    config = parse(
        {
            "domains": [
                {
                    "name": "example.com",
                    "dmarc": {"rua": ["mailto:d@example.com"]},
                    "dkim": {"targetDomain": "dkim.example.net"},
                }
            ]
        }
    )
    records = required_records(config.domains[0], ["tok1", "tok2", "tok3"])
    long_txt = records[-1].__class__(
        "example.com",
        "long.example.com",
        records[-1].type,
        "x" * 600,
        300,
        records[-1].purpose,
        "long",
    )
    text = SOA_AND_NS + zone_file([*records, long_txt])
    zone = dns.zone.from_text(text, origin="example.com.", relativize=False)
    cname = rdata(zone, "tok1._domainkey.example.com.", dns.rdatatype.CNAME)
    assert cname.target.to_text() == "tok1.dkim.example.net."
    mx = rdata(zone, "mail.example.com.", dns.rdatatype.MX)
    assert (mx.preference, mx.exchange.to_text()) == (
        10,
        "feedback-smtp.us-east-1.amazonses.com.",
    )
    dmarc = rdata(zone, "_dmarc.example.com.", dns.rdatatype.TXT)
    assert b"".join(dmarc.strings) == b"v=DMARC1; p=none; rua=mailto:d@example.com"
    long_rdata = rdata(zone, "long.example.com.", dns.rdatatype.TXT)
    assert [len(s) for s in long_rdata.strings] == [255, 255, 90]
    assert zone.find_rdataset("long.example.com.", dns.rdatatype.TXT).ttl == 300


def test_zone_file_escapes_quotes_and_backslashes() -> None:
    config = parse({"domains": [{"name": "example.com"}]})
    record = required_records(config.domains[0])[-1]
    odd = record.__class__(
        "example.com", "odd.example.com", record.type, 'say "hi" \\ bye', 60, record.purpose, "x"
    )
    text = SOA_AND_NS + zone_file([odd])
    zone = dns.zone.from_text(text, origin="example.com.", relativize=False)
    txt = rdata(zone, "odd.example.com.", dns.rdatatype.TXT)
    assert b"".join(txt.strings) == b'say "hi" \\ bye'


@pytest.mark.parametrize(
    ("dmarc", "expected"),
    [
        (DmarcConfig(pct=0), "v=DMARC1; p=none; pct=0"),
        (DmarcConfig(pct=99), "v=DMARC1; p=none; pct=99"),
        (DmarcConfig(pct=100), "v=DMARC1; p=none"),
        (DmarcConfig(aspf=DmarcAlignment.STRICT), "v=DMARC1; p=none; aspf=s"),
        (DmarcConfig(adkim=DmarcAlignment.STRICT), "v=DMARC1; p=none; adkim=s"),
        (
            DmarcConfig(ruf=("mailto:f@example.com", "mailto:g@example.net")),
            "v=DMARC1; p=none; ruf=mailto:f@example.com,mailto:g@example.net",
        ),
        (DmarcConfig(subdomain_policy=DmarcPolicy.NONE), "v=DMARC1; p=none; sp=none"),
    ],
)
def test_dmarc_value_tags_left_at_their_defaults(dmarc: DmarcConfig, expected: str) -> None:
    assert dmarc_value(dmarc) == expected


def _record(**changes: Any) -> DnsRecord:
    base: dict[str, Any] = {
        "domain": "example.com",
        "name": "mail.example.com",
        "type": RecordType.MX,
        "value": "10 feedback-smtp.eu-west-1.amazonses.com",
        "ttl": 600,
        "purpose": Purpose.MAIL_FROM_MX,
        "slot": "mail-from-mx",
    }
    return DnsRecord(**{**base, **changes})


def test_a_record_as_contract_1_and_its_parts() -> None:
    mx = _record()
    assert mx.to_json() == {
        "domain": "example.com",
        "name": "mail.example.com",
        "type": "MX",
        "value": "10 feedback-smtp.eu-west-1.amazonses.com",
        "ttl": 600,
        "purpose": "mail_from_mx",
    }
    assert (mx.mx_priority, mx.mx_host) == (10, "feedback-smtp.eu-west-1.amazonses.com")
    txt = _record(type=RecordType.TXT, value="x" * 300, purpose=Purpose.DMARC)
    assert txt.txt_strings == ["x" * 255, "x" * 45]


def test_zone_file_lines_whole() -> None:
    records = [
        _record(),
        _record(type=RecordType.TXT, value='v=spf1 "q" ~all', purpose=Purpose.MAIL_FROM_SPF),
        _record(
            name="t._domainkey.example.com",
            type=RecordType.CNAME,
            value="t.dkim.amazonses.com",
            purpose=Purpose.DKIM,
        ),
    ]
    assert zone_file(records) == (
        "mail.example.com.\t600\tIN\tMX\t10 feedback-smtp.eu-west-1.amazonses.com.\n"
        'mail.example.com.\t600\tIN\tTXT\t"v=spf1 \\"q\\" ~all"\n'
        "t._domainkey.example.com.\t600\tIN\tCNAME\tt.dkim.amazonses.com.\n"
    )
    assert zone_file([]) == ""


def test_split_txt_edges() -> None:
    assert split_txt("") == [""]
    assert split_txt("abcdef", limit=3) == ["abc", "def"]
    assert split_txt("abcdefg", limit=3) == ["abc", "def", "g"]
    assert split_txt("aé", limit=2) == ["a", "é"]  # 'é' is two octets: never split inside it


def test_every_record_of_an_easy_dkim_domain_whole() -> None:
    config = parse(
        {
            "domains": [
                {
                    "name": "example.com",
                    "region": "eu-west-1",
                    "dns": {"ttl": 900},
                    "mailFrom": {"subdomain": "bounce"},
                    "dmarc": {"policy": "reject", "pct": 0},
                }
            ]
        }
    )
    domain = config.domains[0]
    assert [r.to_json() | {"slot": r.slot} for r in required_records(domain, ["TokA", "tokb"])] == [
        {
            "domain": "example.com",
            "name": "toka._domainkey.example.com",
            "type": "CNAME",
            "value": "toka.dkim.amazonses.com",
            "ttl": 900,
            "purpose": "dkim",
            "slot": "dkim-1",
        },
        {
            "domain": "example.com",
            "name": "tokb._domainkey.example.com",
            "type": "CNAME",
            "value": "tokb.dkim.amazonses.com",
            "ttl": 900,
            "purpose": "dkim",
            "slot": "dkim-2",
        },
        {
            "domain": "example.com",
            "name": "bounce.example.com",
            "type": "MX",
            "value": "10 feedback-smtp.eu-west-1.amazonses.com",
            "ttl": 900,
            "purpose": "mail_from_mx",
            "slot": "mail-from-mx",
        },
        {
            "domain": "example.com",
            "name": "bounce.example.com",
            "type": "TXT",
            "value": "v=spf1 include:amazonses.com ~all",
            "ttl": 900,
            "purpose": "mail_from_spf",
            "slot": "mail-from-spf",
        },
        {
            "domain": "example.com",
            "name": "_dmarc.example.com",
            "type": "TXT",
            "value": "v=DMARC1; p=reject; pct=0",
            "ttl": 900,
            "purpose": "dmarc",
            "slot": "dmarc",
        },
    ]
    slots = record_slots(domain)
    assert [r.name for r in slots if needs_dkim_tokens(r)] == [
        "token1._domainkey.example.com",
        "token2._domainkey.example.com",
        "token3._domainkey.example.com",
    ]
    assert [needs_dkim_tokens(r) for r in slots] == [True, True, True, False, False, False]


def test_a_domain_without_mail_from_or_dmarc_needs_only_its_dkim_records() -> None:
    config = parse(
        {
            "domains": [
                {"name": "example.com", "mailFrom": {"enabled": False}, "dmarc": {"enabled": False}}
            ]
        }
    )
    records = required_records(config.domains[0], ["t1"])
    assert [(r.name, r.slot) for r in records] == [("t1._domainkey.example.com", "dkim-1")]


def test_a_byodkim_domain_publishes_its_key_as_txt() -> None:
    config = parse(
        {
            "domains": [
                {
                    "name": "example.com",
                    "dkim": {"mode": "byodkim", "selector": "sel1", "privateKeyConfig": "dkimKey"},
                    "dns": {"ttl": 600},
                    "mailFrom": {"enabled": False},
                    "dmarc": {"enabled": False},
                }
            ],
            "dkimKey": rsa_pem(2048),
        }
    )
    domain = config.domains[0]
    assert domain.dkim.key is not None
    (record,) = required_records(domain, ["ignored"])
    assert record.to_json() | {"slot": record.slot} == {
        "domain": "example.com",
        "name": "sel1._domainkey.example.com",
        "type": "TXT",
        "value": f"v=DKIM1; k=rsa; p={domain.dkim.key.public_key_base64}",
        "ttl": 600,
        "purpose": "dkim",
        "slot": "dkim-key",
    }
    assert not needs_dkim_tokens(record)
    assert dkim_key_value("QUJD") == "v=DKIM1; k=rsa; p=QUJD"


def test_every_record_of_a_two_region_domain_with_bimi_whole() -> None:
    """Each region's DKIM and MAIL FROM records, DMARC and BIMI once; slots name resources, so a
    secondary region's are suffixed with it and none is shared."""
    config = parse(
        {
            "domains": [
                {
                    "name": "example.com",
                    "regions": ["eu-west-1", "eu-south-1"],
                    "dns": {"provider": "external", "ttl": 900},
                    "dmarc": {"policy": "reject"},
                    "bimi": {"logoUrl": "https://brand.example.com/bimi/logo.svg"},
                }
            ]
        }
    )
    domain = config.domains[0]
    records = required_records(domain, ["TokA", "tokb"], {"eu-south-1": ["tokc"]})
    assert [(r.name, r.type.value, r.value, r.ttl, r.purpose.value, r.slot) for r in records] == [
        ("toka._domainkey.example.com", "CNAME", "toka.dkim.amazonses.com", 900, "dkim", "dkim-1"),
        ("tokb._domainkey.example.com", "CNAME", "tokb.dkim.amazonses.com", 900, "dkim", "dkim-2"),
        (
            "tokc._domainkey.example.com",
            "CNAME",
            "tokc.dkim.eu-south-1.amazonses.com",
            900,
            "dkim",
            "dkim-1-eu-south-1",
        ),
        (
            "mail.example.com",
            "MX",
            "10 feedback-smtp.eu-west-1.amazonses.com",
            900,
            "mail_from_mx",
            "mail-from-mx",
        ),
        (
            "mail.example.com",
            "TXT",
            "v=spf1 include:amazonses.com ~all",
            900,
            "mail_from_spf",
            "mail-from-spf",
        ),
        (
            "mail-eu-south-1.example.com",
            "MX",
            "10 feedback-smtp.eu-south-1.amazonses.com",
            900,
            "mail_from_mx",
            "mail-from-mx-eu-south-1",
        ),
        (
            "mail-eu-south-1.example.com",
            "TXT",
            "v=spf1 include:amazonses.com ~all",
            900,
            "mail_from_spf",
            "mail-from-spf-eu-south-1",
        ),
        ("_dmarc.example.com", "TXT", "v=DMARC1; p=reject", 900, "dmarc", "dmarc"),
        (
            "default._bimi.example.com",
            "TXT",
            "v=BIMI1; l=https://brand.example.com/bimi/logo.svg; a=",
            900,
            "bimi",
            "bimi",
        ),
    ]
    assert {r.domain for r in records} == {"example.com"}
    # Before SES hands out tokens: three placeholders a region, each its own slot.
    assert [(r.name, r.slot) for r in record_slots(domain) if needs_dkim_tokens(r)] == [
        ("token1._domainkey.example.com", "dkim-1"),
        ("token2._domainkey.example.com", "dkim-2"),
        ("token3._domainkey.example.com", "dkim-3"),
        ("eu-south-1-token1._domainkey.example.com", "dkim-1-eu-south-1"),
        ("eu-south-1-token2._domainkey.example.com", "dkim-2-eu-south-1"),
        ("eu-south-1-token3._domainkey.example.com", "dkim-3-eu-south-1"),
    ]
    # A region whose tokens are not given has no DKIM records yet.
    assert [r.slot for r in required_records(domain, ["toka"]) if r.purpose.value == "dkim"] == [
        "dkim-1"
    ]
