"""A small async DNS client on dnspython's async API: no cache, bounded retries, TC -> TCP.

Every query is counted (``DnsClient.stats``). Errors never escape: an ``Answer`` with
``status == "error"`` says why the server could not be checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import dns.asyncbackend
import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

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
    qname: str
    rdtype: str
    status: Status
    message: dns.message.Message | None = None
    error: str = ""

    @property
    def authoritative(self) -> bool:
        return self.message is not None and bool(self.message.flags & dns.flags.AA)

    def chase(self) -> tuple[list[str], list[dns.rdata.Rdata]]:
        """Follow the CNAME chain in the answer section from the query name.

        Returns the chain of CNAME targets and the records of the query type at its end
        (for a CNAME query, the CNAME itself is the record, not a step in the chain).
        """
        if self.message is None:
            return [], []
        name = dns.name.from_text(self.qname)
        qtype = dns.rdatatype.from_text(self.rdtype)
        chain: list[str] = []
        for _ in range(16):
            rrset = _find(self.message.answer, name, qtype)
            if rrset is not None:
                return chain, list(rrset)
            if qtype == dns.rdatatype.CNAME:
                break
            cname = _find(self.message.answer, name, dns.rdatatype.CNAME)
            if cname is None:
                break
            target = cast("dns.name.Name", next(iter(cname)).target)  # type: ignore[attr-defined]
            chain.append(normalize_name(target.to_text()))
            name = target
        return chain, []

    def section_rrsets(self, section: str, rdtype: str) -> list[dns.rrset.RRset]:
        if self.message is None:
            return []
        wanted = dns.rdatatype.from_text(rdtype)
        rrsets: list[dns.rrset.RRset] = getattr(self.message, section)
        return [r for r in rrsets if r.rdtype == wanted]


def _find(
    rrsets: Sequence[dns.rrset.RRset], name: dns.name.Name, rdtype: dns.rdatatype.RdataType
) -> dns.rrset.RRset | None:
    for rrset in rrsets:
        if rrset.name == name and rrset.rdtype == rdtype and rrset.rdclass == dns.rdataclass.IN:
            return rrset
    return None


def normalize_name(name: str) -> str:
    return name.strip().lower().rstrip(".")


def rdata_name(rdata: dns.rdata.Rdata, field: str) -> str:
    """A name-valued rdata field (``target``, ``exchange``), normalized."""
    value: Any = getattr(rdata, field)
    return normalize_name(str(value.to_text()))


def rdata_int(rdata: dns.rdata.Rdata, field: str) -> int:
    value: Any = getattr(rdata, field)
    return int(value)


def txt_text(rdata: dns.rdata.Rdata) -> str:
    """A TXT record's strings joined without separators (RFC 7208 3.3), decoded leniently."""
    strings: Sequence[bytes] = getattr(rdata, "strings", ())
    return b"".join(strings).decode("utf-8", errors="replace")


@dataclass
class Stats:
    queries: int = 0  # every datagram or TCP query sent, retries included
    udp: int = 0
    tcp: int = 0
    retries: int = 0
    truncated: int = 0
    timeouts: int = 0
    cpu_seconds: float = 0.0  # process CPU time of the run (set by the caller)


class DnsClient:
    """Sends queries; holds no cache. Create it inside the running event loop."""

    def __init__(self, timeout: float = 2.0, attempts: int = 3, max_in_flight: int = 256) -> None:
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self._semaphore = asyncio.Semaphore(max(1, max_in_flight))
        self.stats = Stats()
        self._free: dict[int, list[Any]] = {}  # idle dnspython DatagramSockets by family

    async def query(self, server: Server, name: str, rdtype: str, *, recurse: bool) -> Answer:
        qname = normalize_name(name)
        try:
            dname = dns.name.from_text(qname or ".")
            dtype = dns.rdatatype.from_text(rdtype)
        except (dns.exception.DNSException, ValueError) as exc:
            return Answer(qname, rdtype, "error", error=f"invalid query: {exc}")
        last_error = "no answer"
        for attempt in range(self.attempts):
            if attempt:
                self.stats.retries += 1
            query = dns.message.make_query(dname, dtype, use_edns=0, payload=1232)
            if not recurse:
                query.flags &= ~dns.flags.RD
            try:
                async with self._semaphore:
                    response = await self._exchange(server, query)
            except dns.exception.Timeout:
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
            except dns.exception.DNSException as exc:
                last_error = f"malformed answer ({type(exc).__name__})"
                continue
            except Exception as exc:  # anything else from a hostile answer: never a traceback
                last_error = f"unusable answer ({type(exc).__name__})"
                continue
            rcode = response.rcode()
            if rcode == dns.rcode.NOERROR:
                answer = Answer(qname, rdtype, "ok", response)
                _, records = answer.chase()
                if not records:
                    return Answer(qname, rdtype, "nodata", response)
                return answer
            if rcode == dns.rcode.NXDOMAIN:
                return Answer(qname, rdtype, "nxdomain", response)
            last_error = dns.rcode.to_text(rcode)
            if rcode in (dns.rcode.REFUSED, dns.rcode.NOTIMP, dns.rcode.FORMERR):
                break  # deterministic: asking again gives the same answer
        return Answer(qname, rdtype, "error", error=last_error)

    async def _socket(self, family: int) -> Any:
        """A UDP socket from the pool (creating one per query costs more than the query)."""
        free = self._free.get(family)
        if free:
            return free.pop()
        backend: Any = dns.asyncbackend.get_backend("asyncio")
        return await backend.make_socket(family, socket.SOCK_DGRAM)

    async def close(self) -> None:
        for sockets in self._free.values():
            for sock in sockets:
                await sock.close()
        self._free.clear()

    async def _exchange(self, server: Server, query: dns.message.Message) -> dns.message.Message:
        self.stats.queries += 1
        self.stats.udp += 1
        truncated = False
        response: dns.message.Message | None = None
        family = socket.AF_INET6 if ":" in server.host else socket.AF_INET
        sock = await self._socket(family)
        try:
            response = await dns.asyncquery.udp(
                query,
                server.host,
                timeout=self.timeout,
                port=server.port,
                ignore_unexpected=True,
                raise_on_truncation=True,
                sock=sock,
            )
            truncated = bool(response.flags & dns.flags.TC)
        except dns.message.Truncated:
            truncated = True
        except BaseException:
            await sock.close()  # a late answer must not reach the next query on this socket
            raise
        self._free.setdefault(family, []).append(sock)
        if response is not None and not truncated:
            return response
        self.stats.truncated += 1
        self.stats.queries += 1
        self.stats.tcp += 1
        return await dns.asyncquery.tcp(query, server.host, timeout=self.timeout, port=server.port)
