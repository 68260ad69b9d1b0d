"""RFC 9989's DNS tree walk (a domain's organizational domain and the DMARC record that applies)
and what it decides here: whether a DMARC report destination is in another organization.

RFC 9989 4.10 replaces RFC 7489's public-suffix list: ``_dmarc.<domain>`` is asked first, then the
names above it, one label at a time up to the top-level domain; a name of eight labels or more
jumps to its last seven after the first query, so no walk asks more than eight names. A single
valid record with ``psd=y`` or ``psd=n`` ends the walk; several records at one name count as none.
All names of a walk are asked at once (one round trip, answers shared through the pass's
resolver lookups) and read in the RFC's order, so answers beyond the stop are never used.

A report destination needs ``<domain>._report._dmarc.<destination>`` (RFC 7489 7.1, RFC 9990)
only when its organizational domain differs from the domain's.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from ..dns.client import normalize_name, txt_text
from ..verify.expected import Expected
from ..verify.findings import Finding, FindingCode
from .dmarc import is_dmarc, parse_dmarc
from .resolver import Resolver

MAX_QUERIES = 8
"""RFC 9989 4.10: names of eight labels or more are shortened so a walk asks at most eight."""


@dataclass(frozen=True, kw_only=True)
class Found:
    """A single valid DMARC record found by the walk at ``_dmarc.<name>``."""

    name: str
    text: str
    psd: str  # y | n | u


@dataclass(frozen=True, kw_only=True)
class TreeWalk:
    """What one walk from ``domain`` found."""

    domain: str
    found: tuple[Found, ...]
    """Single valid records, from the longest name to the shortest, up to where the walk stopped."""
    error: str | None = None
    """Why the walk could not complete (``_dmarc.<name>: <why>``); None when it did."""

    @property
    def complete(self) -> bool:
        """Every name the walk needed answered."""
        return self.error is None

    @property
    def organizational_domain(self) -> str | None:
        """RFC 9989 4.10.2, or None when the walk could not complete.

        From the longest name to the shortest: a record with ``psd=n`` names the organizational
        domain; one with ``psd=y`` above the starting domain makes it the name one label below;
        otherwise it is the name with the fewest labels holding a record, and with no record at
        all the domain itself.
        """
        if self.error is not None:
            return None
        for found in self.found:
            if found.psd == "n":
                return found.name
            if found.psd == "y" and found.name != self.domain:
                keep = found.name.count(".") + 2
                return ".".join(self.domain.split(".")[-keep:])
        return self.found[-1].name if self.found else self.domain

    @property
    def applies(self) -> Found | None:
        """RFC 9989 4.10.1: the domain's own record, else its organizational domain's, else the
        public suffix domain's (``psd=y``); None when there is none or it cannot be known."""
        if self.found and self.found[0].name == self.domain:
            return self.found[0]  # settled by the first query, whatever happens above it
        org = self.organizational_domain
        if org is None:
            return None
        by_name = {f.name: f for f in self.found}
        if org in by_name:
            return by_name[org]
        return next((f for f in self.found if f.psd == "y"), None)


def walk_names(domain: str) -> list[str]:
    """The names a walk from ``domain`` asks about, in order (RFC 9989 4.10 steps 1 to 7)."""
    labels = normalize_name(domain).split(".")
    if labels == [""]:
        return []
    names = [".".join(labels)]
    rest = labels[-(MAX_QUERIES - 1) :] if len(labels) >= MAX_QUERIES else labels[1:]
    while rest:
        names.append(".".join(rest))
        rest = rest[1:]
    return names


@functools.lru_cache(maxsize=1024)
def _psd(text: str) -> str:
    """The ``psd`` value of a record (a pure function of the text, memoised)."""
    return parse_dmarc(text).psd


async def tree_walk(domain: str, view: Resolver) -> TreeWalk:
    """Walk from ``domain`` through the pass's resolver lookups (RFC 9989 4.10)."""
    names = walk_names(domain)
    if not names:
        return TreeWalk(domain="", found=())
    answers = await asyncio.gather(*(view.query(f"_dmarc.{n}", "TXT") for n in names))
    found: list[Found] = []
    for name, answer in zip(names, answers, strict=True):
        if answer.status == "error":
            return TreeWalk(
                domain=names[0], found=tuple(found), error=f"_dmarc.{name}: {answer.error}"
            )
        _, records = answer.chase()
        texts = [t for t in (txt_text(r) for r in records) if is_dmarc(t)]
        if len(texts) != 1:
            continue  # none, or several: all discarded (steps 2 and 6)
        psd = _psd(texts[0])
        found.append(Found(name=name, text=texts[0], psd=psd))
        if psd != "u":
            break
    return TreeWalk(domain=names[0], found=tuple(found))


def authorisation_name(domain: str, report_domain: str) -> str:
    """Where ``report_domain`` authorises reports about ``domain`` (RFC 7489 7.1)."""
    return f"{normalize_name(domain)}._report._dmarc.{normalize_name(report_domain)}"


def _destinations(text: str, domain: str) -> list[str]:
    """The record's report domains other than ``domain`` itself (which need no walk)."""
    return [d for d in parse_dmarc(text).report_domains if d != normalize_name(domain)]


def lookups(text: str, domain: str) -> list[str]:
    """The TXT names ``report_findings`` will ask about for the record ``text`` of ``domain``:
    both walks and each authorisation record, to be started alongside the authoritative reads."""
    dests = _destinations(text, domain)
    if not dests:
        return []
    names = [f"_dmarc.{n}" for n in walk_names(domain)]
    for dest in dests:
        names += [f"_dmarc.{n}" for n in walk_names(dest)]
        names.append(authorisation_name(domain, dest))
    return list(dict.fromkeys(names))


def report_findings(
    e: Expected, text: str, ns_label: str | None, view: Resolver
) -> list[Finding] | Coroutine[Any, Any, list[Finding]]:
    """Report destinations of the DMARC record ``text`` (published for ``e``) in another
    organizational domain that do not authorise the reports, or whose walk could not complete;
    at once (no coroutine) when it has none there."""
    domain = normalize_name(e.domain)
    dests = _destinations(text, domain)
    if not dests:
        return []
    return _walked_findings(e, domain, dests, ns_label, view)


async def _walked_findings(
    e: Expected, domain: str, dests: list[str], ns_label: str | None, view: Resolver
) -> list[Finding]:
    walks = await asyncio.gather(tree_walk(domain, view), *(tree_walk(d, view) for d in dests))
    ours = walks[0]
    found: list[Finding] = []
    if not ours.complete:
        return [_unchecked(e, view, ours, f"DMARC report destinations ({', '.join(dests)})")]
    external: list[tuple[str, TreeWalk]] = []
    for dest, theirs in zip(dests, walks[1:], strict=True):
        if not theirs.complete:
            found.append(_unchecked(e, view, theirs, f"DMARC report destination {dest}"))
        elif theirs.organizational_domain != ours.organizational_domain:
            external.append((dest, theirs))
    names = [authorisation_name(domain, dest) for dest, _ in external]
    answers = await asyncio.gather(*(view.query(n, "TXT") for n in names))
    for (dest, theirs), name, answer in zip(external, names, answers, strict=True):
        if answer.status == "error":
            found.append(
                Finding.could_not_check(
                    e.name, view.label, f"DMARC report authorisation {name} ({answer.error})"
                )
            )
            continue
        _, records = answer.chase()
        if not any(is_dmarc(txt_text(r)) for r in records):
            found.append(
                Finding(
                    "warning",
                    FindingCode.DMARC_RUA_UNAUTHORISED,
                    e.name,
                    f"DMARC reports go to {dest}, in another organizational domain "
                    f"({theirs.organizational_domain}, not {ours.organizational_domain}), which "
                    f"does not authorise them: receivers drop the reports unless {name} publishes "
                    'TXT "v=DMARC1" (RFC 7489 7.1, RFC 9990)',
                    ns_label,
                    f'{name}. IN TXT "v=DMARC1"',
                )
            )
    return found


def _unchecked(e: Expected, view: Resolver, walk: TreeWalk, what: str) -> Finding:
    return Finding.could_not_check(
        e.name,
        view.label,
        f"{what}: the DNS tree walk (RFC 9989 4.10) for the organizational domain of "
        f"{walk.domain} did not complete ({walk.error}), so whether the reports need an "
        "authorisation record is not known",
    )
