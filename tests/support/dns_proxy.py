"""A small fault-injecting, delaying DNS proxy (UDP and TCP) for the tests and the benchmark.

It forwards to an upstream server (a knotd) and, per rule, drops the query (a timeout), answers
SERVFAIL or REFUSED, truncates UDP answers (forcing TCP), or delays answers (latency without
netem). It runs its own event loop in a background thread, or as a process:

    python -m tests.support.dns_proxy --listen 127.0.0.9:5300 --upstream 127.0.0.8:5301 --delay 0.02
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import signal
import socket
import struct
import sys
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

from tests.support.knot_server import free_port, random_loopback

FAULTS = ("drop", "servfail", "refused", "truncate", "garbage", "ok")
MAX_UPSTREAM = 128
"""Queries forwarded to the upstream and not yet answered, at most; the rest wait their turn.
knotd's socket (the system's default buffer, about 200 KB) overflows when a burst of a thousand
queries reaches it at once on a busy machine, and each lost datagram is a 2 s timeout in the
tool measured."""
UPSTREAM_LOST = 1.0
"""Seconds after which an unanswered forwarded query no longer holds a place."""


@dataclass
class Rule:
    fault: str  # one of FAULTS
    qname: str | None = None  # None: every name
    qtype: str | None = None  # None: every type
    times: int | None = None  # apply to the first N matching queries only


@dataclass
class Counters:
    udp: int = 0
    tcp: int = 0
    faults: dict[str, int] = field(default_factory=dict[str, int])


class DnsProxy:
    def __init__(
        self,
        upstream: tuple[str, int],
        *,
        address: str | None = None,
        port: int | None = None,
        delay: float = 0.0,
        rules: list[Rule] | None = None,
        max_upstream: int = MAX_UPSTREAM,
    ) -> None:
        self.upstream = upstream
        self.address = address or random_loopback()
        self.port = port or 0
        self.delay = delay
        self.rules = list(rules or [])
        self.counters = Counters()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closers: list[object] = []
        self.max_upstream = max(1, max_upstream)
        # Forwarded, not yet answered, oldest first: id -> client, its query id, when sent.
        self._pending: dict[int, tuple[tuple[str, int], bytes, float]] = {}
        self._backlog: deque[tuple[bytes, tuple[str, int]]] = deque()
        self._ids = itertools.cycle(range(1, 65536))
        self._up: socket.socket | None = None
        self._down: socket.socket | None = None
        self._loop_ref: asyncio.AbstractEventLoop | None = None
        self._delayed: deque[tuple[float, bytes, tuple[str, int], str, Any]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def spec(self) -> str:
        return f"{self.address}:{self.port}"

    # ---- rules ----
    def _fault(self, wire: bytes) -> tuple[str, dns.message.Message | None]:
        if not self.rules:
            return "ok", None
        try:
            query = dns.message.from_wire(wire)
            question = query.question[0]
        except Exception:
            return "ok", None
        qname = question.name.to_text().rstrip(".").lower()
        qtype = dns.rdatatype.to_text(question.rdtype)
        for rule in self.rules:
            if rule.qname is not None and rule.qname.lower().rstrip(".") != qname:
                continue
            if rule.qtype is not None and rule.qtype != qtype:
                continue
            if rule.times is not None:
                if rule.times <= 0:
                    continue
                rule.times -= 1
            self.counters.faults[rule.fault] = self.counters.faults.get(rule.fault, 0) + 1
            return rule.fault, query
        return "ok", query

    @staticmethod
    def _synth(query: dns.message.Message, fault: str) -> bytes:
        if fault == "garbage":  # the right id and flags, then nonsense
            return struct.pack("!HH", query.id, 0x8180) + b"\x00\x01\x00\x05\xff\xfe\x07junk"
        response = dns.message.make_response(query)
        if fault == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
        elif fault == "refused":
            response.set_rcode(dns.rcode.REFUSED)
        elif fault == "truncate":
            response.flags |= dns.flags.TC
        return response.to_wire()

    # ---- UDP ----
    # Plain non-blocking sockets drained in a loop, and one timer for the queue of delayed
    # queries: the proxy shares the machine's CPU with the tool it measures, so it stays lean.
    def _down_readable(self) -> None:
        sock, loop = self._down, self._loop_ref
        if sock is None:
            return
        if self.rules or not self.delay or loop is None:
            for _ in range(512):
                try:
                    data, addr = sock.recvfrom(65535)
                except OSError:  # nothing more (BlockingIOError) or an ICMP error: carry on
                    return
                self.counters.udp += 1
                self._udp_query(data, addr)
            return
        # Only a delay (the benchmark): one clock reading for what is read at once (all of it
        # arrived before, so each query is still delayed by at least ``delay``).
        due = loop.time() + self.delay
        delayed = self._delayed
        received = 0
        for _ in range(512):
            try:
                data, addr = sock.recvfrom(65535)
            except OSError:
                break
            received += 1
            if len(data) >= 12:
                delayed.append((due, data, addr, "ok", None))
        self.counters.udp += received
        if delayed and self._timer is None:
            self._timer = loop.call_at(delayed[0][0], self._flush)

    def _up_readable(self) -> None:
        up, down = self._up, self._down
        if up is None or down is None:
            return
        for _ in range(512):
            try:
                data = up.recv(65535)
            except OSError:
                break
            if len(data) < 2:
                continue
            entry = self._pending.pop((data[0] << 8) | data[1], None)
            if entry is None:
                continue
            client, original_id, _ = entry
            try:  # (not contextlib.suppress: this runs for every datagram)
                down.sendto(original_id + data[2:], client)
            except OSError:
                continue
        self._drain_backlog()

    def _drain_backlog(self) -> None:
        """Forward what waits for a place, dropping places held by answers never coming."""
        backlog, pending = self._backlog, self._pending
        if not backlog:
            return
        if len(pending) >= self.max_upstream and self._loop_ref is not None:
            stale = self._loop_ref.time() - UPSTREAM_LOST
            while pending and next(iter(pending.values()))[2] < stale:
                del pending[next(iter(pending))]
        while backlog and len(pending) < self.max_upstream:
            data, addr = backlog.popleft()
            self._send_upstream(data, addr)

    def _udp_query(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) < 12:
            return
        fault, query = self._fault(data)
        if fault == "drop":
            return
        loop = self._loop_ref
        if not self.delay or loop is None:
            self._udp_forward(data, addr, fault, query)
            return
        self._delayed.append((loop.time() + self.delay, data, addr, fault, query))
        if self._timer is None:
            self._timer = loop.call_at(self._delayed[0][0], self._flush)

    def _flush(self) -> None:
        self._timer = None
        loop = self._loop_ref
        if loop is None:
            return
        now = loop.time()
        delayed, pending = self._delayed, self._pending
        while delayed and delayed[0][0] <= now:
            _, data, addr, fault, query = delayed.popleft()
            if fault == "ok" and not self._backlog and len(pending) < self.max_upstream:
                self._send_upstream(data, addr, now)
            else:
                self._udp_forward(data, addr, fault, query)
        if self._delayed:
            self._timer = loop.call_at(self._delayed[0][0], self._flush)

    def _udp_forward(
        self, data: bytes, addr: tuple[str, int], fault: str, query: dns.message.Message | None
    ) -> None:
        try:
            if fault != "ok" and query is not None and self._down is not None:
                self._down.sendto(self._synth(query, fault), addr)
                return
        except OSError:
            return  # UDP: a datagram the kernel would not take is lost, as on a network
        if self._backlog or len(self._pending) >= self.max_upstream:
            self._backlog.append((data, addr))
            self._drain_backlog()
        else:
            self._send_upstream(data, addr)

    def _send_upstream(self, data: bytes, addr: tuple[str, int], now: float | None = None) -> None:
        if self._up is None:
            return
        pid = next(self._ids)
        if now is None:
            now = self._loop_ref.time() if self._loop_ref else 0.0
        self._pending[pid] = (addr, data[:2], now)
        try:
            self._up.send(pid.to_bytes(2, "big") + data[2:])
        except OSError:
            return  # lost, as on a network

    # ---- TCP ----
    async def _tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readexactly(2)
                (length,) = struct.unpack("!H", head)
                data = await reader.readexactly(length)
                self.counters.tcp += 1
                fault, query = self._fault(data)
                if self.delay:
                    await asyncio.sleep(self.delay)
                if fault == "drop":
                    await asyncio.sleep(30)
                    return
                if fault in ("servfail", "refused", "garbage") and query is not None:
                    answer = self._synth(query, fault)
                else:
                    answer = await self._tcp_forward(data)
                writer.write(struct.pack("!H", len(answer)) + answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _tcp_forward(self, data: bytes) -> bytes:
        reader, writer = await asyncio.open_connection(*self.upstream)
        try:
            writer.write(struct.pack("!H", len(data)) + data)
            await writer.drain()
            (length,) = struct.unpack("!H", await reader.readexactly(2))
            return await reader.readexactly(length)
        finally:
            writer.close()

    # ---- lifecycle ----
    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        self._loop_ref = loop
        if not self.port:
            self.port = free_port(self.address)
        family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        down = socket.socket(family, socket.SOCK_DGRAM)
        down.bind((self.address, self.port))
        up_family = socket.AF_INET6 if ":" in self.upstream[0] else socket.AF_INET
        up = socket.socket(up_family, socket.SOCK_DGRAM)
        up.connect(self.upstream)
        for sock in (down, up):
            sock.setblocking(False)
            with contextlib.suppress(OSError):  # room for a burst (capped by rmem_max)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self._down, self._up = down, up
        loop.add_reader(down.fileno(), self._down_readable)
        loop.add_reader(up.fileno(), self._up_readable)
        server = await asyncio.start_server(self._tcp_client, self.address, self.port)
        self._closers = [server]

    async def _close(self) -> None:
        loop = asyncio.get_running_loop()
        for closer in self._closers:
            closer.close()  # type: ignore[attr-defined]
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for sock in (self._down, self._up):
            if sock is not None:
                loop.remove_reader(sock.fileno())
                sock.close()
        self._down = self._up = None

    def start(self) -> DnsProxy:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.serve(), loop).result(10)
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        if not thread.is_alive():
            loop.close()
        self._loop = self._thread = None


@contextlib.contextmanager
def proxy(upstream: tuple[str, int], **kwargs: object) -> Iterator[DnsProxy]:
    p = DnsProxy(upstream, **kwargs)  # type: ignore[arg-type]
    p.start()
    try:
        yield p
    finally:
        p.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", required=True, metavar="ADDR:PORT")
    parser.add_argument("--upstream", required=True, metavar="ADDR:PORT")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    laddr, lport = args.listen.rsplit(":", 1)
    uaddr, uport = args.upstream.rsplit(":", 1)
    p = DnsProxy((uaddr, int(uport)), address=laddr, port=int(lport), delay=args.delay)

    async def run() -> None:
        await p.serve()
        print(f"proxy {p.spec} -> {args.upstream} delay {args.delay}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await p._close()
        print(f"queries udp={p.counters.udp} tcp={p.counters.tcp}", flush=True)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
