"""The pass's recursive lookups (single-flight, one pass only) and the NS discovery built on them.

Lookups that depend on an expected value (the DKIM key behind the expected CNAME target, the
expected SPF record's include tree, the DMARC tree walks and report authorisation records) are
started by ``prefetch`` at the same time as the authoritative reads; the published values reuse
those answers when they match.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable
from typing import Any

from ..dns.client import Answer, DnsClient, Family, Server, normalize_name, rdata_name, txt_text
from ..protocols import bimi, dmarc, dmarc_walk, spf
from .compare import serial_of
from .expected import Expected
from .findings import Finding, FindingCode


class ResolverView:
    """Recursive lookups shared by everything in one pass, then thrown away (no stale cache)."""

    def __init__(self, client: DnsClient, resolvers: list[Server]) -> None:
        self._client = client
        self._resolvers = resolvers
        self._tasks: dict[tuple[str, str], asyncio.Task[Answer]] = {}
        self._asked: dict[tuple[Server, str, str], Awaitable[Answer]] = {}
        self._spf: dict[tuple[str, str], asyncio.Task[spf.SpfEvaluation]] = {}

    @property
    def label(self) -> str:
        return ", ".join(r.label for r in self._resolvers) or "no resolver"

    def query(self, name: str, rdtype: str) -> asyncio.Task[Answer]:
        key = (normalize_name(name), rdtype)
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._query(*key))
            self._tasks[key] = task
        return task

    def ask(self, resolver: Server, name: str, rdtype: str) -> Awaitable[Answer]:
        """``resolver``'s answer for ``name``/``rdtype`` (a normalized name), asked once in the
        pass: by the records' own resolver checks and by the lookups, whichever comes first."""
        key = (resolver, name, rdtype)
        answer = self._asked.get(key)
        if answer is None:
            answer = self._asked[key] = self._client.query(resolver, name, rdtype, recurse=True)
        return answer

    async def _query(self, name: str, rdtype: str) -> Answer:
        errors: list[str] = []
        for resolver in self._resolvers:
            answer = await self.ask(resolver, name, rdtype)
            if answer.status != "error":
                return answer
            errors.append(f"{resolver.label}: {answer.error}")
        return Answer(name, rdtype, "error", error="; ".join(errors) or "no resolver")

    async def lookup(self, name: str, rdtype: str) -> spf.TxtLookup:
        answer = await self.query(name, rdtype)
        if answer.status == "error":
            return spf.TxtLookup("error", error=answer.error)
        _, records = answer.chase()
        texts = tuple(txt_text(r) if rdtype == "TXT" else r.to_text() for r in records)
        return spf.TxtLookup(answer.status, texts)

    def spf_tree(self, record: spf.SpfRecord, domain: str) -> asyncio.Task[spf.SpfEvaluation]:
        key = (record.normalized(), domain)
        task = self._spf.get(key)
        if task is None:
            task = asyncio.ensure_future(spf.evaluate_spf(record, domain, self.lookup))
            self._spf[key] = task
        return task

    async def close(self) -> None:
        """Cancel speculative lookups nobody needed, so nothing outlives the pass."""
        tasks: list[asyncio.Task[Any]] = [*self._tasks.values(), *self._spf.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._spf.clear()
        self._asked.clear()


async def discover(
    domain: str, view: ResolverView, port: int
) -> tuple[str | None, list[Server], list[Finding]]:
    """The zone holding ``domain`` and its NS set's IPv4 and IPv6 addresses, through the
    resolvers."""
    ns_answer, soa_answer = await asyncio.gather(
        view.query(domain, "NS"), view.query(domain, "SOA")
    )
    findings: list[Finding] = []
    if ns_answer.status == "error" and soa_answer.status == "error":
        findings.append(
            Finding.could_not_check(
                domain, view.label, f"nameserver discovery failed ({ns_answer.error})"
            )
        )
        return None, [], findings
    zone: str | None = None
    _, ns_records = ns_answer.chase()
    if ns_records:
        zone = domain
    else:
        _, zone = serial_of(soa_answer)
        if zone is not None and zone != domain:
            ns_answer = await view.query(zone, "NS")
            _, ns_records = ns_answer.chase()
    if zone is None or not ns_records:
        findings.append(
            Finding(
                "error",
                FindingCode.NO_NAMESERVERS,
                domain,
                f"the resolver ({view.label}) finds no zone or NS set for {domain}: is the "
                "domain delegated?",
                nameserver=view.label,
                unchecked=ns_answer.status == "error",
            )
        )
        return zone, [], findings
    hosts = sorted({rdata_name(r) for r in ns_records})
    servers, found = await _addresses(domain, hosts, ns_answer.glue, view, port)
    return zone, servers, findings + found


async def _addresses(
    domain: str,
    hosts: list[str],
    glue: tuple[tuple[str, str], ...],
    view: ResolverView,
    port: int,
) -> tuple[list[Server], list[Finding]]:
    """Every IPv4 and IPv6 address of the NS ``hosts``: each one a server to ask.

    The NS answer's glue gives a family's addresses when it holds any; the families it lacks are
    looked up (A, AAAA) through the view, so each host is asked about once per pass.
    """
    known: dict[tuple[str, Family], set[str]] = {}
    for owner, address in glue:
        if owner in hosts:
            ip = ipaddress.ip_address(address)
            family = Family.IPV6 if ip.version == 6 else Family.IPV4
            known.setdefault((owner, family), set()).add(ip.compressed)
    need = [(h, f) for h in hosts for f in Family if (h, f) not in known]
    answers = await asyncio.gather(*(view.query(h, f.rdtype) for h, f in need))
    failed: dict[str, list[str]] = {}
    for (host, family), answer in zip(need, answers, strict=True):
        _, recs = answer.chase()
        if recs:
            known[(host, family)] = {ipaddress.ip_address(r.to_text()).compressed for r in recs}
        elif answer.status == "error":
            failed.setdefault(host, []).append(f"{family.rdtype}: {answer.error}")
    findings: list[Finding] = []
    servers: list[Server] = []
    for host in hosts:
        addresses = [a for f in Family for a in sorted(known.get((host, f), ()))]
        servers.extend(Server(a, port, name=host) for a in addresses)
        errors = "; ".join(failed.get(host, []))
        if not addresses:
            findings.append(
                Finding.could_not_check(
                    domain,
                    host,
                    f"no IPv4 or IPv6 address found for it through {view.label}"
                    + (f" ({errors})" if errors else ""),
                )
            )
        elif errors:
            findings.append(
                Finding.could_not_check(
                    domain,
                    host,
                    f"its addresses could not all be looked up ({errors}); only "
                    f"{', '.join(addresses)} checked",
                )
            )
    return servers, findings


def prefetch(rows: list[Expected], view: ResolverView) -> None:
    """Start the lookups the expected values imply, alongside the authoritative reads."""
    for e in rows:
        if e.rdtype == "CNAME" and e.purpose.startswith("dkim"):
            view.query(e.value, "TXT")
        elif spf.is_spf_row(e):
            record = spf.parse_spf(e.value)
            if not record.errors:
                view.spf_tree(record, e.name)
        elif dmarc.is_dmarc_row(e):
            for name in dmarc_walk.lookups(e.value, e.domain):
                view.query(name, "TXT")
        elif bimi.is_bimi_row(e):
            for name in bimi.lookups(e):
                view.query(name, "TXT")
