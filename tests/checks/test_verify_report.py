"""The human report: domain headers agree with the verdict, resolver failures are readable, the
SES account lines say something. The JSON text is exactly what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import json
from collections import OrderedDict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.checks.dns.client import Stats
from components.checks.exit_status import ExitStatus
from components.checks.verify.expected import Expected
from components.checks.verify.findings import DomainResult, Finding, FindingCode, RowResult
from components.checks.verify.report import Report, json_text, render_human
from tests.support.checks_support import make_world, run_cli
from tests.support.knot_server import free_port, random_loopback


def _closed_port() -> str:
    address = random_loopback()
    return f"{address}:{free_port(address)}"


def test_a_domain_that_could_not_be_checked_is_incomplete_not_fail(
    stack: ExitStack, tmp_path: Path
) -> None:
    world = make_world(stack, tmp_path, servers=1)
    result = run_cli(*world.args(servers=[world.auth[0].spec, _closed_port()]))
    assert result.rc == 3
    assert "example.com: INCOMPLETE" in result.out
    assert "INCOMPLETE: 1 domain(s)" in result.out
    assert "FAIL" not in result.out


def test_a_resolver_that_fails_says_why_in_full(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    argv = [a if a != world.resolver.spec else _closed_port() for a in world.args()]
    result = run_cli(*argv)
    assert result.rc == 3
    legend = next(line for line in result.out.splitlines() if line.strip().startswith("res1 ="))
    assert "(resolver; propagation info only; could not check: " in legend
    assert "connection error (Connection refused)" in legend
    row = next(line for line in result.out.splitlines() if " MX " in line)
    assert row.split()[-1] == "n/a"
    assert "..." not in row.split()[-1]


def _domain(*findings: Finding) -> DomainResult:
    result = DomainResult("example.com")
    record = Expected("example.com", "example.com", "TXT", "v=x", "other")
    result.rows = [RowResult(record, servers={"127.0.0.1": "ok"})]
    result.findings = list(findings)
    return result


def test_strict_warnings_fail_in_the_header_as_in_the_verdict() -> None:
    warning = Finding("warning", FindingCode.MX_EXTRA, "mail.example.com", "extra MX")
    text = render_human(Report([_domain(warning)], Stats(), 0.1, strict=True))
    assert "example.com: FAIL (warnings, --strict)" in text
    assert "\nFAIL: 1 domain(s)" in text
    text = render_human(Report([_domain(warning)], Stats(), 0.1))
    assert "example.com: OK (with warnings)" in text
    assert "\nPASS: 1 domain(s)" in text


def test_ses_account_lines_are_never_blank_or_none() -> None:
    unread = Finding.could_not_check("account (us-east-1)", "SES API", "GetAccount: timeout")
    report = Report(
        [_domain()],
        Stats(),
        0.1,
        account={"us-east-1": None, "eu-west-1": {"mode": "production"}},
        account_findings=[unread],
    )
    text = render_human(report)
    assert "SES account (us-east-1): could not be read" in text
    assert "SES account (eu-west-1): mode production" in text
    assert "None" not in text
    # No SES client at all (each domain's finding says why): no empty account line.
    text = render_human(Report([_domain()], Stats(), 0.1, account={}, account_findings=[]))
    assert "SES account" not in text


scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()  # NaN and the infinities too
    | st.text()
    | st.sampled_from([*FindingCode, *ExitStatus])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text() | st.sampled_from([*FindingCode]), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values | st.dictionaries(st.integers() | st.none(), json_values, max_size=2))
def test_json_text_is_json_dumps_indent_2(value: Any) -> None:
    assert json_text(value) == json.dumps(value, indent=2)


class _Names(list[str]):
    """A list subclass: ``json`` writes it as a list."""


@pytest.mark.parametrize(
    "value",
    [
        # Objects of one shape (the same keys at the same depth): strings alone, then not.
        [{"a": "x", "b": "y"}, {"a": "x", "b": 1}, {"a": None, "b": "y"}, {"a": "z", "b": "w"}],
        # The same keys at another depth, and in another order.
        {"a": {"a": "x", "b": "y"}, "b": [{"b": "y", "a": "x"}]},
        {"100%": "50%s", "%s": {"%d": "%%"}},
        {"code": FindingCode.RECORD_MISSING, "status": ExitStatus.UNCHECKED, "k": "é\u2028"},
        [OrderedDict(a="x"), _Names(["y"])],
        {"nan": [float("nan")], "big": 2**70, "neg": -0.0},
    ],
)
def test_json_text_writes_shapes_as_json_dumps_does(value: Any) -> None:
    assert json_text(value) == json.dumps(value, indent=2)
