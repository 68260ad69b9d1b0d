"""Lean DNS wire format for the client: build queries, read only what the checks use.

dnspython's ``Message`` builds and parses every name, rdataset and option as objects; at about a
thousand messages per run that was most of the run's CPU. Here a query is a byte string built
once per question (the id is packed in front of it per attempt), and an answer is read in one
pass (``read_reply``) with owner names as lowercase wire keys, decoding only the records the
checks use. dnspython is imported only for what is unusual (names with escapes or non-ASCII,
record types other than TXT, CNAME, NS, MX and SOA), which keeps it off the start-up path;
its errors come out as ``WireError`` (answers) or ``ValueError`` (names and types asked for).

The reader is for hostile input: every length is checked, compression pointers must point
strictly backwards (so no loop), names are at most 255 bytes, and anything else raises
``WireError`` -- never another exception, never a hang.
"""

from __future__ import annotations

import functools
import re
import socket
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, cast

if TYPE_CHECKING:
    import dns.rdata

QR = 0x8000
AA = 0x0400
TC = 0x0200
RD = 0x0100
OPT = 41
CLASS_IN = 1
# EDNS0 OPT record: root owner, type OPT, UDP payload 1232, extended rcode/version/flags 0, no data.
OPT_RR = b"\x00" + struct.pack("!HHIH", OPT, 1232, 0, 0)

_HEADER = struct.Struct("!HHHHHH")
_RR_FIXED = struct.Struct("!HHIH")
_SIMPLE_NAME = re.compile(r"[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\Z")
_SIMPLE_TEXT = re.compile(rb"[a-z0-9_.-]*\Z")
_LENGTH = [bytes((n,)) for n in range(64)]  # a label's length byte


class WireError(Exception):
    """A datagram that is not a well-formed DNS message."""


@functools.lru_cache(maxsize=4096)
def encode_name(text: str) -> bytes:
    """Uncompressed wire form of the absolute name ``text`` (no trailing dot; "" is the root).

    Plain host names are encoded directly; anything else (escapes, non-ASCII) goes through
    dnspython. Raises ``ValueError`` when invalid.
    """
    if not text:
        return b"\x00"
    if len(text) <= 253 and _SIMPLE_NAME.match(text):
        labels = text.encode().split(b".")  # one encode; a list, not a generator, joined
        return b"".join([_LENGTH[len(label)] + label for label in labels]) + b"\0"
    import dns.exception
    import dns.name

    try:
        return dns.name.from_text(text).to_digestable()
    except dns.exception.DNSException as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None


def rdtype_number(text: str) -> int:
    """The number of the record type named ``text`` (e.g. ``CAA``). Raises ``ValueError``."""
    import dns.exception
    import dns.rdatatype

    try:
        return int(dns.rdatatype.from_text(text))
    except dns.exception.DNSException as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None


@functools.lru_cache(maxsize=4096)
def key_text(key: bytes) -> str:
    """A name key as text without the trailing dot (dnspython's escaping for odd labels).

    Memoised (a pure function of the bytes): the same targets come from every server.
    """
    labels: list[bytes] = []
    pos = 0
    while pos < len(key) and key[pos]:
        n = key[pos]
        labels.append(key[pos + 1 : pos + 1 + n])
        pos += 1 + n
    text = b".".join(labels)
    if len(labels) == text.count(b".") + 1 and _SIMPLE_TEXT.match(text):
        return text.decode()
    import dns.name

    return dns.name.Name([*labels, b""]).to_text(omit_final_dot=True)


def question_bytes(qname_wire: bytes, rdtype: int) -> bytes:
    return qname_wire + struct.pack("!HH", rdtype, CLASS_IN)


def make_query(qid: int, question: bytes, recurse: bool) -> bytes:
    """A query: header, the question (``question_bytes``) and an EDNS0 OPT record."""
    return _HEADER.pack(qid, RD if recurse else 0, 1, 0, 0, 1) + question + OPT_RR


def read_name(wire: bytes, pos: int) -> tuple[bytes, int]:
    """The name at ``pos`` as a lowercase uncompressed wire key, and the position after it."""
    runs: list[bytes] = []  # the stretches before each compression pointer
    start = pos
    size = 1
    end = -1
    limit = pos  # every compression pointer must point before the previous one
    try:
        while n := wire[pos]:
            if n > 63:
                if n < 0xC0:
                    raise WireError("unknown label type")
                if pos + 1 >= len(wire):
                    raise WireError("truncated compression pointer")
                target = ((n & 0x3F) << 8) | wire[pos + 1]
                if target >= limit:
                    raise WireError("bad compression pointer")
                if end < 0:
                    end = pos + 2
                runs.append(wire[start:pos])
                limit = pos = start = target
                continue
            size += n + 1
            if size > 255:
                raise WireError("name longer than 255 bytes")
            pos += n + 1
    except IndexError:
        raise WireError("name runs past the end of the message") from None
    name = (b"".join(runs) + wire[start : pos + 1] if runs else wire[start : pos + 1]).lower()
    return name, (end if end >= 0 else pos + 1)


class RR:
    """One resource record: owner key, type, class, TTL and where its rdata is."""

    __slots__ = ("length", "owner", "rdclass", "rdtype", "start", "ttl")

    def __init__(
        self, owner: bytes, rdtype: int, rdclass: int, ttl: int, start: int, length: int
    ) -> None:
        self.owner, self.rdtype, self.rdclass = owner, rdtype, rdclass
        self.ttl, self.start, self.length = ttl, start, length


@dataclass(frozen=True, slots=True)
class Reply:
    """A message split into its sections (``parse``): for replies ``read_reply`` cannot match
    to the question."""

    wire: bytes
    id: int
    flags: int
    rcode: int  # with the EDNS extended bits
    question: tuple[tuple[bytes, int, int], ...]
    answer: tuple[RR, ...]
    authority: tuple[RR, ...]
    additional: tuple[RR, ...]


TXT, CNAME, NS, MX, SOA, A, AAAA = 16, 5, 2, 15, 6, 1, 28
LEAN_TYPES = frozenset((TXT, CNAME, NS, MX, SOA))


class Rec:
    """One record's data. TXT, CNAME, NS, MX and SOA are read here (``strings``; ``name``, a
    lowercase name key; ``number``, the MX preference or SOA serial); every type can also be had
    as a dnspython ``Rdata`` (``to_rdata``, built on first use; other types are built at once,
    so that malformed data is found while the answer is read)."""

    __slots__ = ("_length", "_rdata", "_start", "_wire", "name", "number", "rdtype", "strings")

    def __init__(
        self,
        wire: bytes,
        rdtype: int,
        start: int,
        length: int,
        strings: tuple[bytes, ...] = (),
        name: bytes = b"",
        number: int = 0,
    ) -> None:
        self._wire, self._start, self._length = wire, start, length
        self.rdtype = rdtype
        self.strings, self.name, self.number = strings, name, number
        self._rdata: dns.rdata.Rdata | None = None
        if rdtype not in LEAN_TYPES:
            self._rdata = self.to_rdata()

    def to_rdata(self) -> dns.rdata.Rdata:
        """The record as dnspython ``Rdata``. Raises ``WireError`` for malformed data."""
        if self._rdata is None:
            from dns.exception import DNSException
            from dns.rdata import from_wire
            from dns.rdataclass import RdataClass
            from dns.rdatatype import RdataType

            rdtype = cast(RdataType, self.rdtype)
            try:
                self._rdata = from_wire(
                    RdataClass.IN, rdtype, self._wire, self._start, self._length
                )
            except DNSException as exc:
                raise WireError(str(exc) or type(exc).__name__) from None
        return self._rdata

    def to_text(self) -> str:
        return self.to_rdata().to_text()

    def identity(self) -> object:
        """Equal for equal record data (names compared case-insensitively)."""
        if self.rdtype == TXT:
            return self.strings
        if self.rdtype in (CNAME, NS, MX):
            return (self.number, self.name)
        return self.to_rdata().to_digestable()


def decode_at(wire: bytes, rdtype: int, start: int, length: int) -> Rec:
    """Read the data of a record of ``rdtype`` at ``start`` (``length`` bytes): the lean types
    here, others through dnspython."""
    end = start + length
    if rdtype == TXT:
        strings: list[bytes] = []
        pos = start
        while pos < end:
            n = wire[pos]
            if pos + 1 + n > end:
                raise WireError("TXT string runs past its record")
            strings.append(wire[pos + 1 : pos + 1 + n])
            pos += 1 + n
        if not strings:
            raise WireError("TXT record without strings")
        return Rec(wire, rdtype, start, length, strings=tuple(strings))
    if rdtype in (CNAME, NS):
        name, pos = read_name(wire, start)
        _check_end(pos, end)
        return Rec(wire, rdtype, start, length, name=name)
    if rdtype == MX:
        if length < 3:
            raise WireError("MX record too short")
        name, pos = read_name(wire, start + 2)
        _check_end(pos, end)
        return Rec(
            wire, rdtype, start, length, name=name, number=(wire[start] << 8) | wire[start + 1]
        )
    if rdtype == SOA:
        mname, pos = read_name(wire, start)
        _, pos = read_name(wire, pos)
        _check_end(pos + 20, end)
        (serial,) = struct.unpack_from("!I", wire, pos)
        return Rec(wire, rdtype, start, length, name=mname, number=serial)
    return Rec(wire, rdtype, start, length)


def _check_end(pos: int, end: int) -> None:
    if pos != end:
        raise WireError("record data length does not match its contents")


def parse(wire: bytes) -> Reply:
    """Split a message into header, question and sections. Raises ``WireError``."""
    if len(wire) < 12:
        raise WireError("shorter than a DNS header")
    qid, flags, qdcount, ancount, nscount, arcount = _HEADER.unpack_from(wire)
    pos = 12
    size = len(wire)
    question: list[tuple[bytes, int, int]] = []
    for _ in range(qdcount):
        name, pos = read_name(wire, pos)
        if pos + 4 > size:
            raise WireError("truncated question")
        qtype, qclass = struct.unpack_from("!HH", wire, pos)
        pos += 4
        question.append((name, qtype, qclass))
    sections: list[tuple[RR, ...]] = []
    rcode = flags & 0xF
    for count in (ancount, nscount, arcount):
        rrs: list[RR] = []
        for _ in range(count):
            owner, pos = read_name(wire, pos)
            if pos + 10 > size:
                raise WireError("truncated record")
            rdtype, rdclass, ttl, rdlen = _RR_FIXED.unpack_from(wire, pos)
            pos += 10
            if pos + rdlen > size:
                raise WireError("record data runs past the end of the message")
            rrs.append(RR(owner, rdtype, rdclass, ttl, pos, rdlen))
            pos += rdlen
        sections.append(tuple(rrs))
    if pos != size:
        raise WireError("trailing data after the last record")
    for rr in sections[2]:
        if rr.rdtype == OPT:
            rcode |= (rr.ttl >> 24) << 4
    return Reply(wire, qid, flags, rcode, tuple(question), *sections)


class Reading(NamedTuple):
    """What ``read_reply`` keeps of an answer (names as lowercase wire keys): ``chain``, the
    CNAMEs followed from the question's name; ``records``, the class-IN records of its type at
    the chain's end, duplicates once (for a CNAME question the CNAME itself); ``soa``, the first
    SOA in the answer or authority section (owner, serial); ``glue``, additional A and AAAA
    records."""

    flags: int
    rcode: int  # with the EDNS extended bits
    chain: tuple[bytes, ...]
    records: tuple[Rec, ...]
    soa: tuple[bytes, int] | None
    glue: tuple[tuple[bytes, str], ...]


def read_reply(wire: bytes, question: bytes) -> Reading:
    """Read an answer to ``question`` (``question_bytes`` of a lowercase name) in one pass.

    Only what the checks use is decoded: the records of the question's type (and the CNAMEs
    leading to them) at the question's name, an SOA, glue. An owner written as a pointer to the
    echoed question (the usual case) is not read again. Raises ``WireError`` on anything
    malformed.
    """
    size = len(wire)
    if size < 12:
        raise WireError("shorter than a DNS header")
    _, flags, qdcount, ancount, nscount, arcount = _HEADER.unpack_from(wire)
    qkey = question[:-4]
    qend = 12 + len(question)
    echo = (
        qdcount == 1
        and wire[12 : qend - 4].lower() == qkey
        and wire[qend - 4 : qend] == question[-4:]
    )
    pos = qend
    if not echo:
        pos = 12
        for _ in range(qdcount):
            _, pos = read_name(wire, pos)
            pos += 4
            if pos > size:
                raise WireError("truncated question")
    answer: list[tuple[bytes, int, int, int]] = []  # class IN: owner, type, start, length
    soa: tuple[bytes, int] | None = None
    glue: list[tuple[bytes, str]] = []
    rcode = flags & 0xF
    for section, count in ((0, ancount), (1, nscount), (2, arcount)):
        for _ in range(count):
            if echo and pos + 1 < size and wire[pos] == 0xC0 and wire[pos + 1] == 12:
                owner = qkey
                pos += 2
            else:
                owner, pos = read_name(wire, pos)
            if pos + 10 > size:
                raise WireError("truncated record")
            rdtype, rdclass, ttl, rdlen = _RR_FIXED.unpack_from(wire, pos)
            pos += 10
            if pos + rdlen > size:
                raise WireError("record data runs past the end of the message")
            if section == 2 and rdtype == OPT:
                rcode |= (ttl >> 24) << 4
            elif rdclass != CLASS_IN:
                pass
            elif section == 0:
                answer.append((owner, rdtype, pos, rdlen))
            elif section == 1:
                if rdtype == SOA and soa is None:
                    soa = (owner, decode_at(wire, SOA, pos, rdlen).number)
            elif rdtype == A:
                if rdlen != 4:
                    raise WireError("A record data is not 4 bytes")
                glue.append((owner, socket.inet_ntoa(wire[pos : pos + 4])))
            elif rdtype == AAAA:
                if rdlen != 16:
                    raise WireError("AAAA record data is not 16 bytes")
                glue.append((owner, socket.inet_ntop(socket.AF_INET6, wire[pos : pos + 16])))
            pos += rdlen
    if pos != size:
        raise WireError("trailing data after the last record")
    for owner, rdtype, start, length in answer:
        if rdtype == SOA:
            soa = (owner, decode_at(wire, SOA, start, length).number)
            break
    dtype = (question[-4] << 8) | question[-3]
    chain: list[bytes] = []
    records: list[Rec] = []
    owner = qkey
    for _ in range(16):
        records = _records(wire, answer, owner, dtype)
        if records or dtype == CNAME:
            break
        cnames = _records(wire, answer, owner, CNAME)
        if not cnames:
            break
        owner = cnames[0].name
        chain.append(owner)
    return Reading(flags, rcode, tuple(chain), tuple(records), soa, tuple(glue))


def _records(
    wire: bytes, answer: list[tuple[bytes, int, int, int]], owner: bytes, rdtype: int
) -> list[Rec]:
    """The records of ``rdtype`` owned by ``owner``, duplicates once."""
    out = [decode_at(wire, t, start, n) for o, t, start, n in answer if t == rdtype and o == owner]
    return out if len(out) < 2 else unique_records(out)


def unique_records(records: list[Rec]) -> list[Rec]:
    """``records`` with duplicates once, the first kept, in order."""
    first: dict[object, Rec] = {}
    for rec in records:
        first.setdefault(rec.identity(), rec)
    return list(first.values())
