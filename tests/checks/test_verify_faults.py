"""Unreachable, failing and truncating servers: "could not check", never "missing"."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.checks_support import make_world
from tests.support.dns_proxy import DnsProxy, Rule
from tests.support.dns_world import domain_zone, ses_records
from tests.support.knot_server import free_port, random_loopback


def faulty(stack: ExitStack, upstream: str, *rules: Rule, delay: float = 0.0) -> DnsProxy:
    host, port = upstream.rsplit(":", 1)
    proxy = DnsProxy((host, int(port)), rules=list(rules), delay=delay).start()
    stack.callback(proxy.stop)
    return proxy


def test_server_that_times_out_gives_status_3(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path)
    dead = faulty(stack, world.auth[1].spec, Rule("drop"))
    result = world.verify(servers=[world.auth[0].spec, dead.spec])
    assert result.rc == 3, result.out
    assert result.doc["ok"] is False
    (finding,) = result.findings("could_not_check")
    assert finding["unchecked"] is True
    assert finding["nameserver"] == dead.spec
    assert "timeout" in finding["message"]
    assert "record_missing" not in result.codes()
    row = result.doc["domains"][0]["records"][0]
    assert row["servers"][dead.spec] == "n/a"
    # Retries are bounded: 7 queries (SOA + 6 records), 2 attempts each.
    assert dead.counters.udp == 14


def test_timeout_does_not_hide_a_real_error(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    broken = domain_zone(records, "example.com", drop=[("mail.example.com", "MX")])
    world = make_world(stack, tmp_path, records, zones=[broken, broken])
    dead = faulty(stack, world.auth[1].spec, Rule("drop"))
    result = world.verify(servers=[world.auth[0].spec, dead.spec])
    assert result.rc == 1
    assert set(result.codes()) == {"record_missing", "could_not_check"}


@pytest.mark.parametrize("fault", ["servfail", "refused", "garbage"])
def test_failing_answers_are_not_missing_records(
    stack: ExitStack, tmp_path: Path, fault: str
) -> None:
    world = make_world(stack, tmp_path, servers=1)
    bad = faulty(stack, world.auth[0].spec, Rule(fault, qname="mail.example.com", qtype="MX"))
    result = world.verify(servers=[bad.spec])
    assert result.rc == 3, result.out
    assert result.codes() == ["could_not_check"]
    expected = {"servfail": "SERVFAIL", "refused": "REFUSED", "garbage": "malformed"}[fault]
    assert expected in result.findings("could_not_check")[0]["message"]
    # REFUSED is final; SERVFAIL and unreadable answers are tried again (bounded).
    assert bad.counters.faults[fault] == (1 if fault == "refused" else 2)


def test_transient_timeout_is_retried(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    flaky = faulty(stack, world.auth[0].spec, Rule("drop", qname="_dmarc.example.com", times=1))
    result = world.verify(servers=[flaky.spec])
    assert result.rc == 0, result.out
    assert result.doc["stats"]["retries"] == 1
    assert result.doc["stats"]["timeouts"] == 1


def test_truncated_answers_are_retried_over_tcp(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    trunc = faulty(stack, world.auth[0].spec, Rule("truncate"))
    result = world.verify(servers=[trunc.spec])
    assert result.rc == 0, result.out
    assert trunc.counters.tcp == trunc.counters.udp == 7
    assert result.doc["stats"]["truncated"] == 7
    assert result.doc["stats"]["tcp"] >= 7


def test_truncation_at_the_resolver_too(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    trunc = faulty(stack, world.resolver.spec, Rule("truncate", qtype="TXT"))
    argv = [a if a != world.resolver.spec else trunc.spec for a in world.args("--json")]
    from tests.support.checks_support import run_cli

    result = run_cli(*argv)
    assert result.rc == 0, result.out
    assert trunc.counters.tcp >= 4  # three DKIM keys and amazonses.com's SPF, at least


def test_connection_refused_is_could_not_check(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    address = random_loopback()
    nobody = f"{address}:{free_port(address)}"
    result = world.verify(servers=[world.auth[0].spec, nobody])
    assert result.rc == 3
    (finding,) = result.findings("could_not_check")
    assert finding["nameserver"] == nobody


def test_resolver_timeout_leaves_dkim_unchecked(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    dead = faulty(stack, world.resolver.spec, Rule("drop"))
    argv = [a if a != world.resolver.spec else dead.spec for a in world.args("--json")]
    from tests.support.checks_support import run_cli

    result = run_cli(*argv)
    assert result.rc == 3, result.out
    assert set(result.codes()) == {"could_not_check"}
    assert "dkim_key_missing" not in result.codes()
    row = result.doc["domains"][0]["records"][0]
    assert next(iter(row["resolvers"].values())).startswith("n/a")


def test_second_resolver_is_used_when_the_first_fails(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    dead = faulty(stack, world.resolver.spec, Rule("refused"))
    from tests.support.checks_support import FAST, run_cli

    result = run_cli(
        "verify",
        "--records",
        str(world.path),
        "--nameserver",
        world.auth[0].spec,
        "--resolver",
        dead.spec,
        "--resolver",
        world.resolver.spec,
        "--json",
        *FAST,
    )
    # The dependent lookups succeed through the second resolver; the resolver column shows both.
    assert result.rc == 0, result.out
