"""The lean wire reader and the UDP client: dnspython agrees, hostile bytes never crash it, and
answers are matched to their queries by id and question (no stale or foreign answer accepted)."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import Callable
from typing import cast

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from components.checks.dns import client as client_module
from components.checks.dns import wire
from components.checks.dns.client import Answer, DnsClient, Server, rdata_int, rdata_name, txt_text
from tests.support.knot_server import free_port, random_loopback

# ---- the reader against dnspython ---------------------------------------------------------------

labels = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=20
)
names = st.lists(labels, min_size=1, max_size=5).map(".".join)
txt_strings = st.lists(st.binary(max_size=255), min_size=1, max_size=4)


def _response(
    qname: str, rdtype: str, flags: int = dns.flags.QR | dns.flags.AA
) -> dns.message.Message:
    query = dns.message.make_query(qname, rdtype)
    response = dns.message.make_response(query)
    response.flags = flags
    return response


def test_query_bytes_are_what_dnspython_sends() -> None:
    for recurse in (True, False):
        ours = wire.make_query(
            4660, wire.question_bytes(wire.encode_name("Mail.Example.com"), 15), recurse
        )
        theirs = dns.message.make_query("Mail.Example.com.", "MX", use_edns=0, payload=1232)
        theirs.id = 4660
        if not recurse:
            theirs.flags &= ~dns.flags.RD
        assert ours == theirs.to_wire()


@pytest.mark.parametrize("text", ["exa\\.mple.com", "bücher.example", "a" * 63 + ".com"])
def test_unusual_names_are_encoded_by_dnspython_rules(text: str) -> None:
    assert wire.encode_name(text) == dns.name.from_text(text).canonicalize().to_wire()


@pytest.mark.parametrize("text", ["a..b", "a" * 64 + ".com", ".".join(["abcdefgh"] * 40)])
def test_invalid_names_raise(text: str) -> None:
    with pytest.raises((dns.exception.DNSException, ValueError)):
        wire.encode_name(text)


@settings(max_examples=200, deadline=None)
@given(owner=names, target=names, strings=txt_strings, pref=st.integers(0, 65535))
def test_reader_agrees_with_dnspython(
    owner: str, target: str, strings: list[bytes], pref: int
) -> None:
    assume(owner.lower() != target.lower())  # a CNAME to itself is no chain
    response = _response(owner, "TXT")
    ttl = 300
    response.answer.append(dns.rrset.from_text(owner + ".", ttl, "IN", "CNAME", target + "."))
    quoted = " ".join('"' + "".join(f"\\{b:03d}" for b in s) + '"' for s in strings)
    response.answer.append(dns.rrset.from_text(target + ".", ttl, "IN", "TXT", quoted))
    response.authority.append(
        dns.rrset.from_text(target + ".", ttl, "IN", "SOA", f"ns.{target}. h.{target}. 7 1 2 3 4")
    )
    response.additional.append(
        dns.rrset.from_text(target + ".", ttl, "IN", "MX", f"{pref} mx.{owner}.")
    )
    response.additional.append(dns.rrset.from_text(f"ns.{target}.", ttl, "IN", "A", "192.0.2.7"))
    data = response.to_wire()  # compressed names
    question = wire.question_bytes(wire.encode_name(owner).lower(), wire.TXT)
    reading = wire.read_reply(data, question)
    assert reading.flags == response.flags and reading.rcode == 0
    assert reading.chain == (wire.encode_name(target).lower(),)
    (txt,) = reading.records
    assert list(txt.strings) == strings
    assert txt_text(txt) == b"".join(strings).decode("utf-8", errors="replace")
    assert reading.soa == (wire.encode_name(target).lower(), 7)
    assert reading.glue == ((wire.encode_name(f"ns.{target}").lower(), "192.0.2.7"),)
    (cname,) = wire.read_reply(
        data, wire.question_bytes(wire.encode_name(owner).lower(), wire.CNAME)
    ).records
    assert rdata_name(cname) == target.lower()
    reply = wire.parse(data)  # the general reader: every section, every record
    (mx_rr,) = [rr for rr in reply.additional if rr.rdtype == wire.MX]
    mx = wire.decode_at(data, mx_rr.rdtype, mx_rr.start, mx_rr.length)
    assert (rdata_int(mx), rdata_name(mx)) == (pref, f"mx.{owner}".lower())
    assert mx.to_text() == next(iter(response.additional[0])).to_text()
    (soa_rr,) = reply.authority
    assert rdata_int(wire.decode_at(data, wire.SOA, soa_rr.start, soa_rr.length)) == 7


def test_identical_records_are_kept_once_as_in_a_dnspython_rdataset() -> None:
    response = _response("x.test", "TXT")
    response.answer.append(dns.rrset.from_text("x.test.", 300, "IN", "TXT", '"a"'))
    data = bytearray(response.to_wire())
    # The same record twice, by hand (dnspython itself would merge them).
    start = 12 + len(wire.encode_name("x.test")) + 4
    data += data[start:]
    struct.pack_into("!H", data, 6, 2)
    assert len(wire.parse(bytes(data)).answer) == 2
    reading = wire.read_reply(
        bytes(data), wire.question_bytes(wire.encode_name("x.test"), wire.TXT)
    )
    assert [r.strings for r in reading.records] == [(b"a",)]


def test_compression_loops_and_forward_pointers_are_errors() -> None:
    header = struct.pack("!HHHHHH", 1, 0x8180, 1, 0, 0, 0)
    for question in (b"\xc0\x0c", b"\xc0\x0e\x00\x00", b"\x01a\xc0\x0c"):
        with pytest.raises(wire.WireError):
            wire.parse(header + question + b"\x00\x01\x00\x01")


def _reference_read_name(data: bytes, pos: int) -> tuple[bytes, int]:
    """``wire.read_name`` as first written, label by label: the model the faster one must match
    (name, position and error message)."""
    parts: list[bytes] = []
    size, end, limit = 1, -1, pos
    while True:
        if pos >= len(data):
            raise wire.WireError("name runs past the end of the message")
        n = data[pos]
        if n == 0:
            pos += 1
            break
        if n >= 0xC0:
            if pos + 1 >= len(data):
                raise wire.WireError("truncated compression pointer")
            target = ((n & 0x3F) << 8) | data[pos + 1]
            if target >= limit:
                raise wire.WireError("bad compression pointer")
            if end < 0:
                end = pos + 2
            limit = pos = target
            continue
        if n > 63:
            raise wire.WireError("unknown label type")
        size += n + 1
        if size > 255:
            raise wire.WireError("name longer than 255 bytes")
        parts.append(data[pos : pos + n + 1])
        pos += n + 1
    parts.append(b"\x00")
    return b"".join(parts).lower(), (end if end >= 0 else pos)


def _name_outcome(read: Callable[[bytes, int], tuple[bytes, int]], data: bytes, pos: int) -> object:
    try:
        return read(data, pos)
    except wire.WireError as exc:
        return str(exc)


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(min_size=1, max_size=70).map(lambda b: bytes([len(b) % 64]) + b),
            st.integers(0, 0x3FFF).map(lambda t: (0xC000 | t).to_bytes(2, "big")),
            st.binary(max_size=3),
            st.just(b"\x00"),
        ),
        max_size=12,
    ).map(b"".join),
    st.integers(0, 60),
)
def test_the_name_reader_matches_its_model(data: bytes, pos: int) -> None:
    """Labels, pointers (backwards or not), stray bytes: the same name, end and error."""
    assert _name_outcome(wire.read_name, data, pos) == _name_outcome(
        _reference_read_name, data, pos
    )


def test_compressed_names_and_odd_label_types() -> None:
    data = b"\x03Foo\x07example\x03com\x00" + b"\x03bar\xc0\x04" + b"\x03baz\xc0\x11"
    assert wire.read_name(data, 17) == (b"\x03bar\x07example\x03com\x00", 23)
    assert wire.read_name(data, 23) == (b"\x03baz\x03bar\x07example\x03com\x00", 29)
    for pos in (0, 4, 17, 23):
        assert _name_outcome(wire.read_name, data, pos) == _name_outcome(
            _reference_read_name, data, pos
        )
    for kind in (0x40, 0x80, 0xBF):  # the extended and reserved label types: not pointers
        odd = b"\x00" * 4 + bytes([kind, 0])
        assert _name_outcome(wire.read_name, odd, 4) == "unknown label type"


def test_names_of_255_bytes_and_more() -> None:
    label = b"\x3f" + b"a" * 63
    for last in (61, 62, 63):  # names of 255, 256 and 257 bytes
        data = label * 3 + bytes([last]) + b"b" * last + b"\x00"
        assert _name_outcome(wire.read_name, data, 0) == _name_outcome(
            _reference_read_name, data, 0
        )
    assert wire.read_name(label * 3 + b"\x3d" + b"B" * 61 + b"\x00", 0)[1] == 255


_QUESTIONS = [
    wire.question_bytes(wire.encode_name("mail.example.com"), t)
    for t in (wire.MX, wire.TXT, wire.SOA, wire.CNAME, wire.A)
]


def _read_everything(data: bytes) -> None:
    """Every reader on ``data``: nothing but ``WireError`` may come out."""
    with contextlib.suppress(wire.WireError):
        reply = wire.parse(data)
        for section in (reply.answer, reply.authority, reply.additional):
            for rr in section:
                if rr.rdtype in wire.LEAN_TYPES:
                    with contextlib.suppress(wire.WireError):
                        wire.decode_at(data, rr.rdtype, rr.start, rr.length)
    for question in _QUESTIONS:
        with contextlib.suppress(wire.WireError):
            wire.read_reply(data, question)


@settings(max_examples=1500, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 4), st.integers(0, 3), st.integers(0, 3))
def test_arbitrary_bytes_never_crash_the_reader(
    data: bytes, question: int, answers: int, others: int
) -> None:
    _read_everything(data)
    # The same bytes after a header and the echoed question: read_reply's fast path, where
    # owners pointing at the question (0xC00C) are not read again.
    header = struct.pack("!HHHHHH", 7, 0x8580, 1, answers, others, others)
    _read_everything(header + _QUESTIONS[question] + data)


@settings(max_examples=500, deadline=None)
@given(st.binary(min_size=1, max_size=200), st.integers(12, 60))
def test_mangled_answers_never_crash_the_reader(noise: bytes, at: int) -> None:
    response = _response("mail.example.com", "MX")
    response.answer.append(
        dns.rrset.from_text(
            "mail.example.com.", 300, "IN", "MX", "10 feedback-smtp.x.amazonses.com."
        )
    )
    good = response.to_wire()
    _read_everything(good[:at] + noise + good[at + len(noise) :])


# ---- the client against a scripted UDP server ---------------------------------------------------

Handler = Callable[[dns.message.Message, int], list[bytes]]


class _Scripted(asyncio.DatagramProtocol):
    """Answers each query with what ``handler(query, n)`` returns (n: queries so far)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.count = 0
        self.outstanding: list[tuple[dns.message.Message, tuple[str, int]]] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.DatagramTransport", transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        query = dns.message.from_wire(data)
        self.count += 1
        assert self.transport is not None
        for out in self.handler(query, self.count):
            self.transport.sendto(out, addr)


def _answer_for(query: dns.message.Message, text: str = "10 mx.example.com.") -> bytes:
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    q = query.question[0]
    response.answer.append(dns.rrset.from_text(q.name, 300, "IN", q.rdtype, text))
    return response.to_wire()


async def _with_server(handler: Handler, body: Callable[[DnsClient, Server], object]) -> _Scripted:
    loop = asyncio.get_running_loop()
    address = random_loopback()
    port = free_port(address)
    protocol = _Scripted(handler)
    transport, _ = await loop.create_datagram_endpoint(lambda: protocol, local_addr=(address, port))
    client = DnsClient(timeout=0.3, attempts=2)
    try:
        result = body(client, Server(address, port))
        if asyncio.iscoroutine(result):
            await result
    finally:
        await client.close()
        transport.close()
    return protocol


def test_an_answer_to_another_question_is_ignored() -> None:
    def handler(query: dns.message.Message, n: int) -> list[bytes]:
        other = dns.message.make_query("evil.example.com", "MX")
        other.id = query.id  # right id, wrong question: a spoofing attempt or a confused server
        return [_answer_for(other, "10 evil.example.com."), _answer_for(query)]

    answers: list[Answer] = []

    async def body(client: DnsClient, server: Server) -> None:
        answers.append(await client.query(server, "mail.example.com", "MX", recurse=False))

    asyncio.run(_with_server(handler, body))
    (answer,) = answers
    assert answer.status == "ok"
    assert [rdata_name(r) for r in answer.records] == ["mx.example.com"]


def test_a_late_answer_is_not_taken_for_the_retry() -> None:
    held: list[bytes] = []

    def handler(query: dns.message.Message, n: int) -> list[bytes]:
        if n == 1:  # the first attempt's answer comes only with the second attempt's
            held.append(_answer_for(query, "10 stale.example.com."))
            return []
        return [*held, _answer_for(query)]

    answers: list[Answer] = []
    stats: list[tuple[int, int]] = []

    async def body(client: DnsClient, server: Server) -> None:
        answers.append(await client.query(server, "mail.example.com", "MX", recurse=False))
        stats.append((client.stats.timeouts, client.stats.retries))

    asyncio.run(_with_server(handler, body))
    assert [rdata_name(r) for r in answers[0].records] == ["mx.example.com"]
    assert stats == [(1, 1)]


def test_garbage_with_the_right_id_is_a_malformed_answer() -> None:
    def handler(query: dns.message.Message, n: int) -> list[bytes]:
        return [struct.pack("!HHHHHH", query.id, 0x8180, 1, 0, 0, 0) + b"\xff\xfe"]

    answers: list[Answer] = []

    async def body(client: DnsClient, server: Server) -> None:
        answers.append(await client.query(server, "mail.example.com", "MX", recurse=False))

    protocol = asyncio.run(_with_server(handler, body))
    assert answers[0].status == "error"
    assert answers[0].error.startswith("malformed answer")
    assert protocol.count == 2  # tried again, bounded


def test_a_malformed_record_in_the_usual_shape_is_a_malformed_answer() -> None:
    """The short way (``checks.dns.usual``) fails as the general reader does: the same error,
    tried again."""

    def handler(query: dns.message.Message, n: int) -> list[bytes]:
        question = query.to_wire()[12:]
        question = question[: question.index(b"\x00") + 5]
        header = struct.pack("!HHHHHH", query.id, 0x8580, 1, 1, 0, 0)
        record = b"\xc0\x0c" + struct.pack("!HHIH", 15, 1, 300, 1) + b"\x00"  # MX: 1 byte
        return [header + question + record]

    answers: list[Answer] = []

    async def body(client: DnsClient, server: Server) -> None:
        answers.append(await client.query(server, "mail.example.com", "MX", recurse=False))

    protocol = asyncio.run(_with_server(handler, body))
    assert answers[0].status == "error"
    assert answers[0].error == "malformed answer (MX record too short)"
    assert protocol.count == 2


def test_servfail_is_retried_and_refused_is_final() -> None:
    def handler(query: dns.message.Message, n: int) -> list[bytes]:
        response = dns.message.make_response(query)
        name = query.question[0].name.to_text()
        response.set_rcode(dns.rcode.SERVFAIL if name.startswith("s") else dns.rcode.REFUSED)
        return [response.to_wire()]

    answers: list[Answer] = []

    async def body(client: DnsClient, server: Server) -> None:
        answers.append(await client.query(server, "s.example.com", "MX", recurse=False))
        answers.append(await client.query(server, "r.example.com", "MX", recurse=False))

    protocol = asyncio.run(_with_server(handler, body))
    assert [(a.status, a.error) for a in answers] == [("error", "SERVFAIL"), ("error", "REFUSED")]
    assert protocol.count == 3


def test_queries_in_flight_are_bounded() -> None:
    outstanding: list[tuple[dns.message.Message, tuple[str, int]]] = []
    most = [0]

    class Holding(asyncio.DatagramProtocol):
        """Keeps every query; the test answers them one at a time."""

        def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
            outstanding.append((dns.message.from_wire(data), addr))
            most[0] = max(most[0], len(outstanding))

    async def run() -> list[Answer]:
        loop = asyncio.get_running_loop()
        address = random_loopback()
        port = free_port(address)
        transport, _ = await loop.create_datagram_endpoint(Holding, local_addr=(address, port))
        client = DnsClient(timeout=5.0, attempts=1, max_in_flight=3)
        try:
            server = Server(address, port)
            futures = [client.query(server, f"n{i}.test", "MX", recurse=False) for i in range(10)]
            for _ in range(1000):  # bounded
                await asyncio.sleep(0.002)
                if outstanding:
                    query, addr = outstanding.pop(0)
                    transport.sendto(_answer_for(query), addr)
                if all(asyncio.ensure_future(f).done() for f in futures):
                    break
            return list(await asyncio.gather(*futures))
        finally:
            await client.close()
            transport.close()

    answers = asyncio.run(run())
    assert [a.status for a in answers] == ["ok"] * 10
    assert most[0] == 3


def test_the_window_refills_once_the_answers_are_drained(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers that arrive together are all read first, then the queries waiting for the window
    go out back to back (a server on the same host is woken once for them, not per answer)."""
    events: list[str] = []
    read, send = client_module.read_usual, DnsClient._send  # pyright: ignore[reportPrivateUsage]

    def reading(data: bytes, question: bytes) -> wire.Reading | None:
        events.append("read")
        return read(data, question)

    def sending(self: DnsClient, job: object) -> None:
        events.append("send")
        send(self, job)  # type: ignore[arg-type]

    monkeypatch.setattr(client_module, "read_usual", reading)
    monkeypatch.setattr(DnsClient, "_send", sending)
    held: list[dns.message.Message] = []

    def handler(query: dns.message.Message, n: int) -> list[bytes]:
        held.append(query)  # four at a time, answered at once
        if len(held) < 4:
            return []
        answers = [_answer_for(q) for q in held]
        held.clear()
        return answers

    async def body(client: DnsClient, server: Server) -> None:
        client.max_in_flight = 4
        names = [f"n{i}.example.com" for i in range(8)]
        await client.query_all([(server, name, "MX", False) for name in names])

    asyncio.run(_with_server(handler, body))
    assert events == ["send"] * 4 + ["read"] * 4 + ["send"] * 4 + ["read"] * 4


def test_a_closed_port_is_a_connection_error() -> None:
    address = random_loopback()
    port = free_port(address)

    async def run() -> Answer:
        client = DnsClient(timeout=1.0, attempts=2)
        try:
            return await client.query(Server(address, port), "example.com", "SOA", recurse=False)
        finally:
            await client.close()

    answer = asyncio.run(run())
    assert answer.status == "error"
    assert answer.error.startswith("connection error")


@pytest.mark.parametrize(
    ("name", "rdtype"),
    [("Example.COM.", "TXT"), ("_dmarc.example.com", "TXT"), ("", "SOA"), ("a.b", "CAA")],
)
def test_a_question_is_sent_as_make_query_builds_it(name: str, rdtype: str) -> None:
    built = client_module._question(name, rdtype)  # pyright: ignore[reportPrivateUsage]
    assert built.qname == name.lower().rstrip(".")
    for recurse, tail in ((False, built.iterative), (True, built.recursive)):
        query = wire.make_query(0x1234, built.question, recurse)
        assert b"\x12\x34" + tail == query
        message = dns.message.from_wire(query)
        assert message.question[0].name == dns.name.from_text(name or ".")
        assert dns.rdatatype.to_text(message.question[0].rdtype) == rdtype
        assert bool(message.flags & dns.flags.RD) is recurse
        assert message.edns == 0 and message.payload == 1232


@pytest.mark.parametrize(
    ("name", "normal"),
    [(" Mail.Example.com. ", "mail.example.com"), ("EXAMPLE.COM.", "example.com"), (".", "")],
)
def test_normalize_name_strips_lowercases_and_drops_the_final_dot(name: str, normal: str) -> None:
    assert client_module.normalize_name(name) == normal
