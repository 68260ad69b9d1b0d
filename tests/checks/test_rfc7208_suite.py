"""The openspf RFC 7208 test suite, run through ``checks verify`` against knotd on loopback.

Each scenario's zone data is served by one knotd (behind a dropping proxy for its TIMEOUTs), and
each test's domain (the MAIL FROM domain, or the HELO name when MAIL FROM is empty) is checked as
an expected SPF record. The suite's result is mapped to what a record checker can judge:
``permerror`` must give an SPF error finding; ``pass``/``fail``/``softfail``/``neutral`` no SPF
error; ``none`` ``record_missing``; ``temperror`` ``could_not_check``. Policy findings that are
not RFC 7208 results (``spf_no_amazonses``, warnings, ``record_wrong``) are not compared.
No test is skipped: with pass/fail/softfail/neutral judged together, none needs the client IP,
the HELO name or the explanation text, except the one listed in ``EXPECTED_DISAGREEMENTS``.
docs/checks.md ("The RFC 7208 test suite") has the figures and the disagreement.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from components.checks.protocols.spf import is_spf
from tests.support.checks_support import run_cli
from tests.support.dns_proxy import DnsProxy, Rule
from tests.support.knot_server import KnotServer
from tests.support.rfc7208_suite import MATCHING, SUITE, Scenario, SuiteTest, load_suite

SCENARIOS = load_suite()
TESTS = [(scenario, test) for scenario in SCENARIOS for test in scenario.tests]

# Findings that are an RFC 7208 permerror of the record (or its include/redirect tree).
SPF_ERRORS = frozenset(
    {
        "spf_syntax",
        "spf_multiple",
        "spf_too_many_lookups",
        "spf_too_many_mx",
        "spf_void_lookups",
        "spf_include_error",
    }
)

EXPECTED_DISAGREEMENTS: dict[str, tuple[str, str]] = {
    "include-at-limit": (
        "permerror",
        "the record has 11 DNS-lookup terms; the suite's client matches ip4:1.2.3.4 after the "
        "10th, but every client it does not match reaches the 11th ('mx') and gets a "
        "permerror, so a record checker reports spf_too_many_lookups",
    ),
}
"""Judgment calls: test name -> (the checker's verdict, why it differs from the suite)."""


def _verdict(codes: set[str]) -> str:
    """What the findings say, in the suite's terms ('match' for any of pass/fail/...)."""
    if codes & SPF_ERRORS:
        return "permerror"
    if "could_not_check" in codes:
        return "temperror"
    if "record_missing" in codes:
        return "none"
    return "match"


def _agrees(verdict: str, results: frozenset[str]) -> bool:
    if verdict == "refused":  # no domain name (a literal, one label, a bad label): no record
        return "none" in results
    if verdict == "match":
        return bool(results & MATCHING)
    return verdict in results


def _expected_value(scenario: Scenario, domain: str) -> str:
    """The record the check expects: the one published, so only its own faults are found."""
    spfs = [t for t in scenario.txt.get(domain, []) if is_spf(t)]
    if len(spfs) == 1 and spfs[0].isascii():
        return spfs[0]
    return "v=spf1 include:amazonses.com -all"


class Served:
    """One knotd (behind a proxy when the data has TIMEOUTs) per scenario, started on demand."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._specs: dict[str, str] = {}

    def spec(self, scenario: Scenario) -> str:
        if scenario.description not in self._specs:
            server = KnotServer(scenario.zones).start()
            self._stack.callback(server.stop)
            spec = server.spec
            if scenario.rules:
                # The checks' SOA read of the zone is no SPF lookup: TIMEOUT leaves it answered.
                rules = [Rule("ok", qtype="SOA"), *scenario.rules]
                proxy = DnsProxy((server.address, server.port), rules=rules)
                proxy.start()
                self._stack.callback(proxy.stop)
                spec = proxy.spec
            self._specs[scenario.description] = spec
        return self._specs[scenario.description]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with ExitStack() as stack:
        yield Served(stack)


def check(served: Served, scenario: Scenario, test: SuiteTest, tmp_path: Path) -> str:
    """Run ``checks verify`` on the test's domain; its verdict ('refused' for an input error)."""
    spec = served.spec(scenario)
    record = {
        "domain": test.domain,
        "name": test.domain,
        "type": "TXT",
        "value": _expected_value(scenario, test.domain),
        "purpose": "mail_from_spf",
    }
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record]))
    args = ["verify", "--records", str(path), "--nameserver", spec, "--resolver", spec]
    result = run_cli(*args, "--json", "--timeout", "1", "--attempts", "2")
    assert "Traceback" not in result.err
    if result.rc == 2:
        return "refused"
    return _verdict(set(result.codes()))


@pytest.mark.parametrize(
    ("scenario", "test"), TESTS, ids=[f"{s.description}/{t.name}" for s, t in TESTS]
)
def test_rfc7208_suite(served: Served, scenario: Scenario, test: SuiteTest, tmp_path: Path) -> None:
    verdict = check(served, scenario, test, tmp_path)
    if test.name in EXPECTED_DISAGREEMENTS:
        assert verdict == EXPECTED_DISAGREEMENTS[test.name][0]
        return
    assert _agrees(verdict, test.results), (
        f"{test.name}: suite says {sorted(test.results)}, checks verify says {verdict}"
    )


def test_suite_copy_is_unmodified() -> None:
    """tests/data/rfc7208/README.md promises pyspf 2.0.14's file byte for byte."""
    digest = hashlib.sha256(SUITE.read_bytes()).hexdigest()
    assert digest == "901f561a6e2b1c1590a40a61b1ac7601226fd7045a7aae591a4d25421358d6f9"
    assert (len(SCENARIOS), len(TESTS)) == (16, 203)
