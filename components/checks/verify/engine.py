"""The DNS verification: every expected record on every authoritative server, and what they need.

One *pass* verifies all domains at once: all queries of one dependency level are in flight
together (bounded by the client's semaphore), so the number of round trips does not grow with the
number of records, servers or domains. Lookups that depend on an expected value start at the same
time as the authoritative reads (``discovery.prefetch``). All answers live for one pass only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from ..dns.client import DnsClient, Server, normalize_name
from ..dns.serial import newest, serial_lt
from ..protocols import bimi, dkim, dmarc, dmarc_walk, spf
from .compare import check_answer, serial_of
from .discovery import ResolverView, discover, prefetch
from .expected import Expected
from .findings import DomainResult, Finding, FindingCode, RowResult, ServerState


@dataclass
class Options:
    """Where to look: explicit nameservers (or discover them), resolvers, the NS port."""

    nameservers: list[Server]
    resolvers: list[Server]
    ns_port: int = 53


async def verify_domain(
    domain: str,
    rows: list[Expected],
    opts: Options,
    client: DnsClient,
    view: ResolverView,
    discovered: dict[str, tuple[str | None, list[Server]]],
) -> DomainResult:
    """One domain in one pass: its servers, each expected record on each, what the values need."""
    result = DomainResult(domain)
    prefetch(rows, view)
    servers = opts.nameservers
    if not servers:
        if domain in discovered:
            result.zone, servers = discovered[domain]
        else:
            result.zone, servers, found = await discover(domain, view, opts.ns_port)
            result.findings.extend(found)
            if servers and not found:  # an address not looked up is looked up again next pass
                discovered[domain] = (result.zone, servers)
    result.servers = [ServerState(s) for s in servers]
    keys = list(dict.fromkeys((e.name, e.rdtype) for e in rows))
    # Answers by position (server or resolver, then key): no dictionary keyed by server.
    n, width = len(servers), len(keys)
    # The resolvers' answers go through the view: a question the lookups ask too (a DMARC
    # record another domain's tree walk reads, ...) is asked once in the pass.
    # (Both are sent at once: the client starts a query when it is asked, not when awaited.)
    pending = client.query_all(
        [
            *((s, domain, "SOA", False) for s in servers),
            *((s, name, rdtype, False) for s in servers for name, rdtype in keys),
        ]
    )
    asked = [(normalize_name(name), rdtype) for name, rdtype in keys]
    res_answers = [[view.ask(r, name, rdtype) for name, rdtype in asked] for r in opts.resolvers]
    answers = await pending
    res = [[await answer for answer in row] for row in res_answers]
    soa_answers = answers[:n]
    auth = [answers[n + i * width : n + (i + 1) * width] for i in range(n)]

    # Servers: reachable, authoritative, serials.
    usable = [False] * n
    per_server: list[list[Finding]] = [[] for _ in servers]
    answering = [s for s, soa in zip(servers, soa_answers, strict=True) if soa.status != "error"]
    for i, (state, soa) in enumerate(zip(result.servers, soa_answers, strict=True)):
        s = state.server
        failed = [a for a in auth[i] if a.status == "error"]
        if soa.status == "error" or failed:
            errors = "; ".join(sorted({a.error for a in [soa, *failed] if a.status == "error"}))
            state.status = "could not check"
            if soa.status == "error":
                per_server[i].append(_cannot_ask(domain, s, errors, answering))
                continue
            per_server[i].append(Finding.could_not_check(domain, s.label, errors))
        if not soa.authoritative or not all(
            a.authoritative for a in auth[i] if a.status != "error"
        ):
            state.status = "not authoritative"
            per_server[i].append(
                Finding(
                    "error",
                    FindingCode.NOT_AUTHORITATIVE,
                    domain,
                    f"{s.label} answers without authority for {domain} (lame delegation or "
                    "not a primary/secondary of the zone)",
                    nameserver=s.label,
                )
            )
            continue
        state.serial, zone = serial_of(soa)
        if result.zone is None and zone is not None:
            result.zone = zone
        usable[i] = True

    serials = [st.serial for st in result.servers if st.serial is not None]
    top = newest(serials)
    if top is not None:
        for i, st in enumerate(result.servers):
            if st.serial is not None and serial_lt(st.serial, top):
                if st.status == "ok":
                    st.status = "behind"
                per_server[i].append(
                    Finding(
                        "warning",
                        FindingCode.SERIAL_BEHIND,
                        result.zone or domain,
                        f"{st.server.label} serves SOA serial {st.serial}, older than {top} on "
                        "another server: the latest zone has not reached it yet",
                        nameserver=st.server.label,
                    )
                )

    # Records on each server.
    column = {key: j for j, key in enumerate(keys)}
    published: dict[Expected, dict[str, list[Server]]] = {}
    for e in rows:
        j = column[(e.name, e.rdtype)]
        row = RowResult(e)
        result.rows.append(row)
        for i, s in enumerate(servers):
            if not usable[i]:
                row.servers[s.label] = "n/a"
                continue
            check = check_answer(e, auth[i][j])
            row.servers[s.label] = check.status
            per_server[i].extend(check.findings)
            for value in check.values:
                published.setdefault(e, {}).setdefault(value, []).append(s)
        for r, answers_of_r in zip(opts.resolvers, res, strict=True):
            answer = answers_of_r[j]
            if answer.status == "error":
                row.resolvers[r.label] = f"n/a ({answer.error})"
            else:
                row.resolvers[r.label] = check_answer(e, answer).status
    result.findings.extend(_merge(dict(zip(servers, per_server, strict=True)), n))

    # What the published values need from elsewhere (keys, include trees, report auth); the
    # findings in this order. Those known at once (the lookup answered already) are not
    # wrapped in tasks.
    analyses: list[list[Finding] | Coroutine[Any, Any, list[Finding]]] = []
    for e, values in published.items():
        for value, where in values.items():
            ns_label = _servers_label(where, len(servers))
            if e.rdtype == "CNAME" and e.purpose.startswith("dkim"):
                key = view.query(value, "TXT")
                analyses.append(
                    dkim.target_key_findings(e, value, key.result(), ns_label, view.label)
                    if key.done()
                    else dkim.dkim_target_findings(e, value, ns_label, view)
                )
            elif dkim.is_dkim_txt_row(e):
                analyses.append(dkim.dkim_findings(e, e.name, value, ns_label, view.label))
            elif spf.is_spf_row(e):
                analyses.append(spf.spf_findings(e, value, ns_label, view))
            elif dmarc.is_dmarc_row(e):
                analyses.append(dmarc.dmarc_findings(e, value, ns_label))
                analyses.append(dmarc_walk.report_findings(e, value, ns_label, view))
            elif bimi.is_bimi_row(e):
                analyses.append(bimi.record_findings(e, value, ns_label))
    for e in rows:
        if bimi.is_bimi_row(e):
            analyses.append(bimi.enforcement_findings(e, view))
    waiting = [a for a in analyses if not isinstance(a, list)]
    answers = iter(await asyncio.gather(*waiting) if waiting else ())
    for found in analyses:
        result.findings.extend(found if isinstance(found, list) else next(answers))
    result.findings = _dedupe(result.findings)
    return result


def _cannot_ask(domain: str, server: Server, errors: str, answering: list[Server]) -> Finding:
    """A server that did not answer its SOA query: ``server_unreachable_ipv4``/``_ipv6`` when
    its NS host answers over the other family only, ``could_not_check`` otherwise."""
    same_host = [a for a in answering if server.name is not None and a.name == server.name]
    if same_host and all(a.family is not server.family for a in same_host):
        return Finding.unreachable(domain, server, errors, same_host)
    return Finding.could_not_check(domain, server.label, errors)


def _servers_label(where: list[Server], total: int) -> str | None:
    if len(where) == total and total > 1:
        return None  # on every server: no need to name them
    return ", ".join(s.label for s in where)


def _merge(per_server: dict[Server, list[Finding]], total: int) -> list[Finding]:
    """One finding per distinct problem, naming the servers where it occurs."""
    grouped: dict[tuple[Any, ...], tuple[Finding, list[Server]]] = {}
    for server, findings in per_server.items():
        for f in findings:
            entry = grouped.setdefault((*f.key(), f.nameserver), (f, []))
            entry[1].append(server)
    out: list[Finding] = []
    for f, where in grouped.values():
        if f.nameserver is None:
            f.nameserver = _servers_label(where, total)
        families = {s.family for s in where}
        if len(families) == 1:
            f.family = families.pop()
        out.append(f)
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (*f.key(), f.nameserver)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


async def verify_pass(
    domains: dict[str, list[Expected]],
    opts: Options,
    client: DnsClient,
    discovered: dict[str, tuple[str | None, list[Server]]],
) -> dict[str, DomainResult]:
    """Verify all ``domains`` at once, sharing one resolver view (thrown away afterwards)."""
    view = ResolverView(client, opts.resolvers)
    try:
        results = await asyncio.gather(
            *(verify_domain(d, rows, opts, client, view, discovered) for d, rows in domains.items())
        )
    finally:
        await view.close()
    return {r.domain: r for r in results}
