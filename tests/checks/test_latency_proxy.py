"""The benchmark's C latency proxy (bench/latency_proxy.c) and its build (bench/latency_proxy.py).

In front of a real knotd it answers as knotd does, never sooner than its delay, keeps at most 128
queries on the upstream, takes bursts larger than that, refuses addresses off loopback and ends
cleanly on SIGTERM. With ``--replay`` it answers a repeated query (another id) with the answer the
upstream gave, byte for byte under the new id, without asking the upstream again. Every wait is
bounded.
"""

from __future__ import annotations

import contextlib
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rrset
import pytest

from bench import checks_bench, latency_proxy
from bench.latency_proxy import FLAGS, SOURCE, Build, build_latency_proxy
from tests.support.knot_server import (
    KnotServer,
    free_port,
    ipv6_loopback_missing,
    random_loopback,
    zone_text,
)

needs_cc = pytest.mark.skipif(
    shutil.which("cc") is None, reason="no C compiler (cc) to build bench/latency_proxy.c"
)
ZONE = "proxy.test"
BIG = " ".join(f'"{c * 250}"' for c in "abcdefgh")  # 2000 bytes: truncated over plain UDP
QUESTIONS = [
    (ZONE, "SOA"),
    (f"txt.{ZONE}", "TXT"),
    (f"big.{ZONE}", "TXT"),
    (f"mail.{ZONE}", "MX"),
    (f"alias.{ZONE}", "CNAME"),
    (f"alias.{ZONE}", "TXT"),  # the CNAME, and its target's TXT in the same zone
    (f"missing.{ZONE}", "TXT"),  # NXDOMAIN, with the SOA in authority
    (f"txt.{ZONE}", "MX"),  # NODATA
]


@pytest.fixture(scope="module")
def binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (cc) to build bench/latency_proxy.c")
    build = build_latency_proxy(cache=tmp_path_factory.mktemp("latency-proxy"))
    assert build.path is not None, build.reason
    return build.path


@pytest.fixture(scope="module")
def knotd() -> Iterator[KnotServer]:
    lines = [
        f'txt.{ZONE}. IN TXT "v=spf1 include:amazonses.com ~all"',
        f"big.{ZONE}. IN TXT {BIG}",
        f"mail.{ZONE}. IN MX 10 feedback-smtp.us-east-1.amazonses.com.",
        f"alias.{ZONE}. IN CNAME txt.{ZONE}.",
    ]
    with KnotServer({ZONE: zone_text(ZONE, 3, lines)}) as server:
        yield server


class Proxy:
    """One running proxy process: its address, and its last line once stopped."""

    def __init__(
        self,
        binary: Path,
        upstream: str,
        delay: float,
        listen: str = "",
        lost_after: float | None = None,
        more: tuple[str, ...] = (),
    ) -> None:
        self.listen = listen or f"{random_loopback()}:0"
        argv = [str(binary), "--listen", self.listen, "--upstream", upstream, "--delay", str(delay)]
        if lost_after is not None:
            argv += ["--lost-after", str(lost_after)]
        argv += more
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.first = _line(self.proc, 10.0)
        assert self.first.startswith("proxy "), self.first
        where = self.first.split()[1]  # proxy HOST:PORT -> ... (IPv6 as [::1]:PORT)
        host, port = where.rsplit(":", 1)
        self.host, self.port = host.strip("[]"), int(port)

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Its exit status and what it printed after the first line."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, _ = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate(timeout=5)
        return self.proc.returncode, out.decode()


def _line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    """The first line ``proc`` prints, waiting at most ``timeout`` seconds."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().decode() if ready else ""


def _start(
    stack: ExitStack,
    binary: Path,
    upstream: str,
    delay: float,
    listen: str = "",
    lost_after: float | None = None,
    more: tuple[str, ...] = (),
) -> Proxy:
    proxy = Proxy(binary, upstream, delay, listen, lost_after, more)
    stack.callback(proxy.stop)
    return proxy


def _udp_query(host: str, port: int, query: dns.message.Message) -> dns.message.Message:
    return dns.query.udp(query, host, port=port, timeout=3.0, ignore_unexpected=False)


# ---- the build ----


def _fake_cc(folder: Path, *, fails: bool = False) -> str:
    """A stand-in compiler: ``--version`` answers; otherwise it writes ``-o``'s file and notes
    the call in ``folder/calls``, or fails with a message."""
    script = folder / ("broken-cc" if fails else "fake-cc")
    build = (
        'echo "latency_proxy.c:1: error: broken" >&2; exit 1'
        if fails
        else f'while [ "$1" != -o ]; do shift; done; echo built > "$2"; echo call >> {folder}/calls'
    )
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = --version ]; then echo "fake-cc 1.0"; exit 0; fi\n{build}\n'
    )
    script.chmod(0o755)
    return str(script)


def test_the_binary_is_built_once_per_source_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cc = _fake_cc(tmp_path)
    cache = tmp_path / "cache"
    first = build_latency_proxy(cache=cache, compiler=cc)
    again = build_latency_proxy(cache=cache, compiler=cc)
    assert first.path is not None and first.path == again.path
    assert first.path.parent == cache and first.reason.startswith("built ")
    assert again.reason.startswith("cached ")
    assert (tmp_path / "calls").read_text().count("\n") == 1
    changed = tmp_path / "latency_proxy.c"
    changed.write_text(SOURCE.read_text() + "/* changed */\n")
    monkeypatch.setattr(latency_proxy, "SOURCE", changed)
    rebuilt = build_latency_proxy(cache=cache, compiler=cc)
    assert rebuilt.path is not None and rebuilt.path != first.path
    assert (tmp_path / "calls").read_text().count("\n") == 2
    assert sorted(p.name for p in cache.iterdir()) == sorted([first.path.name, rebuilt.path.name])


def test_the_cache_is_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert latency_proxy.cache_dir() == tmp_path / "ses-checks-bench"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert latency_proxy.cache_dir() == tmp_path / "home" / ".cache" / "ses-checks-bench"


def test_no_compiler_or_a_failing_one_gives_no_binary_and_says_why(tmp_path: Path) -> None:
    missing = build_latency_proxy(cache=tmp_path, compiler="no-such-cc-here")
    assert missing.path is None
    assert missing.reason == "no C compiler: 'no-such-cc-here' is not on PATH"
    broken = build_latency_proxy(cache=tmp_path / "c", compiler=_fake_cc(tmp_path, fails=True))
    assert broken.path is None
    assert "failed (exit 1)" in broken.reason and "error: broken" in broken.reason
    assert list((tmp_path / "c").iterdir()) == []  # no half-built file left


def test_the_bench_falls_back_to_the_python_proxy_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = Build(path=None, reason="no C compiler: 'cc' is not on PATH")
    monkeypatch.setattr(checks_bench, "build_latency_proxy", lambda: failed)
    choice = checks_bench.choose_proxy("c")
    assert (choice.kind, choice.binary) == ("python", None)
    note = (
        "the C proxy cannot be built (no C compiler: 'cc' is not on PATH): the Python proxy is used"
    )
    assert choice.note == note
    assert capsys.readouterr().err == f"checks_bench: {note}\n"
    built = Build(path=Path("/cache/latency_proxy-x"), reason="cached /cache/latency_proxy-x")
    monkeypatch.setattr(checks_bench, "build_latency_proxy", lambda: built)
    assert checks_bench.choose_proxy("c") == checks_bench.ProxyChoice(
        kind="c", binary=built.path, note=built.reason
    )
    replaying = checks_bench.choose_proxy("c-replay")
    assert (replaying.kind, replaying.binary, replaying.replay) == ("c-replay", built.path, True)
    assert not checks_bench.choose_proxy("c").replay
    assert checks_bench.choose_proxy("python").kind == "python"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("proxy", "named"),
    [
        ({"kind": "c"}, "(C (bench/latency_proxy.c) proxy)"),
        (
            {"kind": "c-replay", "warm_up": checks_bench.WARM_UP},
            "(C, replaying knotd's answers (bench/latency_proxy.c --replay) proxy)",
        ),
        ({"kind": "python"}, "(Python (dns_proxy.py) proxy)"),
        (None, "(Python (dns_proxy.py) proxy)"),  # results from before --proxy
    ],
)
def test_the_bench_table_names_the_proxy(
    capsys: pytest.CaptureFixture[str], proxy: dict[str, str] | None, named: str
) -> None:
    doc = {"rtt_seconds": 0.02, "results": [], "load_average_at_end": [0.0, 0.0, 0.0]}
    checks_bench.print_table({**doc, "proxy": proxy} if proxy else doc)
    out = capsys.readouterr().out
    assert f"RTT 20 ms per query {named}; time = in-process work time" in out
    assert (f"replay: {checks_bench.WARM_UP}\n" in out) == (named.startswith("(C, replaying"))


def test_the_bench_warms_replaying_proxies_with_each_set_of_queries_and_shows_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[list[str], str, bool]] = []

    def fake_run(
        path: Path, servers: list[str], resolver: str, discover: bool, harness: object
    ) -> dict[str, float | int]:
        calls.append((servers, resolver, discover))
        queries = 255 if discover else 231
        return {"elapsed": 0.5, "queries": queries, "proxy_cpu": 0.25, "knotd_cpu": 0.125}

    monkeypatch.setattr(checks_bench, "run_verify", fake_run)
    harness = checks_bench.Harness(proxies=[], knotd=[])
    runs = checks_bench.warm_proxies(10, Path("r.json"), ["ns1", "ns2"], "res", harness)
    assert calls == [(["ns1", "ns2"], "res", False), (["ns1", "ns2"], "res", True)]
    assert [(r["discover_ns"], r["queries"]) for r in runs] == [(False, 231), (True, 255)]
    assert "warming the replaying proxies for 10 domains" in capsys.readouterr().err
    timed = {
        "elapsed": 0.5,
        "elapsed_all": [0.5],
        "queries": 231,
        "checks": 60,
        "cpu": 0.1,
        "process_wall": 0.7,
        "process_cpu": 0.3,
        "peak_mb_max": 40.0,
        "proxy_cpu": 0.0,
        "knotd_cpu": 0.0,
        "exit_status": 0,
    }
    row = {
        "domains": 10,
        "warm_up": runs,
        "verify": timed,
        "verify_discover_ns": timed,
        "verify_no_latency": timed,
        "verify_latency_round_trips": 0.0,
        "naive_sequential": None,
        "checkdmarc": None,
    }
    doc = {
        "rtt_seconds": 0.02,
        "proxy": {"kind": "c-replay", "warm_up": checks_bench.WARM_UP},
        "results": [row],
        "load_average_at_end": [0.0, 0.0, 0.0],
    }
    checks_bench.print_table(doc)
    lines = capsys.readouterr().out.splitlines()
    assert [ln for ln in lines if "warm-up" in ln] == [
        "     10  warm-up (untimed)                 0.500    25.0      231  "
        "proxies 0.250 s, knotd 0.125 s",
        "     10  warm-up (NS discovery)            0.500    25.0      255  "
        "proxies 0.250 s, knotd 0.125 s",
    ]


def test_the_bench_starts_a_replaying_proxy_with_replay(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stack: ExitStack
) -> None:
    started: list[list[str]] = []
    script = tmp_path / "proxy"
    script.write_text("proxy 127.0.0.1:53 -> x delay 0.02\n")

    real_popen = subprocess.Popen

    def fake_popen(argv: list[str], **kwargs: object) -> subprocess.Popen[str]:
        started.append(argv)
        return real_popen(["cat", str(script)], stdout=subprocess.PIPE, text=True)

    monkeypatch.setattr(checks_bench.subprocess, "Popen", fake_popen)
    upstream = KnotServer({})  # never started: only its address is used
    stack.callback(shutil.rmtree, upstream.dir)
    binary = Path("/cache/latency_proxy-x")
    for replay in (True, False):
        proxy = checks_bench.ProxyProcess(upstream, 0.02, binary=binary, replay=replay)
        proxy.stop()
        assert proxy.counters == ""  # cat printed nothing after the first line
    assert [a.count("--replay") for a in started] == [1, 0]


@needs_cc
def test_it_compiles_without_a_warning(tmp_path: Path) -> None:
    done = subprocess.run(
        ["cc", *FLAGS, "-o", str(tmp_path / "proxy"), str(SOURCE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


# ---- in front of knotd ----


def test_udp_answers_are_knotds_under_the_clients_id(
    binary: Path, knotd: KnotServer, stack: ExitStack
) -> None:
    proxy = _start(stack, binary, knotd.spec, 0.01)
    for name, rdtype in QUESTIONS:
        for edns in (-1, 0):  # plain DNS (512 bytes: the big TXT truncated) and EDNS
            query = dns.message.make_query(name, rdtype, use_edns=edns)
            direct = _udp_query(knotd.address, knotd.port, query)
            proxied = _udp_query(proxy.host, proxy.port, query)
            assert proxied.id == query.id
            assert proxied.to_wire() == direct.to_wire(), (name, rdtype, edns)


def test_tcp_answers_are_knotds_several_on_one_connection(
    binary: Path, knotd: KnotServer, stack: ExitStack
) -> None:
    proxy = _start(stack, binary, knotd.spec, 0.01)
    with socket.create_connection((proxy.host, proxy.port), timeout=3.0) as conn:
        for name, rdtype in QUESTIONS:
            query = dns.message.make_query(name, rdtype)
            direct = dns.query.tcp(query, knotd.address, port=knotd.port, timeout=3.0)
            proxied = dns.query.tcp(query, proxy.host, timeout=3.0, sock=conn)
            assert proxied.id == query.id
            assert proxied.to_wire() == direct.to_wire(), (name, rdtype)
            assert not proxied.flags & dns.flags.TC  # the big TXT whole over TCP
    # A client that closes its side still gets the answer, then the proxy closes too.
    with socket.create_connection((proxy.host, proxy.port), timeout=3.0) as conn:
        wire = dns.message.make_query(f"big.{ZONE}", "TXT").to_wire()
        conn.sendall(struct.pack("!H", len(wire)) + wire)
        conn.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(65536):  # ends at the proxy's FIN (3 s timeout each recv)
            received += chunk
    (length,) = struct.unpack("!H", received[:2])
    assert len(received) == 2 + length
    assert dns.message.from_wire(received[2:]).answer[0].to_text().count('"') == 16


def test_no_answer_arrives_before_the_delay(
    binary: Path, knotd: KnotServer, stack: ExitStack
) -> None:
    """A lower bound only: the proxy holds each query ``--delay`` seconds (never less)."""
    delay = 0.15
    proxy = _start(stack, binary, knotd.spec, delay)
    query = dns.message.make_query(f"txt.{ZONE}", "TXT")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(3.0)
        for qid in range(1, 6):
            query.id = qid
            sent = time.monotonic()
            udp.sendto(query.to_wire(), (proxy.host, proxy.port))
            answer = udp.recv(4096)
            assert time.monotonic() - sent >= delay
            assert struct.unpack("!H", answer[:2])[0] == qid
    with socket.create_connection((proxy.host, proxy.port), timeout=3.0) as conn:
        for _ in range(2):
            sent = time.monotonic()
            dns.query.tcp(query, proxy.host, timeout=3.0, sock=conn)
            assert time.monotonic() - sent >= delay


def test_a_burst_of_a_thousand_queries_is_all_answered(
    binary: Path, knotd: KnotServer, stack: ExitStack
) -> None:
    """Eight times the 128 the proxy lets wait on knotd at once: the rest wait in the proxy
    (knotd's own socket would overflow), and every query gets its answer."""
    proxy = _start(stack, binary, knotd.spec, 0.02)
    names = [n for n, t in QUESTIONS if t != "SOA"]
    wires = []
    for qid in range(1000):
        query = dns.message.make_query(names[qid % len(names)], "TXT", id=qid)
        wires.append(query.to_wire())
    answered: dict[int, bytes] = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        udp.connect((proxy.host, proxy.port))
        for wire in wires:
            udp.send(wire)
        deadline = time.monotonic() + 20
        while len(answered) < 1000 and (left := deadline - time.monotonic()) > 0:
            udp.settimeout(left)
            with contextlib.suppress(TimeoutError):
                answer = udp.recv(65536)
                answered[struct.unpack("!H", answer[:2])[0]] = answer
    assert sorted(answered) == list(range(1000))
    for qid in (0, 1, 2, 999):
        assert (
            dns.message.from_wire(answered[qid]).question
            == dns.message.from_wire(wires[qid]).question
        )
    status, out = proxy.stop()
    assert status == 0
    assert "udp=1000 " in out and "answers=1000 " in out and "lost=0 " in out


def _fake_upstream(stack: ExitStack) -> socket.socket:
    address = random_loopback()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stack.callback(sock.close)
    sock.bind((address, free_port(address)))
    return sock


def _arrivals(sock: socket.socket, wait: float) -> list[tuple[bytes, tuple[str, int]]]:
    """What arrives on ``sock``, with its sender, until ``wait`` seconds pass with nothing more."""
    out: list[tuple[bytes, tuple[str, int]]] = []
    sock.settimeout(wait)
    with contextlib.suppress(TimeoutError):
        while len(out) < 10_000:
            out.append(sock.recvfrom(4096))
    return out


def _take(
    sock: socket.socket, count: int, wait: float = 3.0
) -> list[tuple[bytes, tuple[str, int]]]:
    """The next ``count`` datagrams on ``sock`` (each within ``wait`` seconds)."""
    sock.settimeout(wait)
    return [sock.recvfrom(4096) for _ in range(count)]


def _name(wire: bytes) -> str:
    return dns.message.from_wire(wire).question[0].name.to_text()


def _queries_to_upstream(
    stack: ExitStack, binary: Path, count: int, lost_after: float
) -> tuple[Proxy, socket.socket, socket.socket]:
    """A proxy (no delay) in front of a fake upstream that never answers by itself, and a
    client connected to it that has sent queries q0..q{count-1} (ids 0..count-1)."""
    upstream = _fake_upstream(stack)
    host, port = upstream.getsockname()
    proxy = _start(stack, binary, f"{host}:{port}", 0.0, lost_after=lost_after)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stack.callback(client.close)
    client.connect((proxy.host, proxy.port))
    for qid in range(count):
        client.send(dns.message.make_query(f"q{qid}.{ZONE}", "TXT", id=qid).to_wire())
    return proxy, upstream, client


def test_at_most_128_queries_wait_on_the_upstream_and_an_answer_frees_one_place(
    binary: Path, stack: ExitStack
) -> None:
    """The 128 go out at once; one answered frees one place at once. With --lost-after 60 no
    place expires during the test, so nothing else can be forwarded: each "nothing more
    arrived" check holds however slowly this process runs."""
    proxy, upstream, client = _queries_to_upstream(stack, binary, 200, lost_after=60)
    first = _take(upstream, 128)
    assert [_name(q) for q, _ in first] == [f"q{i}.{ZONE}." for i in range(128)]
    assert _arrivals(upstream, 0.3) == []  # the other 72 wait in the proxy, in order
    fresh = [struct.unpack("!H", q[:2])[0] for q, _ in first]
    assert len(set(fresh)) == 128 and 0 not in fresh
    # An answer (the query itself, echoed) goes back under the client's id and frees one place;
    # a duplicate frees nothing. The answer to q6, sent after the duplicate, comes back once the
    # proxy has read the duplicate (in order), so the counters are final then.
    upstream.sendto(*first[5])  # to the proxy's upstream socket
    upstream.sendto(*first[5])
    upstream.sendto(*first[6])
    answers = _take(client, 2)
    assert [dns.message.from_wire(a).id for a, _ in answers] == [5, 6]
    assert [_name(a) for a, _ in answers] == [f"q5.{ZONE}.", f"q6.{ZONE}."]
    nxt = _take(upstream, 2) + _arrivals(upstream, 0.3)
    assert [_name(q) for q, _ in nxt] == [f"q128.{ZONE}.", f"q129.{ZONE}."]
    status, out = proxy.stop()
    assert status == 0
    assert "udp=200 " in out and "answers=2 " in out and "unmatched=1 " in out
    assert "lost=0 " in out


def test_an_unanswered_query_frees_its_place_after_lost_after(
    binary: Path, stack: ExitStack
) -> None:
    """With --lost-after 0.2 the two queries beyond the 128 go once places expire (waited for
    up to 10 s each: no upper bound on the time is asserted); a late answer to an expired
    place is dropped, an answer to the query that took it goes back."""
    proxy, upstream, client = _queries_to_upstream(stack, binary, 130, lost_after=0.2)
    first = _take(upstream, 128)
    later = _take(upstream, 2, wait=10.0)
    assert [_name(q) for q, _ in later] == [f"q128.{ZONE}.", f"q129.{ZONE}."]
    upstream.sendto(*first[0])  # the first sent, so the first place freed: unmatched now
    upstream.sendto(*later[0])
    client.settimeout(3.0)
    assert dns.message.from_wire(client.recv(4096)).id == 128
    status, out = proxy.stop()
    assert status == 0
    assert "udp=130 " in out and "answers=1 " in out and "unmatched=1 " in out
    lost = re.search(r" lost=(\d+) ", out)
    assert lost is not None and 2 <= int(lost.group(1)) <= 128, out


# ---- --replay ----


def _counters(out: str) -> dict[str, int]:
    """The ``name=number`` counters the proxy printed when stopped."""
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", out)}


def _raw(udp: socket.socket, wire: bytes, where: tuple[str, int]) -> tuple[bytes, float]:
    """The datagram answering ``wire`` sent to ``where``, and the seconds it took."""
    sent = time.monotonic()
    udp.sendto(wire, where)
    answer = udp.recv(65536)
    return answer, time.monotonic() - sent


def test_replay_answers_a_repeated_query_with_knotds_bytes_under_its_id(
    binary: Path, knotd: KnotServer, stack: ExitStack
) -> None:
    """Every question twice, under other ids: the second is knotd's answer byte for byte under
    its own id, no sooner than the delay, and only the answers knotd gave first (and the
    truncated ones, forwarded each time) reached knotd; TCP is still relayed."""
    delay = 0.1
    proxy = _start(stack, binary, knotd.spec, delay, more=("--replay",))
    assert proxy.first.split()[-1] == "replay"
    asked = [(n, t, edns) for n, t in QUESTIONS for edns in (-1, 0)]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(3.0)
        for turn in (1, 2):
            for i, (name, rdtype, edns) in enumerate(asked):
                wire = dns.message.make_query(name, rdtype, use_edns=edns, id=turn * 100 + i)
                direct, _ = _raw(udp, wire.to_wire(), (knotd.address, knotd.port))
                proxied, took = _raw(udp, wire.to_wire(), (proxy.host, proxy.port))
                assert proxied == direct, (turn, name, rdtype, edns)
                assert took >= delay
    query = dns.message.make_query(f"txt.{ZONE}", "TXT")
    direct_tcp = dns.query.tcp(query, knotd.address, port=knotd.port, timeout=3.0).to_wire()
    for _ in range(2):
        proxied_tcp = dns.query.tcp(query, proxy.host, port=proxy.port, timeout=3.0)
        assert proxied_tcp.to_wire() == direct_tcp
    status, out = proxy.stop()
    assert status == 0
    # The big TXT is truncated without EDNS and at EDNS's 1232 bytes: TC, never remembered.
    truncated = 2
    remembered = len(asked) - truncated
    wanted = {
        "udp": 2 * len(asked),
        "tcp": 2,
        "answers": len(asked) + truncated,  # all that reached knotd over UDP
        "hits": remembered,
        "misses": len(asked) + truncated,
        "remembered": remembered,
        "other_rcode_or_tc": 2 * truncated,
        "answer_too_large": 0,
        "table_full": 0,
    }
    counters = _counters(out)
    assert {name: counters[name] for name in wanted} == wanted


def test_replay_a_repeat_never_reaches_the_upstream(binary: Path, stack: ExitStack) -> None:
    upstream = _fake_upstream(stack)
    host, port = upstream.getsockname()
    proxy = _start(stack, binary, f"{host}:{port}", 0.0, more=("--replay",))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(3.0)
        client.connect((proxy.host, proxy.port))
        query = dns.message.make_query(f"a.{ZONE}", "TXT", id=7)
        client.send(query.to_wire())
        ((forwarded, proxy_addr),) = _take(upstream, 1)
        response = dns.message.make_response(dns.message.from_wire(forwarded))
        response.answer.append(dns.rrset.from_text(f"a.{ZONE}.", 300, "IN", "TXT", '"x"'))
        answer = response.to_wire()
        upstream.sendto(answer, proxy_addr)
        assert client.recv(65536) == b"\0\7" + answer[2:]
        for qid in (8, 0xFFFF):
            query.id = qid
            client.send(query.to_wire())
            assert client.recv(65536) == struct.pack("!H", qid) + answer[2:]
    assert _arrivals(upstream, 0.3) == []


def test_replay_a_query_differing_in_rd_or_edns_is_a_miss(
    binary: Path, knotd: KnotServer, stack: ExitStack
) -> None:
    proxy = _start(stack, binary, knotd.spec, 0.0, more=("--replay",))
    plain = dns.message.make_query(f"txt.{ZONE}", "TXT")
    no_rd = dns.message.make_query(f"txt.{ZONE}", "TXT")
    no_rd.flags &= ~dns.flags.RD
    variants = [
        plain,
        no_rd,
        dns.message.make_query(f"txt.{ZONE}", "TXT", use_edns=0),
        dns.message.make_query(f"txt.{ZONE}", "TXT", use_edns=0, payload=4096),
        dns.message.make_query(f"txt.{ZONE}", "TXT", want_dnssec=True),
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(3.0)
        for _ in range(2):
            for query in variants:
                query.id = (query.id + 1) % 65536
                wire = query.to_wire()
                direct, _ = _raw(udp, wire, (knotd.address, knotd.port))
                assert _raw(udp, wire, (proxy.host, proxy.port))[0] == direct
    status, out = proxy.stop()
    assert status == 0
    counters = _counters(out)
    assert (counters["misses"], counters["hits"], counters["remembered"]) == (5, 5, 5)


def _bad_answer(query: dns.message.Message, kind: str) -> bytes:
    """An answer to ``query`` that must not be remembered."""
    response = dns.message.make_response(query)
    if kind == "too large":  # NOERROR, 5000 bytes: over REPLAY_ANSWER_MAX
        text = " ".join(f'"{c * 250}"' for c in "abcdefghijklmnopqrst")
        response.answer.append(dns.rrset.from_text(query.question[0].name, 300, "IN", "TXT", text))
    elif kind == "TC":
        response.flags |= dns.flags.TC
    else:  # BADVERS is 16: 0 in the header's four bits, 1 in the OPT record's
        response.set_rcode(dns.rcode.from_text(kind))
    return response.to_wire(max_size=65535)


@pytest.mark.parametrize(
    ("kind", "counter"),
    [
        ("SERVFAIL", "other_rcode_or_tc"),
        ("REFUSED", "other_rcode_or_tc"),
        ("BADVERS", "other_rcode_or_tc"),
        ("TC", "other_rcode_or_tc"),
        ("too large", "answer_too_large"),
    ],
)
def test_replay_does_not_remember_a_failure_a_truncated_or_a_large_answer(
    binary: Path, stack: ExitStack, kind: str, counter: str
) -> None:
    """Each time the query is forwarded, and the upstream's answer goes back as it was."""
    upstream = _fake_upstream(stack)
    host, port = upstream.getsockname()
    proxy = _start(stack, binary, f"{host}:{port}", 0.0, more=("--replay",))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(3.0)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
        client.connect((proxy.host, proxy.port))
        query = dns.message.make_query(f"a.{ZONE}", "TXT", use_edns=0, id=1)
        for qid in (1, 2):
            query.id = qid
            client.send(query.to_wire())
            ((forwarded, proxy_addr),) = _take(upstream, 1)
            answer = _bad_answer(dns.message.from_wire(forwarded), kind)
            upstream.sendto(answer, proxy_addr)
            assert client.recv(65536) == struct.pack("!H", qid) + answer[2:]
    status, out = proxy.stop()
    assert status == 0
    counters = _counters(out)
    assert (counters["misses"], counters["hits"], counters["remembered"]) == (2, 0, 0)
    assert counters[counter] == 2


def test_replay_with_a_full_table_still_forwards(
    binary: Path, knotd: KnotServer, stack: ExitStack
) -> None:
    """One answer remembered at most: the second question is forwarded each time, answered as
    knotd answers it; the first is still answered from memory."""
    proxy = _start(stack, binary, knotd.spec, 0.0, more=("--replay", "--replay-entries", "1"))
    first = dns.message.make_query(f"txt.{ZONE}", "TXT")
    second = dns.message.make_query(f"mail.{ZONE}", "MX")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(3.0)
        for query in (first, second, second, first, second):
            query.id = (query.id + 1) % 65536
            direct, _ = _raw(udp, query.to_wire(), (knotd.address, knotd.port))
            assert _raw(udp, query.to_wire(), (proxy.host, proxy.port))[0] == direct
    status, out = proxy.stop()
    assert status == 0
    counters = _counters(out)
    assert (counters["misses"], counters["hits"], counters["remembered"]) == (4, 1, 1)
    assert counters["table_full"] == 3


def test_replay_entries_is_checked(binary: Path) -> None:
    argv = [str(binary), "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:53"]
    for more, message in [
        (
            ["--replay", "--replay-entries", "0"],
            "--replay-entries: '0' is not a whole number from 1 to 49152",
        ),
        (
            ["--replay", "--replay-entries", "49153"],
            "--replay-entries: '49153' is not a whole number from 1 to 49152",
        ),
        (
            ["--replay-entries", "5"],
            "--replay-entries: '5' given without --replay (allowed only with it)",
        ),
    ]:
        done = subprocess.run(
            [*argv, *more], capture_output=True, text=True, timeout=10, check=False
        )
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.splitlines()[0] == f"latency_proxy: {message}"


# ---- the command line and signals ----


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_it_with_status_0(binary: Path, stack: ExitStack, sig: int) -> None:
    proxy = _start(stack, binary, f"{random_loopback()}:53", 0.02)  # never asked: no upstream
    status, out = proxy.stop(sig)
    assert status == 0
    assert out.startswith("queries udp=0 tcp=0 ")


def test_addresses_off_loopback_are_refused_with_status_2(binary: Path) -> None:
    long_host = "x" * 300
    done = subprocess.run(
        [
            *(str(binary), "--listen", "10.0.0.1:53", "--upstream", "[2001:db8::1]:53"),
            *("--delay", "soon", "--lost-after", "0"),
        ],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[:4] == [
        "latency_proxy: --listen: '10.0.0.1:53' is not a loopback address (allowed: "
        "127.0.0.0/8 or ::1): this proxy only binds and sends on loopback",
        "latency_proxy: --upstream: '[2001:db8::1]:53' is not a loopback address (allowed: "
        "127.0.0.0/8 or ::1): this proxy only binds and sends on loopback",
        "latency_proxy: --delay: 'soon' is not a number of seconds from 0 to 60",
        "latency_proxy: --lost-after: '0' is not a number of seconds from 0.01 to 60",
    ]
    assert lines[4].startswith("usage: latency_proxy --listen ADDR:PORT")
    done = subprocess.run(
        [
            *(str(binary), "--listen", f"{long_host}:53", "--upstream", "127.0.0.1:99999"),
            *("--lost-after", "6" * 250),
        ],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert done.returncode == 2
    first, second, third = done.stderr.splitlines()[:3]
    assert first == (
        f"latency_proxy: --listen: '{'x' * 200}...' (303 characters) has no IP address "
        "(allowed: 127.x.y.z:PORT or [::1]:PORT)"
    )
    assert second == (
        "latency_proxy: --upstream: '127.0.0.1:99999' has no valid port (allowed: 1 to 65535)"
    )
    assert third == (
        f"latency_proxy: --lost-after: '{'6' * 200}...' (250 characters) is not a number of "
        "seconds from 0.01 to 60"
    )
    done = subprocess.run(
        [str(binary), "--listen"], capture_output=True, text=True, timeout=10, check=False
    )
    assert done.returncode == 2
    assert done.stderr.startswith("latency_proxy: no value for '--listen'")


def test_a_taken_port_is_named_with_status_1(binary: Path, stack: ExitStack) -> None:
    taken = _fake_upstream(stack)  # a UDP socket holding the port
    host, port = taken.getsockname()
    done = subprocess.run(
        [str(binary), "--listen", f"{host}:{port}", "--upstream", "127.0.0.1:53"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        f"latency_proxy: --listen {host}:{port}: bind (UDP): Address already in use\n"
    )


NO_V6 = ipv6_loopback_missing()


@pytest.mark.skipif(NO_V6 is not None, reason=f"::1 is not usable here: {NO_V6}")
def test_it_listens_on_ipv6_loopback(binary: Path, knotd: KnotServer, stack: ExitStack) -> None:
    proxy = _start(stack, binary, knotd.spec, 0.01, listen="[::1]:0")
    assert proxy.host == "::1"
    query = dns.message.make_query(f"txt.{ZONE}", "TXT")
    direct = _udp_query(knotd.address, knotd.port, query)
    assert _udp_query(proxy.host, proxy.port, query).to_wire() == direct.to_wire()
    answer = dns.query.tcp(query, proxy.host, port=proxy.port, timeout=3.0)
    assert answer.to_wire() == dns.query.tcp(query, knotd.address, port=knotd.port).to_wire()
