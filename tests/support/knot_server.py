"""Real knotd instances on random loopback addresses for the tests, the demo and the benchmark.

Each instance gets its own temporary directory, configuration, control socket, random
127.x.y.z address and free port. ``set_zone`` rewrites a zone file and reloads it with knotc,
then waits (bounded) until the new serial is served.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from components.checks.verify.expected import Expected, rdata_text


def random_loopback() -> str:
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def _family(address: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def free_port(address: str, *more: str) -> int:
    """A port free for both UDP and TCP on ``address`` and on each of ``more`` (bounded
    attempts); IPv6 addresses (``::1``) too."""
    for _ in range(50):
        with socket.socket(_family(address), socket.SOCK_DGRAM) as udp:
            udp.bind((address, 0))
            port = udp.getsockname()[1]
            if all(_free(a, port, udp=a != address) for a in (address, *more)):
                return port
    raise RuntimeError(f"no free port on {', '.join((address, *more))}")


def _free(address: str, port: int, *, udp: bool) -> bool:
    kinds = (socket.SOCK_DGRAM, socket.SOCK_STREAM) if udp else (socket.SOCK_STREAM,)
    for kind in kinds:
        with socket.socket(_family(address), kind) as sock:
            try:
                sock.bind((address, port))
            except OSError:
                return False
    return True


def ipv6_loopback_missing() -> str | None:
    """Why ``::1`` cannot be used here (no IPv6, or no ``::1`` on lo), or None when it can."""
    if not socket.has_ipv6:
        return "Python was built without IPv6"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.bind(("::1", 0))
    except OSError as exc:
        return f"cannot bind ::1 ({exc.strerror or exc})"
    return None


def zone_text(
    origin: str,
    serial: int,
    lines: Iterable[str] = (),
    *,
    ns_address: str = "127.0.0.1",
    ttl: int = 300,
) -> str:
    """A zone with SOA, one NS (with glue) and the given absolute-name record lines."""
    origin = origin.rstrip(".")
    head = [
        f"$ORIGIN {origin}.",
        f"$TTL {ttl}",
        f"@ IN SOA ns1.{origin}. hostmaster.{origin}. {serial} 3600 900 604800 300",
        f"@ IN NS ns1.{origin}.",
        f"ns1.{origin}. IN A {ns_address}",
    ]
    return "\n".join([*head, *lines]) + "\n"


def record_lines(records: Iterable[Expected]) -> list[str]:
    return [
        f"{r.name}. {r.ttl or 300} IN {r.rdtype} {rdata_text(r.rdtype, r.value)}" for r in records
    ]


class KnotServer:
    """One knotd process serving ``zones`` ({origin: zone text}) on a loopback address: a
    random 127.x.y.z unless ``address`` is given (``::1`` for IPv6)."""

    def __init__(
        self, zones: dict[str, str], address: str | None = None, port: int | None = None
    ) -> None:
        self.zones = {k.rstrip(".").lower(): v for k, v in zones.items()}
        self.address = address or random_loopback()
        self.port = port or 0
        self.fixed_port = port is not None
        self.dir = Path(tempfile.mkdtemp(prefix="knot-"))
        self.conf = self.dir / "knot.conf"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def spec(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    def _write_conf(self) -> None:
        zones = "\n".join(f"  - domain: {z}" for z in self.zones)
        self.conf.write_text(
            f"""server:
    rundir: "{self.dir}"
    listen: {self.address}@{self.port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "{self.dir}/knot.sock"
database:
    storage: "{self.dir}/db"
log:
  - target: "{self.dir}/knotd.log"
    any: warning
template:
  - id: default
    storage: "{self.dir}"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
{zones}
"""
        )

    def start(self, timeout: float = 10.0) -> KnotServer:
        for zone, text in self.zones.items():
            (self.dir / f"{zone}.zone").write_text(text)
        last = ""
        for _ in range(3):  # a port taken between free_port() and knotd's bind: try another
            if not self.fixed_port:
                self.port = free_port(self.address)
            self._write_conf()
            self.proc = subprocess.Popen(
                ["knotd", "-c", str(self.conf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            if self._wait_ready(timeout):
                return self
            last = self._log()
            self._kill()
        self.stop()
        raise RuntimeError(f"knotd did not start on {self.address}: {last}")

    def _log(self) -> str:
        path = self.dir / "knotd.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def _wait_ready(self, timeout: float) -> bool:
        zone = next(iter(self.zones))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            if self.serial(zone) is not None:
                return True
            time.sleep(0.01)
        return False

    def serial(self, zone: str) -> int | None:
        query = dns.message.make_query(zone, dns.rdatatype.SOA)
        try:
            response = dns.query.udp(query, self.address, port=self.port, timeout=0.05)
        except (dns.exception.DNSException, OSError):
            return None
        if response.rcode() != dns.rcode.NOERROR or not response.answer:
            return None
        return int(next(iter(response.answer[0])).serial)  # type: ignore[attr-defined]

    def set_zone(self, zone: str, text: str, expect_serial: int | None = None) -> None:
        """Replace a zone's contents and reload it; wait until ``expect_serial`` is served."""
        zone = zone.rstrip(".").lower()
        (self.dir / f"{zone}.zone").write_text(text)
        sock = str(self.dir / "knot.sock")
        done = subprocess.run(
            ["knotc", "-c", str(self.conf), "-s", sock, "-b", "-t", "10", "zone-reload", zone],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"knotc zone-reload {zone} failed: {done.stdout}{done.stderr}")
        if expect_serial is not None:
            deadline = time.monotonic() + 10
            while self.serial(zone) != expect_serial:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{zone}: serial {expect_serial} not served after reload")
                time.sleep(0.005)

    def _kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None

    def stop(self) -> None:
        self._kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> KnotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def knot(
    zones: dict[str, str], address: str | None = None, port: int | None = None
) -> Iterator[KnotServer]:
    server = KnotServer(zones, address, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
