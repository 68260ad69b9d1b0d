"""Exit status, the JSON document (contract 3) and the human report of ``checks verify``."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any, cast

from ..dns.client import Stats
from ..exit_status import ExitStatus
from .findings import DomainResult, Finding

if TYPE_CHECKING:  # the mailbox-provider rules (and the SMTP and config models they need) are
    # imported only when a report has them: a third of the imports of a plain run
    from .readiness import RuleResult


@dataclass
class Report:
    domains: list[DomainResult]
    stats: Stats
    elapsed: float
    passes: int = 1
    polls: int = 0
    strict: bool = False
    account: dict[str, dict[str, Any] | None] | None = None
    account_findings: list[Finding] | None = None
    endpoints: dict[str, dict[str, Any] | None] | None = None
    """With ``--aws``: each global endpoint's id, status and routes (``None``: not read)."""
    readiness: dict[str, list[RuleResult]] | None = None
    """With ``--mailbox-providers``: each domain's rules and their verdicts."""

    def unmet(self, domain: str | None = None) -> bool:
        """A mailbox-provider rule not met (for ``domain``, or any)."""
        found = self.readiness
        if not found:
            return False
        from .readiness import Status

        return any(
            r.status is Status.NOT_MET
            for d, results in found.items()
            if domain is None or d == domain
            for r in results
        )

    def all_findings(self) -> list[Finding]:
        found = [f for d in self.domains for f in d.findings]
        return found + list(self.account_findings or [])

    def exit_status(self) -> ExitStatus:
        found = self.all_findings()
        if any(f.severity == "error" and not f.unchecked for f in found):
            return ExitStatus.FOUND_PROBLEMS
        if self.strict and (any(f.severity == "warning" for f in found) or self.unmet()):
            return ExitStatus.FOUND_PROBLEMS
        if any(f.unchecked for f in found):
            return ExitStatus.UNCHECKED
        return ExitStatus.OK


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "severity": f.severity,
        "code": f.code,
        "name": f.name,
        "nameserver": f.nameserver,
        "message": f.message,
        "fix": f.fix,
        "unchecked": f.unchecked,
        "family": f.family,
    }


def to_json(report: Report) -> dict[str, Any]:
    status = report.exit_status()
    found = report.all_findings()
    doc: dict[str, Any] = {
        "ok": status == ExitStatus.OK,
        "exit_status": status,
        "strict": report.strict,
        "summary": {
            "domains": len(report.domains),
            "domains_ok": sum(1 for d in report.domains if d.ok),
            "errors": sum(1 for f in found if f.severity == "error" and not f.unchecked),
            "warnings": sum(1 for f in found if f.severity == "warning"),
            "unchecked": sum(1 for f in found if f.unchecked),
        },
        "stats": {
            "queries": report.stats.queries,
            "udp": report.stats.udp,
            "tcp": report.stats.tcp,
            "retries": report.stats.retries,
            "truncated": report.stats.truncated,
            "timeouts": report.stats.timeouts,
            "passes": report.passes,
            "polls": report.polls,
            "elapsed_seconds": round(report.elapsed, 4),
            "cpu_seconds": round(report.stats.cpu_seconds, 4),
        },
        "domains": [domain_json(d) for d in report.domains],
    }
    if report.readiness is not None:
        from .readiness import counts

        doc["mailbox_providers"] = counts(report.readiness)
        for d, entry in zip(report.domains, doc["domains"], strict=True):
            entry["mailbox_providers"] = [rule_json(r) for r in report.readiness[d.domain]]
    if report.endpoints:
        doc["global_endpoints"] = report.endpoints
    if report.account is not None or report.account_findings:
        doc["account"] = {
            **(report.account or {}),
            "findings": [finding_json(f) for f in report.account_findings or []],
        }
    return doc


def domain_json(d: DomainResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "domain": d.domain,
        "ok": d.ok,
        "zone": d.zone,
        "nameservers": [
            {
                "label": st.server.label,
                "name": st.server.name,
                "address": st.server.host,
                "family": st.server.family,
                "port": st.server.port,
                "serial": st.serial,
                "status": st.status,
            }
            for st in d.servers
        ],
        "records": [
            {
                "name": r.expected.name,
                "type": r.expected.rdtype,
                "value": r.expected.value,
                "purpose": r.expected.purpose,
                "servers": r.servers,
                "resolvers": r.resolvers,
            }
            for r in d.rows
        ],
        "findings": [finding_json(f) for f in d.findings],
    }
    if d.ses is not None:
        out["ses"] = d.ses
    return out


# ---- human output ------------------------------------------------------------------------------


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def _severity(f: Finding) -> str:
    if f.unchecked:
        return "UNCHECKED"
    return "ERROR" if f.severity == "error" else "WARNING"


def render_findings(findings: list[Finding], indent: str = "  ") -> list[str]:
    lines: list[str] = []
    order = {"ERROR": 0, "UNCHECKED": 1, "WARNING": 2}
    for f in sorted(findings, key=lambda f: order[_severity(f)]):
        where = f" [on {f.nameserver}]" if f.nameserver else " [on every server]"
        lines.append(f"{indent}{_severity(f):<9} {f.code}: {f.name}{where}")
        lines.append(f"{indent}          {f.message}")
        if f.fix:
            lines.append(f"{indent}          fix: {f.fix}")
    return lines


def domain_state(d: DomainResult, strict: bool, unmet: bool = False) -> str:
    """The domain's header word, by the rules of the exit status (so the two always agree);
    ``unmet``: a mailbox-provider rule is not met for it."""
    if any(f.severity == "error" and not f.unchecked for f in d.findings):
        return "FAIL"
    warned = any(f.severity == "warning" for f in d.findings)
    if strict and warned:
        return "FAIL (warnings, --strict)"
    if strict and unmet:
        return "FAIL (mailbox providers, --strict)"
    if any(f.unchecked for f in d.findings):
        return "INCOMPLETE"
    return "OK (with warnings)" if warned else "OK"


def _resolver_cell(status: str) -> str:
    """A resolver column's cell: the reason of an ``n/a`` goes to the legend, not the table."""
    return "n/a" if status.startswith("n/a") else _cut(status, 16)


def _resolver_reasons(d: DomainResult, label: str) -> list[str]:
    reasons = [r.resolvers.get(label, "") for r in d.rows]
    found = [x.removeprefix("n/a (").removesuffix(")") for x in reasons if x.startswith("n/a (")]
    return list(dict.fromkeys(found))


def render_human(report: Report) -> str:
    lines: list[str] = []
    resolvers: list[str] = []
    for d in report.domains:
        for r in d.rows:
            for label in r.resolvers:
                if label not in resolvers:
                    resolvers.append(label)
    for d in report.domains:
        state = domain_state(d, report.strict, report.unmet(d.domain))
        lines.append(f"{d.domain}: {state}" + (f"  (zone {d.zone})" if d.zone else ""))
        short = {st.server.label: f"ns{i + 1}" for i, st in enumerate(d.servers)}
        for st in d.servers:
            serial = f"serial {st.serial}" if st.serial is not None else "no serial"
            lines.append(f"  {short[st.server.label]} = {st.server.label}: {serial}, {st.status}")
        rshort = {label: f"res{i + 1}" for i, label in enumerate(resolvers)}
        for label in resolvers:
            reasons = _resolver_reasons(d, label)
            why = f"; could not check: {'; '.join(reasons)}" if reasons else ""
            lines.append(f"  {rshort[label]} = {label} (resolver; propagation info only{why})")
        header = ["record", "type", "expected", *short.values(), *rshort.values()]
        rows: list[list[str]] = []
        for r in d.rows:
            rows.append(
                [
                    r.expected.name,
                    r.expected.rdtype,
                    _cut(r.expected.value, 44),
                    *(r.servers.get(label, "-") for label in short),
                    *(_resolver_cell(r.resolvers.get(label, "-")) for label in rshort),
                ]
            )
        if rows:
            lines.extend(_table(header, rows))
        if d.findings:
            lines.append("  findings:")
            lines.extend(render_findings(d.findings, "    "))
        if d.ses is not None:
            lines.append("  SES: " + ", ".join(f"{k} {v}" for k, v in d.ses.items()))
        if report.readiness is not None:
            lines.extend(render_readiness(report.readiness[d.domain]))
        lines.append("")
    for name, info in sorted((report.endpoints or {}).items()):
        detail = ", ".join(f"{k} {v}" for k, v in info.items()) if info else "could not be read"
        lines.append(f"SES global endpoint {name}: {detail}")
    for region, info in sorted((report.account or {}).items()):
        shown = {k: v for k, v in (info or {}).items() if v is not None}
        detail = ", ".join(f"{k} {v}" for k, v in shown.items()) if info else "could not be read"
        lines.append(f"SES account ({region}): {detail}")
    if report.account_findings:
        lines.append("SES account findings:")
        lines.extend(render_findings(report.account_findings, "    "))
    if report.account or report.account_findings:
        lines.append("")
    found = report.all_findings()
    errors = sum(1 for f in found if f.severity == "error" and not f.unchecked)
    warnings = sum(1 for f in found if f.severity == "warning")
    unchecked = sum(1 for f in found if f.unchecked)
    status = report.exit_status()
    verdict = {
        ExitStatus.OK: "PASS",
        ExitStatus.FOUND_PROBLEMS: "FAIL",
        ExitStatus.UNCHECKED: "INCOMPLETE",
    }[status]
    ok_domains = sum(1 for d in report.domains if d.ok)
    lines.append(
        f"{verdict}: {len(report.domains)} domain(s), {ok_domains} ok; {errors} error(s), "
        f"{warnings} warning(s), {unchecked} unchecked; {report.stats.queries} queries in "
        f"{report.elapsed:.2f} s (exit status {status})"
    )
    if report.readiness is not None:
        from .readiness import counts

        tally = counts(report.readiness)
        lines.append(
            f"mailbox providers: {tally['met']} met, {tally['not_met']} not met, "
            f"{tally['cannot_tell']} cannot tell"
            + (" (not met fails with --strict)" if not report.strict else "")
        )
    return "\n".join(lines)


def json_text(doc: Any) -> str:
    """``json.dumps(doc, indent=2)``, character for character, several times faster.

    The standard library indents only in pure Python, through a generator per nesting level
    (every piece of text passes each level): for a thousand domains that was a tenth of the
    run's CPU. Here each value is written once into one list, and the keys of each shape of
    object (the same keys at the same depth: every record's, every server's) are written once;
    an object of strings alone (a record's servers and resolvers) is one ``%`` of a template.
    Anything but JSON's own types (and ``str``/``int`` subclasses such as the enums, written
    as ``json`` writes them) goes through ``json.dumps`` itself.
    """
    out: list[str] = []
    try:
        _write(doc, out, "\n", {})
    except _Unusual:
        return json.dumps(doc, indent=2)
    return "".join(out)


class _Unusual(Exception):
    """A value or key ``_write`` leaves to ``json.dumps``."""


class _Shape:
    """The keys of objects at one depth, written: what precedes each value, and a template of
    the whole object whose values are all strings (``strings``: until one is not)."""

    def __init__(self, keys: tuple[str, ...], newline: str) -> None:
        inner = newline + "  "
        self.prefixes = [
            f"{',' if i else '{'}{inner}{encode_basestring_ascii(k)}: " for i, k in enumerate(keys)
        ]
        self.template = "%s".join([*(p.replace("%", "%%") for p in self.prefixes), newline + "}"])
        self.strings = True


def _write(value: Any, out: list[str], newline: str, shapes: dict[Any, _Shape]) -> None:
    kind = cast("type[object]", type(value))
    if kind is dict:
        items = cast("dict[Any, Any]", value)
        if not items:
            out.append("{}")
            return
        keys = tuple(items)
        shape = shapes.get((keys, newline))
        if shape is None:
            if not all(type(k) is str for k in keys):
                raise _Unusual
            shape = shapes[keys, newline] = _Shape(keys, newline)
        if shape.strings:
            try:
                out.append(shape.template % tuple(map(encode_basestring_ascii, items.values())))
                return
            except TypeError:  # a value that is not a string: this shape is written in full
                shape.strings = False
        inner = newline + "  "
        for prefix, item in zip(shape.prefixes, items.values(), strict=True):
            if type(item) is str:
                out.append(prefix + encode_basestring_ascii(item))
            else:
                out.append(prefix)
                _write(item, out, inner, shapes)
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        elements = cast("list[Any]", value)
        if not elements:
            out.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for element in elements:
            if type(element) is str:
                out.append(sep + encode_basestring_ascii(element))
            else:
                out.append(sep)
                _write(element, out, inner, shapes)
            sep = "," + inner
        out.append(newline + "]")
    elif isinstance(value, str):
        out.append(encode_basestring_ascii(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float) and math.isfinite(value):
        out.append(float.__repr__(value))
    else:  # NaN, infinities, subclasses of dict and list, and anything else: json.dumps decides
        raise _Unusual


def rule_json(result: RuleResult) -> dict[str, Any]:
    """One rule's verdict as ``mailbox_providers[i]`` of the JSON report."""
    return {
        "rule": result.rule.value,
        "status": result.status.value,
        "providers": list(result.rule.providers),
        "requirement": result.rule.requirement,
        "detail": result.detail,
        "sources": list(result.rule.sources),
    }


def render_readiness(results: list[RuleResult]) -> list[str]:
    """The human report's block for one domain."""
    lines = ["  mailbox providers (Gmail, Yahoo, Outlook.com):"]
    width = max(len(r.rule.value) for r in results)
    for r in results:
        lines.append(f"    {r.rule.value:<{width}}  {r.status.label:<11}  {r.detail}")
    return lines
