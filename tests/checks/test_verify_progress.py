"""What ``verify --wait`` shows: plain lines only on a real change, one status updated in place on
a terminal, naming the servers behind and the records pending on the right server."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from rich.console import Console

from components.checks.dns.client import Server
from components.checks.verify.expected import Expected
from components.checks.verify.findings import DomainResult, RowResult, ServerState
from components.checks.verify.progress import (
    SHOWN_DOMAINS,
    LiveDisplay,
    PlainDisplay,
    WaitState,
    display_for,
    wait_state,
)
from tests.support.checks_support import make_world, run_cli
from tests.support.dns_world import domain_zone, ses_records
from tests.support.paths import REPO

ORIGIN = "example.com"
NS1, NS2 = Server("127.0.0.1", 5301), Server("127.0.0.2", 5302)
MX = Expected(
    ORIGIN, "mail.example.com", "MX", "10 feedback-smtp.us-east-1.amazonses.com", "mail_from_mx"
)


def _state(ns2_serial: int, ns2_mx: str) -> WaitState:
    result = DomainResult(ORIGIN)
    behind = "behind" if ns2_serial < 2 else "ok"
    result.servers = [ServerState(NS1, 2), ServerState(NS2, ns2_serial, behind)]
    result.rows = [RowResult(MX, servers={NS1.label: "ok", NS2.label: ns2_mx})]
    return wait_state({ORIGIN: result}, [ORIGIN])


def test_the_state_names_the_server_behind_and_where_a_record_is_missing() -> None:
    (line,) = _state(1, "missing").lines()
    assert line == (
        "example.com: 127.0.0.2:5302 behind (serial 1, newest 2); "
        "MX mail.example.com: missing on 127.0.0.2:5302"
    )
    assert NS1.label not in line


def test_plain_lines_only_when_the_state_changes() -> None:
    out = io.StringIO()
    with PlainDisplay(out) as show:
        for left in (10.0, 9.8, 9.6, 9.4):  # the time left alone is no change
            show(_state(1, "missing"), left)
        show(_state(2, "missing"), 9.2)  # caught up, record still missing
        show(_state(2, "missing"), 9.0)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("waiting (up to 10 s more), pending: example.com: 127.0.0.2")
    assert "behind" not in lines[1]
    assert "MX mail.example.com: missing on 127.0.0.2:5302" in lines[1]


def test_on_a_terminal_one_status_is_updated_in_place() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200, color_system=None)
    with LiveDisplay(console) as show:
        for left in (10.0, 8.0, 6.0):
            show(_state(1, "missing"), left)
    text = out.getvalue()
    for left in (10, 8, 6):  # the countdown, each redraw after erasing the one before
        before, _, _ = text.partition(f"waiting: 1 domain(s) pending, {left} s left")
        assert left == 10 or before.endswith("\x1b[1A\x1b[2K")
    assert "MX mail.example.com: missing on 127.0.0.2:5302" in text
    assert text.endswith("\x1b[1A\x1b[2K")  # gone when done: the report follows


def test_display_for_a_terminal_or_not() -> None:
    assert isinstance(display_for(io.StringIO()), PlainDisplay)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_without_rich_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich is not a dependency of the installed package (ses-domains verify --wait)."""
    monkeypatch.setitem(sys.modules, "rich.console", None)  # import rich.console fails
    assert isinstance(display_for(_Terminal()), PlainDisplay)


def test_wait_prints_once_per_change_and_blames_the_right_server(
    stack: ExitStack, tmp_path: Path
) -> None:
    records = ses_records()
    broken = domain_zone(records, ORIGIN, 1, drop=[("mail.example.com", "MX")])
    world = make_world(stack, tmp_path, records, zones=[domain_zone(records, ORIGIN, 1), broken])
    result = run_cli(*world.args("--json", "--wait", "1"))
    assert result.rc == 1
    assert result.doc["stats"]["polls"] >= 3
    (line,) = result.err.splitlines()  # nothing changed while waiting: one line
    ns1, ns2 = world.auth[0].spec, world.auth[1].spec
    assert f"MX mail.example.com: missing on {ns2}" in line
    assert ns1 not in line


def test_only_the_first_domains_are_described() -> None:
    results: dict[str, DomainResult] = {}
    for i in range(11):
        result = DomainResult(f"d{i}.example.com")
        result.servers = [ServerState(NS1, 1, "could not check")]
        results[result.domain] = result
    state = wait_state(results, list(results))
    lines = state.lines()
    assert state.pending == 11
    assert len(lines) == SHOWN_DOMAINS + 1
    assert lines[-1] == f"... and {11 - SHOWN_DOMAINS} more domain(s)"
    assert lines[0] == "d0.example.com: 127.0.0.1:5301 could not check (serial 1)"


def _on_a_terminal(stack: ExitStack, tmp_path: Path, term: str) -> str:
    """What ``verify --wait 1`` writes to stderr on a pseudo-terminal of type ``term``."""
    records = ses_records()
    broken = domain_zone(records, ORIGIN, drop=[("mail.example.com", "MX")])
    world = make_world(stack, tmp_path, records, zones=[broken])
    primary, secondary = pty.openpty()
    stack.callback(os.close, primary)
    proc = subprocess.Popen(
        [sys.executable, "-m", "checks", *world.args("--wait", "1")],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env={**os.environ, "TERM": term, "COLUMNS": "200"},
    )
    os.close(secondary)
    chunks: list[bytes] = []
    for _ in range(600):  # at most 60 s of 0.1 s reads; the run takes about 1 s
        ready, _, _ = select.select([primary], [], [], 0.1)
        if ready:
            try:
                data = os.read(primary, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    assert proc.wait(30) == 1
    return b"".join(chunks).decode()


def test_a_real_terminal_gets_the_live_status(stack: ExitStack, tmp_path: Path) -> None:
    """stderr on a pseudo-terminal: the status is redrawn in place, then removed."""
    text = _on_a_terminal(stack, tmp_path, "xterm")
    assert "waiting: 1 domain(s) pending" in text
    assert "MX mail.example.com: missing on" in text
    assert "\x1b[2K" in text  # erased and redrawn in place
    assert "waiting (up to" not in text  # not the plain lines


def test_a_dumb_terminal_gets_plain_lines(stack: ExitStack, tmp_path: Path) -> None:
    text = _on_a_terminal(stack, tmp_path, "dumb")
    assert "waiting (up to" in text
    assert "\x1b[" not in text
