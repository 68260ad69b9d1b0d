"""Nameservers with IPv6 addresses: each address asked, and a server that answers on one family.

knotd listens on ``::1`` and on a random 127.x.y.z with the same port (``--ns-port`` is one port
for every discovered server); the zone's NS host has A and AAAA glue. Only loopback.
"""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import ExitStack
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from components.checks.dns.client import Answer, DnsClient, Server
from components.checks.verify.engine import Options, verify_pass
from components.checks.verify.expected import Expected, parse_records
from tests.support.checks_support import FAST, Result, run_cli, start
from tests.support.dns_proxy import DnsProxy, Rule
from tests.support.dns_world import amazonses_zone, domain_zone, ses_records
from tests.support.knot_server import (
    KnotServer,
    free_port,
    ipv6_loopback_missing,
    random_loopback,
    zone_text,
)
from tests.support.paths import load_schema

ORIGIN = "example.com"
V6 = "::1"
AAAA_GLUE = [f"ns1.example.com. IN AAAA {V6}"]
NO_V6 = ipv6_loopback_missing()
SCHEMA = jsonschema.Draft202012Validator(load_schema("checks_report.schema.json"))
pytestmark = pytest.mark.skipif(
    NO_V6 is not None, reason=f"::1 is not usable in this sandbox: {NO_V6}"
)


class Behaviour(Enum):
    """What sits at one address of the NS host."""

    KNOT = "knotd serving the zone"
    SILENT = "a UDP socket that never answers (timeout)"
    CLOSED = "nothing (ICMP port unreachable: connection refused)"


@dataclass
class DualWorld:
    v4: str
    port: int
    resolver: KnotServer
    path: Path

    @property
    def v4_label(self) -> str:
        return f"ns1.example.com ({self.v4}:{self.port})"

    @property
    def v6_label(self) -> str:
        return f"ns1.example.com ([{V6}]:{self.port})"

    def verify(self, *extra: str, json_out: bool = True) -> Result:
        argv = ["verify", "--records", str(self.path), "--resolver", self.resolver.spec]
        argv += ["--ns-port", str(self.port), *FAST, *extra]
        return run_cli(*argv, *(["--json"] if json_out else []))


def _occupy(stack: ExitStack, behaviour: Behaviour, address: str, port: int, zone: str) -> None:
    if behaviour is Behaviour.KNOT:
        start(stack, KnotServer({ORIGIN: zone}, address, port))
    elif behaviour is Behaviour.SILENT:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = stack.enter_context(socket.socket(family, socket.SOCK_DGRAM))
        sock.bind((address, port))


def dual_world(
    stack: ExitStack,
    tmp_path: Path,
    *,
    v4: Behaviour = Behaviour.KNOT,
    v6: Behaviour = Behaviour.KNOT,
    v6_drop: list[tuple[str, str]] | None = None,
) -> DualWorld:
    """ns1.example.com with A (127.x.y.z) and AAAA (::1) glue, each address as ``v4``/``v6``
    says; the resolver (a knotd on its own address) serves the zone and amazonses.com."""
    records = ses_records()
    address = random_loopback()
    port = free_port(address, V6)
    zone = domain_zone(records, ORIGIN, ns_address=address, extra=AAAA_GLUE)
    v6_zone = domain_zone(records, ORIGIN, ns_address=address, extra=AAAA_GLUE, drop=v6_drop or [])
    _occupy(stack, v4, address, port, zone)
    _occupy(stack, v6, V6, port, v6_zone)
    resolver = start(stack, KnotServer({ORIGIN: zone, "amazonses.com": amazonses_zone()}))
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    return DualWorld(address, port, resolver, path)


def test_both_addresses_of_the_ns_host_are_asked(stack: ExitStack, tmp_path: Path) -> None:
    world = dual_world(stack, tmp_path)
    result = world.verify()
    assert result.rc == 0, result.out
    SCHEMA.validate(result.doc)
    (domain,) = result.doc["domains"]
    assert [(ns["label"], ns["family"], ns["status"]) for ns in domain["nameservers"]] == [
        (world.v4_label, "ipv4", "ok"),
        (world.v6_label, "ipv6", "ok"),
    ]
    assert [ns["address"] for ns in domain["nameservers"]] == [world.v4, V6]
    for row in domain["records"]:
        assert row["servers"] == {world.v4_label: "ok", world.v6_label: "ok"}
    assert domain["findings"] == []


def test_a_record_missing_over_ipv6_only_names_the_ipv6_address(
    stack: ExitStack, tmp_path: Path
) -> None:
    world = dual_world(stack, tmp_path, v6_drop=[("mail.example.com", "MX")])
    result = world.verify()
    assert result.rc == 1, result.out
    (finding,) = result.findings("record_missing")
    assert (finding["nameserver"], finding["family"]) == (world.v6_label, "ipv6")
    row = next(r for r in result.doc["domains"][0]["records"] if r["type"] == "MX")
    assert row["servers"] == {world.v4_label: "ok", world.v6_label: "missing"}


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        (Behaviour.SILENT, "timeout after 0.3 s"),
        (Behaviour.CLOSED, "connection error (Connection refused)"),
    ],
)
def test_ns_host_answering_over_ipv4_only(
    stack: ExitStack, tmp_path: Path, behaviour: Behaviour, error: str
) -> None:
    world = dual_world(stack, tmp_path, v6=behaviour)
    result = world.verify()
    assert result.rc == 3, result.out  # could not check, never "missing"
    SCHEMA.validate(result.doc)
    (domain,) = result.doc["domains"]
    (finding,) = domain["findings"]
    message = finding.pop("message")
    assert finding == {
        "severity": "error",
        "code": "server_unreachable_ipv6",
        "name": ORIGIN,
        "nameserver": world.v6_label,
        "fix": None,
        "unchecked": True,
        "family": "ipv6",
    }
    # The errors of all its queries are listed; a closed port may also time out some of them.
    errors, rest = message.split("; ns1.example.com answers over", 1)
    assert errors.startswith(f"could not check {world.v6_label} over IPv6: ")
    assert error in errors.split(": ", 1)[1].split("; ")
    assert rest == (
        f" IPv4 ({world.v4}:{world.port}), so only its IPv6 address fails: check that the "
        "server listens and serves the zone on ::1 and that DNS reaches it over IPv6"
    )
    assert [ns["status"] for ns in domain["nameservers"]] == ["ok", "could not check"]
    for row in domain["records"]:
        assert row["servers"] == {world.v4_label: "ok", world.v6_label: "n/a"}
    if behaviour is Behaviour.SILENT:
        # Its SOA and six record queries, each tried twice: only these time out.
        assert result.doc["stats"]["timeouts"] == 7 * 2
    human = world.verify(json_out=False)
    assert human.rc == 3
    assert f"UNCHECKED server_unreachable_ipv6: example.com [on {world.v6_label}]" in human.out


def test_ns_host_answering_over_ipv6_only(stack: ExitStack, tmp_path: Path) -> None:
    world = dual_world(stack, tmp_path, v4=Behaviour.CLOSED)
    result = world.verify()
    assert result.rc == 3, result.out
    (finding,) = result.doc["domains"][0]["findings"]
    assert (finding["code"], finding["nameserver"], finding["family"]) == (
        "server_unreachable_ipv4",
        world.v4_label,
        "ipv4",
    )
    assert finding["message"].startswith(f"could not check {world.v4_label} over IPv4: ")
    assert f"answers over IPv6 ([{V6}]:{world.port})" in finding["message"]


def test_ns_host_answering_on_neither_family_is_plain_could_not_check(
    stack: ExitStack, tmp_path: Path
) -> None:
    world = dual_world(stack, tmp_path, v4=Behaviour.CLOSED, v6=Behaviour.CLOSED)
    result = world.verify()
    assert result.rc == 3, result.out
    found = result.doc["domains"][0]["findings"]
    assert [(f["code"], f["nameserver"], f["family"]) for f in found] == [
        ("could_not_check", world.v4_label, "ipv4"),
        ("could_not_check", world.v6_label, "ipv6"),
    ]


def test_a_record_error_on_ipv4_still_wins_over_ipv6_unreachable(
    stack: ExitStack, tmp_path: Path
) -> None:
    records = ses_records()
    address = random_loopback()
    port = free_port(address, V6)
    broken = domain_zone(
        records, ORIGIN, ns_address=address, extra=AAAA_GLUE, drop=[("mail.example.com", "TXT")]
    )
    start(stack, KnotServer({ORIGIN: broken}, address, port))
    resolver = start(stack, KnotServer({ORIGIN: broken, "amazonses.com": amazonses_zone()}))
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    result = DualWorld(address, port, resolver, path).verify()
    assert result.rc == 1, result.out  # errors win over "could not check"
    assert sorted(result.codes()) == ["record_missing", "server_unreachable_ipv6"]


class RecordingClient(DnsClient):
    """Counts every (name, type) asked of the resolver."""

    def __init__(self, resolver: Server) -> None:
        super().__init__(timeout=0.3, attempts=2)
        self.resolver = resolver
        self.asked: list[tuple[str, str]] = []

    def query(
        self, server: Server, name: str, rdtype: str, *, recurse: bool
    ) -> asyncio.Future[Answer]:
        if server == self.resolver:
            self.asked.append((name, rdtype))
        return super().query(server, name, rdtype, recurse=recurse)


def _resolver_queries(
    records: list[dict[str, Any]], resolver: KnotServer, port: int
) -> tuple[dict[str, list[Server]], list[tuple[str, str]]]:
    """One pass (NS discovery on ``port``): the pass's nameservers per domain, and every
    (name, type) the resolver was asked."""
    rows = parse_records(json.dumps(records), "test records")
    domains: dict[str, list[Expected]] = {}
    for row in rows:
        domains.setdefault(row.domain, []).append(row)
    server = Server(resolver.address, resolver.port)

    async def run() -> tuple[dict[str, list[Server]], list[tuple[str, str]]]:
        client = RecordingClient(server)
        try:
            opts = Options(nameservers=[], resolvers=[server], ns_port=port)
            results = await verify_pass(domains, opts, client, {})
        finally:
            await client.close()
        return {d: [st.server for st in r.servers] for d, r in results.items()}, client.asked

    return asyncio.run(run())


def test_glue_of_both_families_needs_no_address_lookup(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    address = random_loopback()
    port = free_port(address, V6)
    zone = domain_zone(records, ORIGIN, ns_address=address, extra=AAAA_GLUE)
    start(stack, KnotServer({ORIGIN: zone}, address, port))
    start(stack, KnotServer({ORIGIN: zone}, V6, port))
    resolver = start(stack, KnotServer({ORIGIN: zone, "amazonses.com": amazonses_zone()}))
    servers, asked = _resolver_queries(records, resolver, port)
    assert [s.host for s in servers[ORIGIN]] == [address, V6]
    assert [q for q in asked if q[1] in ("A", "AAAA")] == []


def _hoster_world(
    stack: ExitStack, records: list[dict[str, Any]]
) -> tuple[str, int, dict[str, str]]:
    """Both families of the NS host ns.hoster.test (out of the zone, so no glue) serve the
    zone; returns the IPv4 address, the port and the resolver's zones."""
    address = random_loopback()
    port = free_port(address, V6)
    zone = domain_zone(records, ORIGIN).replace(
        "@ IN NS ns1.example.com.", "@ IN NS ns.hoster.test."
    )
    hoster = zone_text(
        "hoster.test", 1, [f"ns.hoster.test. IN A {address}", f"ns.hoster.test. IN AAAA {V6}"]
    )
    start(stack, KnotServer({ORIGIN: zone}, address, port))
    start(stack, KnotServer({ORIGIN: zone}, V6, port))
    return address, port, {ORIGIN: zone, "hoster.test": hoster, "amazonses.com": amazonses_zone()}


def test_addresses_not_in_the_glue_are_looked_up_once_per_pass(
    stack: ExitStack, tmp_path: Path
) -> None:
    # The NS host is out of the zone, so the NS answer has no glue: A and AAAA are looked up,
    # once for both domains of the zone.
    records = ses_records("d1.example.com") + ses_records("d2.example.com")
    address, port, zones = _hoster_world(stack, records)
    resolver = start(stack, KnotServer(zones))
    servers, asked = _resolver_queries(records, resolver, port)
    for domain in ("d1.example.com", "d2.example.com"):
        assert [(s.host, s.name) for s in servers[domain]] == [
            (address, "ns.hoster.test"),
            (V6, "ns.hoster.test"),
        ]
    assert sorted(q for q in asked if q[1] in ("A", "AAAA")) == [
        ("ns.hoster.test", "A"),
        ("ns.hoster.test", "AAAA"),
    ]


def test_an_explicit_ipv6_nameserver_is_reported_with_its_family(
    stack: ExitStack, tmp_path: Path
) -> None:
    records = ses_records()
    zone = domain_zone(records, ORIGIN)
    server = start(stack, KnotServer({ORIGIN: zone}, V6, free_port(V6)))
    resolver = start(stack, KnotServer({ORIGIN: zone, "amazonses.com": amazonses_zone()}))
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    argv = ["verify", "--records", str(path), "--resolver", resolver.spec, *FAST, "--json"]
    result = run_cli(*argv, "--nameserver", server.spec)
    assert result.rc == 0, result.out
    (ns,) = result.doc["domains"][0]["nameservers"]
    assert (ns["label"], ns["address"], ns["family"]) == (f"[{V6}]:{server.port}", V6, "ipv6")


def _failing_aaaa_lookup(stack: ExitStack, tmp_path: Path, times: int) -> tuple[str, list[str]]:
    """The resolver answers SERVFAIL to the first ``times`` AAAA lookups of the NS host."""
    records = ses_records()
    address, port, zones = _hoster_world(stack, records)
    resolver = start(stack, KnotServer(zones))
    rule = Rule("servfail", qname="ns.hoster.test", qtype="AAAA", times=times)
    proxy = DnsProxy((resolver.address, resolver.port), rules=[rule]).start()
    stack.callback(proxy.stop)
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    argv = ["verify", "--records", str(path), "--resolver", proxy.spec, "--ns-port", str(port)]
    return address, [*argv, *FAST, "--json"]


def test_an_address_lookup_that_fails_is_could_not_check(stack: ExitStack, tmp_path: Path) -> None:
    address, argv = _failing_aaaa_lookup(stack, tmp_path, times=100)
    resolver = argv[argv.index("--resolver") + 1]
    result = run_cli(*argv)
    assert result.rc == 3, result.out
    (domain,) = result.doc["domains"]
    assert [ns["address"] for ns in domain["nameservers"]] == [address]
    (finding,) = domain["findings"]
    assert (finding["code"], finding["nameserver"], finding["family"]) == (
        "could_not_check",
        "ns.hoster.test",
        None,
    )
    assert finding["message"] == (
        "could not check ns.hoster.test: its addresses could not all be looked up "
        f"(AAAA: {resolver}: SERVFAIL); only {address} checked"
    )


def test_wait_looks_up_a_failed_address_again(stack: ExitStack, tmp_path: Path) -> None:
    # The first pass's AAAA lookup fails (both attempts); the next pass must ask again rather
    # than keep the IPv4-only server list, and then checks the IPv6 address too.
    address, argv = _failing_aaaa_lookup(stack, tmp_path, times=2)
    result = run_cli(*argv, "--wait", "20")
    assert result.rc == 0, result.out
    assert result.doc["stats"]["passes"] >= 2
    (domain,) = result.doc["domains"]
    assert [ns["address"] for ns in domain["nameservers"]] == [address, V6]
