"""BIMI assertion records (draft-brand-indicators-for-message-identification): parser and
findings, and the DMARC enforcement BIMI needs, read through RFC 9989's tree walk.

A record is a tag-list starting with ``v=BIMI1``; ``l=`` is the https URL of the logo (SVG),
``a=`` the https URL of the mark certificate (VMC or CMC, PEM), either may be empty (an empty
``l=`` declines to show a logo). Receivers show a logo only when the DMARC policy that applies to
the domain is at enforcement (``p``, or ``sp`` for a subdomain that inherits its organizational
domain's record: quarantine or reject, no ``pct`` below 100) and the organizational domain's own
record is too, with no ``sp=none``. The parser never raises.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..dns.client import normalize_name
from ..verify.expected import Expected
from ..verify.findings import Finding, FindingCode
from .dmarc import parse_dmarc
from .dmarc_walk import Found, tree_walk, walk_names
from .resolver import Resolver

_TAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ENFORCED = ("quarantine", "reject")


def is_bimi(text: str) -> bool:
    """A TXT record that is a BIMI assertion record (``v=BIMI1`` first)."""
    return re.match(r"^\s*v\s*=\s*BIMI1\s*(;|$)", text) is not None


def is_bimi_row(e: Expected) -> bool:
    """An expected TXT record meant as a BIMI assertion record."""
    return e.rdtype == "TXT" and (e.purpose == "bimi" or "._bimi." in e.name)


@dataclass
class BimiRecord:
    """One parsed assertion record: its tags and what is wrong with it."""

    text: str
    tags: dict[str, str] = field(default_factory=dict[str, str])
    syntax: list[str] = field(default_factory=list[str])
    logo: list[str] = field(default_factory=list[str])
    authority: list[str] = field(default_factory=list[str])

    def normalized(self) -> str:
        """The tags in canonical form, for comparing a published record with the expected one."""
        return "; ".join(f"{k}={v}" for k, v in sorted(self.tags.items()))


def _url_problem(url: str, extension: str) -> str | None:
    """Why ``url`` is no https URL with a host (and the path ``extension`` receivers expect)."""
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unclosed IPv6 literal: "https://[..."
        return f"is no URL ({error})"
    if parts.scheme.lower() != "https":
        return "is not an https URL (receivers fetch only over https)"
    if not parts.hostname:
        return "has no host"
    if not parts.path.lower().endswith(extension):
        return f"does not end in {extension}"
    return None


@functools.lru_cache(maxsize=256)
def parse_bimi(text: str) -> BimiRecord:
    """Parse one assertion record (TXT strings already joined)."""
    record = BimiRecord(text=text)
    parts = [p.strip() for p in text.split(";")]
    if parts and parts[-1] == "":
        parts.pop()
    if not is_bimi(text):
        record.syntax.append("must start with 'v=BIMI1' as the first tag")
    for part in parts:
        name, eq, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not eq or not _TAG_RE.match(name):
            record.syntax.append(f"{part[:100]!r} is not a tag=value pair")
        elif name in record.tags:
            record.syntax.append(f"tag '{name}' appears more than once")
        else:
            record.tags[name] = value
    if "l" not in record.tags:
        record.syntax.append("the logo tag 'l=' is missing (an empty 'l=' declines a logo)")
    logo = record.tags.get("l", "")
    if logo and (why := _url_problem(logo, ".svg")) is not None:
        record.logo.append(f"l={logo[:200]} {why}")
    authority = record.tags.get("a", "")
    if authority and (why := _url_problem(authority, ".pem")) is not None:
        record.authority.append(f"a={authority[:200]} {why}")
    return record


def lookups(e: Expected) -> list[str]:
    """The TXT names the enforcement check asks about, to start with the authoritative reads."""
    return [f"_dmarc.{n}" for n in walk_names(e.domain)]


def record_findings(e: Expected, text: str, ns_label: str | None) -> list[Finding]:
    """What is wrong with the published assertion record ``text`` itself."""
    record = parse_bimi(text)
    found: list[Finding] = []
    for code, messages in (
        (FindingCode.BIMI_SYNTAX, record.syntax),
        (FindingCode.BIMI_LOGO_INVALID, record.logo),
        (FindingCode.BIMI_AUTHORITY_INVALID, record.authority),
    ):
        found += [
            Finding("error", code, e.name, f"BIMI: {m}", ns_label, e.zone_line()) for m in messages
        ]
    return found


def _policy_problems(found: Found, domain: str, own: bool) -> list[str]:
    """Why the DMARC record ``found`` does not put ``domain`` at enforcement."""
    tags = parse_dmarc(found.text).tags
    where = f"_dmarc.{found.name}"
    key = "p" if own else ("sp" if "sp" in tags else "p")
    policy = tags.get(key, "none").lower()
    problems: list[str] = []
    if policy not in _ENFORCED:
        problems.append(f"{where} has {key}={policy}, which applies to {domain}")
    if tags.get("pct", "100") != "100":
        problems.append(f"{where} has pct={tags['pct'][:10]} (the policy spares some mail)")
    return problems


async def enforcement_findings(e: Expected, view: Resolver) -> list[Finding]:
    """Whether DMARC is at enforcement for ``e``'s domain and its organizational domain."""
    domain = normalize_name(e.domain)
    walk = await tree_walk(domain, view)
    if not walk.complete:
        what = (
            f"the DMARC policy BIMI needs for {domain}: the DNS tree walk (RFC 9989 4.10) did "
            f"not complete ({walk.error})"
        )
        return [Finding.could_not_check(e.name, view.label, what)]
    applies = walk.applies
    org = walk.organizational_domain or domain
    problems: list[str] = []
    if applies is None:
        problems.append(f"no DMARC record applies to {domain} (none at _dmarc.{domain} or above)")
    else:
        problems += _policy_problems(applies, domain, own=applies.name == domain)
    org_record = next((f for f in walk.found if f.name == org), None)
    if org_record is not None and org != domain:
        problems += _policy_problems(org_record, org, own=True)
    if org_record is not None and parse_dmarc(org_record.text).tags.get("sp", "") == "none":
        problems.append(f"_dmarc.{org} has sp=none (its subdomains are open to spoofing)")
    if not problems:
        return []
    return [
        Finding(
            "error",
            FindingCode.BIMI_DMARC_NOT_ENFORCED,
            e.name,
            "BIMI needs DMARC at enforcement (p=quarantine or reject, no pct below 100, no "
            f"sp=none) for {domain} and its organizational domain {org}; receivers show no logo: "
            + "; ".join(dict.fromkeys(problems)),
        )
    ]
