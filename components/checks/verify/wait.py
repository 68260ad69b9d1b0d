"""``--wait``: verify, then poll SOA serials and verify again until everything passes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..dns.client import DnsClient, Server
from .compare import serial_of
from .engine import Options, verify_pass
from .expected import Expected
from .findings import DomainResult
from .progress import WaitState, wait_state


async def poll_serials(
    results: dict[str, DomainResult], names: list[str], client: DnsClient
) -> dict[str, tuple[tuple[str, int | None, bool], ...]]:
    """One SOA query per server of each named domain: a cheap fingerprint of the zones' state."""
    jobs: list[tuple[str, Server]] = [(d, st.server) for d in names for st in results[d].servers]
    answers = await asyncio.gather(*(client.query(s, d, "SOA", recurse=False) for d, s in jobs))
    out: dict[str, list[tuple[str, int | None, bool]]] = {d: [] for d in names}
    for (d, s), answer in zip(jobs, answers, strict=True):
        serial, _ = serial_of(answer) if answer.status != "error" else (None, None)
        out[d].append((s.label, serial, answer.status == "error"))
    return {d: tuple(v) for d, v in out.items()}


def fingerprint(result: DomainResult) -> tuple[tuple[str, int | None, bool], ...]:
    """What ``poll_serials`` would return if nothing had changed since ``result``."""
    return tuple(
        (st.server.label, st.serial, st.status == "could not check") for st in result.servers
    )


@dataclass
class RunResult:
    """The final results, and how many full passes and serial polls it took."""

    domains: list[DomainResult]
    passes: int
    polls: int


async def run(
    domains: dict[str, list[Expected]],
    opts: Options,
    client: DnsClient,
    *,
    wait: float = 0.0,
    strict: bool = False,
    poll_interval: float = 0.2,
    full_interval: float = 2.0,
    progress: Callable[[WaitState, float], None] | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> RunResult:
    """Verify; with ``wait`` > 0, poll until every domain passes or the time is up.

    Between full passes only SOA serials are polled (every ``poll_interval`` seconds); a domain
    is verified again as soon as a serial or a server's reachability changes, and at least every
    ``full_interval`` seconds (backing off) for what serials cannot show (resolver-side data).
    ``progress`` gets the pending state and the seconds left before each poll.
    """
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    pause = sleep or asyncio.sleep
    start = now()
    discovered: dict[str, tuple[str | None, list[Server]]] = {}
    results = await verify_pass(domains, opts, client, discovered)
    passes, polls = 1, 0
    deadline = start + max(0.0, wait)
    last_full = {d: now() for d in results}
    interval = dict.fromkeys(results, full_interval)
    while True:
        pending = [d for d, r in results.items() if not r.passing(strict)]
        if not pending or now() >= deadline:
            break
        if progress is not None:
            progress(wait_state(results, pending), deadline - now())
        await pause(max(0.0, min(poll_interval, deadline - now())))
        if now() >= deadline:
            break
        polls += 1
        client.new_round()  # fresh sockets, fresh source ports, for each poll round
        fingerprints = await poll_serials(results, pending, client)
        again = [
            d
            for d in pending
            if fingerprints[d] != fingerprint(results[d])
            or not results[d].servers
            or now() - last_full[d] >= interval[d]
        ]
        if not again:
            continue
        fresh = await verify_pass({d: domains[d] for d in again}, opts, client, discovered)
        passes += 1
        for d, r in fresh.items():
            if fingerprint(r) == fingerprint(results[d]):
                interval[d] = min(interval[d] * 1.5, 10.0)
            results[d] = r
            last_full[d] = now()
    return RunResult([results[d] for d in domains], passes, polls)
