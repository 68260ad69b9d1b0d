"""Helpers for the ``checks verify`` tests: a world of knotd servers and an in-process runner."""

from __future__ import annotations

import contextlib
import io
import json
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.checks.__main__ import main
from tests.support.dns_world import amazonses_zone, domain_zone, ses_records
from tests.support.knot_server import KnotServer

# Short network timeouts keep the failure tests fast; every address is loopback.
FAST = ["--timeout", "0.3", "--attempts", "2"]


@dataclass
class Result:
    rc: int
    out: str
    err: str
    elapsed: float
    doc: dict[str, Any] = field(default_factory=dict[str, Any])

    def codes(self, severity: str | None = None) -> list[str]:
        return [
            f["code"]
            for d in self.doc.get("domains", [])
            for f in d["findings"]
            if severity is None or f["severity"] == severity
        ]

    def findings(self, code: str) -> list[dict[str, Any]]:
        return [f for d in self.doc["domains"] for f in d["findings"] if f["code"] == code]


def run_cli(*argv: str, stdin: str | None = None) -> Result:
    """Run ``python -m checks`` in-process, capturing output; argparse exits become codes."""
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        old_stdin = None
        if stdin is not None:
            import sys

            old_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            rc = main(list(argv))
        except SystemExit as exc:
            rc = int(exc.code) if isinstance(exc.code, int) else 2
        finally:
            if old_stdin is not None:
                import sys

                sys.stdin = old_stdin
    result = Result(rc, out.getvalue(), err.getvalue(), time.monotonic() - start)
    if "--json" in argv and result.out.strip().startswith("{"):
        result.doc = json.loads(result.out)
    return result


@dataclass
class World:
    records: list[dict[str, Any]]
    auth: list[KnotServer]
    resolver: KnotServer
    path: Path
    origin: str = "example.com"

    def args(self, *extra: str, servers: list[str] | None = None) -> list[str]:
        argv = ["verify", "--records", str(self.path), "--resolver", self.resolver.spec, *FAST]
        for spec in servers if servers is not None else [s.spec for s in self.auth]:
            argv += ["--nameserver", spec]
        return [*argv, *extra]

    def verify(self, *extra: str, servers: list[str] | None = None) -> Result:
        return run_cli(*self.args("--json", *extra, servers=servers))

    def set_zone(self, index: int, text: str, serial: int | None) -> None:
        self.auth[index].set_zone(self.origin, text, serial)


def start(stack: ExitStack, server: KnotServer) -> KnotServer:
    server.start()
    stack.callback(server.stop)
    return server


def verify_argv(
    stack: ExitStack,
    tmp_path: Path,
    records: list[dict[str, Any]],
    auth_zones: list[dict[str, str]],
    resolver_zones: dict[str, str],
) -> list[str]:
    """``verify``'s arguments for ``records`` against a knotd per map of ``auth_zones`` (origin
    to zone text) as the nameservers and one serving ``resolver_zones`` as the resolver, all
    started for the test (``FAST`` timeouts)."""
    auth = [start(stack, KnotServer(zones)) for zones in auth_zones]
    resolver = start(stack, KnotServer(resolver_zones))
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    argv = ["verify", "--records", str(path), "--resolver", resolver.spec, *FAST]
    for server in auth:
        argv += ["--nameserver", server.spec]
    return argv


def make_world(
    stack: ExitStack,
    tmp_path: Path,
    records: list[dict[str, Any]] | None = None,
    *,
    zones: list[str] | None = None,
    servers: int = 2,
    amazonses: str | None = None,
    resolver_zones: dict[str, str] | None = None,
    origin: str = "example.com",
) -> World:
    """Authoritative knotd servers (zone per server, default: all records) and a resolver.

    The "resolver" is a knotd serving amazonses.com (and the domain's zone, and any extra
    zones) authoritatively: it answers the recursive lookups the checks make.
    """
    records = records if records is not None else ses_records()
    good = domain_zone(records, origin)
    zones = zones or [good] * servers
    auth = [start(stack, KnotServer({origin: z})) for z in zones]
    rzones = {origin: good, "amazonses.com": amazonses or amazonses_zone()}
    rzones.update(resolver_zones or {})
    resolver = start(stack, KnotServer(rzones))
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    return World(records, auth, resolver, path, origin)
