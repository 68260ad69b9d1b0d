"""The openspf RFC 7208 test suite (tests/data/rfc7208) as zones knotd can serve.

Zone data follows the suite's own driver (pyspf's ``testspf.py``): an ``SPF`` entry is served as
TXT unless the name has a TXT entry of its own (``TXT: NONE`` means "no TXT, and none generated");
RFC 7208 has dropped the SPF RR type, so SPF entries are not served as type SPF. ``TIMEOUT`` as a
name's entry makes every query for the name time out (except types listed before it);
``{TYPE: TIMEOUT}`` makes that type's queries time out. Timeouts are emulated by a proxy that
drops the queries. A name with a label over 63 octets cannot be served (DNS cannot carry it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.support.dns_proxy import Rule
from tests.support.knot_server import zone_text

SUITE = Path(__file__).resolve().parent.parent / "data" / "rfc7208" / "rfc7208-tests.yml"
MATCHING = frozenset({"pass", "fail", "softfail", "neutral"})
_LABEL_RE = re.compile(r"[a-z0-9_-]{1,63}")
# Top-level zones served in every scenario, so a name the data lacks is NXDOMAIN, not REFUSED.
ALWAYS_SERVED = ("com", "net", "org", "arpa")


@dataclass(frozen=True, kw_only=True)
class SuiteTest:
    """One test of the suite: which domain's record is judged, and what the suite expects."""

    scenario: str
    name: str
    domain: str
    results: frozenset[str]
    ip: str
    helo: str
    mailfrom: str
    explanation: str | None


@dataclass(kw_only=True)
class Scenario:
    """One scenario: its zones ({tld: zone text}), the TXT texts per name, its tests."""

    description: str
    zones: dict[str, str] = field(default_factory=dict[str, str])
    rules: list[Rule] = field(default_factory=list[Rule])
    """Proxy rules emulating the data's TIMEOUTs, in order (the first that matches applies)."""
    txt: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    tests: list[SuiteTest] = field(default_factory=list[SuiteTest])


def _quoted(strings: list[str]) -> str:
    """TXT strings in zone-file syntax: each byte outside visible ASCII (and '"', '\\') as \\DDD."""
    out: list[str] = []
    for text in strings:
        chars = [
            chr(b) if 0x20 <= b <= 0x7E and b not in (0x22, 0x5C) else f"\\{b:03d}"
            for b in text.encode("utf-8")
        ]
        out.append('"' + "".join(chars) + '"')
    return " ".join(out) if out else '""'


def _entries(entries: list[Any]) -> tuple[list[tuple[str, Any]], list[tuple[str, str | None]]]:
    """The (type, value) records a name serves, and its proxy rules as (fault, type or None).

    A bare ``TIMEOUT`` drops every query for the name except those of a type listed before it.
    """
    records: list[tuple[str, Any]] = []
    rules: list[tuple[str, str | None]] = []
    has_txt = any(isinstance(e, dict) and "TXT" in e for e in entries)
    for entry in entries:
        if entry == "TIMEOUT":
            rules = [("ok", t) for t in dict.fromkeys(t for t, _ in records)] + rules
            rules.append(("drop", None))
            continue
        for rdtype, value in dict(entry).items():
            if value == "TIMEOUT":
                rules.append(("drop", rdtype))
            elif rdtype == "SPF":
                if not has_txt:
                    records.append(("TXT", value))
            elif not (rdtype == "TXT" and value == "NONE"):
                records.append((rdtype, value))
    return records, rules


def _line(name: str, rdtype: str, value: Any) -> str:
    if rdtype == "TXT":
        strings = [value] if isinstance(value, str) else [str(v) for v in value]
        return f"{name}. 300 IN TXT {_quoted(strings)}"
    if rdtype == "MX":
        priority, host = value
        return f"{name}. 300 IN MX {priority} {_absolute(str(host))}"
    if rdtype in ("CNAME", "PTR"):
        return f"{name}. 300 IN {rdtype} {_absolute(str(value))}"
    return f"{name}. 300 IN {rdtype} {value}"


def _absolute(host: str) -> str:
    return host.rstrip(".") + "."


def _servable(name: str) -> bool:
    """A name DNS can carry, in a zone of its top label (letters, digits, '-', '_')."""
    labels = name.split(".")
    return len(labels) > 1 and all(_LABEL_RE.fullmatch(label) for label in labels)


def _test(scenario: str, name: str, data: dict[str, Any]) -> SuiteTest:
    mailfrom = str(data.get("mailfrom", ""))
    helo = str(data.get("helo", ""))
    # RFC 7208 4.1/2.4: the MAIL FROM domain, or the HELO name when MAIL FROM is empty.
    domain = mailfrom.rpartition("@")[2] if "@" in mailfrom else helo
    result = data["result"]
    results = frozenset([result] if isinstance(result, str) else result)
    return SuiteTest(
        scenario=scenario,
        name=name,
        domain=domain.rstrip(".").lower(),
        results=results,
        ip=str(data.get("host", "")),
        helo=helo,
        mailfrom=mailfrom,
        explanation=data.get("explanation"),
    )


def load_suite(path: Path = SUITE) -> list[Scenario]:
    """Every scenario of the suite, its zone data converted."""
    scenarios: list[Scenario] = []
    with path.open("rb") as stream:
        documents = list(yaml.safe_load_all(stream))
    for doc in documents:
        scenario = Scenario(description=str(doc["description"]))
        lines: dict[str, list[str]] = {}
        for raw_name, entries in (doc.get("zonedata") or {}).items():
            name = str(raw_name).rstrip(".").lower()
            records, rules = _entries(list(entries))
            scenario.rules += [Rule(fault, qname=name, qtype=t) for fault, t in rules]
            if not _servable(name):
                continue
            tld = name.rsplit(".", 1)[1]
            for rdtype, value in records:
                lines.setdefault(tld, []).append(_line(name, rdtype, value))
                if rdtype == "TXT":
                    text = value if isinstance(value, str) else "".join(map(str, value))
                    scenario.txt.setdefault(name, []).append(text)
        scenario.tests = [_test(scenario.description, n, d) for n, d in doc["tests"].items()]
        tlds = {*ALWAYS_SERVED, *lines}
        tlds |= {t.domain.rsplit(".", 1)[-1] for t in scenario.tests if _servable(t.domain)}
        scenario.zones = {tld: zone_text(tld, 1, lines.get(tld, [])) for tld in sorted(tlds)}
        scenarios.append(scenario)
    return scenarios
