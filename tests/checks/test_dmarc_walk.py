"""RFC 9989's DNS tree walk: the names asked, the organizational domain and the record that
applies (pure), and the walk itself through a pass's resolver lookups against knotd."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from pathlib import Path

import pytest

from components.checks.dns.client import DnsClient, Server
from components.checks.protocols.dmarc_walk import (
    MAX_QUERIES,
    Found,
    TreeWalk,
    authorisation_name,
    lookups,
    tree_walk,
    walk_names,
)
from components.checks.verify.discovery import ResolverView
from tests.support.checks_support import Result, make_world, start
from tests.support.dns_world import ses_records
from tests.support.knot_server import KnotServer, zone_text

# ---- the names asked ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "names"),
    [
        ("com", ["com"]),
        ("Example.COM.", ["example.com", "com"]),
        ("a.mail.example.com", ["a.mail.example.com", "mail.example.com", "example.com", "com"]),
        # seven labels: one at a time
        (
            "a.b.c.d.e.example.com",
            [
                "a.b.c.d.e.example.com",
                "b.c.d.e.example.com",
                "c.d.e.example.com",
                "d.e.example.com",
                "e.example.com",
                "example.com",
                "com",
            ],
        ),
        # eight labels or more: the first step jumps to the last seven (RFC 9989 4.10 step 4)
        (
            "x.y.a.b.c.d.e.example.com",
            [
                "x.y.a.b.c.d.e.example.com",
                "a.b.c.d.e.example.com",
                "b.c.d.e.example.com",
                "c.d.e.example.com",
                "d.e.example.com",
                "e.example.com",
                "example.com",
                "com",
            ],
        ),
        ("", []),
    ],
)
def test_walk_names(domain: str, names: list[str]) -> None:
    assert walk_names(domain) == names


def test_walk_names_never_exceed_eight() -> None:
    long_name = ".".join(f"l{i}" for i in range(30)) + ".example.com"
    names = walk_names(long_name)
    assert len(names) == MAX_QUERIES == 8
    assert names[0] == long_name
    assert names[1] == "l25.l26.l27.l28.l29.example.com" and names[-1] == "com"
    assert len(walk_names("a.b.c.d.e.f.example.com")) == 8  # eight labels: eight names


# ---- what a walk found ----------------------------------------------------------------------


def _found(name: str, psd: str = "u") -> Found:
    return Found(name=name, text=f"v=DMARC1; p=none; psd={psd}", psd=psd)


@pytest.mark.parametrize(
    ("domain", "found", "org", "applies"),
    [
        ("a.example.com", [], "a.example.com", None),
        ("a.example.com", [_found("a.example.com")], "a.example.com", "a.example.com"),
        ("a.example.com", [_found("example.com")], "example.com", "example.com"),
        (
            "a.b.example.com",
            [_found("a.b.example.com"), _found("b.example.com"), _found("example.com")],
            "example.com",
            "a.b.example.com",
        ),
        # psd=n: that name, even with a record above
        ("a.b.example.com", [_found("b.example.com", "n")], "b.example.com", "b.example.com"),
        # psd=y above the domain: one label below it; its own record if it has one, else the PSD's
        ("a.b.example.com", [_found("example.com", "y")], "b.example.com", "example.com"),
        (
            "a.b.example.com",
            [_found("a.b.example.com"), _found("example.com", "y")],
            "b.example.com",
            "a.b.example.com",
        ),
        # psd=y on the domain itself is not a boundary above it
        ("example.com", [_found("example.com", "y")], "example.com", "example.com"),
    ],
)
def test_organizational_domain_and_the_record_that_applies(
    domain: str, found: list[Found], org: str, applies: str | None
) -> None:
    walk = TreeWalk(domain=domain, found=tuple(found))
    assert walk.organizational_domain == org
    assert (walk.applies.name if walk.applies else None) == applies


def test_an_incomplete_walk_knows_no_organizational_domain() -> None:
    walk = TreeWalk(domain="a.example.com", found=(), error="_dmarc.com: timeout")
    assert not walk.complete
    assert walk.organizational_domain is None and walk.applies is None
    # The domain's own record is settled by the first query, whatever fails above it.
    own = TreeWalk(domain="a.example.com", found=(_found("a.example.com"),), error="x")
    assert own.applies == _found("a.example.com")


def test_lookups_are_both_walks_and_the_authorisation() -> None:
    text = "v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@r.example.net"
    assert lookups(text, "example.com") == [
        "_dmarc.example.com",
        "_dmarc.com",
        "_dmarc.r.example.net",
        "_dmarc.example.net",
        "_dmarc.net",
        "example.com._report._dmarc.r.example.net",
    ]
    assert lookups("v=DMARC1; p=none; rua=mailto:a@example.com", "Example.com.") == []
    assert authorisation_name("Example.com.", "R.test") == "example.com._report._dmarc.r.test"


# ---- the walk through a pass's resolver lookups, on knotd -----------------------------------


def _resolver(stack: ExitStack, zones: dict[str, str]) -> KnotServer:
    return start(stack, KnotServer(zones))


def _walks(server: KnotServer, *domains: str) -> tuple[list[TreeWalk], int]:
    """Walk ``domains`` in one pass (one view); the walks and the queries sent."""

    async def run() -> tuple[list[TreeWalk], int]:
        client = DnsClient(timeout=0.3, attempts=2)
        view = ResolverView(client, [Server(server.address, server.port)])
        try:
            walks = await asyncio.gather(*(tree_walk(d, view) for d in domains))
        finally:
            await view.close()
            await client.close()
        return list(walks), client.stats.queries

    return asyncio.run(run())


def _example(*lines: str) -> str:
    return zone_text("example.com", 1, lines)


def test_walk_on_knotd_finds_the_organizational_domain(stack: ExitStack) -> None:
    example = _example(
        '_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"',
        '_dmarc.shop.example.com. 300 IN TXT "v=DMARC1; p=none"',
        '_dmarc.two.example.com. 300 IN TXT "v=DMARC1; p=none"',
        '_dmarc.two.example.com. 300 IN TXT "v=DMARC1; p=reject"',
        '_dmarc.spf.example.com. 300 IN TXT "v=spf1 -all"',
    )
    server = _resolver(stack, {"com": zone_text("com", 1), "example.com": example})
    (shop, two, spf, deep), queries = _walks(
        server, "shop.example.com", "two.example.com", "spf.example.com", "a.b.example.com"
    )
    assert shop.complete and shop.organizational_domain == "example.com"
    assert shop.applies is not None and shop.applies.text == "v=DMARC1; p=none"
    # Two records at one name count as none; a TXT that is not DMARC is no record.
    assert [f.name for f in two.found] == ["example.com"]
    assert [f.name for f in spf.found] == ["example.com"]
    assert deep.organizational_domain == "example.com"
    assert deep.applies is not None and deep.applies.name == "example.com"
    # One pass: _dmarc.example.com and _dmarc.com are asked once for all four walks.
    assert queries == 4 + 1 + 1 + 1  # each domain's own name, b.example.com, example.com, com


@pytest.mark.parametrize(("psd", "org"), [("y", "shop.example.com"), ("n", "example.com")])
def test_walk_stops_at_psd_and_uses_no_answer_above_it(
    stack: ExitStack, psd: str, org: str
) -> None:
    """psd=y or psd=n at example.com ends the walk there: _dmarc.com's failure (no zone:
    REFUSED) above the stop does not matter."""
    example = _example(f'_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; psd={psd}"')
    server = _resolver(stack, {"example.com": example})
    (walk,), _ = _walks(server, "shop.example.com")
    assert walk.complete
    assert walk.organizational_domain == org
    assert walk.applies is not None and walk.applies.psd == psd


def test_walk_that_cannot_complete_says_where(stack: ExitStack) -> None:
    server = _resolver(stack, {"example.com": _example()})  # no "com" zone: REFUSED
    (walk,), _ = _walks(server, "shop.example.com")
    assert not walk.complete
    assert walk.error is not None and walk.error.startswith("_dmarc.com: ")
    assert walk.organizational_domain is None


def test_a_long_name_takes_at_most_eight_queries(stack: ExitStack) -> None:
    server = _resolver(stack, {"com": zone_text("com", 1), "example.com": _example()})
    long_name = ".".join(f"l{i}" for i in range(20)) + ".example.com"
    (walk,), queries = _walks(server, long_name)
    assert walk.complete and walk.organizational_domain == long_name
    assert queries == 8


def test_nothing_is_remembered_across_passes(stack: ExitStack) -> None:
    """Each pass (each poll of --wait) asks again: a record published between two passes is
    seen by the second."""
    server = _resolver(stack, {"com": zone_text("com", 1), "example.com": _example()})
    (before,), first = _walks(server, "shop.example.com")
    assert before.organizational_domain == "shop.example.com"
    server.set_zone(
        "example.com",
        zone_text("example.com", 2, ['_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"']),
        2,
    )
    (after,), second = _walks(server, "shop.example.com")
    assert after.organizational_domain == "example.com"
    assert first == second == 3


# ---- report destinations in checks verify, on knotd -----------------------------------------

SHOP = "shop.example.com"
TLDS = {"com": zone_text("com", 1), "test": zone_text("test", 1)}


def _verify_reports(
    stack: ExitStack, tmp_path: Path, rua: str, zones: dict[str, str], domain: str = SHOP
) -> Result:
    """``checks verify`` of ``domain`` whose DMARC record sends aggregate reports to ``rua``;
    the resolver serves ``zones`` besides the domain's own zone and amazonses.com."""
    records = ses_records(domain, dmarc=f"v=DMARC1; p=none; rua=mailto:{rua}")
    world = make_world(stack, tmp_path, records, servers=1, resolver_zones=zones, origin=domain)
    return world.verify()


def _parent(*lines: str) -> dict[str, str]:
    return {**TLDS, "example.com": _example(*lines)}


def test_sibling_subdomain_of_one_organizational_domain_needs_no_authorisation(
    stack: ExitStack, tmp_path: Path
) -> None:
    """shop.example.com reporting to reports.example.com: both walk up to the record at
    example.com, one organizational domain (the old parent/child rule asked for a record)."""
    zones = _parent('_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"')
    result = _verify_reports(stack, tmp_path, "dmarc@reports.example.com", zones)
    assert result.rc == 0, result.out
    assert result.doc["domains"][0]["findings"] == []


def test_a_different_organizational_domain_needs_authorisation(
    stack: ExitStack, tmp_path: Path
) -> None:
    zones = {**_parent('_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"')}
    zones["reports.test"] = zone_text("reports.test", 1)
    result = _verify_reports(stack, tmp_path, "r@reports.test", zones)
    assert result.rc == 0, result.out
    (finding,) = result.findings("dmarc_rua_unauthorised")
    assert finding["severity"] == "warning"
    assert finding["message"] == (
        "DMARC reports go to reports.test, in another organizational domain (reports.test, not "
        "example.com), which does not authorise them: receivers drop the reports unless "
        'shop.example.com._report._dmarc.reports.test publishes TXT "v=DMARC1" '
        "(RFC 7489 7.1, RFC 9990)"
    )
    assert finding["fix"] == 'shop.example.com._report._dmarc.reports.test. IN TXT "v=DMARC1"'


def test_psd_y_at_the_parent_makes_siblings_two_organizations(
    stack: ExitStack, tmp_path: Path
) -> None:
    """example.com declares itself a public suffix domain: shop. and reports.example.com are
    then each their own organizational domain, and the reports need the authorisation."""
    zones = _parent('_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; psd=y"')
    result = _verify_reports(stack, tmp_path, "dmarc@reports.example.com", zones)
    (finding,) = result.findings("dmarc_rua_unauthorised")
    assert "(reports.example.com, not shop.example.com)" in finding["message"]
    name = "shop.example.com._report._dmarc.reports.example.com"
    authorised = _parent(
        '_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; psd=y"',
        f'{name}. 300 IN TXT "v=DMARC1"',
    )
    assert _verify_reports(stack, tmp_path, "dmarc@reports.example.com", authorised).rc == 0


def test_no_record_at_the_parent_leaves_siblings_apart(stack: ExitStack, tmp_path: Path) -> None:
    """RFC 9989 4.10.2: with no DMARC record above it, a domain is its own organizational
    domain, so a sibling's reports need the authorisation record."""
    result = _verify_reports(stack, tmp_path, "dmarc@reports.example.com", _parent())
    assert [f["code"] for f in result.doc["domains"][0]["findings"]] == ["dmarc_rua_unauthorised"]


def test_the_parent_itself_as_destination_is_the_same_organization(
    stack: ExitStack, tmp_path: Path
) -> None:
    zones = _parent('_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"')
    result = _verify_reports(stack, tmp_path, "dmarc@example.com", zones)
    assert result.rc == 0 and result.doc["domains"][0]["findings"] == []


def test_a_walk_that_cannot_complete_is_could_not_check(stack: ExitStack, tmp_path: Path) -> None:
    """No "com" zone on the resolver: _dmarc.com is REFUSED, the walk stops there and the
    verdict on the destination is unknown (exit status 3), never a guess."""
    records = ses_records(SHOP, dmarc="v=DMARC1; p=none; rua=mailto:dmarc@reports.example.com")
    zones = {"example.com": _example('_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"')}
    world = make_world(stack, tmp_path, records, servers=1, resolver_zones=zones, origin=SHOP)
    result = world.verify()
    assert result.rc == 3, result.out
    resolver = world.resolver.spec
    assert result.findings("could_not_check") == [
        {
            "severity": "error",
            "code": "could_not_check",
            "name": "_dmarc.shop.example.com",
            "nameserver": resolver,
            "message": f"could not check {resolver}: DMARC report destinations "
            "(reports.example.com): the DNS tree walk (RFC 9989 4.10) for the organizational "
            f"domain of shop.example.com did not complete (_dmarc.com: {resolver}: REFUSED), so "
            "whether the reports need an authorisation record is not known",
            "fix": None,
            "unchecked": True,
            "family": None,
        }
    ]


def test_a_destination_walk_that_cannot_complete_names_the_destination(
    stack: ExitStack, tmp_path: Path
) -> None:
    """The domain's walk completes; the destination's stops at _dmarc.test (no "test" zone)."""
    records = ses_records(SHOP, dmarc="v=DMARC1; p=none; rua=mailto:r@reports.test")
    zones = _parent('_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"')
    del zones["test"]
    zones["reports.test"] = zone_text("reports.test", 1)
    world = make_world(stack, tmp_path, records, servers=1, resolver_zones=zones, origin=SHOP)
    result = world.verify()
    assert result.rc == 3, result.out
    resolver = world.resolver.spec
    assert [f["message"] for f in result.findings("could_not_check")] == [
        f"could not check {resolver}: DMARC report destination reports.test: the DNS tree walk "
        "(RFC 9989 4.10) for the organizational domain of reports.test did not complete "
        f"(_dmarc.test: {resolver}: REFUSED), so whether the reports need an authorisation "
        "record is not known"
    ]
