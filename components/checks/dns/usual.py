"""The usual answer read in one sweep: ``wire.read_reply``'s result for less work, or None.

Nearly every answer the checks get has one shape: the question echoed, the records of the
question's type owned by a pointer to the echoed name (0xC00C), no authority section and at most
an EDNS OPT record at the root. ``read_usual`` reads that shape with a few byte comparisons and
hands anything else, malformed or not, to the general reader (``wire.read_reply``), so it
decides nothing the general reader would decide otherwise: a test compares the two on
arbitrary bytes.
"""

from __future__ import annotations

from .wire import SOA, TXT, Reading, Rec, decode_at, unique_records

_OPT_AT_ROOT = b"\x00\x00\x29"  # the root name, then type 41


def read_usual(wire: bytes, question: bytes) -> Reading | None:
    """``wire.read_reply(wire, question)`` when the answer has the usual shape (and is well
    formed up to its records' data, which is decoded as the general reader decodes it), else
    None. ``question``'s name is in lowercase, as the client sends it."""
    size = len(wire)
    qend = 12 + len(question)
    # One question, no authority records, at most one additional record (the OPT); indexes,
    # not slices, so that nothing is built for the usual answer.
    if size < qend or wire[4] or wire[5] != 1 or wire[8] or wire[9] or wire[10] or wire[11] > 1:
        return None
    echoed = wire.startswith(question, 12)  # as asked; else perhaps in another case
    if not echoed and (
        wire[12 : qend - 4].lower() != question[:-4] or wire[qend - 4 : qend] != question[-4:]
    ):
        return None
    owned = b"\xc0\x0c" + question[-4:]  # at the question's name, of its type and class
    spans: list[tuple[int, int]] = []
    pos = qend
    for _ in range((wire[6] << 8) | wire[7]):
        start = pos + 12
        if start > size or not wire.startswith(owned, pos):
            return None
        pos = start + ((wire[pos + 10] << 8) | wire[pos + 11])
        spans.append((start, pos - start))
    rcode = wire[3] & 0xF
    if wire[11]:
        if pos + 11 > size or wire[pos : pos + 3] != _OPT_AT_ROOT:
            return None
        rcode |= wire[pos + 5] << 4  # the extended RCODE: the top byte of the OPT's TTL
        pos += 11 + ((wire[pos + 9] << 8) | wire[pos + 10])
    if pos != size:
        return None
    dtype = (question[-4] << 8) | question[-3]
    if dtype == TXT:
        # A TXT record of one string (the usual) read here; any other through ``decode_at``.
        records = [
            Rec(wire, TXT, start, length, (wire[start + 1 : start + length],))
            if length and wire[start] + 1 == length
            else decode_at(wire, TXT, start, length)
            for start, length in spans
        ]
    else:
        records = [decode_at(wire, dtype, start, length) for start, length in spans]
    if len(records) > 1:
        records = unique_records(records)
    soa = (question[:-4], records[0].number) if dtype == SOA and records else None
    return Reading((wire[2] << 8) | wire[3], rcode, (), tuple(records), soa, ())
