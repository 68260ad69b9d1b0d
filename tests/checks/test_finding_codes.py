"""Finding codes: the enum, the docs table and the JSON schema agree; the JSON is unchanged."""

from __future__ import annotations

import json
import re

import pytest

from components.checks.dns.client import Stats
from components.checks.verify.findings import DomainResult, Finding, FindingCode
from components.checks.verify.report import Report, render_human, to_json
from tests.support.paths import REPO, load_schema

DOCS = REPO / "docs" / "checks.md"
START = "<!-- finding-codes: generated from FindingCode (components/checks/verify/findings.py) -->"
END = "<!-- /finding-codes -->"
ROW_RE = re.compile(r"^\| `([a-z0-9_]+)` \| ([a-z ]+) \| (.+) \|$")


def render_table() -> str:
    """The code table as docs/checks.md holds it (paste this when a code is added)."""
    lines = [START, "| code | severity | meaning |", "|---|---|---|"]
    for code in FindingCode:
        severity = " or ".join(code.severities)
        lines.append(f"| `{code.value}` | {severity} | {code.__doc__} |")
    return "\n".join([*lines, END])


def docs_table() -> str:
    text = DOCS.read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END)
    return text[start : end + len(END)]


def test_every_code_is_in_the_docs_table_and_every_row_is_a_code() -> None:
    rows = [m for line in docs_table().splitlines() if (m := ROW_RE.match(line))]
    documented = [m.group(1) for m in rows]
    assert len(documented) == len(set(documented)), "a code is listed twice"
    assert set(documented) - {c.value for c in FindingCode} == set(), "documented, not a code"
    assert {c.value for c in FindingCode} - set(documented) == set(), "a code, not documented"
    for m in rows:
        code = FindingCode(m.group(1))
        assert m.group(2) == " or ".join(code.severities), code
        assert m.group(3) == code.__doc__, code


def test_docs_table_is_the_generated_one() -> None:
    assert docs_table() == render_table(), "docs/checks.md, replace the table with:\n" + (
        render_table()
    )


def test_schema_code_field_agrees_with_the_enum() -> None:
    schema = load_schema("checks_report.schema.json")
    field = schema["$defs"]["finding"]["properties"]["code"]
    if "enum" in field:
        assert sorted(field["enum"]) == sorted(c.value for c in FindingCode)
    pattern = re.compile(field["pattern"])
    assert [c.value for c in FindingCode if not pattern.match(c.value)] == []


def test_every_member_has_its_own_docstring_and_a_severity() -> None:
    for code in FindingCode:
        assert code.__doc__ and code.__doc__ != FindingCode.__doc__, code
        assert code.severities and set(code.severities) <= {"error", "warning"}, code
    assert len({c.value for c in FindingCode}) == len(FindingCode)


@pytest.mark.parametrize("code", list(FindingCode))
def test_a_code_serialises_as_its_plain_string(code: FindingCode) -> None:
    # Both encoders: the C one (no indent) and the pure-Python one (indent, as the CLI uses).
    assert json.dumps({"code": code}) == json.dumps({"code": code.value})
    assert json.dumps([code], indent=2) == json.dumps([code.value], indent=2)
    assert json.dumps({"code": code}) == f'{{"code": "{code.value}"}}'
    assert (str(code), f"{code}", f"{code:<30}") == (code.value, code.value, f"{code.value:<30}")
    assert code == code.value and hash(code) == hash(code.value)


def test_report_json_and_text_carry_the_plain_strings() -> None:
    findings = [
        Finding("error", FindingCode.RECORD_MISSING, "mail.example.com", "no MX record"),
        Finding.could_not_check("example.com", "ns1", "timeout"),
        Finding("warning", FindingCode.SERIAL_BEHIND, "example.com", "behind", nameserver="ns2"),
    ]
    report = Report([DomainResult("example.com", findings=findings)], Stats(), 0.1)
    text = json.dumps(to_json(report), indent=2)
    plain = json.dumps(json.loads(text), indent=2)  # every code a plain str again
    assert text == plain
    assert [f["code"] for f in json.loads(text)["domains"][0]["findings"]] == [
        "record_missing",
        "could_not_check",
        "serial_behind",
    ]
    assert '"code": "record_missing"' in text and "FindingCode" not in text
    human = render_human(report)
    assert "record_missing: mail.example.com" in human and "FindingCode" not in human
