"""Benchmark of ``checks verify`` (not a test): time, queries, CPU and memory for 1 to 1000 domains.

    .venv/bin/python -m bench.checks_bench [--sizes 1,10,50,1000] [--rtt 0.02] [--lag-runs 5]
        [--repeat 5] [--compare-up-to 50] [--proxy c|c-replay|python]
        [--out bench/checks_results.json]

Everything runs on loopback. Each SES domain is its own zone; two knotd instances serve them as
the authoritative servers (ns1, ns2) and a third serves them plus a stand-in amazonses.com as the
"resolver". Each knotd sits behind a userspace UDP/TCP proxy, in its own process, that delays
every query by --rtt seconds (netem is not in this kernel) and keeps at most 128 queries waiting
on its knotd (a burst of a thousand overflowed knotd's socket buffer: each lost datagram is a 2 s
retry in the tool measured). The proxies share the machine's two cores with the tool measured,
while a real network costs the client host nothing for latency, so they are kept lean:
``--proxy c`` (the default) is bench/latency_proxy.c (epoll, recvmmsg/sendmmsg batches, one
timer), compiled with the system's ``cc`` into a cache outside the tree by bench/latency_proxy.py;
``--proxy python``, and the fallback when it cannot be built (said on stderr and in the JSON), is
tests/support/dns_proxy.py. ``--proxy c-replay`` runs the C proxy with ``--replay``: it
remembers each UDP answer knotd gave (NOERROR or NXDOMAIN, not truncated, at most 4096 bytes),
keyed by the query's bytes after its id, and answers an identical query (another id) itself,
after the same delay, with those bytes under the new id. Real servers are remote, their CPU is
not on the client's cores, but on loopback each forwarded query costs the harness three
deliveries on those cores (proxy to knotd, knotd to proxy, proxy to client) and knotd's work;
a remembered one costs one. Before the timed runs of each size it runs one untimed verify, and
one with NS discovery, to warm the proxies (said on stderr, kept in the JSON under
"warm_up"); the tool's work, its queries and its answers are the same, knotd's byte for byte.
The JSON and the table name the proxy used. The proxies' and the knotd
instances' CPU seconds during each verify run are reported (from /proc): they are part of what
the two cores do for a run. Each verify variant runs --repeat times; the run with the median time
is reported, with all the times. The proxies listen on port 53 of random 127.x.y.z addresses so
that checkdmarc, which only speaks to port 53, can be pointed at the same servers.

Compared:
  * ``checks verify`` with --nameserver ns1 ns2 --resolver res (with its default --workers: two
    processes from 200 domains on; again with --workers 1; and a variant discovering the NS set
    through the resolver);
  * checkdmarc 6.0.4 (``check_domains`` with ``nameservers=[res]``), installed into a separate venv
    (--checkdmarc-python, default /tmp/bench-venv/bin/python; see docs/checks.md), with a socket
    guard that refuses anything outside 127.0.0.0/8;
  * a naive sequential dnspython loop over the same expected records on both servers, plus the
    DKIM keys and SPF include through the resolver.
  (checkdmarc and the naive loop take about 0.4 s per domain: only sizes up to --compare-up-to.)

Each verify run's whole process is measured too (``os.wait4``): wall time from start to exit,
CPU seconds (user + system, imports included) and peak resident memory (``ru_maxrss``), with
the project's bytecode cache written first, as an installed package has it.

Also measured: how soon ``verify --wait`` notices a lagging server that catches up (always
through forwarding proxies: a replaying one would repeat the lagging answer).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dns.flags
import dns.message
import dns.query
import dns.rdatatype

from bench.latency_proxy import build_latency_proxy
from tests.support.dns_world import AMAZONSES_SPF, dkim_key_txt, ses_records
from tests.support.knot_server import KnotServer, random_loopback, record_lines, zone_text

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


def build_records(n: int) -> list[dict[str, Any]]:
    return [r for i in range(n) for r in ses_records(f"d{i:03d}.bench.test", _tokens(i))]


def _tokens(i: int) -> list[str]:
    return [f"k{i:03d}{x}" for x in "abc"]


def domain_zones(records: list[dict[str, Any]], n: int, ns: list[str]) -> dict[str, str]:
    from components.checks.verify.expected import parse_records

    parsed = parse_records(json.dumps(records), "bench")
    zones: dict[str, str] = {}
    for i in range(n):
        d = f"d{i:03d}.bench.test"
        lines = record_lines(r for r in parsed if r.domain == d)
        # Apex MX and SPF too, so that checkdmarc (which looks at the apex) has work to do.
        lines += [
            f"{d}. 300 IN MX 10 inbound-smtp.us-east-1.amazonaws.com.",
            f'{d}. 300 IN TXT "v=spf1 include:amazonses.com ~all"',
            f"{d}. 300 IN NS ns2.bench-ns.test.",
        ]
        text = zone_text(d, 1, lines).replace(f"@ IN NS ns1.{d}.", "@ IN NS ns1.bench-ns.test.")
        text = "\n".join(ln for ln in text.splitlines() if not ln.startswith(f"ns1.{d}."))
        zones[d] = text + "\n"
    ns_zone = zone_text("bench-ns.test", 1, [f"ns2.bench-ns.test. IN A {ns[1]}"], ns_address=ns[0])
    zones["bench-ns.test"] = ns_zone
    return zones


def amazonses(n: int) -> str:
    from components.checks.verify.expected import txt_zone_strings

    key = txt_zone_strings(dkim_key_txt(2048))
    lines = [f'amazonses.com. 300 IN TXT "{AMAZONSES_SPF}"']
    lines += [f"{t}.dkim.amazonses.com. 300 IN TXT {key}" for i in range(n) for t in _tokens(i)]
    return zone_text("amazonses.com", 1, lines)


@dataclass(frozen=True, kw_only=True)
class ProxyChoice:
    """The latency proxy a run uses: ``c`` (the binary), ``c-replay`` (the binary with
    ``--replay``) or ``python`` (tests/support/dns_proxy)."""

    kind: str
    binary: Path | None
    note: str
    """How the binary was had (built, cached), or why the Python proxy is used instead."""

    @property
    def replay(self) -> bool:
        """Whether the proxies replay knotd's answers (and each size is warmed first)."""
        return self.kind == "c-replay"


def choose_proxy(asked: str) -> ProxyChoice:
    """``asked`` when it can be had; the Python proxy when the C one cannot be built."""
    if asked == "python":
        return ProxyChoice(kind="python", binary=None, note="asked for (--proxy python)")
    build = build_latency_proxy()
    if build.path is not None:
        return ProxyChoice(kind=asked, binary=build.path, note=build.reason)
    note = f"the C proxy cannot be built ({build.reason}): the Python proxy is used"
    print(f"checks_bench: {note}", file=sys.stderr, flush=True)
    return ProxyChoice(kind="python", binary=None, note=note)


class ProxyProcess:
    def __init__(
        self,
        upstream: KnotServer,
        rtt: float,
        address: str | None = None,
        *,
        binary: Path | None = None,
        replay: bool = False,
    ) -> None:
        self.address = address or random_loopback()
        program = [str(binary)] if binary else [PY, "-m", "tests.support.dns_proxy"]
        self.counters = ""
        """What the proxy printed once stopped (its counters; lines joined by "; ")."""
        self.proc = subprocess.Popen(
            [
                *(*program, "--listen", f"{self.address}:53"),
                *("--upstream", upstream.spec, "--delay", str(rtt)),
                *(["--replay"] if replay and binary else []),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # "proxy ..." once listening
        if not line.startswith("proxy"):
            self.stop()
            raise RuntimeError(f"proxy did not start: {' '.join(program)}")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate(timeout=5)
        self.counters = "; ".join((out or "").strip().splitlines())


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the processes ``pids`` (all their threads)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def run_verify(
    records_file: Path,
    servers: list[str],
    resolver: str,
    discover: bool,
    harness: Harness,
    workers: int = 0,
    window: int = 512,
) -> dict[str, Any]:
    argv = [PY, "-m", "checks", "verify", "--records", str(records_file), "--json"]
    argv += ["--resolver", resolver, "--workers", str(workers), "--max-in-flight", str(window)]
    if not discover:
        for s in servers:
            argv += ["--nameserver", s]
    proxy_cpu, knotd_cpu = cpu_seconds(harness.proxies), cpu_seconds(harness.knotd)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=REPO, stdout=out, stderr=err)
        try:
            _, status, usage = _wait4(proc.pid, 300)
        except TimeoutError:
            proc.kill()
            proc.wait(5)
            raise
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    proxy_cpu = cpu_seconds(harness.proxies) - proxy_cpu
    knotd_cpu = cpu_seconds(harness.knotd) - knotd_cpu
    try:
        doc = json.loads(stdout)
    except ValueError:
        raise RuntimeError(f"verify exited {proc.returncode}: {stderr[-1000:]}") from None
    return {
        "exit_status": proc.returncode,
        "elapsed": doc["stats"]["elapsed_seconds"],
        "cpu": doc["stats"]["cpu_seconds"],
        "process_wall": wall,
        "process_cpu": round(usage.ru_utime + usage.ru_stime, 4),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB; the largest process
        "proxy_cpu": round(proxy_cpu, 3),
        "knotd_cpu": round(knotd_cpu, 3),
        "queries": doc["stats"]["queries"],
        "domains_ok": doc["summary"]["domains_ok"],
        "checks": sum(len(d["records"]) for d in doc["domains"]),
    }


def _wait4(pid: int, timeout: float) -> tuple[int, int, Any]:
    """``os.wait4`` (the child's own resource usage), bounded by ``timeout`` seconds."""
    box: list[tuple[int, int, Any]] = []
    waiter = threading.Thread(target=lambda: box.append(os.wait4(pid, 0)), daemon=True)
    waiter.start()
    waiter.join(timeout)
    if not box:
        raise TimeoutError(f"verify still running after {timeout:g} s")
    return box[0]


@dataclass(kw_only=True)
class Harness:
    """The processes serving a run besides ``checks verify``: their CPU is measured too."""

    proxies: list[int]
    knotd: list[int]


def median_run(
    repeat: int,
    records_file: Path,
    servers: list[str],
    resolver: str,
    *,
    discover: bool,
    harness: Harness,
    workers: int = 0,
    window: int = 512,
) -> dict[str, Any]:
    """The run with the median work time of ``repeat`` runs (all times kept): the machine is
    shared, so one run says little."""
    runs = [
        run_verify(records_file, servers, resolver, discover, harness, workers, window)
        for _ in range(max(1, repeat))
    ]
    runs.sort(key=lambda r: r["elapsed"])
    middle = dict(runs[(len(runs) - 1) // 2])
    middle["elapsed_all"] = [r["elapsed"] for r in runs]
    middle["cpu_all"] = sorted(r["cpu"] for r in runs)
    middle["process_cpu_all"] = sorted(r["process_cpu"] for r in runs)
    middle["peak_mb_max"] = max(r["peak_mb"] for r in runs)
    middle["proxy_cpu_all"] = sorted(r["proxy_cpu"] for r in runs)
    middle["knotd_cpu_all"] = sorted(r["knotd_cpu"] for r in runs)
    return middle


WARM_UP = (
    "before the timed runs of each size, one untimed verify and one with NS discovery: every "
    "query of the timed runs is then answered from the proxies' memory"
)


def warm_proxies(
    n: int, records_file: Path, servers: list[str], resolver: str, harness: Harness
) -> list[dict[str, Any]]:
    """One untimed run of each set of queries the timed runs send (``--workers 1`` sends the
    default's), so that the replaying proxies have knotd's answer to each."""
    print(f"checks_bench: warming the replaying proxies for {n} domains", file=sys.stderr)
    runs = []
    for discover in (False, True):
        run = run_verify(records_file, servers, resolver, discover, harness)
        runs.append({"discover_ns": discover, **run})
    return runs


def run_checkdmarc(python: str, resolver_ip: str, domains: list[str]) -> dict[str, Any] | None:
    if not Path(python).exists():
        return None
    runner = Path(__file__).with_name("checkdmarc_runner.py")
    start = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HTTP", "HTTPS", "ALL_PROXY"))}
    done = subprocess.run(
        [python, str(runner), resolver_ip, *domains],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=env,
    )
    wall = time.monotonic() - start
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    doc = json.loads(done.stdout.strip().splitlines()[-1])
    doc["process_wall"] = wall
    return doc


def run_naive(records: list[dict[str, Any]], servers: list[str], resolver: str) -> dict[str, Any]:
    """One query at a time: every expected record on every server, then the dependent lookups."""
    queries = 0

    def ask(where: str, name: str, rdtype: str, recurse: bool) -> dns.message.Message | None:
        nonlocal queries
        host, port = where.rsplit(":", 1) if ":" in where else (where, "53")
        q = dns.message.make_query(name, rdtype)
        if not recurse:
            q.flags &= ~dns.flags.RD
        queries += 1
        try:
            return dns.query.udp(q, host, port=int(port), timeout=2.0)
        except Exception:
            return None

    start = time.monotonic()
    for rec in records:
        for s in servers:
            ask(s, rec["name"], rec["type"], False)
        if rec["type"] == "CNAME":
            ask(resolver, rec["value"], "TXT", True)
        if rec["purpose"] == "mail_from_spf":
            ask(resolver, "amazonses.com", "TXT", True)
    for d in sorted({r["domain"] for r in records}):
        for s in servers:
            ask(s, d, "SOA", False)
    return {"elapsed": time.monotonic() - start, "queries": queries}


def measure_lag(rtt: float, runs: int, binary: Path | None) -> dict[str, Any]:
    """verify --wait with one server lagging; it catches up after a while: how soon is it seen?"""
    records = ses_records("lag.bench.test")
    from tests.support.dns_world import amazonses_zone, domain_zone

    good = domain_zone(records, "lag.bench.test", 2)
    lagging = domain_zone(records, "lag.bench.test", 1, drop=[("mail.lag.bench.test", "MX")])
    noticed: list[float] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-lag-"))
    path = tmp / "records.json"
    path.write_text(json.dumps(records))
    for _ in range(runs):
        ns1 = KnotServer({"lag.bench.test": good}).start()
        ns2 = KnotServer({"lag.bench.test": lagging}).start()
        res = KnotServer({"lag.bench.test": good, "amazonses.com": amazonses_zone()}).start()
        proxies = [ProxyProcess(s, rtt, binary=binary) for s in (ns1, ns2, res)]
        try:
            argv = [PY, "-m", "checks", "verify", "--records", str(path), "--wait", "30"]
            argv += ["--nameserver", proxies[0].address, "--nameserver", proxies[1].address]
            argv += ["--resolver", proxies[2].address, "--json"]
            proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(1.5)
            ns2.set_zone("lag.bench.test", good, 2)
            caught_up = time.monotonic()
            out, _ = proc.communicate(timeout=60)
            ended = time.monotonic()
            if proc.returncode != 0:
                raise RuntimeError(f"verify --wait exited {proc.returncode}: {out[-500:]!r}")
            noticed.append(ended - caught_up)
        finally:
            for p in proxies:
                p.stop()
            for s in (ns1, ns2, res):
                s.stop()
    return {
        "runs": runs,
        "noticed_after_seconds": [round(x, 3) for x in noticed],
        "median": round(statistics.median(noticed), 3),
        "max": round(max(noticed), 3),
    }


def write_bytecode() -> None:
    """The project's bytecode cache, written before anything is timed, as an installed package
    has it: with ``PYTHONDONTWRITEBYTECODE`` set (as on these machines) every ``checks verify``
    run would otherwise compile the project's modules from source again (about 300 M
    instructions of each run's start)."""
    compileall.compile_dir(REPO / "components", quiet=1)
    compileall.compile_file(REPO / "checks.py", quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="1,10,50,1000")
    parser.add_argument("--rtt", type=float, default=0.02)
    parser.add_argument("--out", default=str(REPO / "bench" / "checks_results.json"))
    parser.add_argument("--checkdmarc-python", default="/tmp/bench-venv/bin/python")
    parser.add_argument("--lag-runs", type=int, default=5)
    parser.add_argument(
        "--proxy",
        choices=("c", "c-replay", "python"),
        default="c",
        help="the latency proxy: c (bench/latency_proxy.c, built with cc; the Python one when "
        "it cannot be built), c-replay (the same with --replay: knotd's answers replayed, each "
        "size warmed by untimed runs first) or python (tests/support/dns_proxy.py)",
    )
    parser.add_argument(
        "--compare-up-to",
        type=int,
        default=50,
        metavar="N",
        help="run checkdmarc and the naive loop only for sizes up to N domains (slow: ~0.4 s each)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each verify variant (median reported)"
    )
    args = parser.parse_args()
    proxy = choose_proxy(args.proxy)
    write_bytecode()
    load_at_start = os.getloadavg()
    sizes = [int(s) for s in args.sizes.split(",")]
    top = max(sizes)
    tmp = Path(tempfile.mkdtemp(prefix="bench-checks-"))
    all_records = build_records(top)
    results: list[dict[str, Any]] = []
    proxies: list[ProxyProcess] = []
    servers: list[KnotServer] = []
    try:
        auth_addrs = [random_loopback(), random_loopback()]
        zones = domain_zones(all_records, top, auth_addrs)
        ns1 = KnotServer(zones).start()
        ns2 = KnotServer(zones).start()
        res = KnotServer({**zones, "amazonses.com": amazonses(top)}).start()
        servers = [ns1, ns2, res]
        proxies = [
            ProxyProcess(ns1, args.rtt, auth_addrs[0], binary=proxy.binary, replay=proxy.replay),
            ProxyProcess(ns2, args.rtt, auth_addrs[1], binary=proxy.binary, replay=proxy.replay),
            ProxyProcess(res, args.rtt, binary=proxy.binary, replay=proxy.replay),
        ]
        resolver = proxies[2].address
        for n in sizes:
            records = all_records[: n * 6]
            domains = sorted({r["domain"] for r in records})
            path = tmp / f"records-{n}.json"
            path.write_text(json.dumps(records))
            harness = Harness(
                proxies=[p.proc.pid for p in proxies],
                knotd=[s.proc.pid for s in servers if s.proc is not None],
            )
            warm_up = warm_proxies(n, path, auth_addrs, resolver, harness) if proxy.replay else None
            verify, one, discover, direct = (
                median_run(
                    args.repeat, path, *where, discover=d, harness=harness, workers=w, window=k
                )
                for where, d, w, k in (
                    ((auth_addrs, resolver), False, 0, 512),
                    ((auth_addrs, resolver), False, 1, 512),
                    ((auth_addrs, resolver), True, 0, 512),
                    # Straight to knotd (no added latency): the CPU-bound part alone. Two
                    # processes' windows of 512 overflow a knotd's socket (the system's
                    # default buffer holds a few hundred queries): 256 each.
                    (([ns1.spec, ns2.spec], res.spec), False, 0, 256),
                )
            )
            compare = n <= args.compare_up_to
            naive = run_naive(records, auth_addrs, resolver) if compare else None
            cdm = run_checkdmarc(args.checkdmarc_python, resolver, domains) if compare else None
            row = {
                "domains": n,
                "warm_up": warm_up,
                "verify": verify,
                "verify_one_worker": one,
                "verify_discover_ns": discover,
                "verify_no_latency": direct,
                "verify_latency_round_trips": round(
                    max(0.0, verify["elapsed"] - direct["elapsed"]) / args.rtt, 1
                ),
                "naive_sequential": naive,
                "checkdmarc": cdm,
                "verify_round_trips_of_wall_time": round(verify["elapsed"] / args.rtt, 1),
                "speedup_vs_checkdmarc": round(cdm["elapsed"] / verify["elapsed"], 1)
                if cdm
                else None,
                "speedup_vs_naive": round(naive["elapsed"] / verify["elapsed"], 1)
                if naive
                else None,
            }
            results.append(row)
            print(f"{n} domains done", file=sys.stderr, flush=True)
    finally:
        for p in proxies:
            p.stop()
        for s in servers:
            s.stop()
    lag = measure_lag(args.rtt, args.lag_runs, proxy.binary) if args.lag_runs else None
    doc = {
        "rtt_seconds": args.rtt,
        "proxy": {
            "kind": proxy.kind,
            "asked": args.proxy,
            "note": proxy.note,
            "replay": proxy.replay,
            "warm_up": WARM_UP if proxy.replay else None,
            "counters_at_exit": [p.counters for p in proxies],
        },
        "results": results,
        "lag_noticed": lag,
        "lag_proxy": "forwarding" if proxy.binary else "python",
        "python": sys.version.split()[0],
        "bytecode": "written before timing (bench.checks_bench.write_bytecode)",
        "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "command": " ".join([".venv/bin/python", "-m", "bench.checks_bench", *sys.argv[1:]]),
    }
    Path(args.out).write_text(json.dumps(doc, indent=2) + "\n")
    print_table(doc)
    print(f"\nJSON: {args.out}")
    return 0


def _line(n: int, tool: str, elapsed: float, rtt: float, queries: int, note: str = "") -> str:
    return f"{n:>7}  {tool:<30} {elapsed:>8.3f} {elapsed / rtt:>7.1f} {queries:>8}  {note}"


PROXY_NAMES = {
    "c": "C (bench/latency_proxy.c)",
    "c-replay": "C, replaying knotd's answers (bench/latency_proxy.c --replay)",
    "python": "Python (dns_proxy.py)",
}


def print_table(doc: dict[str, Any]) -> None:
    rtt = doc["rtt_seconds"]
    proxy = doc.get("proxy") or {"kind": "python"}  # results written before --proxy: Python
    kind = PROXY_NAMES.get(proxy["kind"], PROXY_NAMES["python"])
    print(f"\nRTT {rtt * 1000:.0f} ms per query ({kind} proxy); time = in-process work time")
    if proxy["kind"] == "c-replay":
        print(f"replay: {proxy['warm_up']}")
    start, end = doc.get("load_average_at_start"), doc["load_average_at_end"]
    if start:
        shown = [", ".join(f"{x:.2f}" for x in la) for la in (start, end)]
        print(f"load average (1, 5, 15 min): at start {shown[0]}, at end {shown[1]}")
    head = f"{'domains':>7}  {'tool':<30} {'time s':>8} {'RTTs':>7} {'queries':>8}  notes"
    print(head)
    print("-" * (len(head) + 30))
    for row in doc["results"]:
        n = row["domains"]
        v, d = row["verify"], row["verify_discover_ns"]
        nv, c = row["naive_sequential"], row["checkdmarc"]
        for w in row.get("warm_up") or []:
            tool = "warm-up (NS discovery)" if w["discover_ns"] else "warm-up (untimed)"
            note = f"proxies {w['proxy_cpu']:.3f} s, knotd {w['knotd_cpu']:.3f} s"
            print(_line(n, tool, w["elapsed"], rtt, w["queries"], note))
        times = "/".join(f"{t:.3f}" for t in v.get("elapsed_all", []))
        note = f"{v['checks']} records x 2 servers + resolver, CPU {v['cpu']:.3f} s; runs {times}"
        print(_line(n, "checks verify", v["elapsed"], rtt, v["queries"], note))
        note = f"CPU {v['process_cpu']:.3f} s, peak {v['peak_mb_max']:.0f} MB (whole process)"
        print(_line(n, "checks verify, start to exit", v["process_wall"], rtt, v["queries"], note))
        note = f"proxies {v['proxy_cpu']:.3f} s, knotd {v['knotd_cpu']:.3f} s (same cores)"
        print(f"{'':>7}  {'  its harness CPU':<30} {'':>8} {'':>7} {'':>8}  {note}")
        o = row.get("verify_one_worker")
        if o:
            times = "/".join(f"{t:.3f}" for t in o.get("elapsed_all", []))
            note = f"CPU {o['cpu']:.3f} s, proxies {o['proxy_cpu']:.3f} s; runs {times}"
            print(_line(n, "checks verify --workers 1", o["elapsed"], rtt, o["queries"], note))
        note = f"exit {d['exit_status']}"
        print(_line(n, "checks verify (NS discovery)", d["elapsed"], rtt, d["queries"], note))
        z = row["verify_no_latency"]
        note = f"CPU {z['cpu']:.3f} s, --max-in-flight 256; latency adds "
        note += f"{row['verify_latency_round_trips']} RTTs"
        print(_line(n, "checks verify, no proxy", z["elapsed"], rtt, z["queries"], note))
        if nv:
            print(_line(n, "naive sequential dnspython", nv["elapsed"], rtt, nv["queries"]))
        if c:
            note = f"apex SPF/DMARC/MX/NS/SOA/DNSSEC only; {c['blocked']} blocked"
            print(_line(n, f"checkdmarc {c['version']}", c["elapsed"], rtt, c["queries"], note))
        elif nv:
            print(f"{n:>7}  {'checkdmarc':<30} (not installed)")
    lag = doc.get("lag_noticed")
    if lag:
        print(
            f"\nlagging server noticed after catching up: median {lag['median']} s, "
            f"max {lag['max']} s over {lag['runs']} runs (--wait polls SOA every 0.2 s)"
        )


if __name__ == "__main__":
    sys.exit(main())
