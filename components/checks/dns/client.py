"""A small async DNS client: no cache, bounded retries, TC -> TCP.

Queries go out on a few connected UDP sockets per server (at most ``PER_SOCKET`` in flight on
each), built as bytes and matched to their answers by id and question (``checks.wire``); the
answer is read straight into an ``Answer`` holding only what the checks use, with dnspython
``Rdata`` objects for the records. Every query is counted (``DnsClient.stats``). Errors never
escape: an ``Answer`` with ``status == "error"`` says why the server could not be checked.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import struct
from collections import deque
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from os import urandom
from typing import Any, Literal, NamedTuple

from . import wire
from .usual import read_usual

Status = Literal["ok", "nxdomain", "nodata", "error"]
Question = tuple["Server", str, str, bool]
"""A question for ``DnsClient.query_all``: server, name, type and whether to ask for recursion."""


class Family(StrEnum):
    """An address family a server is asked over; the value is the JSON report's string."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"

    @property
    def rdtype(self) -> str:
        """The record type holding a host's addresses of this family."""
        return "A" if self is Family.IPV4 else "AAAA"

    @property
    def label(self) -> str:
        """As people write it: ``IPv4``, ``IPv6``."""
        return "IPv4" if self is Family.IPV4 else "IPv6"


@dataclass(frozen=True)
class Server:
    """A DNS server address; ``name`` is the NS host name when it was discovered."""

    host: str
    port: int = 53
    name: str | None = None
    _hash: int = field(init=False, repr=False, compare=False)
    label: str = field(init=False, repr=False, compare=False)
    """As shown in reports: ``NAME (ADDRESS)``, or the address."""

    def __post_init__(self) -> None:
        # Servers key the answers of every pass and label every row: both computed once.
        object.__setattr__(self, "_hash", hash((self.host, self.port, self.name)))
        object.__setattr__(
            self, "label", f"{self.name} ({self.address})" if self.name else self.address
        )

    def __hash__(self) -> int:
        return self._hash

    @property
    def family(self) -> Family:
        return Family.IPV6 if ":" in self.host else Family.IPV4

    @property
    def address(self) -> str:
        if ":" in self.host:
            return f"[{self.host}]:{self.port}" if self.port != 53 else self.host
        return f"{self.host}:{self.port}" if self.port != 53 else self.host


def parse_server(text: str, default_port: int = 53) -> Server:
    """Parse ``HOST``, ``HOST:PORT``, ``[V6]:PORT`` or a bare IPv6 address. Raises ValueError."""
    text = text.strip()
    host, port = text, default_port
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"'{text}': missing ']'")
        host, rest = text[1:end], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"'{text}': expected ':PORT' after ']'")
            port = _port(rest[1:], text)
    elif text.count(":") == 1:
        host, port_text = text.split(":")
        port = _port(port_text, text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"'{text}': HOST must be an IP address") from None
    return Server(host, port)


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"'{whole}': invalid port '{text}'")
    return int(text)


class Answer(NamedTuple):
    """What one server said, reduced to what the checks read (parsed when it arrived).
    Immutable; a named tuple (not a frozen dataclass, which costs four times as much to build:
    one is built for every query).

    ``chain`` and ``records``: the CNAME chain followed from the query name in the answer
    section, and the records of the query type at its end (for a CNAME query the CNAME itself
    is the record, not a step in the chain). ``soa``: the first SOA in the answer or authority
    section (zone, serial). ``glue``: the additional section's A and AAAA records by owner.
    """

    qname: str
    rdtype: str
    status: Status
    error: str = ""
    answered: bool = False  # a server's message is behind this answer (not a local error)
    flags: int = 0
    chain: tuple[str, ...] = ()
    records: tuple[wire.Rec, ...] = ()
    soa: tuple[str, int] | None = None
    glue: tuple[tuple[str, str], ...] = ()

    @property
    def authoritative(self) -> bool:
        return self.answered and bool(self.flags & wire.AA)

    def chase(self) -> tuple[list[str], list[wire.Rec]]:
        return list(self.chain), list(self.records)


@functools.lru_cache(maxsize=16384)
def normalize_name(name: str) -> str:
    """``name`` stripped, lowercased, without its final dot. Memoised (a pure function of the
    text; every record's name is normalised by the checks, the lookups and the client)."""
    return name.strip().lower().rstrip(".")


def rdata_name(rdata: wire.Rec) -> str:
    """The name in a CNAME, NS or MX record (target, exchange), normalized."""
    return _name(rdata.name)


def rdata_int(rdata: wire.Rec) -> int:
    """The number in an MX (preference) or SOA (serial) record."""
    return rdata.number


def txt_text(rdata: wire.Rec) -> str:
    """A TXT record's strings joined without separators (RFC 7208 3.3), decoded leniently."""
    return b"".join(rdata.strings).decode("utf-8", errors="replace")


@dataclass
class Stats:
    queries: int = 0  # every datagram or TCP query sent, retries included
    udp: int = 0
    tcp: int = 0
    retries: int = 0
    truncated: int = 0
    timeouts: int = 0
    cpu_seconds: float = 0.0  # process CPU time of the run (set by the caller)


# RCODEs (RFC 1035 4.1.1); dnspython is imported only to name an unusual one.
NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = range(6)
_FINAL_RCODES = (REFUSED, NOTIMP, FORMERR)
# Answers that may come without the question section (RFC 1035 leaves it open; dnspython too).
_BARE_RCODES = (FORMERR, SERVFAIL, NOTIMP, REFUSED)
_RCODE_TEXT = {FORMERR: "FORMERR", SERVFAIL: "SERVFAIL", NOTIMP: "NOTIMP", REFUSED: "REFUSED"}
_RDTYPES = {"A": 1, "AAAA": 28, "CNAME": 5, "MX": 15, "NS": 2, "SOA": 6, "TXT": 16}
ID_BLOCK = 512  # query ids drawn from the system's CSPRNG at once
PER_SOCKET = 64  # queries in flight on one UDP socket: a burst of answers fits its buffer
_ID = struct.Struct("!H")


def _check_reply(data: bytes, question: bytes) -> bool:
    """Whether ``data`` answers ``question`` (lowercase name + type + class). A reply that
    cannot be read raises ``WireError``; a well-formed answer to another question is False."""
    qlen = len(question)
    if (
        data[2] & 0xF8 == 0x80  # a response, opcode QUERY
        and data[4:6] == b"\x00\x01"
        and data[12 : 8 + qlen].lower() == question[:-4]
        and data[8 + qlen : 12 + qlen] == question[-4:]
    ):
        return True  # the common case, read straight from the bytes
    reply = wire.parse(data)
    if not reply.flags & wire.QR or (reply.flags >> 11) & 0xF:
        return False
    if not reply.question:
        return reply.rcode in _BARE_RCODES
    name, _ = wire.read_name(question, 0)
    qtype, qclass = struct.unpack("!HH", question[-4:])
    return reply.question == ((name, qtype, qclass),)


class _Batch:
    """Where the answers of one ``query`` or ``query_all`` call go: its future is resolved when
    the last one is in (with the answer for ``query``, the list for ``query_all``)."""

    __slots__ = ("answers", "future", "left", "one")

    def __init__(self, future: asyncio.Future[Any], size: int, *, one: bool) -> None:
        self.future = future
        self.answers: list[Answer | None] = [None] * size
        self.left = size
        self.one = one

    def done(self) -> bool:
        return self.future.done()  # complete, or cancelled by whoever waited for it

    def put(self, index: int, answer: Answer) -> None:
        if self.future.done() or self.answers[index] is not None:
            return
        self.answers[index] = answer
        self.left -= 1
        if not self.left:
            self.future.set_result(self.answers[0] if self.one else self.answers)


class _Job:
    """One question to one server, through its attempts; its ``Answer`` goes to ``batch``."""

    __slots__ = (
        "attempt",
        "batch",
        "channel",
        "index",
        "last_error",
        "qid",
        "qname",
        "question",
        "rdtype",
        "recurse",
        "seq",
        "server",
        "server_key",
        "tail",
    )

    def __init__(
        self, batch: _Batch, index: int, server: Server, built: _Built, rdtype: str, recurse: bool
    ) -> None:
        self.batch, self.index = batch, index
        self.server, self.qname, self.rdtype = server, built.qname, rdtype
        self.server_key = (server.host, server.port)  # its sockets' key in ``_channels``
        self.question, self.recurse = built.question, recurse
        self.tail = built.recursive if recurse else built.iterative
        self.attempt = 0
        self.last_error = "no answer"
        self.channel: _Channel | None = None
        self.qid = 0
        self.seq = 0  # which attempt is waiting for an answer (0: none)


class _Channel:
    """One connected UDP socket to one server; answers matched to queries by id and question.

    Being connected, the socket only receives from that server, and the kernel's ICMP errors
    (port unreachable: "connection refused") reach it; such an error fails what is in flight.
    """

    def __init__(self, client: DnsClient, server: Server) -> None:
        family = socket.AF_INET6 if server.family is Family.IPV6 else socket.AF_INET
        self.client = client
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self.sock.setblocking(False)
            self.sock.connect((server.host, server.port))
        except OSError:
            self.sock.close()
            raise
        self.pending: dict[int, _Job] = {}
        self.retired = False
        self.closed = False
        client.loop.add_reader(self.sock.fileno(), self._readable)

    def _readable(self) -> None:
        client = self.client
        # The window refilled once the socket is drained, not after each answer: the sends go
        # back to back, so a server on this host is woken once for them, not for each.
        client.pumping = True
        try:
            self._drain()
        finally:
            client.pumping = False
        client.pump()

    def _drain(self) -> None:
        """Read what the socket holds; called by ``_readable`` with ``client.pumping`` set."""
        recv, pending, client = self.sock.recv, self.pending, self.client
        for _ in range(256):  # drain what is there, bounded; the loop calls again if more
            try:
                data = recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # an ICMP error for this server
                self.fail(exc)
                return
            if len(data) < 12:
                continue
            qid = (data[0] << 8) | data[1]
            job = pending.get(qid)
            if job is None:
                continue  # late (timed out) or stray: ignore
            if data[2] & 0xFA == 0x80:  # a response to a query, not truncated: the usual
                try:
                    reading = read_usual(data, job.question)
                except Exception as exc:  # malformed or hostile record data: never a traceback
                    self.forget(qid)
                    client.attempt_failed(job, exc)
                    if self.closed:
                        return
                    continue
                if reading is not None:
                    self.forget(qid)
                    job.seq = 0
                    client.answered(job, reading)  # the pump comes after the drain
                    if self.closed:
                        return
                    continue
            try:
                if not _check_reply(data, job.question):
                    continue  # an answer to another question: keep waiting, as dnspython does
            except wire.WireError as exc:
                self.forget(qid)
                self.client.attempt_failed(job, exc)
            else:
                self.forget(qid)
                self.client.received(job, data)
            if self.closed:
                return

    def forget(self, qid: int) -> None:
        """``qid`` is answered or given up; a retired socket closes with its last query."""
        del self.pending[qid]
        if self.retired and not self.pending:
            self.close()

    def retire(self) -> None:
        """Take no new queries; close once what is in flight is answered or timed out."""
        self.retired = True
        if not self.pending:
            self.close()

    def fail(self, exc: Exception) -> None:
        jobs = list(self.pending.values())
        self.pending.clear()
        if self.retired:
            self.close()
        for job in jobs:
            self.client.attempt_failed(job, exc)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.client.retired.discard(self)
        self.client.loop.remove_reader(self.sock.fileno())
        self.sock.close()
        for job in self.pending.values():
            job.seq = 0
            job.batch.put(job.index, Answer(job.qname, job.rdtype, "error", error="closed"))
        self.pending.clear()


class DnsClient:
    """Sends queries; holds no cache. Create it inside the running event loop.

    ``query`` returns a future, not a coroutine: each question is a small state machine
    (``_Job``) driven by the socket's reader and a timer, at most ``max_in_flight`` at once (the
    rest wait in a FIFO queue and go out as answers come back).
    """

    def __init__(self, timeout: float = 2.0, attempts: int = 3, max_in_flight: int = 512) -> None:
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.max_in_flight = max(1, max_in_flight)
        self.stats = Stats()
        self.loop = asyncio.get_running_loop()
        self._channels: dict[tuple[str, int], list[_Channel]] = {}
        self.retired: set[_Channel] = set()  # sockets of past rounds with queries in flight
        self._queue: deque[_Job] = deque()
        self.in_flight = 0  # queries sent and not yet answered or given up (the window)
        self.pumping = False
        self._seq = 0
        self._deadlines: deque[tuple[float, int, _Job]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._tcp_tasks: set[asyncio.Task[None]] = set()
        self._id_pool = b""
        self._id_pos = 0

    def random_id(self) -> int:
        """A query id from the system's CSPRNG (``os.urandom``, which ``secrets`` uses; not
        ``secrets`` itself, whose import costs more than a run's ids), one call per ``ID_BLOCK``."""
        pos = self._id_pos
        if pos >= len(self._id_pool):
            self._id_pool, pos = urandom(2 * ID_BLOCK), 0
        self._id_pos = pos + 2
        return (self._id_pool[pos] << 8) | self._id_pool[pos + 1]

    def query(
        self, server: Server, name: str, rdtype: str, *, recurse: bool
    ) -> asyncio.Future[Answer]:
        """The answer of ``server`` for ``name``/``rdtype``."""
        future: asyncio.Future[Answer] = self.loop.create_future()
        self._submit(_Batch(future, 1, one=True), [(server, name, rdtype, recurse)])
        return future

    def query_all(self, questions: Sequence[Question]) -> Awaitable[list[Answer]]:
        """The answers to ``questions`` (server, name, type, recursion desired), in order, at
        once: one future for all of them, each question's bytes built once."""
        future: asyncio.Future[list[Answer]] = self.loop.create_future()
        if not questions:
            future.set_result([])
            return future
        self._submit(_Batch(future, len(questions), one=False), questions)
        return future

    def _submit(self, batch: _Batch, questions: Sequence[Question]) -> None:
        for index, (server, name, rdtype, recurse) in enumerate(questions):
            built = _question(name, rdtype)
            if built.error:
                batch.put(index, Answer(built.qname, rdtype, "error", error=built.error))
                continue
            self._start(_Job(batch, index, server, built, rdtype, recurse))

    # ---- the window ----
    def _start(self, job: _Job) -> None:
        if job.batch.done():
            return  # cancelled while it waited (a lookup nobody needs any more)
        if self.in_flight < self.max_in_flight and not self._queue:
            self._send(job)
        else:
            self._queue.append(job)

    def _done_sending(self) -> None:
        self.in_flight -= 1
        if self.pumping:
            return  # inside ``pump`` (a send that failed at once) or a socket's drain: later
        self.pump()

    def pump(self) -> None:
        """Send what waits for the window, back to back."""
        self.pumping = True
        try:
            while self._queue and self.in_flight < self.max_in_flight:
                job = self._queue.popleft()
                if not job.batch.done():
                    self._send(job)
        finally:
            self.pumping = False

    def _send(self, job: _Job) -> None:
        self.in_flight += 1
        stats = self.stats
        stats.queries += 1
        stats.udp += 1
        try:
            channels = self._channels.get(job.server_key)
            if channels is not None and len(channels[-1].pending) < PER_SOCKET:
                channel = channels[-1]  # the newest socket, the one still filling (usually)
            else:
                channel = self._channel(job.server)
            pending = channel.pending
            for _ in range(1000):
                qid = self.random_id()
                if qid not in pending:
                    break
            else:
                raise OSError("no free query id")  # unreachable: at most PER_SOCKET are in use
            channel.sock.send(_ID.pack(qid) + job.tail)
        except OSError as exc:
            self.attempt_failed(job, exc)
            return
        job.channel, job.qid = channel, qid
        pending[qid] = job
        # One timer for all: sent in order with the same timeout, deadlines come in order.
        self._seq = seq = self._seq + 1
        job.seq = seq
        self._deadlines.append((self.loop.time() + self.timeout, seq, job))
        if self._timer is None:
            self._timer = self.loop.call_at(self._deadlines[0][0], self._expire_due)

    def _expire_due(self) -> None:
        self._timer = None
        now = self.loop.time() + 0.001  # the loop may run a timer a hair early: no spinning
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] <= now:
            _, seq, job = deadlines.popleft()
            if job.seq != seq:
                continue  # answered (or failed) already
            channel = job.channel
            if channel is not None and channel.pending.get(job.qid) is job:
                channel.forget(job.qid)
            self.attempt_failed(job, TimeoutError())
        if deadlines and self._timer is None:
            self._timer = self.loop.call_at(deadlines[0][0], self._expire_due)

    # ---- outcomes of one attempt ----
    def received(self, job: _Job, data: bytes) -> None:
        job.seq = 0
        if data[2] & (wire.TC >> 8):
            self.stats.truncated += 1
            self.stats.queries += 1
            self.stats.tcp += 1
            task = self.loop.create_task(self._tcp_attempt(job))
            self._tcp_tasks.add(task)
            task.add_done_callback(self._tcp_tasks.discard)
            return  # still in flight
        self._read(job, data)

    def _read(self, job: _Job, data: bytes) -> None:
        try:
            reading = wire.read_reply(data, job.question)
        except Exception as exc:  # malformed or hostile: never a traceback
            self.attempt_failed(job, exc)
            return
        self.answered(job, reading)

    def answered(self, job: _Job, reading: wire.Reading) -> None:
        """A reply to ``job``'s question, read: its answer, or what to do next."""
        if reading.rcode in (NOERROR, NXDOMAIN):
            self._done_sending()
            job.batch.put(job.index, _answer(job.qname, job.rdtype, reading))
            return
        job.last_error = _RCODE_TEXT.get(reading.rcode) or _rcode_text(reading.rcode)
        self._retry(job, final=reading.rcode in _FINAL_RCODES)

    def attempt_failed(self, job: _Job, exc: BaseException) -> None:
        job.seq = 0
        backoff = 0.0
        if isinstance(exc, TimeoutError):
            self.stats.timeouts += 1
            job.last_error = f"timeout after {self.timeout:g} s"
        elif isinstance(exc, OSError):
            job.last_error = f"connection error ({exc.strerror or type(exc).__name__})"
            backoff = min(0.05 * (job.attempt + 1), self.timeout)
        elif isinstance(exc, EOFError):
            job.last_error = "connection closed"
            backoff = min(0.05 * (job.attempt + 1), self.timeout)
        elif isinstance(exc, wire.WireError):
            job.last_error = f"malformed answer ({exc or type(exc).__name__})"
        else:
            job.last_error = f"unusable answer ({type(exc).__name__})"
        self._retry(job, backoff=backoff)

    def _retry(self, job: _Job, *, final: bool = False, backoff: float = 0.0) -> None:
        self._done_sending()
        job.channel = None
        if final or job.attempt + 1 >= self.attempts or job.batch.done():
            job.batch.put(job.index, Answer(job.qname, job.rdtype, "error", error=job.last_error))
            return
        job.attempt += 1
        self.stats.retries += 1
        if backoff:
            self.loop.call_later(backoff, self._start, job)
        else:
            self._start(job)

    async def _tcp_attempt(self, job: _Job) -> None:
        try:
            data = await self._tcp(job.server, job.question, job.recurse)
        except Exception as exc:
            self.attempt_failed(job, exc)
            return
        self._read(job, data)

    def new_round(self) -> None:
        """Later queries go out on new sockets, so from new source ports (a long ``--wait``
        never reuses one); the old sockets close as soon as nothing is in flight on them."""
        for channels in self._channels.values():
            for channel in channels:
                self.retired.add(channel)
                channel.retire()
        self._channels.clear()

    def _channel(self, server: Server) -> _Channel:
        """A socket to ``server`` with room for a query: an open one, else a new one."""
        channels = self._channels.get((server.host, server.port))
        if channels is None:
            channels = self._channels[(server.host, server.port)] = []
        for channel in channels:
            if len(channel.pending) < PER_SOCKET:
                return channel
        channel = _Channel(self, server)
        channels.append(channel)
        return channel

    async def close(self) -> None:
        for task in list(self._tcp_tasks):
            task.cancel()
        await asyncio.gather(*self._tcp_tasks, return_exceptions=True)
        for channel in [*self.retired, *(c for cs in self._channels.values() for c in cs)]:
            channel.close()
        self._channels.clear()
        self._queue.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._deadlines.clear()

    async def _tcp(self, server: Server, question: bytes, recurse: bool) -> bytes:
        qid = self.random_id()
        query = wire.make_query(qid, question, recurse)
        async with asyncio.timeout(self.timeout):
            reader, writer = await asyncio.open_connection(server.host, server.port)
            try:
                writer.write(struct.pack("!H", len(query)) + query)
                await writer.drain()
                (length,) = struct.unpack("!H", await reader.readexactly(2))
                data = await reader.readexactly(length)
            finally:
                writer.close()
        if len(data) < 12 or (data[0] << 8) | data[1] != qid or not _check_reply(data, question):
            raise wire.WireError("the TCP answer is not for the question asked")
        return data


class _Built(NamedTuple):
    """A question as sent: the normalized name, the question's bytes and the query after its
    id (without and with RD), or why there can be no such query (``error``)."""

    qname: str
    question: bytes = b""
    iterative: bytes = b""
    recursive: bytes = b""
    error: str = ""


# A query's header after its id: the flags (RD or not), one question, one additional record.
_COUNTS_ITERATIVE = wire.make_query(0, b"", False)[2:12]
_COUNTS_RECURSIVE = wire.make_query(0, b"", True)[2:12]


@functools.lru_cache(maxsize=16384)
def _question(name: str, rdtype: str) -> _Built:
    """The question ``name``/``rdtype`` as sent. Memoised (a pure function of the two): a
    pass asks each name of each server and resolver, and each poll asks again."""
    qname = normalize_name(name)
    try:
        qwire = wire.encode_name(qname)
        dtype = _RDTYPES.get(rdtype) or wire.rdtype_number(rdtype)
    except ValueError as exc:
        return _Built(qname, error=f"invalid query: {exc}")
    question = wire.question_bytes(qwire.lower(), dtype)
    body = question + wire.OPT_RR  # what ``wire.make_query`` puts after the header
    iterative, recursive = _COUNTS_ITERATIVE + body, _COUNTS_RECURSIVE + body
    return _Built(qname, question, iterative, recursive)


def _rcode_text(rcode: int) -> str:
    import dns.rcode

    return dns.rcode.to_text(dns.rcode.Rcode.make(rcode))


def _answer(qname: str, rdtype: str, reading: wire.Reading) -> Answer:
    """The ``Answer`` of a NOERROR or NXDOMAIN reply."""
    status: Status = "nxdomain" if reading.rcode == NXDOMAIN else "ok"
    if status == "ok" and not reading.records:
        status = "nodata"
    soa, chain, glue = reading.soa, reading.chain, reading.glue
    if soa is None and not chain and not glue:  # the usual answer
        return Answer(qname, rdtype, status, "", True, reading.flags, (), reading.records)
    return Answer(
        qname,
        rdtype,
        status,
        "",
        True,
        reading.flags,
        tuple(map(_name, chain)) if chain else (),
        reading.records,
        (_name(soa[0]), soa[1]) if soa is not None else None,
        tuple(dict.fromkeys((_name(owner), address) for owner, address in glue)) if glue else (),
    )


@functools.lru_cache(maxsize=8192)
def _name(key: bytes) -> str:
    """A name key as normalized text; memoised (the same targets come from every server)."""
    return normalize_name(wire.key_text(key))
