"""The test and benchmark proxy: at most ``max_upstream`` queries wait for the upstream at once."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Iterator

import pytest

from tests.support import dns_proxy
from tests.support.dns_proxy import DnsProxy
from tests.support.knot_server import free_port, random_loopback


def _query(qid: int) -> bytes:
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + b"\x01a\x04test\x00\x00\x01\x00\x01"


def _received(sock: socket.socket, wait: float = 0.3) -> list[tuple[bytes, tuple[str, int]]]:
    """Every datagram arriving on ``sock`` within ``wait`` seconds, with its sender."""
    out: list[tuple[bytes, tuple[str, int]]] = []
    deadline = time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            out.append(sock.recvfrom(512))
        except TimeoutError:
            break
    return out


@pytest.fixture
def upstream() -> Iterator[socket.socket]:
    address = random_loopback()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, free_port(address)))
    yield sock
    sock.close()


def test_at_most_max_upstream_queries_wait_for_the_upstream(
    upstream: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = DnsProxy(upstream.getsockname(), max_upstream=2).start()
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        client.connect((proxy.address, proxy.port))
        for qid in range(1, 6):
            client.send(_query(qid))
        first = _received(upstream)
        assert len(first) == 2  # the other three wait for a place
        upstream.sendto(*first[0])  # the query itself as its answer, to the proxy
        upstream.sendto(*first[0])  # a duplicate answer frees nothing
        upstream.sendto(*first[1])
        then = _received(upstream)
        assert len(then) == 2
        for answer in then:
            upstream.sendto(*answer)
        # What waited went out as places came free, in order, under the client's own ids.
        answers = _received(client)
        assert [struct.unpack("!H", a[:2])[0] for a, _ in answers] == [1, 2, 3, 4]
        last = _received(upstream)
        assert len(last) == 1
        client.send(_query(6))
        client.send(_query(7))  # 5 (never answered) and 6 hold the places
        assert [data[:2] for data, _ in _received(upstream)] == [b"\x00\x06"]
        # An answer that never comes holds its place for UPSTREAM_LOST seconds only.
        monkeypatch.setattr(dns_proxy, "UPSTREAM_LOST", 0.0)
        client.send(_query(8))
        assert [data[:2] for data, _ in _received(upstream)] == [b"\x00\x07", b"\x00\x08"]
    finally:
        client.close()
        proxy.stop()


def test_a_delaying_proxy_forwards_every_query_and_counts_it(upstream: socket.socket) -> None:
    proxy = DnsProxy(upstream.getsockname(), delay=0.01).start()
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        client.connect((proxy.address, proxy.port))
        for qid in range(1, 41):
            client.send(_query(qid))
        client.send(b"short")  # not a DNS message: counted, never forwarded
        forwarded = _received(upstream)
        assert len(forwarded) == 40
        for answer in forwarded:
            upstream.sendto(*answer)
        ids = sorted(struct.unpack("!H", a[:2])[0] for a, _ in _received(client))
        assert ids == list(range(1, 41))
        assert proxy.counters.udp == 41
    finally:
        client.close()
        proxy.stop()
