"""``verify --wait``: a lagging server that catches up is noticed quickly; time limits hold."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from pathlib import Path

from tests.support.checks_support import Result, make_world, run_cli
from tests.support.dns_world import amazonses_zone, domain_zone, ses_records

ORIGIN = "example.com"


def in_background(argv: list[str]) -> tuple[threading.Thread, list[Result]]:
    results: list[Result] = []
    thread = threading.Thread(target=lambda: results.append(run_cli(*argv)), daemon=True)
    thread.start()
    return thread, results


def test_lagging_server_that_catches_up(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    lagging = domain_zone(records, ORIGIN, 1, drop=[("mail.example.com", "MX")])
    world = make_world(stack, tmp_path, records, zones=[domain_zone(records, ORIGIN, 2), lagging])
    assert world.verify().rc == 1  # without --wait: the lag is an error now
    thread, results = in_background(world.args("--json", "--wait", "20"))
    time.sleep(0.6)
    assert thread.is_alive()  # still waiting for the lagging server
    world.set_zone(1, domain_zone(records, ORIGIN, 2), 2)
    caught_up = time.monotonic()
    thread.join(20)
    noticed = time.monotonic() - caught_up
    (result,) = results
    assert result.rc == 0, result.out
    assert noticed < 2.0  # polled every 0.2 s; generous for a loaded machine
    assert result.doc["stats"]["passes"] >= 2
    assert result.doc["stats"]["polls"] >= 2
    assert "waiting" in result.err
    assert "mail.example.com" in result.err or "record(s) not yet right" in result.err


def test_wait_gives_up_at_the_deadline_with_the_final_state(
    stack: ExitStack, tmp_path: Path
) -> None:
    records = ses_records()
    broken = domain_zone(records, ORIGIN, drop=[("_dmarc.example.com", "TXT")])
    world = make_world(stack, tmp_path, records, zones=[broken])
    result = world.verify("--wait", "1")
    assert result.rc == 1
    assert 0.9 < result.elapsed < 5
    assert result.findings("record_missing")
    # Cheap SOA polls in between; full passes only on change or backoff (not every poll).
    stats = result.doc["stats"]
    assert stats["polls"] >= 3
    assert stats["passes"] < stats["polls"]


def test_wait_returns_at_once_when_all_is_good(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    result = world.verify("--wait", "30")
    assert result.rc == 0
    assert result.elapsed < 5
    assert result.doc["stats"]["polls"] == 0


def test_change_without_serial_bump_is_found_by_the_periodic_pass(
    stack: ExitStack, tmp_path: Path
) -> None:
    records = ses_records()
    broken = domain_zone(records, ORIGIN, 7, drop=[("mail.example.com", "TXT")])
    world = make_world(stack, tmp_path, records, zones=[broken])
    thread, results = in_background(world.args("--json", "--wait", "20"))
    time.sleep(0.4)
    world.set_zone(
        0, domain_zone(records, ORIGIN, 7), None
    )  # same serial: only a full pass sees it
    thread.join(20)
    (result,) = results
    assert result.rc == 0, result.out
    assert result.elapsed < 10


def test_wait_with_server_down_then_up(stack: ExitStack, tmp_path: Path) -> None:
    from tests.support.dns_proxy import DnsProxy, Rule

    world = make_world(stack, tmp_path, servers=1)
    host, port = world.auth[0].spec.rsplit(":", 1)
    rule = Rule("drop")
    proxy = DnsProxy((host, int(port)), rules=[rule]).start()
    stack.callback(proxy.stop)
    thread, results = in_background(world.args("--json", "--wait", "20", servers=[proxy.spec]))
    time.sleep(1.0)
    rule.times = 0  # the server answers again
    thread.join(20)
    (result,) = results
    assert result.rc == 0, result.out


def test_resolver_answers_are_not_reused_by_a_later_pass(stack: ExitStack, tmp_path: Path) -> None:
    """What a pass memoises (the resolver's answers, shared by every domain) lives for that
    pass only: a DKIM key published at amazonses.com while --wait polls is seen, although no
    serial of the domain's own servers changes."""
    missing = amazonses_zone(tokens=["tok1aaaa", "tok2bbbb"])  # no key for tok3cccc yet
    world = make_world(stack, tmp_path, servers=1, amazonses=missing)
    thread, results = in_background(world.args("--json", "--wait", "20"))
    time.sleep(0.5)
    assert thread.is_alive()  # the key is missing: still waiting
    world.resolver.set_zone("amazonses.com", amazonses_zone(serial=2), 2)
    thread.join(20)
    (result,) = results
    assert result.rc == 0, result.out
    assert result.doc["stats"]["passes"] >= 2
