"""DMARC records (RFC 9989, RFC 7489 records still accepted): parser and findings.

The parser never raises. The tags RFC 9989 removed (``pct``, ``rf``, ``ri``) are still checked as
RFC 7489 defines them and reported as obsolete.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import Enum

from ..verify.expected import Expected
from ..verify.findings import Finding, FindingCode

_POLICIES = frozenset({"none", "quarantine", "reject"})
KNOWN_TAGS = frozenset(
    {"v", "p", "sp", "np", "adkim", "aspf", "pct", "fo", "rf", "ri", "rua", "ruf", "psd", "t"}
)
_TAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_SIZE_RE = re.compile(r"^[0-9]+[kmgtKMGT]?$")
_LOCAL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+$")
_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?$")


def looks_like_dmarc(text: str) -> bool:
    """A TXT record at ``_dmarc`` that was meant to be a DMARC record (even if malformed)."""
    return "dmarc1" in text.lower()


def is_dmarc(text: str) -> bool:
    """RFC 7489 6.6.3: records not starting with ``v=DMARC1`` are discarded by receivers.

    RFC 7489 6.4: ``dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31``; an ABNF
    string such as "v" is case-insensitive (RFC 5234 2.3), the %x sequence "DMARC1" is not.
    """
    return re.match(r"^[vV]\s*=\s*DMARC1\s*(;|$)", text) is not None


class DmarcNote(Enum):
    """What kind of warning a DMARC record has, which decides its finding code."""

    OBSOLETE_TAG = "obsolete_tag"
    """A tag RFC 9989 removed (``pct``, ``rf``, ``ri``): ``dmarc_obsolete_tag``."""
    QUESTIONABLE = "questionable"
    """Valid but questionable (an unknown tag, an unregistered format): ``dmarc_warning``."""


class DmarcProblem(Enum):
    """What kind of error a DMARC record has, which decides its finding code."""

    SYNTAX = "syntax"
    """Malformed, out of range or duplicated: ``dmarc_syntax``."""
    NO_POLICY = "no_policy"
    """No ``p`` tag, or one with a value that is no policy: ``dmarc_no_policy``."""


@dataclass(frozen=True, kw_only=True)
class DmarcError:
    """One error in a DMARC record: its kind and what to tell the user."""

    kind: DmarcProblem
    message: str


@dataclass(frozen=True, kw_only=True)
class DmarcWarning:
    """One warning about a DMARC record: its kind and what to tell the user."""

    kind: DmarcNote
    message: str


@dataclass
class DmarcRecord:
    text: str
    tags: dict[str, str] = field(default_factory=dict[str, str])
    errors: list[DmarcError] = field(default_factory=list[DmarcError])
    warnings: list[DmarcWarning] = field(default_factory=list[DmarcWarning])
    report_domains: list[str] = field(default_factory=list[str])  # rua/ruf mailto domains

    def add(self, message: str, kind: DmarcProblem = DmarcProblem.SYNTAX) -> None:
        """Record an error of ``kind``."""
        self.errors.append(DmarcError(kind=kind, message=message))

    def warn(self, message: str, kind: DmarcNote = DmarcNote.QUESTIONABLE) -> None:
        """Record a warning of ``kind``."""
        self.warnings.append(DmarcWarning(kind=kind, message=message))

    @property
    def psd(self) -> str:
        """The ``psd`` value (``y``, ``n`` or ``u``); ``u``, the default, when absent or invalid."""
        value = self.tags.get("psd", "u").lower()
        return value if value in ("y", "n") else "u"

    def normalized(self) -> str:
        """Tags in canonical form, for comparing a published record with the expected one."""
        return "; ".join(f"{k}={v}" for k, v in sorted(self.tags.items()))


SHOWN_CHARS = 80
"""How much of a value a message shows: a longer one is cut, with '…'."""


def _cut(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"


def _is_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes '²', which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def _valid_domain(name: str) -> bool:
    name = name.rstrip(".")
    labels = name.split(".")
    return len(labels) >= 2 and len(name) <= 253 and all(_LABEL_RE.match(lbl) for lbl in labels)


def _check_uris(tag: str, value: str, record: DmarcRecord) -> None:
    for raw in value.split(","):
        uri = raw.strip()
        if not uri:
            record.add(f"{tag}: empty URI in the list")
            continue
        size = ""
        if "!" in uri:
            uri, size = uri.rsplit("!", 1)
            if not _SIZE_RE.match(size):
                record.add(f"{tag}: invalid size limit '!{_cut(size)}'")
            else:
                record.warn(
                    f"{tag}: size limit '!{_cut(size)}': RFC 9989 removed report size limits, "
                    "so its receivers may not honour it"
                )
        if not uri.lower().startswith("mailto:"):
            record.add(f"{tag}: '{_cut(uri)}' is not a mailto: URI")
            continue
        address = uri[len("mailto:") :]
        local, at, dom = address.rpartition("@")
        if not at or not local or not _LOCAL_RE.match(local) or not _valid_domain(dom):
            record.add(f"{tag}: '{_cut(uri)}' is not a valid mailto: address")
            continue
        dom = dom.lower().rstrip(".")
        if dom not in record.report_domains:
            record.report_domains.append(dom)


@functools.lru_cache(maxsize=4096)
def parse_dmarc(text: str) -> DmarcRecord:
    """Parse one DMARC record (TXT strings already joined). Memoised (a pure function: each
    record is read by the comparison, the findings and the tree walk); the records are shared,
    never changed."""
    record = DmarcRecord(text=text)
    parts = [p.strip() for p in text.split(";")]
    if parts and parts[-1] == "":
        parts.pop()  # a trailing ';' is allowed
    if not parts or not is_dmarc(text):
        record.add("must start with 'v=DMARC1' ('DMARC1' exactly, as the first tag)")
    for index, part in enumerate(parts):
        if not part:
            record.add("empty tag (two ';' in a row)")
            continue
        name, eq, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not _TAG_RE.match(name):
            record.add(f"'{_cut(part)}' is not a tag=value pair")
            continue
        # Tag names are case-insensitive: RFC 7489 6.4's ABNF writes them as quoted strings
        # ("v", "p", "sp", ...), which RFC 5234 2.3 makes case-insensitive. (6.3 points to
        # DKIM's tag-value syntax, whose prose calls tags case-sensitive; the DMARC grammar
        # is the more specific rule.) Policy and alignment values are quoted strings too.
        key = name.lower()
        if key in record.tags:
            record.add(f"tag '{_cut(key)}' appears more than once")
            continue
        if key == "v" and index != 0:
            record.add("'v=' must be the first tag")
        record.tags[key] = value
    tags = record.tags
    if "v" in tags and tags["v"] != "DMARC1":
        record.add(f"v={_cut(tags['v'])}: the version must be exactly 'DMARC1'")
    if "p" not in tags:
        record.add("the required policy tag 'p' is missing", DmarcProblem.NO_POLICY)
    for key in ("p", "sp", "np"):
        if key in tags and tags[key].lower() not in _POLICIES:
            kind = DmarcProblem.NO_POLICY if key == "p" else DmarcProblem.SYNTAX
            record.add(f"{key}={_cut(tags[key])}: must be none, quarantine or reject", kind)
    for key in ("adkim", "aspf"):
        if key in tags and tags[key].lower() not in ("r", "s"):
            record.add(f"{key}={_cut(tags[key])}: must be r (relaxed) or s (strict)")
    if "pct" in tags:
        pct = tags["pct"]
        if not _is_number(pct) or len(pct) > 3 or int(pct) > 100:  # 6.4: 1*3DIGIT
            record.add(f"pct={_cut(pct)}: must be an integer from 0 to 100")
    if "ri" in tags:
        ri = tags["ri"]
        if not _is_number(ri) or len(ri.lstrip("0")) > 10 or int(ri) > 0xFFFFFFFF:
            record.add(f"ri={_cut(ri)}: must be a 32-bit unsigned integer")
    if "fo" in tags:
        opts = [o.strip() for o in tags["fo"].split(":")]
        bad = [o for o in opts if o.lower() not in ("0", "1", "d", "s")]
        if bad:
            record.add(f"fo={_cut(tags['fo'])}: options must be 0, 1, d or s")
    if "rf" in tags:
        formats = [f.strip().lower() for f in tags["rf"].split(":")]
        if any(not f for f in formats):
            record.add(f"rf={_cut(tags['rf'])}: empty report format")
        elif any(f != "afrf" for f in formats):
            record.warn(f"rf={_cut(tags['rf'])}: 'afrf' is the only registered format")
    if "psd" in tags and tags["psd"].lower() not in ("y", "n", "u"):
        record.add(f"psd={_cut(tags['psd'])}: must be y, n or u")
    if "t" in tags and tags["t"].lower() not in ("y", "n"):
        record.add(f"t={_cut(tags['t'])}: must be y or n")
    for key in ("rua", "ruf"):
        if key in tags:
            _check_uris(key, tags[key], record)
    for key in ("pct", "rf", "ri"):
        if key in tags:
            record.warn(_obsolete(key, tags[key]), DmarcNote.OBSOLETE_TAG)
    unknown = [k for k in tags if k not in KNOWN_TAGS]
    if unknown:
        names = ", ".join(_cut(k) for k in sorted(unknown))
        record.warn(f"unknown tags are ignored by receivers: {names}")
    return record


def _obsolete(key: str, value: str) -> str:
    """What RFC 9989 says instead of the removed tag ``key``."""
    shown = f"{key}={_cut(value)}"
    if key != "pct":
        return f"{shown}: RFC 9989 removed '{key}' and its receivers ignore it; delete it"
    if value == "100":
        return f"{shown}: RFC 9989 removed 'pct' (100 was its default); delete it"
    if value == "0":
        return (
            f"{shown}: RFC 9989 removed 'pct'; write t=y instead, which asks receivers not to "
            "apply the policy yet, as pct=0 did"
        )
    return (
        f"{shown}: RFC 9989 removed 'pct': its receivers ignore it and apply the policy to all "
        "mail, RFC 7489 receivers to a sample; use t=y to test the policy, or delete pct to "
        "apply it (t=n, the default)"
    )


_CODES = {
    DmarcProblem.SYNTAX: FindingCode.DMARC_SYNTAX,
    DmarcProblem.NO_POLICY: FindingCode.DMARC_NO_POLICY,
}
_WARNING_CODES = {
    DmarcNote.OBSOLETE_TAG: FindingCode.DMARC_OBSOLETE_TAG,
    DmarcNote.QUESTIONABLE: FindingCode.DMARC_WARNING,
}


def is_dmarc_row(e: Expected) -> bool:
    """An expected TXT record meant as a DMARC record."""
    return e.rdtype == "TXT" and (looks_like_dmarc(e.value) or e.purpose == "dmarc")


def dmarc_findings(e: Expected, text: str, ns_label: str | None) -> list[Finding]:
    """What is wrong with the DMARC record ``text`` published for ``e`` (its report
    destinations are ``dmarc_walk.report_findings``'s)."""
    record = parse_dmarc(text)
    found: list[Finding] = []
    fix = e.zone_line() if not parse_dmarc(e.value).errors else None
    for err in record.errors:
        code = _CODES[err.kind]
        found.append(Finding("error", code, e.name, f"DMARC: {err.message}", ns_label, fix))
    for warn in record.warnings:
        code = _WARNING_CODES[warn.kind]
        found.append(Finding("warning", code, e.name, f"DMARC: {warn.message}", ns_label))
    return found
