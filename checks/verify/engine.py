"""The DNS verification: every expected record on every authoritative server, and what they need.

One *pass* verifies all domains at once: all queries of one dependency level are in flight
together (bounded by the client's semaphore), so the number of round trips does not grow with the
number of records, servers or domains. Lookups that depend on an expected value (the DKIM key
behind the expected CNAME target, the expected SPF record's include tree, a DMARC report
destination's authorisation record) start at the same time as the authoritative reads; the
published values reuse those answers when they match. All answers live for one pass only.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal

from ..dns.client import (
    Answer,
    DnsClient,
    Server,
    normalize_name,
    rdata_int,
    rdata_name,
    txt_text,
)
from ..dns.serial import newest, serial_lt
from ..protocols import dkim, dmarc, spf
from .expected import Expected, expected_rdata

Severity = Literal["error", "warning"]


@dataclass
class Finding:
    severity: Severity
    code: str
    name: str
    message: str
    nameserver: str | None = None
    fix: str | None = None
    unchecked: bool = False  # "could not check": exit status 3 rather than 1

    @classmethod
    def could_not_check(cls, name: str, server: str, what: str) -> Finding:
        """``server`` did not answer about ``what``: never "missing", exit status 3."""
        return cls(
            "error",
            "could_not_check",
            name,
            f"could not check {server}: {what}",
            nameserver=server,
            unchecked=True,
        )

    def key(self) -> tuple[str, str, str, str, str | None, bool]:
        return (self.severity, self.code, self.name, self.message, self.fix, self.unchecked)


@dataclass
class RowResult:
    expected: Expected
    servers: dict[str, str] = field(default_factory=dict[str, str])  # server label -> status
    resolvers: dict[str, str] = field(default_factory=dict[str, str])


@dataclass
class ServerState:
    server: Server
    serial: int | None = None
    status: str = "ok"  # ok | could not check | not authoritative | behind


@dataclass
class DomainResult:
    domain: str
    zone: str | None = None
    servers: list[ServerState] = field(default_factory=list[ServerState])
    rows: list[RowResult] = field(default_factory=list[RowResult])
    findings: list[Finding] = field(default_factory=list[Finding])
    ses: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def passing(self, strict: bool) -> bool:
        return self.ok and not (strict and any(f.severity == "warning" for f in self.findings))


@dataclass
class Options:
    nameservers: list[Server]
    resolvers: list[Server]
    ns_port: int = 53


# ---- lookups through the resolvers: single-flight, one pass only ------------------------------


class ResolverView:
    """Recursive lookups shared by everything in one pass, then thrown away (no stale cache)."""

    def __init__(self, client: DnsClient, resolvers: list[Server]) -> None:
        self._client = client
        self._resolvers = resolvers
        self._tasks: dict[tuple[str, str], asyncio.Task[Answer]] = {}
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

    async def _query(self, name: str, rdtype: str) -> Answer:
        errors: list[str] = []
        for resolver in self._resolvers:
            answer = await self._client.query(resolver, name, rdtype, recurse=True)
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


# ---- helpers ---------------------------------------------------------------------------------


def is_spf_row(e: Expected) -> bool:
    return e.rdtype == "TXT" and (spf.is_spf(e.value) or "spf" in e.purpose)


def is_dmarc_row(e: Expected) -> bool:
    return e.rdtype == "TXT" and (dmarc.looks_like_dmarc(e.value) or e.purpose == "dmarc")


def is_dkim_txt_row(e: Expected) -> bool:
    return e.rdtype == "TXT" and (e.purpose.startswith("dkim") or "._domainkey." in e.name)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _mx(value: str) -> tuple[int, str]:
    prio, _, host = value.partition(" ")
    return int(prio), normalize_name(host)


@dataclass
class _Check:
    status: str  # ok | missing | wrong | conflict | cname | n/a
    findings: list[Finding] = field(default_factory=list[Finding])
    values: list[str] = field(default_factory=list[str])  # published values of interest


class _Missing:
    """The "missing" verdict for one expected record, built only when it is the verdict."""

    def __init__(self, e: Expected, status: str) -> None:
        self.e, self.status = e, status

    def check(self) -> _Check:
        e = self.e
        message = (
            f"no {e.rdtype} record ({e.purpose}) at {e.name}"
            + (" (the name does not exist)" if self.status == "nxdomain" else "")
            + (
                " (the name has other records but no CNAME)"
                if self.status == "nodata" and e.rdtype == "CNAME"
                else ""
            )
        )
        return _Check(
            "missing", [Finding("error", "record_missing", e.name, message, fix=e.zone_line())]
        )


@functools.lru_cache(maxsize=1024)
def _spf_normalized(text: str) -> str:
    """A pure function of the text (no DNS data): memoised for the repeated comparisons."""
    return spf.parse_spf(text).normalized()


@functools.lru_cache(maxsize=1024)
def _dmarc_normalized(text: str) -> str:
    return dmarc.parse_dmarc(text).normalized()


def check_answer(e: Expected, answer: Answer) -> _Check:
    """Compare one server's answer with the expected record."""
    if answer.status == "error":
        return _Check("n/a")
    chain, records = answer.chase()
    if e.rdtype != "CNAME" and chain:
        return _Check(
            "cname",
            [
                Finding(
                    "error",
                    "cname_conflict",
                    e.name,
                    f"{e.name} is a CNAME to {chain[0]}: a name with a CNAME can hold no other "
                    f"data, so the {e.rdtype} record ({e.purpose}) cannot be published there",
                    fix=f"delete the CNAME at {e.name}, then add: {e.zone_line()}",
                )
            ],
        )
    missing = _Missing(e, answer.status)
    if e.rdtype == "CNAME":
        targets = [rdata_name(r) for r in records]
        if not targets:
            return missing.check()
        if e.value in targets:
            return _Check("ok", values=targets)
        return _Check(
            "wrong",
            [
                Finding(
                    "error",
                    "record_wrong",
                    e.name,
                    f"CNAME ({e.purpose}) points to {targets[0]}, expected {e.value}",
                    fix=e.zone_line(),
                )
            ],
            targets,
        )
    if e.rdtype == "MX":
        published = [(rdata_int(r), rdata_name(r)) for r in records]
        if not published:
            return missing.check()
        prio, host = _mx(e.value)
        shown = ", ".join(f"{p} {h}" for p, h in sorted(published))
        if (prio, host) in published:
            extra = [x for x in published if x != (prio, host)]
            if not extra:
                return _Check("ok")
            return _Check(
                "ok",
                [
                    Finding(
                        "warning",
                        "mx_extra",
                        e.name,
                        f"other MX records beside {prio} {host}: "
                        + ", ".join(f"{p} {h}" for p, h in sorted(extra))
                        + " (bounces may not reach SES)",
                    )
                ],
            )
        hosts = {h for _, h in published}
        if host in hosts:
            return _Check(
                "wrong",
                [
                    Finding(
                        "error",
                        "mx_wrong_priority",
                        e.name,
                        f"MX {host} has priority {shown}, expected {prio}",
                        fix=e.zone_line(),
                    )
                ],
            )
        return _Check(
            "wrong",
            [
                Finding(
                    "error",
                    "mx_wrong_host",
                    e.name,
                    f"MX points to {shown}, expected {prio} {host}",
                    fix=e.zone_line(),
                )
            ],
        )
    if e.rdtype == "TXT":
        texts = [txt_text(r) for r in records]
        if is_spf_row(e):
            return _check_spf_texts(e, texts, missing)
        if is_dmarc_row(e):
            return _check_dmarc_texts(e, texts, missing)
        if not texts:
            return missing.check()
        if is_dkim_txt_row(e):
            match = _squash(e.value) in [_squash(t) for t in texts]
        else:
            match = e.value in texts
        if match:
            return _Check("ok", values=texts)
        if is_dkim_txt_row(e):
            return _Check(
                "wrong",
                [
                    Finding(
                        "error",
                        "record_wrong",
                        e.name,
                        f"TXT ({e.purpose}) differs from the expected value",
                        fix=e.zone_line(),
                    )
                ],
                texts,
            )
        return missing.check()
    wanted = expected_rdata(e)
    if wanted in [r.to_rdata() for r in records]:
        return _Check("ok")
    if not records:
        return missing.check()
    return _Check(
        "wrong",
        [
            Finding(
                "error",
                "record_wrong",
                e.name,
                f"{e.rdtype} is {', '.join(r.to_text() for r in records)}, expected {e.value}",
                fix=e.zone_line(),
            )
        ],
    )


def _check_spf_texts(e: Expected, texts: list[str], missing: _Missing) -> _Check:
    spfs = [t for t in texts if spf.is_spf(t)]
    if not spfs:
        return missing.check()
    expected_norm = _spf_normalized(e.value)
    match = any(_spf_normalized(t) == expected_norm for t in spfs)
    if len(spfs) > 1:
        return _Check(
            "conflict",
            [
                Finding(
                    "error",
                    "spf_multiple",
                    e.name,
                    f"{len(spfs)} SPF records at {e.name} ({' | '.join(spfs)}): receivers treat "
                    "this as a permanent error; keep exactly one",
                    fix=f"delete the other v=spf1 records, keep: {e.zone_line()}",
                )
            ],
            spfs,
        )
    if match:
        return _Check("ok", values=spfs)
    return _Check(
        "wrong",
        [
            Finding(
                "error",
                "record_wrong",
                e.name,
                f"SPF is '{spfs[0]}', expected '{e.value}'",
                fix=e.zone_line(),
            )
        ],
        spfs,
    )


def _check_dmarc_texts(e: Expected, texts: list[str], missing: _Missing) -> _Check:
    candidates = [t for t in texts if dmarc.looks_like_dmarc(t)]
    if not candidates:
        return missing.check()
    if len(candidates) > 1:
        return _Check(
            "conflict",
            [
                Finding(
                    "error",
                    "dmarc_multiple",
                    e.name,
                    f"{len(candidates)} DMARC records at {e.name}: receivers then apply no policy "
                    "at all (RFC 7489 6.6.3); keep exactly one",
                    fix=f"delete the other v=DMARC1 records, keep: {e.zone_line()}",
                )
            ],
            candidates,
        )
    if _dmarc_normalized(candidates[0]) == _dmarc_normalized(e.value):
        return _Check("ok", values=candidates)
    return _Check(
        "wrong",
        [
            Finding(
                "error",
                "record_wrong",
                e.name,
                f"DMARC is '{candidates[0]}', expected '{e.value}'",
                fix=e.zone_line(),
            )
        ],
        candidates,
    )


def serial_of(answer: Answer) -> tuple[int | None, str | None]:
    """SOA serial and zone from an authoritative SOA answer (answer or authority section)."""
    if answer.soa is None:
        return None, None
    zone, serial = answer.soa
    return serial, zone


# ---- discovery -------------------------------------------------------------------------------


async def discover(
    domain: str, view: ResolverView, port: int
) -> tuple[str | None, list[Server], list[Finding]]:
    """The zone holding ``domain`` and its NS set's addresses, through the resolvers."""
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
                "no_nameservers",
                domain,
                f"the resolver ({view.label}) finds no zone or NS set for {domain}: is the "
                "domain delegated?",
                nameserver=view.label,
                unchecked=ns_answer.status == "error",
            )
        )
        return zone, [], findings
    hosts = sorted({rdata_name(r) for r in ns_records})
    glue: dict[str, list[str]] = {}
    for owner, address in ns_answer.glue:
        glue.setdefault(owner, []).append(address)
    need = [h for h in hosts if h not in glue]
    answers = await asyncio.gather(*(view.query(h, "A") for h in need))
    for host, answer in zip(need, answers, strict=True):
        _, recs = answer.chase()
        if recs:
            glue[host] = [r.to_text() for r in recs]
        else:
            findings.append(
                Finding.could_not_check(
                    domain,
                    host,
                    f"no IPv4 address found for it through {view.label}"
                    + (f" ({answer.error})" if answer.error else ""),
                )
            )
    servers = [Server(addr, port, name=h) for h in hosts for addr in sorted(glue.get(h, []))]
    return zone, servers, findings


# ---- one domain --------------------------------------------------------------------------------


def _prefetch(rows: list[Expected], view: ResolverView) -> None:
    """Start the lookups the expected values imply, alongside the authoritative reads."""
    for e in rows:
        if e.rdtype == "CNAME" and e.purpose.startswith("dkim"):
            view.query(e.value, "TXT")
        elif is_spf_row(e):
            record = spf.parse_spf(e.value)
            if not record.errors:
                view.spf_tree(record, e.name)
        elif is_dmarc_row(e):
            for dest in dmarc.parse_dmarc(e.value).report_domains:
                if dmarc.is_external(dest, e.domain):
                    view.query(dmarc.authorisation_name(e.domain, dest), "TXT")


async def verify_domain(
    domain: str,
    rows: list[Expected],
    opts: Options,
    client: DnsClient,
    view: ResolverView,
    discovered: dict[str, tuple[str | None, list[Server]]],
) -> DomainResult:
    result = DomainResult(domain)
    _prefetch(rows, view)
    servers = opts.nameservers
    if not servers:
        if domain in discovered:
            result.zone, servers = discovered[domain]
        else:
            result.zone, servers, found = await discover(domain, view, opts.ns_port)
            result.findings.extend(found)
            if servers:
                discovered[domain] = (result.zone, servers)
    result.servers = [ServerState(s) for s in servers]
    keys = list(dict.fromkeys((e.name, e.rdtype) for e in rows))

    soa_tasks = [client.query(s, domain, "SOA", recurse=False) for s in servers]
    auth_tasks = [client.query(s, n, t, recurse=False) for s in servers for n, t in keys]
    res_tasks = [client.query(r, n, t, recurse=True) for r in opts.resolvers for n, t in keys]
    answers = await asyncio.gather(*soa_tasks, *auth_tasks, *res_tasks)
    soa_answers = answers[: len(servers)]
    auth = dict(
        zip(
            [(s, k) for s in servers for k in keys],
            answers[len(servers) : len(servers) + len(auth_tasks)],
            strict=True,
        )
    )
    res = dict(
        zip(
            [(r, k) for r in opts.resolvers for k in keys],
            answers[len(servers) + len(auth_tasks) :],
            strict=True,
        )
    )

    # Servers: reachable, authoritative, serials.
    usable: list[Server] = []
    per_server: dict[Server, list[Finding]] = {s: [] for s in servers}
    for state, soa in zip(result.servers, soa_answers, strict=True):
        s = state.server
        failed = [a for k in keys if (a := auth[(s, k)]).status == "error"]
        if soa.status == "error" or failed:
            errors = sorted({a.error for a in [soa, *failed] if a.status == "error"})
            state.status = "could not check"
            per_server[s].append(Finding.could_not_check(domain, s.label, "; ".join(errors)))
            if soa.status == "error":
                continue
        if not soa.authoritative or not all(
            auth[(s, k)].authoritative for k in keys if auth[(s, k)].status != "error"
        ):
            state.status = "not authoritative"
            per_server[s].append(
                Finding(
                    "error",
                    "not_authoritative",
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
        usable.append(s)

    serials = [st.serial for st in result.servers if st.serial is not None]
    top = newest(serials)
    if top is not None:
        for st in result.servers:
            if st.serial is not None and serial_lt(st.serial, top):
                if st.status == "ok":
                    st.status = "behind"
                per_server[st.server].append(
                    Finding(
                        "warning",
                        "serial_behind",
                        result.zone or domain,
                        f"{st.server.label} serves SOA serial {st.serial}, older than {top} on "
                        "another server: the latest zone has not reached it yet",
                        nameserver=st.server.label,
                    )
                )

    # Records on each server.
    published: dict[Expected, dict[str, list[Server]]] = {}
    for e in rows:
        row = RowResult(e)
        result.rows.append(row)
        for s in servers:
            if s not in usable:
                row.servers[s.label] = "n/a"
                continue
            answer = auth[(s, (e.name, e.rdtype))]
            check = check_answer(e, answer)
            row.servers[s.label] = check.status
            per_server[s].extend(check.findings)
            for value in check.values:
                published.setdefault(e, {}).setdefault(value, []).append(s)
        for r in opts.resolvers:
            answer = res[(r, (e.name, e.rdtype))]
            if answer.status == "error":
                row.resolvers[r.label] = f"n/a ({answer.error})"
            else:
                row.resolvers[r.label] = check_answer(e, answer).status
    result.findings.extend(_merge(per_server, len(servers)))

    # What the published values need from elsewhere (keys, include trees, report auth).
    analyses: list[Coroutine[Any, Any, list[Finding]]] = []
    for e, values in published.items():
        for value, where in values.items():
            ns_label = _servers_label(where, len(servers))
            if e.rdtype == "CNAME" and e.purpose.startswith("dkim"):
                analyses.append(_dkim_target(e, value, ns_label, view))
            elif is_dkim_txt_row(e):
                analyses.append(_async(_dkim_findings(e, e.name, value, ns_label, view.label)))
            elif is_spf_row(e):
                analyses.append(_spf_findings(e, value, ns_label, view))
            elif is_dmarc_row(e):
                analyses.append(_dmarc_findings(e, value, ns_label, view))
    for found in await asyncio.gather(*analyses):
        result.findings.extend(found)
    result.findings = _dedupe(result.findings)
    return result


async def _async(value: list[Finding]) -> list[Finding]:
    return value


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


async def _dkim_target(
    e: Expected, target: str, ns_label: str | None, view: ResolverView
) -> list[Finding]:
    answer = await view.query(target, "TXT")
    where = f"{e.name} -> {target}"
    if answer.status == "error":
        return [
            Finding.could_not_check(
                e.name, view.label, f"the DKIM key at {target} ({answer.error})"
            )
        ]
    _, records = answer.chase()
    texts = [txt_text(r) for r in records]
    keys = [t for t in texts if "p=" in t]
    if not keys:
        return [
            Finding(
                "error",
                "dkim_key_missing",
                e.name,
                f"{where}: no DKIM key record at {target} through {view.label} "
                "(wrong token or region, or SES has not published it)",
                nameserver=ns_label,
            )
        ]
    found: list[Finding] = []
    for text in keys:
        found.extend(_dkim_findings(e, target, text, ns_label, view.label))
    return found


def _dkim_findings(
    e: Expected, key_name: str, text: str, ns_label: str | None, via: str
) -> list[Finding]:
    key = dkim.parse_dkim_key(text)
    where = f"DKIM key at {key_name}" + (f" (via {via})" if key_name != e.name else "")
    byodkim = e.rdtype == "TXT"
    fix = e.zone_line() if byodkim else None
    found: list[Finding] = []
    for err in key.errors:
        if key.revoked:
            code = "dkim_key_revoked"
        elif key.bits is not None and key.bits < dkim.MIN_BITS:
            code = "dkim_key_weak"
        else:
            code = "dkim_key_invalid"
        found.append(Finding("error", code, e.name, f"{where}: {err}", ns_label, fix))
    for warn in key.warnings:
        code = "dkim_key_short" if key.bits is not None else "dkim_key_warning"
        found.append(Finding("warning", code, e.name, f"{where}: {warn}", ns_label))
    return found


async def _spf_findings(
    e: Expected, text: str, ns_label: str | None, view: ResolverView
) -> list[Finding]:
    record = spf.parse_spf(text)
    found: list[Finding] = []
    fix = e.zone_line()
    for err in record.errors:
        found.append(Finding("error", "spf_syntax", e.name, f"SPF: {err}", ns_label, fix))
    for warn in record.warnings:
        found.append(Finding("warning", "spf_warning", e.name, f"SPF: {warn}", ns_label))
    evaluation = await view.spf_tree(record, e.name)
    for code, err in evaluation.errors:
        found.append(Finding("error", code, e.name, f"SPF: {err}", ns_label, fix))
    for warn in evaluation.warnings:
        found.append(Finding("warning", "spf_warning", e.name, f"SPF: {warn}", ns_label))
    for what in evaluation.unchecked:
        found.append(Finding.could_not_check(e.name, view.label, f"SPF lookup of {what}"))
    tree = {*(i for i in record.includes()), *evaluation.visited}
    if "amazonses.com" not in tree and not record.errors:
        found.append(
            Finding(
                "error",
                "spf_no_amazonses",
                e.name,
                "SPF does not include amazonses.com: mail sent through SES fails SPF",
                ns_label,
                fix,
            )
        )
    return found


async def _dmarc_findings(
    e: Expected, text: str, ns_label: str | None, view: ResolverView
) -> list[Finding]:
    record = dmarc.parse_dmarc(text)
    found: list[Finding] = []
    fix = e.zone_line() if not dmarc.parse_dmarc(e.value).errors else None
    for err in record.errors:
        code = "dmarc_no_policy" if "'p'" in err else "dmarc_syntax"
        found.append(Finding("error", code, e.name, f"DMARC: {err}", ns_label, fix))
    for warn in record.warnings:
        found.append(Finding("warning", "dmarc_warning", e.name, f"DMARC: {warn}", ns_label))
    external = [d for d in record.report_domains if dmarc.is_external(d, e.domain)]
    names = [dmarc.authorisation_name(e.domain, d) for d in external]
    answers = await asyncio.gather(*(view.query(n, "TXT") for n in names))
    for dest, name, answer in zip(external, names, answers, strict=True):
        if answer.status == "error":
            found.append(
                Finding.could_not_check(
                    e.name, view.label, f"DMARC report authorisation {name} ({answer.error})"
                )
            )
            continue
        _, records = answer.chase()
        if not any(dmarc.is_dmarc(txt_text(r)) for r in records):
            found.append(
                Finding(
                    "warning",
                    "dmarc_rua_unauthorised",
                    e.name,
                    f"DMARC reports go to {dest}, which does not authorise them: receivers drop "
                    f'the reports unless {name} publishes TXT "v=DMARC1" (RFC 7489 7.1)',
                    ns_label,
                    f'{name}. IN TXT "v=DMARC1"',
                )
            )
    return found


# ---- passes and the wait loop -----------------------------------------------------------------


async def verify_pass(
    domains: dict[str, list[Expected]],
    opts: Options,
    client: DnsClient,
    discovered: dict[str, tuple[str | None, list[Server]]],
) -> dict[str, DomainResult]:
    view = ResolverView(client, opts.resolvers)
    try:
        results = await asyncio.gather(
            *(verify_domain(d, rows, opts, client, view, discovered) for d, rows in domains.items())
        )
    finally:
        await view.close()
    return {r.domain: r for r in results}


async def poll_serials(
    results: dict[str, DomainResult], names: list[str], client: DnsClient
) -> dict[str, tuple[tuple[str, int | None, bool], ...]]:
    """One SOA query per server of each named domain: a cheap fingerprint of the zones' state."""
    jobs: list[tuple[str, Server]] = [(d, st.server) for d in names for st in results[d].servers]
    answers = await asyncio.gather(*(client.query(s, d, "SOA", recurse=False) for d, s in jobs))
    out: dict[str, list[tuple[str, int | None, bool]]] = {d: [] for d in names}
    for (d, s), answer in zip(jobs, answers, strict=True):
        serial, _ = serial_of(answer) if answer.status != "error" else (None, None)
        out[d].append((s.label, serial, answer.status == "error"))
    return {d: tuple(v) for d, v in out.items()}


def fingerprint(result: DomainResult) -> tuple[tuple[str, int | None, bool], ...]:
    return tuple(
        (st.server.label, st.serial, st.status == "could not check") for st in result.servers
    )


@dataclass
class RunResult:
    domains: list[DomainResult]
    passes: int
    polls: int


async def run(
    domains: dict[str, list[Expected]],
    opts: Options,
    client: DnsClient,
    *,
    wait: float = 0.0,
    strict: bool = False,
    poll_interval: float = 0.2,
    full_interval: float = 2.0,
    progress: Callable[[str], None] | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> RunResult:
    """Verify; with ``wait`` > 0, poll until every domain passes or the time is up.

    Between full passes only SOA serials are polled (every ``poll_interval`` seconds); a domain
    is verified again as soon as a serial or a server's reachability changes, and at least every
    ``full_interval`` seconds (backing off) for what serials cannot show (resolver-side data).
    """
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    pause = sleep or asyncio.sleep
    start = now()
    discovered: dict[str, tuple[str | None, list[Server]]] = {}
    results = await verify_pass(domains, opts, client, discovered)
    passes, polls = 1, 0
    deadline = start + max(0.0, wait)
    last_full = {d: now() for d in results}
    interval = dict.fromkeys(results, full_interval)
    last_message = ""
    while True:
        pending = [d for d, r in results.items() if not r.passing(strict)]
        if not pending or now() >= deadline:
            break
        message = _pending_message(results, pending, deadline - now())
        if progress is not None and message != last_message:
            progress(message)
            last_message = message
        await pause(max(0.0, min(poll_interval, deadline - now())))
        if now() >= deadline:
            break
        polls += 1
        fingerprints = await poll_serials(results, pending, client)
        again = [
            d
            for d in pending
            if fingerprints[d] != fingerprint(results[d])
            or not results[d].servers
            or now() - last_full[d] >= interval[d]
        ]
        if not again:
            continue
        fresh = await verify_pass({d: domains[d] for d in again}, opts, client, discovered)
        passes += 1
        for d, r in fresh.items():
            if fingerprint(r) == fingerprint(results[d]):
                interval[d] = min(interval[d] * 1.5, 10.0)
            results[d] = r
            last_full[d] = now()
    return RunResult([results[d] for d in domains], passes, polls)


def _pending_message(results: dict[str, DomainResult], pending: list[str], left: float) -> str:
    parts: list[str] = []
    for d in pending[:5]:
        r = results[d]
        rows = [
            f"{row.expected.rdtype} {row.expected.name}"
            for row in r.rows
            if any(v != "ok" for v in row.servers.values())
        ]
        servers = [
            f"{st.server.label}: {st.status}" + (f" (serial {st.serial})" if st.serial else "")
            for st in r.servers
            if st.status != "ok"
        ]
        detail = "; ".join(
            x
            for x in (
                ", ".join(servers),
                f"{len(rows)} record(s) not yet right" if rows else "",
                f"{len(r.findings)} finding(s)" if not rows and not servers else "",
            )
            if x
        )
        parts.append(f"{d} [{detail}]")
    more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
    return f"waiting ({left:.1f} s left): pending {', '.join(parts)}{more}"
