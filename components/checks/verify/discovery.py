"""The pass's recursive lookups (single-flight, one pass only) and the NS discovery built on them.

Lookups that depend on an expected value (the DKIM key behind the expected CNAME target, the
expected SPF record's include tree, the DMARC tree walks and report authorisation records) are
started by ``prefetch`` at the same time as the authoritative reads; the published values reuse
those answers when they match.
"""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

from ..dns.client import Answer, DnsClient, Family, Server, normalize_name, rdata_name, txt_text
from ..protocols import bimi, dmarc, dmarc_walk, spf
from .compare import serial_of
from .expected import Expected
from .findings import Finding, FindingCode


class ResolverView:
    """Recursive lookups shared by everything in one pass, then thrown away (no stale cache).

    A lookup is a future resolved from the resolvers' answers by callbacks, not a task: there
    are thousands in a large pass and each only waits for one answer."""

    def __init__(self, client: DnsClient, resolvers: list[Server]) -> None:
        self._client = client
        self._resolvers = resolvers
        self._lookups: dict[tuple[str, str], asyncio.Future[Answer]] = {}
        self._asked: dict[tuple[Server, str, str], asyncio.Future[Answer]] = {}
        self._spf: dict[tuple[str, str], asyncio.Task[spf.SpfEvaluation]] = {}

    @property
    def label(self) -> str:
        return ", ".join(r.label for r in self._resolvers) or "no resolver"

    def query(self, name: str, rdtype: str) -> asyncio.Future[Answer]:
        """The first answer that is no error from the resolvers in turn, or an error naming
        each one's; asked once in the pass."""
        key = (normalize_name(name), rdtype)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = self._client.loop.create_future()
            self._through(found, *key, 0, [])
        return found

    def _through(
        self, out: asyncio.Future[Answer], name: str, rdtype: str, index: int, errors: list[str]
    ) -> None:
        """Ask the resolver at ``index`` for ``out``, the next one when it fails."""
        if index == len(self._resolvers):
            out.set_result(Answer(name, rdtype, "error", error="; ".join(errors) or "no resolver"))
            return
        resolver = self._resolvers[index]
        asked = self.ask(resolver, name, rdtype)

        def done(_: object) -> None:
            if out.done():
                return  # cancelled with the pass
            if asked.cancelled():
                out.cancel()
                return
            answer = asked.result()
            if answer.status != "error":
                out.set_result(answer)
                return
            errors.append(f"{resolver.label}: {answer.error}")
            self._through(out, name, rdtype, index + 1, errors)

        asked.add_done_callback(done)

    def ask(self, resolver: Server, name: str, rdtype: str) -> asyncio.Future[Answer]:
        """``resolver``'s answer for ``name``/``rdtype`` (a normalized name), asked once in the
        pass: by the records' own resolver checks and by the lookups, whichever comes first."""
        key = (resolver, name, rdtype)
        answer = self._asked.get(key)
        if answer is None:
            answer = self._asked[key] = self._client.query(resolver, name, rdtype, recurse=True)
        return answer

    def lookup(self, name: str, rdtype: str) -> asyncio.Future[spf.TxtLookup]:
        """``query``'s answer as the SPF evaluation reads it."""
        answer = self.query(name, rdtype)
        out: asyncio.Future[spf.TxtLookup] = self._client.loop.create_future()

        def done(_: object) -> None:
            if out.done():
                return
            if answer.cancelled():
                out.cancel()
            else:
                out.set_result(_txt_lookup(answer.result(), rdtype))

        answer.add_done_callback(done)
        return out

    def spf_tree(self, record: spf.SpfRecord, domain: str) -> asyncio.Task[spf.SpfEvaluation]:
        key = (record.normalized(), domain)
        task = self._spf.get(key)
        if task is None:
            task = asyncio.ensure_future(spf.evaluate_spf(record, domain, self.lookup))
            self._spf[key] = task
        return task

    async def close(self) -> None:
        """Cancel speculative lookups nobody needed, so nothing outlives the pass (the
        client's queries still waiting for the window are then never sent)."""
        tasks: list[asyncio.Future[Any]] = [*self._spf.values()]
        for future in (*tasks, *self._lookups.values(), *self._asked.values()):
            future.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._lookups.clear()
        self._spf.clear()
        self._asked.clear()


def _txt_lookup(answer: Answer, rdtype: str) -> spf.TxtLookup:
    if answer.status == "error":
        return spf.TxtLookup("error", error=answer.error)
    _, records = answer.chase()
    texts = tuple(txt_text(r) if rdtype == "TXT" else r.to_text() for r in records)
    return spf.TxtLookup(answer.status, texts)


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
