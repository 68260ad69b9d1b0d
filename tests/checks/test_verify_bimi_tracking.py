"""checks verify on knotd: the BIMI assertion record, the DMARC enforcement BIMI needs (through
RFC 9989's tree walk), and a configuration set's custom tracking domain CNAME."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.checks.protocols.bimi import parse_bimi, record_findings
from components.checks.verify.expected import Expected
from tests.support.checks_support import Result, make_world
from tests.support.dns_world import domain_zone, ses_records
from tests.support.knot_server import zone_text

LOGO = "https://brand.example.com/bimi/logo.svg"
VMC = "https://brand.example.com/bimi/vmc.pem"
BIMI = f"v=BIMI1; l={LOGO}; a={VMC}"
BIMI_NAME = "default._bimi.example.com"
TRACK = "track.example.com"
TRACK_TARGET = "r.us-east-1.awstrack.me"
ENFORCED = "v=DMARC1; p=reject; rua=mailto:dmarc@{domain}"
COM = {"com": zone_text("com", 1)}


def records(dmarc: str = ENFORCED) -> list[dict[str, Any]]:
    extra = [
        {
            "domain": "example.com",
            "name": BIMI_NAME,
            "type": "TXT",
            "value": BIMI,
            "ttl": 300,
            "purpose": "bimi",
        },
        {
            "domain": "example.com",
            "name": TRACK,
            "type": "CNAME",
            "value": TRACK_TARGET,
            "ttl": 300,
            "purpose": "tracking",
        },
    ]
    return [*ses_records(dmarc=dmarc), *extra]


def verify(
    stack: ExitStack,
    tmp_path: Path,
    *,
    dmarc: str = ENFORCED,
    drop: tuple[tuple[str, str], ...] = (),
    replace: dict[tuple[str, str], str] | None = None,
    extra: tuple[str, ...] = (),
    resolver_zones: dict[str, str] | None = None,
) -> Result:
    """``checks verify`` of the records against one knotd serving them changed as asked."""
    expected = records(dmarc)
    zone = domain_zone(expected, "example.com", drop=drop, replace=replace, extra=extra)
    world = make_world(
        stack,
        tmp_path,
        expected,
        zones=[zone],
        resolver_zones=COM if resolver_zones is None else resolver_zones,
    )
    return world.verify()


def codes(result: Result) -> dict[str, list[str]]:
    assert result.doc is not None, result.err
    found: dict[str, list[str]] = {}
    for domain in result.doc["domains"]:
        for finding in domain["findings"]:
            found.setdefault(finding["code"], []).append(finding["message"])
    return found


def test_published_as_expected_passes(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path)
    assert codes(result) == {}
    assert result.rc == 0, result.out


def test_a_missing_bimi_record_is_named(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, drop=((BIMI_NAME, "TXT"),))
    assert any("(bimi)" in m for m in codes(result)["record_missing"])
    assert result.rc == 1


def test_two_bimi_records(stack: ExitStack, tmp_path: Path) -> None:
    other = f'{BIMI_NAME}. 300 IN TXT "v=BIMI1; l=https://brand.example.com/other.svg; a="'
    found = codes(verify(stack, tmp_path, extra=(other,)))
    assert "bimi_multiple" in found


def test_bimi_syntax(stack: ExitStack, tmp_path: Path) -> None:
    bad = f'{BIMI_NAME}. 300 IN TXT "v=BIMI1; l={LOGO}; l={LOGO}; a="'
    found = codes(verify(stack, tmp_path, replace={(BIMI_NAME, "TXT"): bad}))
    assert "record_wrong" in found
    assert any("appears more than once" in m for m in found["bimi_syntax"])


def test_bimi_logo_over_http(stack: ExitStack, tmp_path: Path) -> None:
    bad = f'{BIMI_NAME}. 300 IN TXT "v=BIMI1; l=http://brand.example.com/logo.svg; a={VMC}"'
    found = codes(verify(stack, tmp_path, replace={(BIMI_NAME, "TXT"): bad}))
    assert any("not an https URL" in m for m in found["bimi_logo_invalid"])


def test_bimi_authority_not_a_pem(stack: ExitStack, tmp_path: Path) -> None:
    bad = f'{BIMI_NAME}. 300 IN TXT "v=BIMI1; l={LOGO}; a=https://brand.example.com/vmc.crt"'
    found = codes(verify(stack, tmp_path, replace={(BIMI_NAME, "TXT"): bad}))
    assert any("does not end in .pem" in m for m in found["bimi_authority_invalid"])


@pytest.mark.parametrize(
    ("dmarc", "why"),
    [
        ("v=DMARC1; p=none", "p=none"),
        ("v=DMARC1; p=quarantine; pct=50", "pct=50"),
        ("v=DMARC1; p=reject; sp=none", "sp=none"),
    ],
)
def test_dmarc_not_at_enforcement(stack: ExitStack, tmp_path: Path, dmarc: str, why: str) -> None:
    found = codes(verify(stack, tmp_path, dmarc=dmarc))
    (message,) = found["bimi_dmarc_not_enforced"]
    assert why in message and "example.com" in message


def test_subdomain_inherits_an_unenforced_organizational_policy(
    stack: ExitStack, tmp_path: Path
) -> None:
    """A domain without its own DMARC record takes its organizational domain's sp (or p)."""
    shop = "shop.example.com"
    expected = [r for r in ses_records(shop, dmarc=None) if r["purpose"] != "dmarc"] + [
        {
            "domain": shop,
            "name": f"default._bimi.{shop}",
            "type": "TXT",
            "value": BIMI,
            "ttl": 300,
            "purpose": "bimi",
        }
    ]
    parent = zone_text(
        "example.com",
        1,
        ['_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; sp=quarantine; pct=40"'],
    )
    world = make_world(
        stack,
        tmp_path,
        expected,
        servers=1,
        origin=shop,
        resolver_zones={**COM, "example.com": parent},
    )
    (message,) = codes(world.verify())["bimi_dmarc_not_enforced"]
    assert "pct=40" in message and "organizational domain example.com" in message


def test_no_dmarc_record_at_all(stack: ExitStack, tmp_path: Path) -> None:
    expected = [r for r in records() if r["purpose"] != "dmarc"]
    world = make_world(stack, tmp_path, expected, servers=1, resolver_zones=COM)
    (message,) = codes(world.verify())["bimi_dmarc_not_enforced"]
    assert "no DMARC record applies" in message


def test_an_incomplete_walk_could_not_check(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, resolver_zones={})  # no "com" zone: REFUSED
    found = codes(result)
    assert "bimi_dmarc_not_enforced" not in found
    assert any("tree walk" in m for m in found["could_not_check"])
    assert result.rc == 3


def test_tracking_cname_missing(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, drop=((TRACK, "CNAME"),))
    (message,) = codes(result)["tracking_cname_missing"]
    assert "no CNAME record (tracking) at track.example.com" in message
    assert result.rc == 1


def test_tracking_cname_wrong_target(stack: ExitStack, tmp_path: Path) -> None:
    wrong = f"{TRACK}. 300 IN CNAME r.eu-west-1.awstrack.me."
    result = verify(stack, tmp_path, replace={(TRACK, "CNAME"): wrong})
    (message,) = codes(result)["tracking_cname_wrong"]
    assert "r.eu-west-1.awstrack.me" in message and TRACK_TARGET in message


def test_parser_reads_tags_case_and_space_insensitively() -> None:
    record = parse_bimi(f"v=BIMI1;L = {LOGO} ; a=")
    assert record.tags == {"v": "BIMI1", "l": LOGO, "a": ""}
    assert (record.syntax, record.logo, record.authority) == ([], [], [])
    assert parse_bimi("v=BIMI1; a=").syntax == [
        "the logo tag 'l=' is missing (an empty 'l=' declines a logo)"
    ]
    assert parse_bimi("v=DMARC1; l=").syntax[0].startswith("must start with 'v=BIMI1'")
    assert parse_bimi("v=BIMI1; l=https://[::1/l.svg").logo == [
        "l=https://[::1/l.svg is no URL (Invalid IPv6 URL)"
    ]


_TAG_TEXT = st.text(
    alphabet=st.sampled_from(list("vVlLa=;: /.[]BIMI1https:svgpem,x\t")), max_size=80
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), _TAG_TEXT))
def test_any_published_text_gives_findings_never_an_exception(text: str) -> None:
    expected = Expected("example.com", BIMI_NAME, "TXT", BIMI, "bimi", 300)
    found = record_findings(expected, text, None)
    assert all(f.code.value.startswith("bimi_") for f in found)
    record = parse_bimi(text)
    assert len(found) == len(record.syntax) + len(record.logo) + len(record.authority)
