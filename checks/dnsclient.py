"""A small async DNS client: no cache, bounded retries, TC -> TCP.

Queries go out on a few connected UDP sockets per server (at most ``PER_SOCKET`` in flight on
each), built as bytes and matched to their answers by id and question (``checks.wire``); the
answer is read straight into an ``Answer`` holding only what the checks use, with dnspython
``Rdata`` objects for the records. Every query is counted (``DnsClient.stats``). Errors never
escape: an ``Answer`` with ``status == "error"`` says why the server could not be checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import struct
from dataclasses import dataclass
from typing import Literal

import dns.exception
import dns.rcode
import dns.rdatatype

from checks import wire

Status = Literal["ok", "nxdomain", "nodata", "error"]


@dataclass(frozen=True)
class Server:
    """A DNS server address; ``name`` is the NS host name when it was discovered."""

    host: str
    port: int = 53
    name: str | None = None

    @property
    def address(self) -> str:
        if ":" in self.host:
            return f"[{self.host}]:{self.port}" if self.port != 53 else self.host
        return f"{self.host}:{self.port}" if self.port != 53 else self.host

    @property
    def label(self) -> str:
        return f"{self.name} ({self.address})" if self.name else self.address


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


@dataclass(frozen=True)
class Answer:
    """What one server said, reduced to what the checks read (parsed when it arrived).

    ``chain`` and ``records``: the CNAME chain followed from the query name in the answer
    section, and the records of the query type at its end (for a CNAME query the CNAME itself
    is the record, not a step in the chain). ``soa``: the first SOA in the answer or authority
    section (zone, serial). ``glue``: the additional section's A records by owner.
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


def normalize_name(name: str) -> str:
    return name.strip().lower().rstrip(".")


def rdata_name(rdata: wire.Rec) -> str:
    """The name in a CNAME, NS or MX record (target, exchange), normalized."""
    return normalize_name(wire.key_text(rdata.name))


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


_FINAL_RCODES = (dns.rcode.REFUSED, dns.rcode.NOTIMP, dns.rcode.FORMERR)
# Answers that may come without the question section (RFC 1035 leaves it open; dnspython too).
_BARE_RCODES = (dns.rcode.FORMERR, dns.rcode.SERVFAIL, dns.rcode.NOTIMP, dns.rcode.REFUSED)
_A = int(dns.rdatatype.A)
PER_SOCKET = 64  # queries in flight on one UDP socket: a burst of answers fits its buffer


def _expire(future: asyncio.Future[bytes]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


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


class _Channel:
    """One connected UDP socket to one server; answers matched to queries by id and question.

    Being connected, the socket only receives from that server, and the kernel's ICMP errors
    (port unreachable: "connection refused") reach it; such an error fails what is in flight.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, server: Server) -> None:
        family = socket.AF_INET6 if ":" in server.host else socket.AF_INET
        self.loop = loop
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self.sock.setblocking(False)
            self.sock.connect((server.host, server.port))
        except OSError:
            self.sock.close()
            raise
        self.pending: dict[int, tuple[asyncio.Future[bytes], bytes]] = {}
        loop.add_reader(self.sock.fileno(), self._readable)

    def new_id(self) -> int:
        for _ in range(1000):
            qid = random.getrandbits(16)
            if qid not in self.pending:
                return qid
        raise OSError("no free query id")  # unreachable: at most PER_SOCKET are in use

    def _readable(self) -> None:
        for _ in range(256):  # drain what is there, bounded; the loop calls again if more
            try:
                data = self.sock.recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # an ICMP error for this server
                self.fail(exc)
                return
            if len(data) < 12:
                continue
            entry = self.pending.get((data[0] << 8) | data[1])
            if entry is None:
                continue  # late (timed out) or stray: ignore
            future, question = entry
            try:
                if not _check_reply(data, question):
                    continue  # an answer to another question: keep waiting, as dnspython does
            except wire.WireError as exc:
                del self.pending[(data[0] << 8) | data[1]]
                if not future.done():
                    future.set_exception(exc)
                continue
            del self.pending[(data[0] << 8) | data[1]]
            if not future.done():
                future.set_result(data)

    def fail(self, exc: BaseException) -> None:
        pending = list(self.pending.values())
        self.pending.clear()
        for future, _ in pending:
            if not future.done():
                future.set_exception(exc)

    def close(self) -> None:
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()
        self.fail(OSError("client closed"))


class DnsClient:
    """Sends queries; holds no cache. Create it inside the running event loop."""

    def __init__(self, timeout: float = 2.0, attempts: int = 3, max_in_flight: int = 256) -> None:
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self._semaphore = asyncio.Semaphore(max(1, max_in_flight))
        self.stats = Stats()
        self._channels: dict[tuple[str, int], list[_Channel]] = {}

    async def query(self, server: Server, name: str, rdtype: str, *, recurse: bool) -> Answer:
        qname = normalize_name(name)
        try:
            qwire = wire.encode_name(qname)
            dtype = int(dns.rdatatype.from_text(rdtype))
        except (dns.exception.DNSException, ValueError) as exc:
            return Answer(qname, rdtype, "error", error=f"invalid query: {exc}")
        question = wire.question_bytes(qwire.lower(), dtype)
        last_error = "no answer"
        for attempt in range(self.attempts):
            if attempt:
                self.stats.retries += 1
            try:
                async with self._semaphore:
                    data = await self._exchange(server, question, recurse)
                reply = wire.parse(data)
                rcode = reply.rcode
                if rcode in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
                    return _answer(qname, rdtype, dtype, question, reply)
            except TimeoutError:
                self.stats.timeouts += 1
                last_error = f"timeout after {self.timeout:g} s"
                continue
            except OSError as exc:
                last_error = f"connection error ({exc.strerror or type(exc).__name__})"
                await asyncio.sleep(min(0.05 * (attempt + 1), self.timeout))
                continue
            except EOFError:
                last_error = "connection closed"
                await asyncio.sleep(min(0.05 * (attempt + 1), self.timeout))
                continue
            except (wire.WireError, dns.exception.DNSException) as exc:
                last_error = f"malformed answer ({exc or type(exc).__name__})"
                continue
            except Exception as exc:  # anything else from a hostile answer: never a traceback
                last_error = f"unusable answer ({type(exc).__name__})"
                continue
            last_error = dns.rcode.to_text(dns.rcode.Rcode.make(rcode))
            if rcode in _FINAL_RCODES:
                break  # deterministic: asking again gives the same answer
        return Answer(qname, rdtype, "error", error=last_error)

    def _channel(self, server: Server) -> _Channel:
        channels = self._channels.setdefault((server.host, server.port), [])
        for channel in channels:
            if len(channel.pending) < PER_SOCKET:
                return channel
        channel = _Channel(asyncio.get_running_loop(), server)
        channels.append(channel)
        return channel

    async def close(self) -> None:
        for channels in self._channels.values():
            for channel in channels:
                channel.close()
        self._channels.clear()

    async def _exchange(self, server: Server, question: bytes, recurse: bool) -> bytes:
        """One UDP exchange (the answer's bytes, id and question checked); TC -> TCP."""
        self.stats.queries += 1
        self.stats.udp += 1
        channel = self._channel(server)
        qid = channel.new_id()
        future: asyncio.Future[bytes] = channel.loop.create_future()
        channel.pending[qid] = (future, question)
        timer = channel.loop.call_later(self.timeout, _expire, future)
        try:
            channel.sock.send(wire.make_query(qid, question, recurse))
            data = await future
        finally:
            timer.cancel()
            if channel.pending.get(qid, (None,))[0] is future:
                del channel.pending[qid]
        if not data[2] & (wire.TC >> 8):
            return data
        self.stats.truncated += 1
        self.stats.queries += 1
        self.stats.tcp += 1
        return await self._tcp(server, question, recurse)

    async def _tcp(self, server: Server, question: bytes, recurse: bool) -> bytes:
        qid = random.getrandbits(16)
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


def _answer(qname: str, rdtype: str, dtype: int, question: bytes, reply: wire.Reply) -> Answer:
    """Read what the checks need from a NOERROR or NXDOMAIN reply (may raise on bad rdata)."""
    owner, _ = wire.read_name(question, 0)
    chain: list[str] = []
    records: list[wire.Rec] = []
    for _ in range(16):
        records = reply.records(reply.answer, owner, dtype)
        if records or dtype == wire.CNAME:
            break
        cnames = reply.records(reply.answer, owner, wire.CNAME)
        if not cnames:
            break
        owner = cnames[0].name
        chain.append(rdata_name(cnames[0]))
    soa: tuple[str, int] | None = None
    for section in (reply.answer, reply.authority):
        for rr in section:
            if rr.rdtype == wire.SOA and rr.rdclass == wire.CLASS_IN:
                soa = (normalize_name(wire.key_text(rr.owner)), wire.decode(reply.wire, rr).number)
                break
        if soa is not None:
            break
    glue: list[tuple[str, str]] = []
    for rr in reply.additional:
        if rr.rdtype == _A and rr.rdclass == wire.CLASS_IN:
            glue.append(
                (normalize_name(wire.key_text(rr.owner)), wire.decode(reply.wire, rr).to_text())
            )
    status: Status = "nxdomain" if reply.rcode == dns.rcode.NXDOMAIN else "ok"
    if status == "ok" and not records:
        status = "nodata"
    return Answer(
        qname,
        rdtype,
        status,
        answered=True,
        flags=reply.flags,
        chain=tuple(chain),
        records=tuple(records),
        soa=soa,
        glue=tuple(dict.fromkeys(glue)),
    )
