"""Reading the expected records (contract 1) from a file, stdin or ``pulumi stack output``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, cast

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from ..dns.client import normalize_name


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
        prio, _, host = value.partition(" ")
        return f"{prio} {host.strip().rstrip('.')}."
    return value


def txt_zone_strings(text: str) -> str:
    """Quote a TXT value as zone-file strings of at most 255 bytes each."""
    data = text.encode("utf-8")
    chunks = [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]
    out: list[str] = []
    for chunk in chunks:
        escaped = "".join(
            f"\\{chr(b)}" if b in (0x22, 0x5C) else chr(b) if 0x20 <= b < 0x7F else f"\\{b:03d}"
            for b in chunk
        )
        out.append(f'"{escaped}"')
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
    """``pulumi stack output --json --show-secrets --stack NAME``, or InputError when impossible."""
    exe = shutil.which("pulumi")
    if exe is None:
        raise InputError(
            "--stack needs the Pulumi CLI ('pulumi' is not on PATH). Install it, or save the "
            "outputs elsewhere with 'pulumi stack output --json > outputs.json' and pass "
            "--records outputs.json (or use 'python -m components.plan --stack NAME --json')."
        )
    try:
        done = subprocess.run(
            [exe, "stack", "output", "--json", "--show-secrets", "--stack", stack],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(f"running 'pulumi stack output' failed: {exc}") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise InputError(
            f"'pulumi stack output --json --stack {stack}' exited with status "
            f"{done.returncode}: {detail[0]}"
        )
    return done.stdout


def parse_records(text: str, source: str) -> list[Expected]:
    """Validate contract 1 records. Raises InputError with every problem found."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply") from None
    if isinstance(data, dict):
        obj = cast("dict[str, Any]", data)
        if "outputs" in obj and isinstance(obj["outputs"], dict):
            obj = cast("dict[str, Any]", obj["outputs"])  # the offline plan's --json document
        if "dns_records" not in obj:
            raise InputError(
                f"{source}: a JSON object without a 'dns_records' key (expected the output of "
                "'pulumi stack output --json' or a bare list of records)"
            )
        data = obj["dns_records"]
        if isinstance(data, str):
            raise InputError(
                f"{source}: 'dns_records' is a string ({data[:30]!r}); if it is '[secret]', "
                "read the outputs with --show-secrets"
            )
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a list of records, found {type(data).__name__}")
    items = cast("list[Any]", data)
    if not items:
        raise InputError(f"{source}: the list of records is empty: nothing to check")
    problems: list[str] = []
    records: list[Expected] = []
    for index, item in enumerate(items):
        where = f"record {index + 1}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object, found {type(item).__name__}")
            continue
        rec = cast("dict[str, Any]", item)
        bad = False
        fields: dict[str, str] = {}
        for key in ("domain", "name", "type", "value"):
            value = rec.get(key)
            if not isinstance(value, str) or (key != "value" and not value.strip()):
                problems.append(f"{where}: '{key}' must be a non-empty string, got {value!r}"[:200])
                bad = True
            else:
                fields[key] = value
        if bad:
            continue
        purpose = rec.get("purpose", "other")
        if not isinstance(purpose, str):
            problems.append(f"{where}: 'purpose' must be a string")
            continue
        ttl = rec.get("ttl")
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0):
            problems.append(f"{where}: 'ttl' must be a non-negative integer, got {ttl!r}")
            continue
        rdtype = fields["type"].strip().upper()
        if rdtype not in SUPPORTED_TYPES:
            problems.append(
                f"{where}: type {fields['type']!r} is not supported ({', '.join(SUPPORTED_TYPES)})"
            )
            continue
        name = normalize_name(fields["name"])
        domain = normalize_name(fields["domain"])
        error = _name_error(name) or _name_error(domain)
        if error:
            problems.append(f"{where}: {error}")
            continue
        value = fields["value"]
        if rdtype != "TXT":
            value = " ".join(value.split())
            if rdtype in ("CNAME", "MX", "NS"):
                value = value.lower().rstrip(".")
            error = _value_error(rdtype, value)
            if error:
                problems.append(f"{where}: {error}")
                continue
        records.append(Expected(domain, name, rdtype, value, purpose.strip().lower(), ttl))
    if problems:
        shown = problems[:20]
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"{source}: invalid records:\n  " + "\n  ".join(shown) + more)
    return records


def _name_error(name: str) -> str | None:
    try:
        parsed = dns.name.from_text(name)
    except (dns.exception.DNSException, ValueError) as exc:
        return f"invalid DNS name {name[:80]!r}: {exc}"
    if len(parsed.labels) < 2:
        return f"invalid DNS name {name[:80]!r}"
    return None


def _value_error(rdtype: str, value: str) -> str | None:
    try:
        rdclass, dtype = dns.rdataclass.IN, dns.rdatatype.from_text(rdtype)
        dns.rdata.from_text(rdclass, dtype, value + _dot(rdtype))
    except (dns.exception.DNSException, ValueError) as exc:
        return f"invalid {rdtype} value {value[:80]!r}: {exc}"
    return None


def _dot(rdtype: str) -> str:
    return "." if rdtype in ("CNAME", "MX", "NS") else ""


def expected_rdata(record: Expected) -> dns.rdata.Rdata:
    """The expected value as rdata (for types compared generically). Input already validated."""
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
