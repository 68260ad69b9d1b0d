"""The DNS client's unpredictability: query ids from the CSPRNG, new source ports every round
(``--wait`` never reuses one socket for its whole run), in-flight queries survive a new round."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import components.checks.dns.client as client_module
from components.checks.dns.client import DnsClient, Server
from tests.support.checks_support import run_cli
from tests.support.dns_world import ses_records
from tests.support.knot_server import random_loopback


class RecordingServer:
    """Answers every UDP query with an empty authoritative NOERROR (no data) and records the
    source port and id of each query. Loopback only; stops within 0.2 s."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((random_loopback(), 0))
        self.sock.settimeout(0.1)
        self.seen: list[tuple[int, int]] = []  # (source port, query id)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def spec(self) -> str:
        host, port = self.sock.getsockname()
        return f"{host}:{port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            qid = struct.unpack("!H", data[:2])[0]
            self.seen.append((addr[1], qid))
            end = data.index(b"\x00", 12) + 5  # the question: name, type, class
            header = struct.pack("!HHHHHH", qid, 0x8400 | (data[2] & 1) << 8, 1, 0, 0, 0)
            self.sock.sendto(header + data[12:end], addr)

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def recorder() -> Iterator[RecordingServer]:
    with RecordingServer() as server:
        yield server


def _server(spec: str) -> Server:
    host, port = spec.rsplit(":", 1)
    return Server(host, int(port))


def test_each_round_uses_new_source_ports(recorder: RecordingServer) -> None:
    server = _server(recorder.spec)

    async def rounds() -> list[set[int]]:
        client = DnsClient(timeout=2.0, attempts=1)
        seen: list[set[int]] = []
        try:
            for _ in range(4):
                before = len(recorder.seen)
                names = [f"n{i}.example.com" for i in range(5)]
                answers = await asyncio.gather(
                    *(client.query(server, n, "TXT", recurse=False) for n in names)
                )
                assert {a.status for a in answers} == {"nodata"}
                seen.append({port for port, _ in recorder.seen[before:]})
                client.new_round()
        finally:
            await client.close()
        return seen

    ports = asyncio.run(rounds())
    assert all(ports)
    for i, earlier in enumerate(ports):
        for later in ports[i + 1 :]:
            assert not earlier & later


def test_a_query_in_flight_survives_a_new_round(recorder: RecordingServer) -> None:
    server = _server(recorder.spec)

    async def one() -> tuple[str, int]:
        client = DnsClient(timeout=2.0, attempts=1)
        try:
            future = client.query(server, "example.com", "SOA", recurse=False)
            client.new_round()  # the query is in flight on the socket being retired
            answer = await future
            return answer.status, len(client.retired)
        finally:
            await client.close()

    status, retired = asyncio.run(one())
    assert status == "nodata"  # answered, not "closed"
    assert retired == 0  # the old socket closed with its last answer


def test_query_ids_come_from_the_csprng(
    recorder: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[int] = []

    def urandom(n: int) -> bytes:
        assert n == 2 * client_module.ID_BLOCK
        block = [1000 + len(drawn) + i for i in range(n // 2)]
        drawn.extend(block)
        return b"".join(i.to_bytes(2, "big") for i in block)

    monkeypatch.setattr(client_module, "urandom", urandom)
    server = _server(recorder.spec)

    async def ask() -> None:
        client = DnsClient(timeout=2.0, attempts=1)
        try:
            await asyncio.gather(
                *(client.query(server, f"n{i}.example.com", "A", recurse=False) for i in range(3))
            )
        finally:
            await client.close()

    asyncio.run(ask())
    assert sorted(qid for _, qid in recorder.seen) == drawn[:3]


def test_wait_polls_from_fresh_ports(recorder: RecordingServer, tmp_path: Path) -> None:
    """A domain that never passes (every answer is empty): each poll round of ``--wait``
    queries from new sockets, so the server sees many source ports, not one or two."""
    path = tmp_path / "records.json"
    path.write_text(json.dumps(ses_records()))
    argv = ["verify", "--records", str(path), "--nameserver", recorder.spec]
    result = run_cli(*argv, "--resolver", recorder.spec, "--wait", "1", "--json")
    assert result.rc == 1
    polls = result.doc["stats"]["polls"]
    assert polls >= 2
    assert len({port for port, _ in recorder.seen}) > polls
