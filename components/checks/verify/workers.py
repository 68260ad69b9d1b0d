"""Large runs on more than one core: the domains split over forked worker processes.

A pass is bound by the CPU of reading answers and checking them (tens of microseconds a query),
not by round trips, once there are hundreds of domains. Each worker verifies a contiguous slice
of the domains with its own event loop, sockets and resolver lookups (so an answer shared by
domains in two slices is asked once in each), and sends its results back pickled through a pipe;
they are joined in the domains' order, so the report is the one a single process would write
(only the query count and the times can differ). Forked before any event loop exists, and only
for a single pass: ``--wait`` polls and shows progress from one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Generator
from dataclasses import fields
from typing import Any, TypeVar

from ..dns.client import Stats
from .expected import Expected
from .wait import RunResult

MIN_DOMAINS = 200
"""Below this many domains one process is as fast (measured straight to knotd, medians: 100
domains 0.067 s in one process, 0.067 to 0.072 s in two; 200 domains 0.14 to 0.17 s against
0.13 to 0.16 s); the gain grows from there (1000 domains: see docs/checks.md, "Benchmark")."""

Work = Callable[[dict[str, list[Expected]]], tuple[RunResult, Stats]]
"""Verifies some domains in this process: their results and the client's counters."""


GC_THRESHOLD = 20_000
"""Allocations between two young-generation collections during a run (Python's default is 700):
a run allocates millions of short-lived objects and keeps its results, and with the default
the collector scanned the growing heap again and again (1000 domains in one process, straight
to knotd: 0.5 s of about 1.7 s CPU in 600 collections, the five full ones 0.39 s)."""

GC_THRESHOLD_MIDDLE = 100
"""Young collections between two of the middle generation (default 10: each scanned every
result kept so far)."""


@contextlib.contextmanager
def few_collections() -> Generator[None]:
    """Fewer garbage collections while ``verify`` runs: what exists when it starts (the modules
    imported so far) is frozen out of the collector's scans, and the young generation is
    collected every ``GC_THRESHOLD`` allocations, the middle one every ``GC_THRESHOLD_MIDDLE``
    young collections; both restored afterwards (objects frozen by the caller stay frozen).
    Forked workers inherit it."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, GC_THRESHOLD_MIDDLE, before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen:
            gc.unfreeze()


T = TypeVar("T")


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` with ``main``'s result kept out of the task ``asyncio.run`` makes.

    When it puts the SIGINT handler back, ``signal.getsignal`` tries the handler (a
    ``functools.partial`` naming that task) as an enum value, and the ``ValueError`` it swallows
    formats the task's repr, result included: every domain's results, found to cost 0.05 s of
    CPU for a thousand domains."""
    done: list[T] = []

    async def keep() -> None:
        done.append(await main)

    asyncio.run(keep())
    return done[0]


class WorkerError(RuntimeError):
    """A worker process failed (its exception's type and message, or how it ended)."""


def worker_count(requested: int, domains: int, *, wait: float) -> int:
    """How many processes verify ``domains`` domains: one where there is no ``fork``;
    ``requested`` if given (at most one a domain); else two on a machine with two or more cores
    when there are at least ``MIN_DOMAINS`` and no ``--wait``."""
    if not hasattr(os, "fork"):
        return 1  # (Windows) one process, whatever was asked
    if requested:
        return max(1, min(requested, domains))
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if wait > 0 or domains < MIN_DOMAINS or (usable or 1) < 2:
        return 1
    return 2


def split(domains: dict[str, list[Expected]], parts: int) -> list[dict[str, list[Expected]]]:
    """``domains`` in ``parts`` contiguous slices of about as many records each, in order
    (``parts`` at most the number of domains)."""
    items = list(domains.items())
    total = sum(len(rows) for _, rows in items)
    slices: list[dict[str, list[Expected]]] = []
    start = done = 0
    for part in range(1, parts):
        goal = total * part / parts
        end = start
        # At least one domain in each slice (there are ``parts`` or more); a domain goes to the
        # earlier slice if at least half of its records fit under that slice's share.
        while end < len(items) - (parts - part) and (
            end == start or done + len(items[end][1]) / 2 <= goal
        ):
            done += len(items[end][1])
            end += 1
        slices.append(dict(items[start:end]))
        start = end
    slices.append(dict(items[start:]))
    return slices


def run(domains: dict[str, list[Expected]], work: Work, workers: int) -> tuple[RunResult, Stats]:
    """``work`` over all ``domains``, in ``workers`` processes; the counters are summed and
    ``cpu_seconds`` is every process's CPU time."""
    if workers <= 1:
        return work(domains)
    first, *rest = split(domains, workers)
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []  # pid, read end of its pipe
    try:
        try:
            for chunk in rest:
                children.append(_fork(chunk, work))
        except OSError:  # no more processes or pipes: what is not forked is done here
            for chunk in rest[len(children) :]:
                first.update(chunk)
        result, stats = work(first)
        parts = [result]
        for chunk in rest[: len(children)]:
            pid, fd = children[0]
            children[0] = (pid, -1)  # closed by the read
            data = _read_all(fd)
            _, status, usage = os.wait4(pid, 0)
            children.pop(0)
            child_result, child_stats = _unpickle(data, status, _records(chunk))
            parts.append(child_result)
            add_stats(stats, child_stats)
            stats.cpu_seconds += usage.ru_utime + usage.ru_stime
    finally:
        for pid, fd in children:  # an interrupt or a failure: no worker outlives the run
            if fd >= 0:
                os.close(fd)
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    order = {domain: index for index, domain in enumerate(domains)}
    merged = RunResult(
        sorted((d for part in parts for d in part.domains), key=lambda d: order[d.domain]),
        passes=max(p.passes for p in parts),
        polls=max(p.polls for p in parts),
    )
    return merged, stats


def _fork(chunk: dict[str, list[Expected]], work: Work) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid:
        os.close(write_fd)
        return pid, read_fd
    # The worker: never returns, never runs the parent's exit handlers or flushes its buffers.
    os.close(read_fd)
    code = 0
    try:
        result, stats = work(chunk)
        stats.cpu_seconds = 0.0  # the parent reads the worker's CPU time when it ends
        payload = _dumps(("ok", result, stats), _records(chunk))
    except BaseException as exc:  # reported by the parent, which decides what the user sees
        code = 1
        payload = _dumps(("error", f"{type(exc).__name__}: {exc}", None), [])
    try:
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read()


def _records(chunk: dict[str, list[Expected]]) -> list[Expected]:
    """The records of ``chunk`` in one list: the same list in the parent and in its worker."""
    return [record for records in chunk.values() for record in records]


def _dumps(payload: object, records: list[Expected]) -> bytes:
    """``payload`` pickled, each of ``records`` as its index (a persistent id): the parent has
    them already (pickling them and building them again was a third of the payload's bytes and
    time)."""
    import io
    import pickle

    where = {id(record): index for index, record in enumerate(records)}

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj: Any) -> int | None:
            return where.get(id(obj)) if type(obj) is Expected else None

    buffer = io.BytesIO()
    Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(payload)
    return buffer.getvalue()


def _unpickle(data: bytes, status: int, records: list[Expected]) -> tuple[RunResult, Stats]:
    """A worker's payload, its records the parent's ``records`` (``_dumps``)."""
    import io
    import pickle

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Expected:
            return records[int(pid)]

    try:
        kind, value, stats = Unpickler(io.BytesIO(data)).load()
    except Exception:
        raise WorkerError(f"a worker process ended ({_how(status)}) without results") from None
    if kind != "ok":
        raise WorkerError(f"a worker process failed: {value}")
    return value, stats


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def add_stats(total: Stats, more: Stats) -> None:
    """Add ``more``'s counters to ``total`` (CPU seconds are counted by the caller)."""
    for f in fields(Stats):
        if f.name != "cpu_seconds":
            setattr(total, f.name, getattr(total, f.name) + getattr(more, f.name))
