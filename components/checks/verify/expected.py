"""Reading the expected records (contract 1) from a file, stdin or ``pulumi stack output``."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # dnspython, idna, subprocess: imported where the unusual case needs them
    import dns.rdata


class InputError(Exception):
    """Bad input: reported as one message, exit status 2."""


@dataclass(frozen=True)
class Expected:
    domain: str
    name: str
    rdtype: str
    value: str
    purpose: str
    ttl: int | None = None

    def zone_line(self) -> str:
        """The record as a zone-file line, ready to paste (TXT split into 255-byte strings)."""
        ttl = f" {self.ttl}" if self.ttl else ""
        return f"{self.name}.{ttl} IN {self.rdtype} {rdata_text(self.rdtype, self.value)}"


def rdata_text(rdtype: str, value: str) -> str:
    if rdtype == "TXT":
        return txt_zone_strings(value)
    if rdtype == "CNAME":
        return value.rstrip(".") + "."
    if rdtype == "MX":
        prio, _, host = " ".join(value.split()).partition(" ")
        return f"{prio} {host.strip().rstrip('.')}."
    return value


def txt_zone_strings(text: str) -> str:
    """Quote a TXT value as zone-file strings of at most 255 bytes each."""
    data = text.encode("utf-8")
    chunks = [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]
    out: list[str] = []
    for chunk in chunks:
        plain = chunk.decode("latin-1")
        if not (plain.isascii() and plain.isprintable() and '"' not in plain and "\\" not in plain):
            plain = "".join(
                f"\\{chr(b)}" if b in (0x22, 0x5C) else chr(b) if 0x20 <= b < 0x7F else f"\\{b:03d}"
                for b in chunk
            )
        out.append(f'"{plain}"')
    return " ".join(out)


SUPPORTED_TYPES = ("CNAME", "MX", "TXT", "A", "AAAA", "CAA", "NS")


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"cannot read records file '{path}': {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"records file '{path}' is not UTF-8 text") from None


def stack_output(stack: str) -> str:
    """``pulumi stack output dns_records --json --stack NAME`` (no secrets), or InputError."""
    import shutil
    import subprocess

    exe = shutil.which("pulumi")
    if exe is None:
        raise InputError(
            "--stack needs the Pulumi CLI ('pulumi' is not on PATH). Install it, or save the "
            "records elsewhere with 'pulumi stack output dns_records --json > records.json' and "
            "pass --records records.json (or use the offline plan: 'ses-domains plan --stack NAME "
            "--json', in a checkout 'python -m components.plan --stack NAME --json')."
        )
    command = ["stack", "output", "dns_records", "--json", "--stack", stack]
    try:
        done = subprocess.run(
            [exe, *command], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(f"running 'pulumi stack output' failed: {exc}") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise InputError(
            f"'pulumi {' '.join(command)}' exited with status {done.returncode}: "
            f"{show(detail[0], 200)}"
        )
    return done.stdout


def show(value: object, limit: int = 80) -> str:
    """``repr`` of a user's value, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


class _DuplicateKey(Exception):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):  # a key repeated: the first one named
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def load_json(text: str, source: str) -> Any:
    """``text`` as JSON, refusing a key repeated in one object; InputError names ``source``."""
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except _DuplicateKey as exc:
        raise InputError(
            f"{source}: the key {show(exc.args[0])} appears twice in one JSON object; each key "
            "may appear once (which one was meant cannot be known)"
        ) from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InputError(f"{source}: unreadable JSON ({show(str(exc), 120)})") from None


def _record_list(data: Any, source: str) -> list[Any]:
    """The list of records inside a stack's outputs, the plan's document, or a bare list."""
    where = "the document"
    if isinstance(data, dict):
        obj = cast("dict[str, Any]", data)
        if "outputs" in obj and isinstance(obj["outputs"], dict):
            obj = cast("dict[str, Any]", obj["outputs"])  # the offline plan's --json document
            where = "outputs"
        if "dns_records" not in obj:
            raise InputError(
                f"{source}: a JSON object without a 'dns_records' key (expected the output of "
                "'pulumi stack output --json', the offline plan's --json document or a bare "
                "list of records)"
            )
        data = obj["dns_records"]
        where = "dns_records" if where == "the document" else "outputs.dns_records"
    if isinstance(data, str):
        raise InputError(
            f"{source}: {where} is a string ({show(data, 40)}), not a list of records; if it is "
            "'[secret]', save the records with 'pulumi stack output dns_records --json "
            "--show-secrets > records.json' and pass --records records.json"
        )
    if not isinstance(data, list):
        raise InputError(
            f"{source}: {where} must be a list of records, found {type(data).__name__}"
        )
    items = cast("list[Any]", data)
    if not items:
        raise InputError(f"{source}: the list of records is empty: nothing to check")
    return items


def parse_records(text: str, source: str) -> list[Expected]:
    """Validate contract 1 records. Raises InputError with every problem found."""
    items = _record_list(load_json(text, source), source)
    problems: list[str] = []
    records: list[Expected] = []
    for index, item in enumerate(items):
        record = _record(f"dns_records[{index}]", item, problems)
        if record is not None:
            records.append(record)
    if problems:
        shown = problems[:20]
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"{source}: invalid records:\n  " + "\n  ".join(shown) + more)
    return records


PURPOSES = (
    "dkim",
    "dkim_byodkim",
    "mail_from_mx",
    "mail_from_spf",
    "dmarc",
    "bimi",
    "tracking",
    "postmaster_tools",
    "other",
)
"""Contract 1's purposes, BYODKIM's key record, and ``other`` (the default when none is given)."""

_KEYS = ("domain", "name", "type", "value", "ttl", "purpose")
_KEY_SET = frozenset(_KEYS)
_STRING_KEYS = ("domain", "name", "type", "value")
_MAX_TTL = 2**31 - 1
_MAX_TXT_BYTES = 65000  # what fits into one record's data as 255-byte strings


def _record(where: str, item: Any, problems: list[str]) -> Expected | None:
    """One record, or None after adding every problem it has to ``problems`` (each check one
    test for a valid record, the usual case: messages are written only for what fails)."""
    if not isinstance(item, dict):
        problems.append(f"{where}: expected an object, found {type(item).__name__}")
        return None
    rec = cast("dict[str, Any]", item)
    before = len(problems)
    if not _KEY_SET.issuperset(rec):
        unknown = [k for k in rec if k not in _KEYS]
        problems.append(
            f"{where}: unknown key(s) {', '.join(show(k, 40) for k in unknown[:5])}; "
            f"allowed: {', '.join(_KEYS)}"
        )
    fields = rec.get("domain"), rec.get("name"), rec.get("type"), rec.get("value")
    domain, name, kind, value = fields
    if not (
        isinstance(domain, str)
        and isinstance(name, str)
        and isinstance(kind, str)
        and isinstance(value, str)
    ):
        for key, got in zip(_STRING_KEYS, fields, strict=True):
            if not isinstance(got, str):
                problems.append(f"{where}.{key} must be a string, got {show(got)}")
    purpose = rec.get("purpose", "other")
    if not isinstance(purpose, str) or purpose not in PURPOSES:
        problems.append(f"{where}.purpose is {show(purpose)}; allowed: {', '.join(PURPOSES)}")
    ttl = rec.get("ttl")
    if ttl is not None and (
        isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= _MAX_TTL
    ):
        problems.append(f"{where}.ttl must be an integer from 0 to {_MAX_TTL}, got {show(ttl)}")
    rdtype = kind.upper() if isinstance(kind, str) else ""
    if isinstance(kind, str) and rdtype not in SUPPORTED_TYPES:
        problems.append(
            f"{where}.type {show(kind)} is not supported; allowed: " + ", ".join(SUPPORTED_TYPES)
        )
    d = (
        _checked_name(f"{where}.domain", domain, problems, False)
        if isinstance(domain, str)
        else None
    )
    n = _checked_name(f"{where}.name", name, problems, True) if isinstance(name, str) else None
    if d is not None and n is not None and n != d and not n.endswith("." + d):
        problems.append(
            f"{where}.name {show(name)} is not {show(domain)} or a name under it "
            "(each record must belong to its domain)"
        )
    if isinstance(value, str) and rdtype in SUPPORTED_TYPES:
        value = _check_value(where, rdtype, value, problems)
    if len(problems) > before or not isinstance(value, str) or d is None or n is None:
        return None
    return Expected(d, n, rdtype, value, str(purpose), ttl if isinstance(ttl, int) else None)


def _canonical(name: str) -> str:
    return name.lower().removesuffix(".")


_LABEL_TEXT = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_LABEL_TEXT = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_LABEL = re.compile(_LABEL_TEXT)
_HOST_LABEL = re.compile(_HOST_LABEL_TEXT)
_NAME = re.compile(rf"(?:{_LABEL_TEXT}\.)+{_LABEL_TEXT}")
_HOST_NAME = re.compile(rf"(?:{_HOST_LABEL_TEXT}\.)+{_HOST_LABEL_TEXT}")
"""Two labels or more: a valid name's lowercase text without its trailing dot, at once."""


def _checked_name(where: str, name: str, problems: list[str], underscore: bool) -> str | None:
    """``name`` in its compared form (lowercase, no trailing dot) if it is an absolute DNS
    name of A-labels (any case); else None, after a problem naming ``where``, the value and
    what is allowed."""
    text = _plain_name(name, underscore)
    if text is not None:
        return text
    chars = "a-z, 0-9, '-', '_'" if underscore else "a-z, 0-9, '-'"
    allowed = f"dot-separated A-labels ({chars}), at least two, at most 253 characters"
    problems.append(f"{where} {show(name)} {_name_problem(name, underscore)}; allowed: {allowed}")
    return None


def _plain_name(name: str, underscore: bool) -> str | None:
    """``name``'s compared form if it is valid and printable ASCII (the usual case), else None."""
    if name.isascii() and name.isprintable() and " " not in name:
        text = name.lower().removesuffix(".")
        if len(text) <= 253 and (_NAME if underscore else _HOST_NAME).fullmatch(text):
            return text
    return None


def _name_problem(name: str, underscore: bool) -> str:
    """What is wrong with ``name``, which ``_plain_name`` refused."""
    if not name:
        return "is empty"
    plain = name.isascii() and name.isprintable() and " " not in name
    odd = None if plain else next((c for c in name if not _plain_char(c)), None)
    if odd is not None:
        import unicodedata

        import idna

        char = f"{odd!r} (U+{ord(odd):04X} {unicodedata.name(odd, 'unnamed')})"
        if odd.isspace() or not odd.isprintable():
            return f"contains the character {char}"
        try:
            alabel = idna.encode(name.removesuffix("."), uts46=True).decode("ascii")
        except idna.IDNAError:
            return f"contains the non-ASCII character {char} and is not a valid IDN"
        return (
            f"contains the non-ASCII character {char}; write the A-label form "
            f"{show(alabel)} if that is the name meant"
        )
    text = _canonical(name)
    labels = text.split(".")
    if len(text) > 253 or len(labels) < 2:
        return "is too long" if len(text) > 253 else "has fewer than two labels"
    pattern = _LABEL if underscore else _HOST_LABEL
    bad = next(label for label in labels if not pattern.fullmatch(label))
    return f"has the invalid label {show(bad, 70)}"


def _plain_char(c: str) -> bool:
    return c.isascii() and c.isprintable() and not c.isspace()


def _check_value(where: str, rdtype: str, value: str, problems: list[str]) -> str | None:
    """The value in the form compared (targets lowercase, no trailing dot), or None after a
    problem naming ``where``'s value."""
    if rdtype == "TXT":
        # At most 4 bytes a character: most values need not be encoded to be measured.
        if len(value) * 4 > _MAX_TXT_BYTES and (
            len(value.encode("utf-8", errors="replace")) > _MAX_TXT_BYTES
        ):
            problems.append(f"{where}.value is longer than {_MAX_TXT_BYTES} bytes (one TXT record)")
            return None
        return value
    if rdtype == "CNAME":
        target = _plain_name(value, True)
        if target is None:
            problem = _name_problem(value, True)
            problems.append(
                f"{where}.value (CNAME target) {show(value)} {problem}; allowed: a host name"
            )
        return target
    if rdtype == "MX":
        prio, _, host = " ".join(value.split()).partition(" ")
        why = None if prio.isdigit() and int(prio) <= 65535 else f"has the priority {show(prio)}"
        target = _plain_name(host, False)
        if why is None and target is None:
            why = _name_problem(host, False) if host else "has no host"
        if why is not None:
            problems.append(
                f"{where}.value (MX) {show(value)} {why}; allowed: '<priority 0-65535> <host name>'"
            )
            return None
        return f"{int(prio)} {target}"
    value = " ".join(value.split())
    if rdtype == "NS":
        value = _canonical(value)
    import dns.exception
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    try:
        rdclass, dtype = dns.rdataclass.IN, dns.rdatatype.from_text(rdtype)
        dns.rdata.from_text(rdclass, dtype, value + _dot(rdtype))
    except (dns.exception.DNSException, ValueError) as exc:
        problems.append(
            f"{where}.value: invalid {rdtype} value {show(value)}: {show(str(exc), 100)}"
        )
        return None
    if not value:
        problems.append(f"{where}.value: the {rdtype} value is empty")
        return None
    return value


def _dot(rdtype: str) -> str:
    return "." if rdtype in ("CNAME", "MX", "NS") else ""


def expected_rdata(record: Expected) -> dns.rdata.Rdata:
    """The expected value as rdata (for types compared generically). Input already validated."""
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    dtype = dns.rdatatype.from_text(record.rdtype)
    return dns.rdata.from_text(dns.rdataclass.IN, dtype, record.value + _dot(record.rdtype))


def group_by_domain(records: list[Expected]) -> dict[str, list[Expected]]:
    grouped: dict[str, list[Expected]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    for rec in records:
        key = (rec.domain, rec.name, rec.rdtype, rec.value)
        if key in seen:
            continue
        seen.add(key)
        grouped.setdefault(rec.domain, []).append(rec)
    return grouped
