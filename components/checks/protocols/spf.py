"""SPF (RFC 7208): a parser that never raises, and the lookup-limit evaluation of a record tree.

``parse_spf`` checks syntax only. ``evaluate_spf`` walks the include/redirect tree through a
caller-supplied async lookup function, counting DNS-lookup terms (limit 10) and void lookups
(limit 2), as RFC 7208 section 4.6.4 requires of a receiver. ``spf_findings`` turns both into
the findings about a published record.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..verify.expected import Expected
from ..verify.findings import Finding, FindingCode
from .resolver import Resolver
from .spf_macros import check_domain_spec, check_macro_string, split_dual_cidr, valid_cidr

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MX_LIMIT = 10
# Bound the tree walk whatever the records say (cycles, huge records): beyond the limit the
# record is already a permerror, so there is nothing more to learn.
_MAX_NODES = 40

MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})
_TERM_TYPES = {"include": "TXT", "redirect": "TXT", "mx": "MX"}  # "a", "exists": A
_QUALIFIERS = "+-?~"
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9\-_.]*$")


def is_spf(text: str) -> bool:
    """True when a TXT record is an SPF record (``v=spf1`` followed by a space or nothing)."""
    head = text[:7].lower()  # not the whole text: DKIM keys are TXT records of 400 characters
    return head == "v=spf1 " or (head == "v=spf1" and len(text) == 6)


@dataclass(frozen=True)
class Term:
    kind: Literal["mechanism", "modifier"]
    name: str  # lowercased mechanism or modifier name
    qualifier: str  # "+", "-", "?", "~" ("" for modifiers)
    domain: str | None  # domain-spec for include/a/mx/ptr/exists/redirect/exp, None when absent
    text: str  # the term as written

    @property
    def has_macro(self) -> bool:
        return self.domain is not None and "%" in self.domain


@dataclass
class SpfRecord:
    text: str
    terms: list[Term] = field(default_factory=list[Term])
    errors: list[str] = field(default_factory=list[str])
    warnings: list[str] = field(default_factory=list[str])
    allows_all: bool = False
    """A '+all' (or bare 'all'): valid SPF that lets any host send for the domain."""

    def includes(self) -> list[str]:
        return [
            t.domain.lower().rstrip(".") for t in self.terms if t.name == "include" and t.domain
        ]

    def redirect(self) -> str | None:
        for t in self.terms:
            if t.name == "redirect" and t.domain:
                return t.domain.lower().rstrip(".")
        return None

    def normalized(self) -> str:
        """The record with whitespace collapsed and names lowercased, for comparisons."""
        parts = ["v=spf1"]
        for t in self.terms:
            parts.append(t.text.lower())
        return " ".join(parts)


def _domain_ok(word: str, spec: str, record: SpfRecord) -> bool:
    """Check ``spec`` as a domain-spec, recording what is wrong or questionable about it."""
    check = check_domain_spec(spec)
    if check.error:
        record.errors.append(f"'{word}': {check.error}")
        return False
    if check.warning:
        record.warnings.append(f"'{word}': {check.warning}")
    return True


def _parse_term(word: str, record: SpfRecord) -> Term | None:
    qualifier = ""
    body = word
    if body and body[0] in _QUALIFIERS:
        qualifier, body = body[0], body[1:]
    # A modifier is name=value where name is not a mechanism followed by ':' or '/'.
    eq = body.find("=")
    colon = body.find(":")
    slash = body.find("/")
    seps = [i for i in (colon, slash) if i >= 0]
    first_sep = min(seps) if seps else -1
    if eq > 0 and (first_sep < 0 or eq < first_sep):
        name, value = body[:eq], body[eq + 1 :]
        if qualifier:
            record.errors.append(f"'{word}': a modifier takes no qualifier")
            return None
        if not _NAME_RE.match(name):
            record.errors.append(f"'{word}': invalid modifier name")
            return None
        lname = name.lower()
        if lname in ("redirect", "exp"):
            if not _domain_ok(word, value, record):
                return None
            return Term("modifier", lname, "", value, word)
        if lname in MECHANISMS:
            record.errors.append(f"'{word}': '{name}' is a mechanism, not a modifier")
            return None
        # unknown-modifier = name "=" macro-string (RFC 7208 6): ignored, but still checked.
        problem = check_macro_string(value)
        if problem:
            record.errors.append(f"'{word}': {problem}")
            return None
        return Term("modifier", lname, "", value, word)

    if first_sep >= 0:
        name, rest = body[:first_sep], body[first_sep:]
    else:
        name, rest = body, ""
    lname = name.lower()
    if lname not in MECHANISMS:
        record.errors.append(f"'{word}': unknown mechanism '{name}'")
        return None
    qual = qualifier or "+"
    if lname == "all":
        if rest:
            record.errors.append(f"'{word}': 'all' takes no argument")
            return None
        return Term("mechanism", "all", qual, None, word)
    if lname in ("include", "exists"):
        if not rest.startswith(":"):
            record.errors.append(f"'{word}': '{lname}' needs ':<domain>'")
            return None
        if not _domain_ok(word, rest[1:], record):
            return None
        return Term("mechanism", lname, qual, rest[1:], word)
    if lname in ("ip4", "ip6"):
        if not rest.startswith(":"):
            record.errors.append(f"'{word}': '{lname}' needs ':<network>'")
            return None
        net = rest[1:]
        addr, _, cidr = net.partition("/")
        try:
            if lname == "ip4":
                ipaddress.IPv4Address(addr)
            else:
                ipaddress.IPv6Address(addr)
        except ValueError:
            record.errors.append(f"'{word}': invalid {lname} address '{addr}'")
            return None
        if "/" in net and not valid_cidr(cidr, 32 if lname == "ip4" else 128):
            record.errors.append(f"'{word}': invalid prefix length '/{cidr}'")
            return None
        return Term("mechanism", lname, qual, None, word)
    # a, mx, ptr: optional ':domain', then (a, mx) an optional dual cidr length.
    domain: str | None = None
    v4: str | None = None
    v6: str | None = None
    if lname == "ptr":
        if rest and not rest.startswith(":"):
            record.errors.append(f"'{word}': 'ptr' takes only ':<domain>'")
            return None
        domain = rest[1:] if rest else None
    else:
        head, v4, v6 = split_dual_cidr(rest)
        if head and not head.startswith(":"):
            record.errors.append(f"'{word}': '{head}' is neither ':<domain>' nor a prefix length")
            return None
        domain = head[1:] if head else None
    if domain is not None and not _domain_ok(word, domain, record):
        return None
    for length, maximum in ((v4, 32), (v6, 128)):
        if length is not None and not valid_cidr(length, maximum):
            record.errors.append(f"'{word}': invalid prefix length '/{length}'")
            return None
    return Term("mechanism", lname, qual, domain, word)


@functools.lru_cache(maxsize=4096)
def parse_spf(text: str) -> SpfRecord:
    """Parse one SPF record (the TXT strings already joined). Never raises. Memoised (a pure
    function: what every domain includes is parsed once); the records are shared, never changed."""
    record = SpfRecord(text=text)
    if not is_spf(text):
        record.errors.append("does not start with 'v=spf1'")
        return record
    if not (text.isascii() and text.isprintable()):  # 0x20 to 0x7E only
        record.errors.append("contains characters outside printable ASCII")
    words = text.split(" ")[1:]
    seen_modifiers: set[str] = set()
    saw_all = False
    for word in words:
        if not word:
            continue  # runs of spaces are allowed
        term = _parse_term(word, record)
        if term is None:
            continue
        if term.kind == "modifier" and term.name in ("redirect", "exp"):
            if term.name in seen_modifiers:
                record.errors.append(f"'{term.name}=' appears more than once")
                continue
            seen_modifiers.add(term.name)
        if saw_all and term.kind == "mechanism":
            record.warnings.append(f"'{word}' comes after 'all' and is never evaluated")
        if term.name == "all":
            saw_all = True
            record.allows_all = record.allows_all or term.qualifier == "+"
        if term.name == "ptr":
            record.warnings.append("'ptr' is deprecated (RFC 7208 5.5) and slow; avoid it")
        record.terms.append(term)
    if saw_all and "redirect" in seen_modifiers:
        record.warnings.append("'redirect=' is ignored because the record has an 'all' mechanism")
    return record


# ---- evaluation of the include/redirect tree ---------------------------------------------------


@dataclass(frozen=True)
class TxtLookup:
    """What the lookup function reports for one name."""

    status: Literal["ok", "nxdomain", "nodata", "error"]
    texts: tuple[str, ...] = ()
    error: str = ""


LookupFn = Callable[[str, str], Awaitable[TxtLookup]]
"""``lookup(name, rdtype)`` returning the answer through the resolver (texts: rdata text)."""


@dataclass
class SpfEvaluation:
    lookups: int = 0
    void_lookups: int = 0
    errors: list[tuple[FindingCode, str]] = field(default_factory=list[tuple[FindingCode, str]])
    warnings: list[str] = field(default_factory=list[str])
    unchecked: list[str] = field(default_factory=list[str])  # lookups that failed (not errors)
    visited: list[str] = field(default_factory=list[str])


async def evaluate_spf(record: SpfRecord, domain: str, lookup: LookupFn) -> SpfEvaluation:
    """Count lookups and void lookups across the whole tree below ``record``.

    The tree is walked level by level and all lookups of one level are issued together.
    """
    ev = SpfEvaluation()
    # Each frontier entry: (record, the domain it was published at, path for messages)
    frontier: list[tuple[SpfRecord, str, str]] = [(record, domain, domain)]
    # (kind, the term as written, target, path): a level's lookups; MX hosts come a level later.
    hosts: list[tuple[str, str, str, str]] = []
    nodes = 0
    while (frontier or hosts) and nodes < _MAX_NODES:
        jobs, hosts = hosts, []
        for rec, dom, path in frontier:
            nodes += 1
            for term in rec.terms:
                if term.name not in LOOKUP_TERMS:
                    continue
                if term.name == "redirect" and any(t.name == "all" for t in rec.terms):
                    continue
                ev.lookups += 1
                if term.has_macro:
                    ev.warnings.append(
                        f"'{term.text}' in {path} uses macros; its target is not checked"
                    )
                    continue
                target = (term.domain or dom).lower().rstrip(".")
                jobs.append((term.name, term.text, target, path))
        if ev.lookups > LOOKUP_LIMIT:
            break
        results = await asyncio.gather(
            *(_lookup_term(kind, target, lookup) for kind, _, target, _ in jobs)
        )
        next_frontier: list[tuple[SpfRecord, str, str]] = []
        for (kind, text, target, path), result in zip(jobs, results, strict=True):
            if result.status == "error":
                ev.unchecked.append(f"{target} ({kind}): {result.error}")
                continue
            if result.status in ("nxdomain", "nodata"):
                ev.void_lookups += 1
            if kind == "mx":
                hosts += _mx_hosts(ev, text, target, path, result.texts)
            if kind not in ("include", "redirect"):
                continue
            spfs = [t for t in result.texts if is_spf(t)]
            where = f"{path} -> {target}"
            if not spfs:
                ev.errors.append(
                    (
                        FindingCode.SPF_INCLUDE_ERROR,
                        f"'{text}' in {path}: {target} publishes no SPF record (permerror)",
                    )
                )
                continue
            if len(spfs) > 1:
                ev.errors.append(
                    (FindingCode.SPF_INCLUDE_ERROR, f"{where}: {len(spfs)} SPF records")
                )
                continue
            child = parse_spf(spfs[0])
            for err in child.errors:
                ev.errors.append((FindingCode.SPF_INCLUDE_ERROR, f"{where}: {err}"))
            if child.allows_all:
                message = f"{where}: '+all' (or bare 'all') lets any host pass through it"
                ev.errors.append((FindingCode.SPF_ALLOWS_ALL, message))
            ev.visited.append(target)
            next_frontier.append((child, target, where))
        frontier = next_frontier
    if ev.lookups > LOOKUP_LIMIT:
        ev.errors.append(
            (
                FindingCode.SPF_TOO_MANY_LOOKUPS,
                f"more than {LOOKUP_LIMIT} DNS-lookup terms across the include/redirect tree "
                f"(at least {ev.lookups}; permerror)",
            )
        )
    if ev.void_lookups > VOID_LIMIT:
        ev.errors.append(
            (
                FindingCode.SPF_VOID_LOOKUPS,
                f"{ev.void_lookups} void lookups (names with no answer); receivers give up "
                f"after {VOID_LIMIT} (permerror)",
            )
        )
    return ev


def _mx_hosts(
    ev: SpfEvaluation, text: str, target: str, path: str, answers: tuple[str, ...]
) -> list[tuple[str, str, str, str]]:
    """The address lookups an ``mx`` term's answer leads to (RFC 7208 5.4, 4.6.4).

    More than 10 MX records make the mechanism a permerror. Each host is looked up once, by A
    (what a receiver does for an IPv4 client, which SES is); a null MX (RFC 7505) has no host.
    """
    if len(answers) > MX_LIMIT:
        ev.errors.append(
            (
                FindingCode.SPF_TOO_MANY_MX,
                f"'{text}' in {path}: {target} has {len(answers)} MX records; receivers look "
                f"up at most {MX_LIMIT} (permerror, RFC 7208 4.6.4)",
            )
        )
        return []
    names = {answer.split()[-1].rstrip(".").lower() for answer in answers if answer.split()}
    return [("mx host", text, name, path) for name in sorted(names - {""})]


def _lookup_term(kind: str, target: str, lookup: LookupFn) -> Awaitable[TxtLookup]:
    """The lookup's own awaitable, not a coroutine around it (each would be a task)."""
    if kind == "ptr":  # depends on the connecting IP: nothing to look up statically
        return asyncio.sleep(0, TxtLookup("ok"))
    return lookup(target, _TERM_TYPES.get(kind, "A"))


def is_spf_row(e: Expected) -> bool:
    """An expected TXT record meant as an SPF record."""
    return e.rdtype == "TXT" and (is_spf(e.value) or "spf" in e.purpose)


class SpfResolver(Resolver, Protocol):
    """The pass's lookups, with the include-tree evaluation shared by prefetch and findings."""

    def spf_tree(self, record: SpfRecord, domain: str) -> Awaitable[SpfEvaluation]:
        """``evaluate_spf`` of ``record`` published at ``domain``, once per pass."""
        ...


async def spf_findings(
    e: Expected, text: str, ns_label: str | None, view: SpfResolver
) -> list[Finding]:
    """What is wrong with the SPF record ``text`` published for ``e``, and its include tree."""
    record = parse_spf(text)
    found: list[Finding] = []
    fix = e.zone_line()
    for err in record.errors:
        found.append(Finding("error", FindingCode.SPF_SYNTAX, e.name, f"SPF: {err}", ns_label, fix))
    if record.allows_all:
        message = "SPF: '+all' (or bare 'all') lets any host send for the domain"
        found.append(Finding("error", FindingCode.SPF_ALLOWS_ALL, e.name, message, ns_label, fix))
    for warn in record.warnings:
        found.append(Finding("warning", FindingCode.SPF_WARNING, e.name, f"SPF: {warn}", ns_label))
    evaluation = await view.spf_tree(record, e.name)
    for code, err in evaluation.errors:
        found.append(Finding("error", code, e.name, f"SPF: {err}", ns_label, fix))
    for warn in evaluation.warnings:
        found.append(Finding("warning", FindingCode.SPF_WARNING, e.name, f"SPF: {warn}", ns_label))
    for what in evaluation.unchecked:
        found.append(Finding.could_not_check(e.name, view.label, f"SPF lookup of {what}"))
    tree = {*(i for i in record.includes()), *evaluation.visited}
    if "amazonses.com" not in tree and not record.errors:
        found.append(
            Finding(
                "error",
                FindingCode.SPF_NO_AMAZONSES,
                e.name,
                "SPF does not include amazonses.com: mail sent through SES fails SPF",
                ns_label,
                fix,
            )
        )
    return found
