"""What ``verify --wait`` shows while it waits: plain lines, or one status updated in place.

The state shown names, per pending domain, the servers that are behind or could not be checked
and the records still not right (with the servers they are not right on); it holds no time, so
the plain display prints a line only when the state really changes. On a terminal one status is
redrawn in place (rich's Live display), with the time left.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, TextIO

from ..dns.serial import newest
from .findings import DomainResult

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

SHOWN_DOMAINS = 8
"""Pending domains described in full; the rest are counted."""


@dataclass(frozen=True, kw_only=True)
class PendingDomain:
    """One domain that does not pass yet, and why."""

    domain: str
    servers: tuple[str, ...]
    """Each server that is not ``ok``: ``"LABEL behind (serial 1, newest 2)"`` and the like."""
    records: tuple[str, ...]
    """Each record not yet right: ``"MX mail.example.com: missing on LABEL"``."""
    findings: tuple[str, ...]
    """When neither servers nor records explain it: the findings' codes and names."""

    def describe(self) -> str:
        parts = [*self.servers, *self.records, *self.findings]
        return f"{self.domain}: " + ("; ".join(parts) or "not passing yet")


@dataclass(frozen=True, kw_only=True)
class WaitState:
    """The first pending domains in full, and how many more; equal states mean no change."""

    domains: tuple[PendingDomain, ...]
    more: int = 0

    @property
    def pending(self) -> int:
        return len(self.domains) + self.more

    def lines(self) -> list[str]:
        shown = [d.describe() for d in self.domains]
        return shown + ([f"... and {self.more} more domain(s)"] if self.more else [])


def wait_state(results: dict[str, DomainResult], pending: list[str]) -> WaitState:
    """The state of the ``pending`` domains in ``results`` (built every poll: only what is
    shown)."""
    shown = tuple(_pending(results[d]) for d in pending[:SHOWN_DOMAINS])
    return WaitState(domains=shown, more=max(0, len(pending) - SHOWN_DOMAINS))


def _pending(r: DomainResult) -> PendingDomain:
    top = newest([st.serial for st in r.servers if st.serial is not None])
    servers: list[str] = []
    for st in r.servers:
        if st.status == "ok":
            continue
        serial = ""
        if st.serial is not None:
            serial = (
                f" (serial {st.serial}, newest {top})"
                if top != st.serial
                else f" (serial {st.serial})"
            )
        servers.append(f"{st.server.label} {st.status}{serial}")
    records: list[str] = []
    for row in r.rows:
        bad: dict[str, list[str]] = {}
        for label, status in row.servers.items():
            if status not in ("ok", "n/a"):
                bad.setdefault(status, []).append(label)
        if bad:
            where = "; ".join(f"{status} on {', '.join(labels)}" for status, labels in bad.items())
            records.append(f"{row.expected.rdtype} {row.expected.name}: {where}")
    findings: list[str] = []
    if not servers and not records:
        findings = [f"{f.code} {f.name}" for f in r.findings][:3]
    return PendingDomain(
        domain=r.domain, servers=tuple(servers), records=tuple(records), findings=tuple(findings)
    )


class Display(Protocol):
    """Shows the wait state; a context manager, so that a live display is always ended."""

    def __call__(self, state: WaitState, left: float) -> None: ...

    def __enter__(self) -> Display: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class PlainDisplay:
    """Lines on a stream that is not a terminal: one block each time the state changes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last: WaitState | None = None

    def __call__(self, state: WaitState, left: float) -> None:
        if state == self._last:
            return
        self._last = state
        lines = state.lines()
        head = f"waiting (up to {left:.0f} s more), pending: "
        text = head + lines[0] + "".join(f"\n  {line}" for line in lines[1:])
        print(text, file=self._stream, flush=True)

    def __enter__(self) -> PlainDisplay:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class LiveDisplay:
    """One status on a terminal, redrawn in place (rich's Live display), gone when done."""

    def __init__(self, console: Console) -> None:
        from rich.live import Live

        self._live: Live = Live(console=console, auto_refresh=False, transient=True)

    def __call__(self, state: WaitState, left: float) -> None:
        from rich.text import Text

        text = Text(f"waiting: {state.pending} domain(s) pending, {left:.0f} s left", style="bold")
        for line in state.lines():
            text.append("\n  " + line)
        self._live.update(text, refresh=True)

    def __enter__(self) -> LiveDisplay:
        self._live.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._live.stop()


def display_for(stream: TextIO) -> Display:
    """The live display when ``stream`` is a terminal (as rich sees it), else plain lines
    (without importing rich, which costs more CPU than a poll round), as also without rich."""
    if not stream.isatty():
        return PlainDisplay(stream)
    try:
        from rich.console import Console
    except ImportError:  # the installed package does not depend on rich: plain lines then
        return PlainDisplay(stream)

    console = Console(file=stream)
    live = console.is_terminal and not console.is_dumb_terminal  # TERM=dumb: no cursor moves
    return LiveDisplay(console) if live else PlainDisplay(stream)
