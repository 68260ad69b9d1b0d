"""Lean DNS wire format for the client: build queries, read only what the checks use.

dnspython's ``Message`` builds and parses every name, rdataset and option as objects; at about a
thousand messages per run that was most of the run's CPU. Here a query is a byte string built
once per question (the id is packed in front of it per attempt), and an answer is split into its
sections with owner names as lowercase wire keys; only the records the checks read are turned
into dnspython ``Rdata`` objects (``dns.rdata.from_wire``, compression handled there).

The reader is for hostile input: every length is checked, compression pointers must point
strictly backwards (so no loop), names are at most 255 bytes, and anything else raises
``WireError`` -- never another exception, never a hang.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import cast

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

_IN = dns.rdataclass.IN
_Type = dns.rdatatype.RdataType

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
_SIMPLE_LABEL = re.compile(rb"[a-z0-9_-]+\Z")


class WireError(Exception):
    """A datagram that is not a well-formed DNS message."""


def encode_name(text: str) -> bytes:
    """Uncompressed wire form of the absolute name ``text`` (no trailing dot; "" is the root).

    Plain host names are encoded directly; anything else (escapes, non-ASCII) goes through
    dnspython, which raises ``dns.exception.DNSException`` or ``ValueError`` when invalid.
    """
    if not text:
        return b"\x00"
    if len(text) <= 253 and _SIMPLE_NAME.match(text):
        return b"".join(bytes((len(label),)) + label.encode() for label in text.split(".")) + b"\0"
    return dns.name.from_text(text).to_digestable()


def name_key(name: dns.name.Name) -> bytes:
    """The comparison key of a dnspython name: its uncompressed wire form, lowercase."""
    return bytes(name.canonicalize().to_digestable())


def key_text(key: bytes) -> str:
    """A name key as text without the trailing dot (dnspython's escaping for odd labels)."""
    labels: list[bytes] = []
    pos = 0
    while pos < len(key) and key[pos]:
        n = key[pos]
        labels.append(key[pos + 1 : pos + 1 + n])
        pos += 1 + n
    if all(_SIMPLE_LABEL.match(label) for label in labels):
        return ".".join(label.decode() for label in labels)
    return dns.name.Name([*labels, b""]).to_text(omit_final_dot=True)


def question_bytes(qname_wire: bytes, rdtype: int) -> bytes:
    return qname_wire + struct.pack("!HH", rdtype, CLASS_IN)


def make_query(qid: int, question: bytes, recurse: bool) -> bytes:
    """A query: header, the question (``question_bytes``) and an EDNS0 OPT record."""
    return _HEADER.pack(qid, RD if recurse else 0, 1, 0, 0, 1) + question + OPT_RR


def read_name(wire: bytes, pos: int) -> tuple[bytes, int]:
    """The name at ``pos`` as a lowercase uncompressed wire key, and the position after it."""
    parts: list[bytes] = []
    size = 1
    end = -1
    limit = pos  # every compression pointer must point before the previous one
    size_max = len(wire)
    while True:
        if pos >= size_max:
            raise WireError("name runs past the end of the message")
        n = wire[pos]
        if n == 0:
            pos += 1
            break
        if n >= 0xC0:
            if pos + 1 >= size_max:
                raise WireError("truncated compression pointer")
            target = ((n & 0x3F) << 8) | wire[pos + 1]
            if target >= limit:
                raise WireError("bad compression pointer")
            if end < 0:
                end = pos + 2
            limit = pos = target
            continue
        if n > 63:
            raise WireError("unknown label type")
        size += n + 1
        if size > 255:
            raise WireError("name longer than 255 bytes")
        parts.append(wire[pos : pos + n + 1])
        pos += n + 1
    parts.append(b"\x00")
    return b"".join(parts).lower(), (end if end >= 0 else pos)


@dataclass(frozen=True, slots=True)
class RR:
    """One resource record: owner key, type, class, TTL and where its rdata is."""

    owner: bytes
    rdtype: int
    rdclass: int
    ttl: int
    start: int
    length: int


@dataclass(frozen=True, slots=True)
class Reply:
    wire: bytes
    id: int
    flags: int
    rcode: int  # with the EDNS extended bits
    question: tuple[tuple[bytes, int, int], ...]
    answer: tuple[RR, ...]
    authority: tuple[RR, ...]
    additional: tuple[RR, ...]

    def rdatas(
        self, rrs: tuple[RR, ...], owner: bytes | None, rdtype: int
    ) -> list[dns.rdata.Rdata]:
        """The class-IN records of ``rdtype`` (owned by ``owner`` unless None), duplicates once.

        Raises ``dns.exception.DNSException`` (or another exception) for malformed rdata: the
        client calls this on everything the checks will read before it accepts an answer.
        """
        out: list[dns.rdata.Rdata] = []
        seen: set[bytes] = set()
        for rr in rrs:
            if rr.rdtype != rdtype or rr.rdclass != CLASS_IN:
                continue
            if owner is not None and rr.owner != owner:
                continue
            rdata = dns.rdata.from_wire(_IN, cast(_Type, rdtype), self.wire, rr.start, rr.length)
            raw = self.wire[rr.start : rr.start + rr.length]
            # Identical rdata once, as in a dnspython rdataset (names compared canonically).
            key = raw if _flat(rdtype) else rdata.to_digestable()
            if key in seen:
                continue
            seen.add(key)
            out.append(rdata)
        return out


def _flat(rdtype: int) -> bool:
    """Types whose rdata holds no compressible name: equal rdata means equal bytes."""
    return rdtype in (1, 16, 28)  # A, TXT, AAAA


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
