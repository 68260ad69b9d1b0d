"""DMARC records as the checks judge them, message by whole message: pct at 0 and 100, report
URIs (several ruf, a mailto with a bad domain, size limits), and the findings about a published
record, with the authorisation records of external report destinations."""

from __future__ import annotations

import pytest

from components.checks.protocols import dmarc
from components.checks.verify.expected import Expected
from components.checks.verify.findings import Finding, FindingCode

SYNTAX = dmarc.DmarcProblem.SYNTAX
NO_POLICY = dmarc.DmarcProblem.NO_POLICY


QUESTIONABLE = dmarc.DmarcNote.QUESTIONABLE
OBSOLETE = dmarc.DmarcNote.OBSOLETE_TAG


def errors(text: str) -> list[tuple[dmarc.DmarcProblem, str]]:
    return [(e.kind, e.message) for e in dmarc.parse_dmarc(text).errors]


@pytest.mark.parametrize("pct", ["0", "100", "50", "000", "007"])
def test_pct_from_0_to_100(pct: str) -> None:
    assert errors(f"v=DMARC1; p=none; pct={pct}") == []


@pytest.mark.parametrize("pct", ["101", "1000", "0100", "", "-1", "50%", "\u00b2"])
def test_pct_out_of_range(pct: str) -> None:
    assert errors(f"v=DMARC1; p=none; pct={pct}") == [
        (SYNTAX, f"pct={pct}: must be an integer from 0 to 100")
    ]


@pytest.mark.parametrize("ri", ["0", "86400", "4294967295", "0004294967295"])
def test_ri_within_32_bits(ri: str) -> None:
    assert errors(f"v=DMARC1; p=none; ri={ri}") == []


@pytest.mark.parametrize("ri", ["4294967296", "99999999999", "", "1h", "-1"])
def test_ri_over_32_bits(ri: str) -> None:
    assert errors(f"v=DMARC1; p=none; ri={ri}") == [
        (SYNTAX, f"ri={ri}: must be a 32-bit unsigned integer")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            [
                (SYNTAX, "must start with 'v=DMARC1' ('DMARC1' exactly, as the first tag)"),
                (NO_POLICY, "the required policy tag 'p' is missing"),
            ],
        ),
        (
            ";",
            [
                (SYNTAX, "must start with 'v=DMARC1' ('DMARC1' exactly, as the first tag)"),
                (SYNTAX, "empty tag (two ';' in a row)"),
                (NO_POLICY, "the required policy tag 'p' is missing"),
            ],
        ),
        (
            "p=none; v=DMARC1",
            [
                (SYNTAX, "must start with 'v=DMARC1' ('DMARC1' exactly, as the first tag)"),
                (SYNTAX, "'v=' must be the first tag"),
            ],
        ),
        ("v=DMARC1 ; p=none ;; ", [(SYNTAX, "empty tag (two ';' in a row)")]),
        ("v=DMARC1; p=none; 1x=y", [(SYNTAX, "'1x=y' is not a tag=value pair")]),
        ("v=DMARC1; p=none; P=reject", [(SYNTAX, "tag 'p' appears more than once")]),
        (
            "v=DMARC1; p=Reject; sp=block",
            [(SYNTAX, "sp=block: must be none, quarantine or reject")],
        ),
        ("v=DMARC1; p=none; np=allow", [(SYNTAX, "np=allow: must be none, quarantine or reject")]),
        ("v=DMARC1; p=", [(NO_POLICY, "p=: must be none, quarantine or reject")]),
        (
            "v=DMARC1; p=none; adkim=x; aspf=relaxed",
            [
                (SYNTAX, "adkim=x: must be r (relaxed) or s (strict)"),
                (SYNTAX, "aspf=relaxed: must be r (relaxed) or s (strict)"),
            ],
        ),
        ("v=DMARC1; p=none; fo=1:x", [(SYNTAX, "fo=1:x: options must be 0, 1, d or s")]),
        ("v=DMARC1; p=none; rf=afrf:", [(SYNTAX, "rf=afrf:: empty report format")]),
        ("v=DMARC1; p=none; psd=maybe", [(SYNTAX, "psd=maybe: must be y, n or u")]),
        ("v=DMARC1; p=none; t=1", [(SYNTAX, "t=1: must be y or n")]),
        ("v=DMARC1;; p=none", [(SYNTAX, "empty tag (two ';' in a row)")]),
        ("v=DMARC1; junk; p=none", [(SYNTAX, "'junk' is not a tag=value pair")]),
        (
            "v=DMARC1; p=none; p=none; pct=200",
            [
                (SYNTAX, "tag 'p' appears more than once"),
                (SYNTAX, "pct=200: must be an integer from 0 to 100"),
            ],
        ),
        (
            "v=DMARC2; p=none",
            [
                (SYNTAX, "must start with 'v=DMARC1' ('DMARC1' exactly, as the first tag)"),
                (SYNTAX, "v=DMARC2: the version must be exactly 'DMARC1'"),
            ],
        ),
        (
            "v=DMARC1; p=none; rua=mailto:a@x.com,,https://r.example/,mailto:b@bad_,mailto:c@",
            [
                (SYNTAX, "rua: empty URI in the list"),
                (SYNTAX, "rua: 'https://r.example/' is not a mailto: URI"),
                (SYNTAX, "rua: 'mailto:b@bad_' is not a valid mailto: address"),
                (SYNTAX, "rua: 'mailto:c@' is not a valid mailto: address"),
            ],
        ),
    ],
)
def test_errors_in_full(text: str, expected: list[tuple[dmarc.DmarcProblem, str]]) -> None:
    assert errors(text) == expected


def test_values_are_case_insensitive_where_the_grammar_says_so() -> None:
    text = "v=DMARC1; p=Reject; sp=NONE; np=Quarantine; adkim=S; aspf=R; fo=D:S; psd=Y; t=N"
    assert errors(text) == []
    assert errors("v=DMARC1; p=none; psd=u") == []
    assert errors("v=DMARC1; p=none; psd=U; t=y") == []


@pytest.mark.parametrize(
    ("text", "warnings"),
    [
        (
            "v=DMARC1; p=none; rf=iodef",
            [
                (QUESTIONABLE, "rf=iodef: 'afrf' is the only registered format"),
                (
                    OBSOLETE,
                    "rf=iodef: RFC 9989 removed 'rf' and its receivers ignore it; delete it",
                ),
            ],
        ),
        (
            "v=DMARC1; p=none; rf=AFRF",
            [(OBSOLETE, "rf=AFRF: RFC 9989 removed 'rf' and its receivers ignore it; delete it")],
        ),
        (
            "v=DMARC1; p=none; zz=1; aa=2",
            [(QUESTIONABLE, "unknown tags are ignored by receivers: aa, zz")],
        ),
    ],
)
def test_warnings_in_full(text: str, warnings: list[tuple[dmarc.DmarcNote, str]]) -> None:
    record = dmarc.parse_dmarc(text)
    assert record.errors == []
    assert [(w.kind, w.message) for w in record.warnings] == warnings


# ---- report URIs ------------------------------------------------------------------------------


def test_several_ruf_and_rua_addresses() -> None:
    record = dmarc.parse_dmarc(
        "v=DMARC1; p=none; rua=mailto:a@Example.com., mailto:b@reports.test!10m; "
        "ruf=mailto:f@forensics.test,MAILTO:g@example.com!5,mailto:h@third.test"
    )
    assert record.errors == []
    assert record.report_domains == ["example.com", "reports.test", "forensics.test", "third.test"]


def test_report_addresses_may_hold_bang_and_equals() -> None:
    record = dmarc.parse_dmarc(
        "v=DMARC1; p=none; rua=mailto:a!b@one.example!10m,mailto:a=b@two.example"
    )
    assert (record.errors, record.report_domains) == ([], ["one.example", "two.example"])
    assert record.text == "v=DMARC1; p=none; rua=mailto:a!b@one.example!10m,mailto:a=b@two.example"


def test_a_bad_uri_does_not_hide_the_next() -> None:
    record = dmarc.parse_dmarc("v=DMARC1; p=none; rua=mailto:bad,mailto:d@next.example")
    assert record.report_domains == ["next.example"]


@pytest.mark.parametrize(
    ("tag", "value", "message"),
    [
        (
            "ruf",
            "mailto:f@forensics.test,mailto:g@bad_domain.test",
            "ruf: 'mailto:g@bad_domain.test' is not a valid mailto: address",
        ),
        ("rua", "mailto:a@localhost", "rua: 'mailto:a@localhost' is not a valid mailto: address"),
        (
            "rua",
            "mailto:a@-x.example.com",
            "rua: 'mailto:a@-x.example.com' is not a valid mailto: address",
        ),
        (
            "rua",
            "mailto:a@" + "x" * 64 + ".com",
            "rua: 'mailto:a@" + "x" * 64 + ".com' is not a valid mailto: address",
        ),
        ("rua", "mailto:@example.com", "rua: 'mailto:@example.com' is not a valid mailto: address"),
        (
            "rua",
            "mailto:a b@example.com",
            "rua: 'mailto:a b@example.com' is not a valid mailto: address",
        ),
        ("rua", "mailto:example.com", "rua: 'mailto:example.com' is not a valid mailto: address"),
        (
            "rua",
            "https://example.com/dmarc",
            "rua: 'https://example.com/dmarc' is not a mailto: URI",
        ),
        ("rua", "mailto:a@example.com,,mailto:b@example.com", "rua: empty URI in the list"),
        ("ruf", "mailto:a@example.com!10x", "ruf: invalid size limit '!10x'"),
        ("ruf", "mailto:a@example.com!", "ruf: invalid size limit '!'"),
    ],
)
def test_bad_report_uris(tag: str, value: str, message: str) -> None:
    record = dmarc.parse_dmarc(f"v=DMARC1; p=none; {tag}={value}")
    assert [(e.kind, e.message) for e in record.errors] == [(SYNTAX, message)]


def test_a_name_of_253_characters_is_a_domain_254_is_not() -> None:
    name = ".".join(["a" * 63] * 3) + "." + "a" * 57 + ".com"
    assert errors(f"v=DMARC1; p=none; rua=mailto:d@{name}") == []
    longer = ".".join(["a" * 63] * 3) + "." + "a" * 58 + ".com"
    assert len(longer) == 254
    assert errors(f"v=DMARC1; p=none; rua=mailto:d@{longer}") == [
        (
            SYNTAX,
            f"rua: '{f'mailto:d@{longer}'[: dmarc.SHOWN_CHARS]}…' is not a valid mailto: address",
        )
    ]


@pytest.mark.parametrize("size", ["10", "10k", "10M", "1g", "2T"])
def test_size_limits(size: str) -> None:
    assert errors(f"v=DMARC1; p=none; ruf=mailto:a@example.com!{size}") == []


# ---- small helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "is_dmarc", "looks_like"),
    [
        ("v=DMARC1; p=none", True, True),
        ("v=DMARC1", True, True),
        ("v = DMARC1; p=none", True, True),
        ("v=DMARC1 p=none", False, True),
        ("v=DMARC10; p=none", False, True),
        ("v=dmarc1; p=none", False, True),
        (" v=DMARC1", False, True),
        ("p=none; v=DMARC1", False, True),
        ("v=spf1 -all", False, False),
    ],
)
def test_is_dmarc_and_looks_like_dmarc(text: str, is_dmarc: bool, looks_like: bool) -> None:
    assert dmarc.is_dmarc(text) is is_dmarc
    assert dmarc.looks_like_dmarc(text) is looks_like


def test_normalized_sorts_and_lowercases_tag_names() -> None:
    record = dmarc.parse_dmarc("V=DMARC1; P=reject; rua=mailto:a@example.com")
    assert record.normalized() == "p=reject; rua=mailto:a@example.com; v=DMARC1"


@pytest.mark.parametrize(
    ("row", "is_row"),
    [
        (Expected("example.com", "_dmarc.example.com", "TXT", "v=DMARC1; p=none", "x"), True),
        (Expected("example.com", "_dmarc.example.com", "TXT", "broken", "dmarc"), True),
        (Expected("example.com", "_dmarc.example.com", "TXT", "hello", "dmarcx"), False),
        (Expected("example.com", "_dmarc.example.com", "CNAME", "x.dmarc1.test", "dmarc"), False),
    ],
)
def test_is_dmarc_row(row: Expected, is_row: bool) -> None:
    assert dmarc.is_dmarc_row(row) is is_row


# ---- findings ---------------------------------------------------------------------------------

ROW = Expected(
    "example.com",
    "_dmarc.example.com",
    "TXT",
    "v=DMARC1; p=none; rua=mailto:d@reports.test",
    "dmarc",
    300,
)
FIX = '_dmarc.example.com. 300 IN TXT "v=DMARC1; p=none; rua=mailto:d@reports.test"'


def test_errors_and_warnings_of_the_published_record() -> None:
    found = dmarc.dmarc_findings(
        ROW, "v=DMARC1; adkim=q; zz=1; rua=mailto:d@reports.test", "ns1.example.com"
    )
    assert found == [
        Finding(
            "error",
            FindingCode.DMARC_NO_POLICY,
            "_dmarc.example.com",
            "DMARC: the required policy tag 'p' is missing",
            "ns1.example.com",
            FIX,
        ),
        Finding(
            "error",
            FindingCode.DMARC_SYNTAX,
            "_dmarc.example.com",
            "DMARC: adkim=q: must be r (relaxed) or s (strict)",
            "ns1.example.com",
            FIX,
        ),
        Finding(
            "warning",
            FindingCode.DMARC_WARNING,
            "_dmarc.example.com",
            "DMARC: unknown tags are ignored by receivers: zz",
            "ns1.example.com",
        ),
    ]


def test_no_fix_is_offered_when_the_expected_record_is_itself_wrong() -> None:
    row = Expected("example.com", "_dmarc.example.com", "TXT", "v=DMARC1", "dmarc", 300)
    (found,) = dmarc.dmarc_findings(row, "v=DMARC1", "ns1.example.com")
    assert (found.code, found.fix) == (FindingCode.DMARC_NO_POLICY, None)


LONG = "x" * 300
SHOWN = "x" * dmarc.SHOWN_CHARS + "…"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (f"v={LONG}; p=none", f"v={SHOWN}: the version must be exactly 'DMARC1'"),
        (f"v=DMARC1; p={LONG}", f"p={SHOWN}: must be none, quarantine or reject"),
        (f"v=DMARC1; p=none; adkim={LONG}", f"adkim={SHOWN}: must be r (relaxed) or s (strict)"),
        (f"v=DMARC1; p=none; pct={LONG}", f"pct={SHOWN}: must be an integer from 0 to 100"),
        (f"v=DMARC1; p=none; ri={LONG}", f"ri={SHOWN}: must be a 32-bit unsigned integer"),
        (f"v=DMARC1; p=none; fo={LONG}", f"fo={SHOWN}: options must be 0, 1, d or s"),
        (f"v=DMARC1; p=none; psd={LONG}", f"psd={SHOWN}: must be y, n or u"),
        (f"v=DMARC1; p=none; t={LONG}", f"t={SHOWN}: must be y or n"),
        (f"v=DMARC1; p=none; rua={LONG}", f"rua: '{SHOWN}' is not a mailto: URI"),
        (f"v=DMARC1; p=none; {LONG}", f"'{SHOWN}' is not a tag=value pair"),
    ],
)
def test_a_long_value_is_cut_in_its_error(record: str, message: str) -> None:
    assert message in [e.message for e in dmarc.parse_dmarc(record).errors]


def test_long_values_are_cut_in_warnings_too() -> None:
    parsed = dmarc.parse_dmarc(f"v=DMARC1; p=none; rf={LONG}; {LONG}=1")
    messages = [w.message for w in parsed.warnings]
    assert f"rf={SHOWN}: 'afrf' is the only registered format" in messages
    assert f"unknown tags are ignored by receivers: {SHOWN}" in messages
    assert all(len(m) < 300 for m in messages)


def test_a_value_of_exactly_the_shown_length_is_whole() -> None:
    value = "y" * dmarc.SHOWN_CHARS
    assert errors(f"v=DMARC1; p=none; t={value}") == [(SYNTAX, f"t={value}: must be y or n")]


def test_each_record_text_is_parsed_once() -> None:
    # The comparison, the findings and the tree walk all read the same record: one parse.
    text = "v=DMARC1; p=none; rua=mailto:d@example.com"
    first = dmarc.parse_dmarc(text)
    assert dmarc.parse_dmarc(text) is first
    assert dmarc.parse_dmarc(text + " ") is not first
