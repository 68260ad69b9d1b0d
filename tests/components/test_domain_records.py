"""Pure record building: TXT splitting, DMARC values, the BIND fragment."""

from __future__ import annotations

from typing import Any

import dns.rdatatype
import dns.zone
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.domain.model import DmarcAlignment, DmarcConfig, DmarcPolicy
from components.domain.records import dmarc_value, required_records, split_txt, zone_file
from tests.support.harness import parse

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
