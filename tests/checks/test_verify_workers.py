"""``verify --workers``: domains split over forked processes give the report one process gives."""

from __future__ import annotations

import gc
import json
import os
import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from components.checks.dns.client import Stats
from components.checks.verify import workers
from components.checks.verify.expected import Expected
from components.checks.verify.findings import DomainResult, RowResult
from components.checks.verify.wait import RunResult
from tests.support.checks_support import run_cli, verify_argv
from tests.support.dns_world import amazonses_zone, domain_zone, parse_records_list, ses_records

TOKENS = ("tok1aaaa", "tok2bbbb", "tok3cccc")


def _world(stack: ExitStack, tmp_path: Path) -> list[str]:
    """Seven domains on two servers and a resolver, each broken its own way or not at all."""
    names = [f"d{i}.example.test" for i in range(7)]
    records = [r for d in names for r in ses_records(d, TOKENS)]
    good = {d: domain_zone(records, d) for d in names}
    second = dict(good)
    second[names[1]] = domain_zone(records, names[1], drop=[(f"mail.{names[1]}", "MX")])
    second[names[2]] = domain_zone(records, names[2], 2)  # serial ahead of the first server
    wrong_spf = {(f"mail.{names[3]}", "TXT"): f'mail.{names[3]}. 300 IN TXT "v=spf1 -all"'}
    second[names[3]] = domain_zone(records, names[3], replace=wrong_spf)
    del second[names[4]]  # not served there: REFUSED, could not check
    first = dict(good)
    first[names[5]] = domain_zone(records, names[5], drop=[(f"_dmarc.{names[5]}", "TXT")])
    resolver = {**good, "amazonses.com": amazonses_zone(TOKENS)}
    return verify_argv(stack, tmp_path, records, [first, second], resolver)


def _without_stats(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "stats"}


def test_two_and_three_workers_report_what_one_does(stack: ExitStack, tmp_path: Path) -> None:
    argv = _world(stack, tmp_path)
    one = run_cli(*argv, "--json", "--workers", "1")
    assert one.rc == 1
    assert len({f["code"] for d in one.doc["domains"] for f in d["findings"]}) >= 4
    human_one = run_cli(*argv, "--workers", "1")
    # The human report's last line has the query count and the time, which may differ.
    last = re.compile(r"\d+ queries in [\d.]+ s")
    for count in ("2", "3"):
        many = run_cli(*argv, "--json", "--workers", count)
        assert (many.rc, many.err) == (one.rc, one.err)
        assert json.dumps(_without_stats(many.doc)) == json.dumps(_without_stats(one.doc))
        assert many.doc["stats"]["queries"] >= one.doc["stats"]["queries"]
        human = run_cli(*argv, "--workers", count)
        assert last.sub("", human.out) == last.sub("", human_one.out)
        assert human.out != last.sub("", human.out)


def test_worker_counts_and_their_cpu_are_added(stack: ExitStack, tmp_path: Path) -> None:
    argv = _world(stack, tmp_path)
    one = run_cli(*argv, "--json", "--workers", "1").doc["stats"]
    two = run_cli(*argv, "--json", "--workers", "2").doc["stats"]
    # The second worker asks again what domains of both halves share (amazonses.com's SPF
    # record, the DMARC walk's organizational domain example.test): each has its own lookups.
    assert one["queries"] < two["queries"] <= one["queries"] + 8
    assert two["udp"] - one["udp"] == two["queries"] - one["queries"]
    assert (two["retries"], two["timeouts"]) == (one["retries"], one["timeouts"])
    assert (two["passes"], two["polls"]) == (1, 0)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "17"], "--workers 17: allowed: 0 (automatic) to 16"),
        (["--workers", "-1"], "--workers -1: allowed: 0 (automatic) to 16"),
        (["--workers", "2", "--wait", "5"], "--workers 2: with --wait only 0 or 1"),
    ],
)
def test_bad_workers_option(tmp_path: Path, extra: list[str], message: str) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(ses_records()))
    nowhere = ["--nameserver", "127.0.0.1:9", "--resolver", "127.0.0.1:9"]
    result = run_cli("verify", "--records", str(path), *nowhere, *extra)
    assert result.rc == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_worker_count_without_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    assert workers.worker_count(3, 1000, wait=0) == 1
    assert workers.worker_count(0, 1000, wait=0) == 1


def test_worker_count() -> None:
    cores = len(os.sched_getaffinity(0))
    assert workers.worker_count(3, 1000, wait=0) == 3
    assert workers.worker_count(5, 2, wait=0) == 2  # at most one a domain
    assert workers.worker_count(0, workers.MIN_DOMAINS - 1, wait=0) == 1
    assert workers.worker_count(0, 1000, wait=5) == 1
    assert workers.worker_count(0, workers.MIN_DOMAINS, wait=0) == (2 if cores >= 2 else 1)


def _domains(sizes: list[int]) -> dict[str, list[Expected]]:
    records = [
        {"domain": f"d{i}.test", "name": f"r{j}.d{i}.test", "type": "TXT", "value": "x"}
        for i, size in enumerate(sizes)
        for j in range(size)
    ]
    out: dict[str, list[Expected]] = {}
    for e in parse_records_list(records):
        out.setdefault(e.domain, []).append(e)
    return out


def test_split_keeps_order_and_balances_records() -> None:
    domains = _domains([6, 6, 6, 6, 1, 1, 1, 1])
    parts = workers.split(domains, 2)
    assert [list(p) for p in parts] == [["d0.test", "d1.test"], [f"d{i}.test" for i in range(2, 8)]]
    assert [list(p) for p in workers.split(_domains([9, 1, 1]), 3)] == [
        ["d0.test"],
        ["d1.test"],
        ["d2.test"],
    ]


def test_a_failing_worker_is_reported_and_reaped() -> None:
    domains = _domains([1, 1])
    parent = os.getpid()

    def work(part: dict[str, list[Expected]]) -> tuple[RunResult, Stats]:
        if os.getpid() != parent:
            raise ValueError("broken in the worker")
        return RunResult([], 1, 0), Stats()

    with pytest.raises(workers.WorkerError, match="ValueError: broken in the worker"):
        workers.run(domains, work, 2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


def test_without_fork_the_run_goes_on_in_one_process(
    stack: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = _world(stack, tmp_path)
    one = run_cli(*argv, "--json", "--workers", "1")
    forks: list[int] = []
    real_fork = os.fork

    def second_fork_fails() -> int:
        forks.append(1)
        if len(forks) > 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", second_fork_fails)
    three = run_cli(*argv, "--json", "--workers", "3")
    assert len(forks) == 2
    assert (three.rc, three.err) == (one.rc, one.err)
    assert json.dumps(_without_stats(three.doc)) == json.dumps(_without_stats(one.doc))


def test_mailbox_provider_rules_follow_the_workers_checks(stack: ExitStack, tmp_path: Path) -> None:
    """The rules are judged in the parent from the domains' results joined from the workers."""
    argv = [*_world(stack, tmp_path), "--json"]
    one = run_cli(*argv, "--workers", "1", "--mailbox-providers")
    two = run_cli(*argv, "--workers", "2", "--mailbox-providers")
    assert (two.rc, two.err) == (one.rc, one.err)
    assert json.dumps(_without_stats(two.doc)) == json.dumps(_without_stats(one.doc))
    counts = two.doc["mailbox_providers"]
    rules = len(two.doc["domains"][0]["mailbox_providers"])
    assert sum(counts.values()) == 7 * rules
    assert counts["not_met"] > 0  # the broken domains' SPF, DMARC and MX


def test_verify_runs_with_few_garbage_collections(
    stack: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks run with the collector's young threshold raised and the startup objects
    frozen (the default collected the growing heap hundreds of times a run); afterwards the
    caller's settings are back."""
    argv = _world(stack, tmp_path)
    seen: list[tuple[tuple[int, int, int], int]] = []
    real_run = workers.run

    def spy(domains: dict[str, list[Expected]], work: workers.Work, count: int) -> Any:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return real_run(domains, work, count)

    monkeypatch.setattr(workers, "run", spy)
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert run_cli(*argv, "--json", "--workers", "1").rc == 1
    (threshold, frozen_during), *_ = seen
    assert threshold[:2] == (workers.GC_THRESHOLD, workers.GC_THRESHOLD_MIDDLE)
    assert frozen_during > frozen
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, frozen)


def test_results_are_never_formatted_as_a_repr(
    stack: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``asyncio.run`` formats its task's repr, result included, when it restores the SIGINT
    handler: the results are kept out of that task (formatting them cost 0.05 s a thousand
    domains)."""
    argv = _world(stack, tmp_path)
    formatted: list[str] = []

    def repr_spy(self: object) -> str:
        formatted.append(type(self).__name__)
        return "..."

    monkeypatch.setattr(RunResult, "__repr__", repr_spy)
    monkeypatch.setattr(Stats, "__repr__", repr_spy)
    assert run_cli(*argv, "--json", "--workers", "1").rc == 1
    assert formatted == []


def test_run_loop_returns_the_coroutines_result() -> None:
    async def answer() -> int:
        return 42

    assert workers.run_loop(answer()) == 42


def test_a_workers_records_come_back_as_the_parents_own() -> None:
    """A worker sends its records back as their places in its slice: the parent's rows hold
    the parent's records, and the payload is the smaller for it."""
    import pickle

    domains = _domains([3, 2])
    records = [e for rows in domains.values() for e in rows]
    results = [
        DomainResult(domain, rows=[RowResult(e, servers={"ns": "ok"}) for e in rows])
        for domain, rows in domains.items()
    ]
    # A record the parent does not have (made in the worker) travels as itself.
    stranger = Expected("other.test", "other.test", "TXT", "x", "other")
    results[1].rows.append(RowResult(stranger))
    payload = ("ok", RunResult(results, 1, 0), Stats(queries=7))
    data = workers._dumps(payload, records)
    result, stats = workers._unpickle(data, 0, records)
    assert stats == Stats(queries=7)
    rows = [row for d in result.domains for row in d.rows]
    assert [row.expected for row in rows] == [*records, stranger]
    assert all(row.expected is record for row, record in zip(rows, records, strict=False))
    assert rows[-1].expected is not stranger
    assert len(data) < len(pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
