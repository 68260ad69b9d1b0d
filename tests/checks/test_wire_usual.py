"""The usual-shape reader (``checks.dns.usual``) against the general one (``wire.read_reply``):
for any bytes it reads what the general reader reads, raises what it raises, or leaves the
message to it (None); and the usual answers really take the short way."""

from __future__ import annotations

import struct

import dns.edns
import dns.flags
import dns.message
import dns.rcode
import dns.rrset
from hypothesis import given, settings
from hypothesis import strategies as st

from components.checks.dns import wire
from components.checks.dns.usual import read_usual

_TYPES = {
    "TXT": [
        '"v=spf1 include:amazonses.com ~all"',
        '"a" "b c"',
        '"p=' + "A" * 200 + '" "' + "B" * 200 + '"',
    ],
    "CNAME": ["k1.dkim.amazonses.com.", "x.example.com.", "Mail.Example.COM."],
    "MX": ["10 feedback-smtp.us-east-1.amazonses.com.", "0 mail.example.com.", "5 x.test."],
    "SOA": ["ns1.example.com. h.example.com. 7 1 2 3 4", "a.test. b.test. 4294967295 1 2 3 4"],
    "NS": ["ns1.example.com.", "ns2.example.net."],
    "A": ["192.0.2.1", "198.51.100.7"],
    "AAAA": ["2001:db8::1", "::1"],
    "CAA": ['0 issue "amazon.com"', '128 iodef "mailto:x@example.com"'],
}


def _seen(reading: wire.Reading) -> tuple[object, ...]:
    """Everything a reading holds, records included, as comparable values."""
    records = [
        (r.rdtype, r.strings, r.name, r.number, r.identity(), r.to_text()) for r in reading.records
    ]
    return (reading.flags, reading.rcode, reading.chain, records, reading.soa, reading.glue)


def _outcome(read: object, data: bytes, question: bytes) -> tuple[str, object]:
    try:
        reading = read(data, question)  # type: ignore[operator]
    except Exception as exc:
        return "raised", (type(exc), str(exc))
    return "read", None if reading is None else _seen(reading)


def _agree(data: bytes, question: bytes) -> bool:
    """The two readers agree on ``data``; True when the short way was taken."""
    usual = _outcome(read_usual, data, question)
    if usual == ("read", None):
        return False
    assert usual == _outcome(wire.read_reply, data, question)
    return True


def _question(name: str, rdtype: str) -> bytes:
    return wire.question_bytes(wire.encode_name(name.lower()), wire.rdtype_number(rdtype))


def _usual_answer(shape: tuple[str, str, bool, bool, int, list[int], bool]) -> tuple[bytes, bytes]:
    """An answer of the usual shape from dnspython: the records at the question's name, an
    OPT record or none, any rcode; the last record twice when asked."""
    rdtype, name, use_edns, aa, rcode, picks, twice = shape
    query = dns.message.make_query(name, rdtype, use_edns=0 if use_edns else None, id=7)
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA if aa else 0
    response.set_rcode(dns.rcode.Rcode.make(rcode if use_edns or rcode < 16 else 0))
    texts = [_TYPES[rdtype][i % len(_TYPES[rdtype])] for i in picks]
    if texts:
        response.answer.append(dns.rrset.from_text(name + ".", 300, "IN", rdtype, *texts))
    data = bytearray(response.to_wire())
    question = _question(name, rdtype)
    count = struct.unpack_from("!H", data, 6)[0]
    if count and twice:  # dnspython itself would merge them
        pos = begin = 12 + len(question)
        for _ in range(count):
            begin = pos
            pos += 12 + struct.unpack_from("!H", data, pos + 10)[0]
        data[pos:pos] = data[begin:pos]
        struct.pack_into("!H", data, 6, count + 1)
    return bytes(data), question


usual_answers = st.tuples(
    st.sampled_from(sorted(_TYPES)),
    st.sampled_from(["mail.example.com", "_dmarc.Example.com", "x.test"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([0, 2, 3, 5, 16]),
    st.lists(st.integers(0, 2), max_size=3, unique=True),
    st.booleans(),
)
"""What ``_usual_answer`` builds from (dnspython draws random ids: not inside a strategy)."""


@settings(max_examples=400, deadline=None)
@given(usual_answers)
def test_usual_answers_take_the_short_way_and_read_the_same(
    shape: tuple[str, str, bool, bool, int, list[int], bool],
) -> None:
    data, question = _usual_answer(shape)
    assert _agree(data, question)


@settings(max_examples=1500, deadline=None)
@given(usual_answers, st.binary(min_size=1, max_size=40), st.integers(0, 400), st.booleans())
def test_mangled_usual_answers_read_the_same_or_go_the_general_way(
    shape: tuple[str, str, bool, bool, int, list[int], bool], noise: bytes, at: int, insert: bool
) -> None:
    data, question = _usual_answer(shape)
    at %= len(data) + 1
    mangled = data[:at] + noise + data[at + (0 if insert else len(noise)) :]
    _agree(mangled, question)
    _agree(mangled[:at], question)  # cut short


@settings(max_examples=1000, deadline=None)
@given(
    st.binary(max_size=200),
    st.sampled_from(sorted(_TYPES)),
    st.integers(0, 3),
    st.integers(0, 1),
    st.booleans(),
)
def test_arbitrary_records_after_the_question_read_the_same(
    data: bytes, rdtype: str, answers: int, additional: int, owned: bool
) -> None:
    question = _question("mail.example.com", rdtype)
    header = struct.pack("!HHHHHH", 7, 0x8580, 1, answers, 0, additional)
    if owned:  # an owner and type as the usual answer has them, then arbitrary bytes
        data = b"\xc0\x0c" + question[-4:] + data
    _agree(header + question + data, question)


def test_other_shapes_are_left_to_the_general_reader() -> None:
    query = dns.message.make_query("mail.example.com", "TXT", use_edns=0)
    question = _question("mail.example.com", "TXT")
    cname = dns.message.make_response(query)  # a CNAME chain
    cname.answer.append(dns.rrset.from_text("mail.example.com.", 300, "IN", "CNAME", "x.test."))
    cname.answer.append(dns.rrset.from_text("x.test.", 300, "IN", "TXT", '"a"'))
    nodata = dns.message.make_response(query)  # an SOA in the authority section
    nodata.authority.append(
        dns.rrset.from_text("example.com.", 300, "IN", "SOA", "a.test. b.test. 1 2 3 4 5")
    )
    glue = dns.message.make_response(query)  # additional records besides the OPT
    glue.additional.append(dns.rrset.from_text("ns.test.", 300, "IN", "A", "192.0.2.1"))
    other = dns.message.make_response(dns.message.make_query("other.example.com", "TXT"))
    for message in (cname, nodata, glue, other):
        data = message.to_wire()
        assert read_usual(data, question) is None
        assert not _agree(data, question)
    options: list[dns.edns.Option] = [dns.edns.ECSOption("192.0.2.0", 24)]
    padded = dns.message.make_response(dns.message.make_query("mail.example.com", "TXT"))
    padded.use_edns(0, 0, 1232, options=options)  # the OPT with data: still the usual shape
    padded.answer.append(dns.rrset.from_text("mail.example.com.", 300, "IN", "TXT", '"a"'))
    assert _agree(padded.to_wire(), question)
