"""SPF, DMARC and DKIM key parsers, and serial arithmetic: examples and property tests."""

from __future__ import annotations

import asyncio
import base64

import dns.rdata
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import load_der_public_key
from hypothesis import given, settings
from hypothesis import strategies as st

from components.checks.dns.serial import newest, serial_lt
from components.checks.protocols import dkim, dkim_tags, dmarc, dmarc_walk, spf
from components.checks.protocols.dkim_tags import DkimProblem
from components.checks.verify.expected import Expected, parse_records, txt_zone_strings
from components.checks.verify.findings import FindingCode
from tests.support.dns_world import dkim_key_txt, rsa_key_der

# ---- SPF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "v=spf1 include:amazonses.com ~all",
        "v=spf1 a mx ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
        "v=spf1 a:mail.example.com/24//64 mx/24 exists:%{i}.spf.example.com ?all",
        "v=spf1 redirect=_spf.example.com",
        "V=SPF1 INCLUDE:AmazonSES.com -ALL",
        "v=spf1  include:amazonses.com   ~all",
        "v=spf1 include:amazonses.com exp=explain.example.com foo=bar -all",
    ],
)
def test_valid_spf(text: str) -> None:
    record = spf.parse_spf(text)
    assert record.errors == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("v=spf1 include ~all", "needs ':<domain>'"),
        ("v=spf1 ip4:300.1.1.1 ~all", "invalid ip4 address"),
        ("v=spf1 ip4:192.0.2.0/33 ~all", "invalid prefix length"),
        ("v=spf1 foo ~all", "unknown mechanism"),
        ("v=spf1 redirect=a.example.com redirect=b.example.com", "more than once"),
        ("v=spf1 include:bad_domain ~all", "must end in '.' and a top label"),
        ("v=spf1 ~redirect=x.example.com", "no qualifier"),
        ("v=spf1 all:x.example.com", "takes no argument"),
        ("v=spf10 -all", "does not start"),
    ],
)
def test_invalid_spf(text: str, fragment: str) -> None:
    record = spf.parse_spf(text)
    assert any(fragment in e for e in record.errors), record.errors


@pytest.mark.parametrize(
    ("text", "allows_all"),
    [("v=spf1 +all", True), ("v=spf1 all -all", True), ("v=spf1 ?all", False)],
)
def test_plus_all_is_valid_syntax_but_flagged(text: str, allows_all: bool) -> None:
    """'+all' is valid SPF (the RFC 7208 suite's multispf2 and all-double pass), but lets any
    host send: its own finding (spf_allows_all), not a syntax error."""
    record = spf.parse_spf(text)
    assert record.errors == []
    assert record.allows_all is allows_all


def test_plus_all_in_an_include_is_flagged() -> None:
    texts = {"inc.example.com": "v=spf1 +all"}

    async def lookup(name: str, rdtype: str) -> spf.TxtLookup:
        return spf.TxtLookup("ok", (texts[name],) if rdtype == "TXT" else ())

    record = spf.parse_spf("v=spf1 include:inc.example.com -all")
    evaluation = asyncio.run(spf.evaluate_spf(record, "example.com", lookup))
    assert [code for code, _ in evaluation.errors] == ["spf_allows_all"]


# RFC 7208 7.1: valid domain-specs and macro-strings that a label-by-label check got wrong.
@pytest.mark.parametrize(
    "text",
    [
        "v=spf1 exists:%{i}.%{l2r-}.user.%{d2} -all",  # adjacent macros around a literal '.'
        "v=spf1 include:%{ir}.%{v}.%{d}.spf.has.pphosted.com -all",
        "v=spf1 a:foo:bar/baz.example.com -all",  # ':' and '/' are macro-literals
        "v=spf1 mx:foo:bar/baz.example.com/24//64 -all",  # the cidr lengths come from the end
        "v=spf1 a:foo/24.example.com/24 mx:%{d}/24 a//64 -all",
    ],
)
def test_valid_spf_argument_grammar(text: str) -> None:
    assert spf.parse_spf(text).errors == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("v=spf1 -all foo=%abc", "'%' at position 1 must be followed by"),  # unknown modifier
        ("v=spf1 -all foo=%{x}", "unknown macro letter"),
        ("v=spf1 exists:%{c}.example.com -all", "only in the explanation text"),
        ("v=spf1 -all exp=%{r}.example.com", "only in the explanation text"),
        ("v=spf1 a:%{t}.example.com -all", "only in the explanation text"),
        ("v=spf1 -all x=%{t}", "only in the explanation text"),
        ("v=spf1 exists:foo%(ir).sbl.example.com ?all", "'%' at position 4"),
        ("v=spf1 exists:foo%.sbl.example.com ?all", "'%' at position 4"),
        ("v=spf1 exists:%{d0}.example.com -all", "must not be zero"),
        ("v=spf1 exists:%{d2x}.example.com -all", "then delimiters"),
        ("v=spf1 exists:%{d.example.com -all", "never closed"),
        ("v=spf1 exists:%{d}com -all", "must end in '.' and a top label"),
        ("v=spf1 a:example.com:8080 -all", "must end in '.' and a top label"),
        ("v=spf1 include:ip5.example.com/24 -all", "must end in '.' and a top label"),
        ("v=spf1 a:museum. -all", "must end in '.' and a top label"),
        ("v=spf1 a:111.222.33.44 -all", "must end in '.' and a top label"),
        ("v=spf1 a:example.-com -all", "must end in '.' and a top label"),
        ("v=spf1 redirect=-all", "must end in '.' and a top label"),
        ("v=spf1 a: -all", "the domain is empty"),
        ("v=spf1 -all exp=", "the domain is empty"),
        ("v=spf1 a:mail.example...com -all", "empty label"),
        ("v=spf1 exists:%{i}..example.com -all", "empty label"),
        ("v=spf1 a:" + "x" * 64 + ".example.com -all", "longer than 63"),
        ("v=spf1 a/24/64 -all", "neither ':<domain>' nor a prefix length"),
        ("v=spf1 a:example.com/24/64 -all", "must end in '.' and a top label"),
        ("v=spf1 mx:example.com//129 -all", "invalid prefix length '/129'"),
        ("v=spf1 a:example.com/024 -all", "invalid prefix length '/024'"),
        ("v=spf1 ptr/0 -all", "'ptr' takes only ':<domain>'"),
        ("v=spf1 ip4:192.0.2.1/\u00b2 -all", "invalid prefix length"),  # int('²') raised
        ("v=spf1 a:example.com/\u00b2 -all", "character '\u00b2' is not allowed"),
    ],
)
def test_invalid_spf_argument_grammar(text: str, fragment: str) -> None:
    record = spf.parse_spf(text)
    assert any(fragment in e for e in record.errors), record.errors


def test_spf_literal_name_over_253_characters_is_a_warning() -> None:
    name = ".".join(["a" * 60] * 5) + ".com"
    record = spf.parse_spf(f"v=spf1 a:{name} -all")
    assert record.errors == []
    assert "longer than 253" in record.warnings[0]


def test_spf_warnings() -> None:
    record = spf.parse_spf("v=spf1 ptr -all include:amazonses.com redirect=x.example.com")
    text = " ".join(record.warnings)
    assert "deprecated" in text
    assert "after 'all'" in text
    assert "redirect=' is ignored" in text


def test_spf_normalized_ignores_case_and_spacing() -> None:
    a = spf.parse_spf("v=spf1  INCLUDE:amazonses.com   ~all")
    b = spf.parse_spf("v=spf1 include:amazonses.com ~all")
    assert a.normalized() == b.normalized()


def test_spf_evaluation_counts_a_tree_and_stops_at_cycles() -> None:
    zone = {
        "a.test": "v=spf1 include:b.test include:a.test -all",  # a cycle
        "b.test": "v=spf1 mx a -all",
    }
    queries: list[tuple[str, str]] = []

    async def lookup(name: str, rdtype: str) -> spf.TxtLookup:
        queries.append((name, rdtype))
        if rdtype == "TXT" and name in zone:
            return spf.TxtLookup("ok", (zone[name],))
        return spf.TxtLookup("ok", ("1.2.3.4",)) if rdtype != "TXT" else spf.TxtLookup("nxdomain")

    record = spf.parse_spf("v=spf1 include:a.test -all")
    ev = asyncio.run(spf.evaluate_spf(record, "x.test", lookup))
    assert ev.lookups > spf.LOOKUP_LIMIT
    assert [c for c, _ in ev.errors] == ["spf_too_many_lookups"]
    assert len(queries) < 40


def _mx_world(mx: dict[str, list[str]], addresses: set[str]):
    async def lookup(name: str, rdtype: str) -> spf.TxtLookup:
        if rdtype == "MX":
            return spf.TxtLookup("ok", tuple(mx[name])) if name in mx else spf.TxtLookup("nxdomain")
        return spf.TxtLookup("ok", ("192.0.2.1",)) if name in addresses else spf.TxtLookup("nodata")

    return lookup


def test_spf_mx_with_more_than_ten_hosts_is_a_permerror() -> None:
    hosts = [f"{i} mx{i}.x.test." for i in range(11)]
    lookup = _mx_world({"x.test": hosts}, {f"mx{i}.x.test" for i in range(11)})
    ev = asyncio.run(spf.evaluate_spf(spf.parse_spf("v=spf1 mx -all"), "x.test", lookup))
    assert [c for c, _ in ev.errors] == ["spf_too_many_mx"]
    assert "11 MX records" in ev.errors[0][1]


def test_spf_mx_hosts_without_addresses_are_void_lookups() -> None:
    mx = {"x.test": ["10 a.x.test.", "20 b.x.test.", "30 c.x.test.", "40 c.x.test."]}
    ev = asyncio.run(
        spf.evaluate_spf(spf.parse_spf("v=spf1 mx -all"), "x.test", _mx_world(mx, set()))
    )
    assert ev.void_lookups == 3  # one per host, a host listed twice looked up once
    assert [c for c, _ in ev.errors] == ["spf_void_lookups"]
    fine = _mx_world(
        {"x.test": [f"{i} h{i}.x.test." for i in range(9)] + ["0 ."]},
        {f"h{i}.x.test" for i in range(10)},
    )
    ev = asyncio.run(spf.evaluate_spf(spf.parse_spf("v=spf1 mx -all"), "x.test", fine))
    assert (ev.errors, ev.void_lookups, ev.lookups) == ([], 0, 1)


def test_spf_lookup_failure_is_unchecked_not_void() -> None:
    async def lookup(name: str, rdtype: str) -> spf.TxtLookup:
        return spf.TxtLookup("error", error="timeout")

    record = spf.parse_spf("v=spf1 include:a.test a:b.test mx:c.test ~all")
    ev = asyncio.run(spf.evaluate_spf(record, "x.test", lookup))
    assert ev.void_lookups == 0
    assert ev.errors == []
    assert len(ev.unchecked) == 3


# ---- DMARC ------------------------------------------------------------------------------------


def test_dmarc_full_record() -> None:
    record = dmarc.parse_dmarc(
        "v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=r; pct=50; fo=0:1:d:s; "
        "rf=afrf; ri=86400; rua=mailto:a@example.com,mailto:b@reports.test!10m; "
        "ruf=mailto:f@example.com; psd=n; t=y;"
    )
    assert record.errors == []
    assert [w.kind for w in record.warnings] == [
        dmarc.DmarcNote.QUESTIONABLE,  # the size limit
        *[dmarc.DmarcNote.OBSOLETE_TAG] * 3,
    ]
    assert record.warnings[0].message == (
        "rua: size limit '!10m': RFC 9989 removed report size limits, so its receivers may not "
        "honour it"
    )
    assert record.report_domains == ["example.com", "reports.test"]
    assert record.psd == "n"


def test_dmarc_rfc_9989_record_has_no_warning() -> None:
    record = dmarc.parse_dmarc(
        "v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=r; fo=0:1:d:s; "
        "rua=mailto:a@example.com; ruf=mailto:f@example.com; psd=u; t=y"
    )
    assert (record.errors, record.warnings, record.psd) == ([], [], "u")


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        (
            "pct=0",
            "pct=0: RFC 9989 removed 'pct'; write t=y instead, which asks receivers not to apply "
            "the policy yet, as pct=0 did",
        ),
        ("pct=100", "pct=100: RFC 9989 removed 'pct' (100 was its default); delete it"),
        (
            "pct=50",
            "pct=50: RFC 9989 removed 'pct': its receivers ignore it and apply the policy to all "
            "mail, RFC 7489 receivers to a sample; use t=y to test the policy, or delete pct to "
            "apply it (t=n, the default)",
        ),
        ("rf=afrf", "rf=afrf: RFC 9989 removed 'rf' and its receivers ignore it; delete it"),
        ("RI=3600", "ri=3600: RFC 9989 removed 'ri' and its receivers ignore it; delete it"),
    ],
)
def test_dmarc_obsolete_tags_are_warnings_naming_what_replaces_them(tag: str, message: str) -> None:
    record = dmarc.parse_dmarc(f"v=DMARC1; p=reject; {tag}")
    assert record.errors == []
    assert record.warnings == [
        dmarc.DmarcWarning(kind=dmarc.DmarcNote.OBSOLETE_TAG, message=message)
    ]


def test_dmarc_obsolete_tag_keeps_its_rfc_7489_value_check() -> None:
    """An RFC 7489 receiver still reads pct: a value it refuses stays an error, with the note."""
    record = dmarc.parse_dmarc("v=DMARC1; p=reject; pct=150")
    assert [e.message for e in record.errors] == ["pct=150: must be an integer from 0 to 100"]
    assert [w.kind for w in record.warnings] == [dmarc.DmarcNote.OBSOLETE_TAG]


def test_dmarc_warning_kinds_come_from_the_parse() -> None:
    """An unknown tag whose message mentions 'pct' is still a plain warning."""
    record = dmarc.parse_dmarc("v=DMARC1; p=reject; xpct=1; rf=iodef")
    kinds = sorted(w.kind.value for w in record.warnings)
    assert kinds == ["obsolete_tag", "questionable", "questionable"]
    e = Expected("example.com", "_dmarc.example.com", "TXT", "v=DMARC1; p=reject", "dmarc")
    found = dmarc.dmarc_findings(e, "v=DMARC1; p=reject; xpct=1; pct=0", None)
    assert sorted(f.code for f in found) == ["dmarc_obsolete_tag", "dmarc_warning"]
    assert all(f.severity == "warning" for f in found)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("v=DMARC1", "'p' is missing"),
        ("v=DMARC1; p=none; p=reject", "more than once"),
        ("v=dmarc1; p=none", "must start with 'v=DMARC1'"),
        ("v=DMARC1; p=none; ri=-1", "ri=-1"),
        ("v=DMARC1; p=none; ri=" + "9" * 5000, "32-bit unsigned"),  # int() raised
        ("v=DMARC1; p=none; pct=\u00b2", "from 0 to 100"),  # int('²') raised
        ("v=DMARC1; p=none; fo=2", "fo=2"),
        ("v=DMARC1; p=none; rua=mailto:nobody", "not a valid mailto"),
        ("v=DMARC1; p=none; rua=mailto:a@example.com!10x", "size limit"),
        ("v=DMARC1; p=none; psd=maybe", "psd=maybe"),
        ("v=DMARC1; p=none; t=1", "t=1"),
        ("v=DMARC1; p=none; garbage", "not a tag=value"),
        ("v=DMARC1;; p=none", "empty tag"),
    ],
)
def test_dmarc_errors(text: str, fragment: str) -> None:
    record = dmarc.parse_dmarc(text)
    assert any(fragment in e.message for e in record.errors), record.errors


@pytest.mark.parametrize(
    "text",
    [
        "V=DMARC1;P=reject;",
        "V=DMARC1; P=Quarantine; ADKIM=S; Rua=mailto:d@example.com",
        "V = DMARC1 ; p=none",
    ],
)
def test_dmarc_tag_names_are_case_insensitive(text: str) -> None:
    assert dmarc.parse_dmarc(text).errors == []
    assert dmarc.is_dmarc(text)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("v=DMARC1; p=none; p=reject", [dmarc.DmarcProblem.SYNTAX]),  # mentions 'p', has one
        ("v=DMARC1; rua=mailto:d@example.com", [dmarc.DmarcProblem.NO_POLICY]),
        ("v=DMARC1; p=block", [dmarc.DmarcProblem.NO_POLICY]),
        ("v=DMARC1; p=none; sp=block", [dmarc.DmarcProblem.SYNTAX]),
        ("v=DMARC1; p=none; rua=mailto:nobody", [dmarc.DmarcProblem.SYNTAX]),
    ],
)
def test_dmarc_error_kinds_come_from_the_parse(text: str, kinds: list[dmarc.DmarcProblem]) -> None:
    assert [e.kind for e in dmarc.parse_dmarc(text).errors] == kinds


def test_dmarc_unknown_tag_is_a_warning() -> None:
    record = dmarc.parse_dmarc("v=DMARC1; p=none; xyz=1")
    assert record.errors == []
    assert record.warnings == [
        dmarc.DmarcWarning(
            kind=dmarc.DmarcNote.QUESTIONABLE,
            message="unknown tags are ignored by receivers: xyz",
        )
    ]


# ---- DKIM -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("bits", "errors", "warnings"), [(2048, 0, 0), (1024, 0, 1), (512, 1, 0)])
def test_dkim_key_sizes(bits: int, errors: int, warnings: int) -> None:
    key = dkim.parse_dkim_key(dkim_key_txt(bits))
    assert key.bits == bits
    assert (len(key.errors), len(key.warnings)) == (errors, warnings)


KEY = dkim_key_txt(2048).partition("p=")[2]
ED = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
INVALID = DkimProblem.INVALID
REVOKED = DkimProblem.REVOKED
WEAK = DkimProblem.WEAK
LF_KEY = KEY[:50] + "\n" + KEY[50:]
NBSP_KEY = KEY[:50] + "\u00a0" + KEY[50:]
NOT_BASE64 = "not base64 (A-Z a-z 0-9 + / and '=' padding)"
CHARS = "only '!' to '~' but ';' in a value, and spaces, tabs or CRLF followed by a space or tab"


def _pkcs1(bits: int) -> str:
    """A bare PKCS#1 RSAPublicKey, base64: what RFC 6376 3.6.1's prose names."""
    key = load_der_public_key(rsa_key_der(bits))
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return base64.b64encode(der).decode()


VALID_KEYS = [
    f"v=DKIM1; k=rsa; p={KEY}",
    f"p={KEY}",  # v= and k= are optional
    f"v=DKIM1; p={KEY};",  # one trailing ';'
    f"v=DKIM1; p={KEY}; \t",  # and FWS after it
    f" v = DKIM1 ;\tk\t=\trsa ; p = {KEY} ",  # FWS around '=' and ';'
    f"v=DKIM1;\r\n p={KEY}",  # CRLF followed by WSP is FWS
    f"v=DKIM1; p={KEY[:90]} {KEY[90:200]}\r\n\t{KEY[200:]}",  # FWS inside p=
    f"v=DKIM1; k=RSA; p={KEY}",  # ABNF strings are case-insensitive
    f"v=DKIM1; h=sha256; p={KEY}",
    f"v=DKIM1; h=sha1:sha256; p={KEY}",
    f"v=DKIM1; h=sha256:sha512; p={KEY}",  # unknown algorithms are ignored
    f"v=DKIM1; h = sha1 : sha256 ; p={KEY}",
    f"v=DKIM1; s=email; p={KEY}",
    f"v=DKIM1; s=*; p={KEY}",
    f"v=DKIM1; s=tlsrpt:email; p={KEY}",  # unknown service types are ignored
    f"v=DKIM1; t=s; p={KEY}",
    f"v=DKIM1; t=s:x-later; p={KEY}",  # unknown flags are ignored
    f"v=DKIM1; n=rotated in May, see https://example.com/dkim?x=1; p={KEY}",
    f"v=DKIM1; x_vendor=1; g=*; p={KEY}",  # unknown tags (g= is RFC 4871's) are ignored
    f"v=DKIM1; k=ed25519; p={ED}",
    f"v=DKIM1; k=ed25519; h=sha256; p={ED[:20]} {ED[20:]}",
]


@pytest.mark.parametrize("text", VALID_KEYS)
def test_valid_dkim_key_records(text: str) -> None:
    key = dkim.parse_dkim_key(text)
    assert (key.errors, key.warnings) == ([], [])


_FWS_CHOICES = st.sampled_from(["", " ", "\t", "\r\n ", " \r\n\t", "  "])


@settings(max_examples=150, deadline=None)
@given(st.lists(_FWS_CHOICES, min_size=24, max_size=24), st.booleans())
def test_fws_anywhere_the_grammar_allows_it_is_valid(fws: list[str], trailing: bool) -> None:
    tags = [("v", "DKIM1"), ("k", "rsa"), ("h", "sha256"), ("s", "email"), ("p", KEY)]
    spaces = iter(fws)
    specs = [f"{next(spaces)}{n}{next(spaces)}={next(spaces)}{v}{next(spaces)}" for n, v in tags]
    text = ";".join(specs) + (";" + next(spaces) if trailing else "")
    key = dkim.parse_dkim_key(text)
    assert (key.errors, key.warnings, key.bits) == ([], [], 2048)


INVALID_KEYS: list[tuple[str, list[tuple[DkimProblem, str]]]] = [
    (
        f"v=DKIM1; p={KEY}; p={KEY}",
        [(INVALID, "tag 'p' appears more than once: verifiers discard the record")],
    ),
    (
        f"v=DKIM1; k=rsa; k=rsa; p={KEY}",
        [(INVALID, "tag 'k' appears more than once: verifiers discard the record")],
    ),
    (f"k=rsa; v=DKIM1; p={KEY}", [(INVALID, "'v=' must be the first tag")]),
    (
        f"v=DKIM2; p={KEY}",
        [(INVALID, "v='DKIM2': must be exactly 'DKIM1'; verifiers discard the record")],
    ),
    (
        f"v=dkim1; p={KEY}",
        [(INVALID, "v='dkim1': must be exactly 'DKIM1'; verifiers discard the record")],
    ),
    (
        f"v=DKIM1; k=dsa; p={KEY}",
        [(INVALID, "k='dsa': unknown key type, verifiers ignore the key (rsa or ed25519)")],
    ),
    (
        f"v=DKIM1; k=; p={KEY}",
        [(INVALID, "k='': unknown key type, verifiers ignore the key (rsa or ed25519)")],
    ),
    (
        "v=DKIM1; p=!!!!",
        [(INVALID, "p='!!!!': not base64 (A-Z a-z 0-9 + / and '=' padding)")],
    ),
    (
        "v=DKIM1; p=AAAAA",
        [(INVALID, "p='AAAAA': not base64 (A-Z a-z 0-9 + / and '=' padding)")],
    ),
    (
        "v=DKIM1; p=AA=A",
        [(INVALID, "p='AA=A': not base64 (A-Z a-z 0-9 + / and '=' padding)")],
    ),
    (
        f"v=DKIM1; p={LF_KEY}",  # a bare LF is no FWS
        [(INVALID, f"p={dkim_tags.show(LF_KEY)}: {CHARS} between them")],
    ),
    (
        f"v=DKIM1; p={NBSP_KEY}",  # nor is a no-break space
        [
            (INVALID, f"p={dkim_tags.show(NBSP_KEY)}: {CHARS} between them"),
            (INVALID, f"p={dkim_tags.show(NBSP_KEY)}: {NOT_BASE64}"),
        ],
    ),
    ("v=DKIM1; p=", [(REVOKED, "the key is revoked (empty p=)")]),
    ("v=DKIM1; p= \t;", [(REVOKED, "the key is revoked (empty p=)")]),
    (
        "v=DKIM2; p=",
        [
            (INVALID, "v='DKIM2': must be exactly 'DKIM1'; verifiers discard the record"),
            (REVOKED, "the key is revoked (empty p=)"),
        ],
    ),
    ("v=DKIM1; k=rsa", [(INVALID, "the required public key tag 'p' is missing")]),
    (
        f"v=DKIM1; h=sha1; p={KEY}",
        [
            (
                INVALID,
                "h='sha1': lists only sha1, which RFC 8301 verifiers refuse; the key is unusable "
                "(add sha256)",
            )
        ],
    ),
    (
        f"v=DKIM1; h=sha512:sha3-256; p={KEY}",
        [
            (
                INVALID,
                "h='sha512:sha3-256': lists none of sha1, sha256: verifiers ignore unknown "
                "algorithms; the key is unusable (add sha256)",
            )
        ],
    ),
    (
        f"v=DKIM1; h=sha256:; p={KEY}",
        [(INVALID, "h='sha256:': '' is not a name (letters, digits, '-')")],
    ),
    (
        f"v=DKIM1; h=sha_256; p={KEY}",
        [(INVALID, "h='sha_256': 'sha_256' is not a name (letters, digits, '-')")],
    ),
    (
        f"v=DKIM1; s=tlsrpt; p={KEY}",
        [(INVALID, "s='tlsrpt': lists neither 'email' nor '*': not a key for email")],
    ),
    (f"v=DKIM1; s=; p={KEY}", [(INVALID, "s='': '' is not a name (letters, digits, '-')")]),
    (
        f"v=DKIM1; s=email:**; p={KEY}",
        [(INVALID, "s='email:**': '**' is not a name (letters, digits, '-')")],
    ),
    (f"v=DKIM1; t=y:; p={KEY}", [(INVALID, "t='y:': '' is not a name (letters, digits, '-')")]),
    (
        f"v=DKIM1; 1p=x; p={KEY}",
        [(INVALID, "tag name '1p' is not ALPHA *(ALPHA / DIGIT / '_')")],
    ),
    (
        f"v=DKIM1; x-note=x; p={KEY}",
        [(INVALID, "tag name 'x-note' is not ALPHA *(ALPHA / DIGIT / '_')")],
    ),
    (
        f"v=DKIM1; s e=x; p={KEY}",
        [(INVALID, "tag name 's e' is not ALPHA *(ALPHA / DIGIT / '_')")],
    ),
    (f"v=DKIM1; rsa; p={KEY}", [(INVALID, "'rsa' is not a tag=value pair")]),
    (f"v=DKIM1; n=café; p={KEY}", [(INVALID, f"n='café': {CHARS} between them")]),
    (f"v=DKIM1; k\n=rsa; p={KEY}", [(INVALID, f"k='rsa': {CHARS} between them")]),
    (
        f"v=DKIM1; p={_pkcs1(2048)}",
        [
            (
                INVALID,
                "p= holds a bare PKCS#1 RSAPublicKey, which common verifiers (OpenDKIM, dkimpy) "
                "cannot read: publish it as SubjectPublicKeyInfo, as SES does "
                "(openssl rsa -pubout)",
            )
        ],
    ),
    (
        f"v=DKIM1; k=ed25519; p={base64.b64encode(bytes(44)).decode()}",
        [(INVALID, "an ed25519 key is 32 bytes, this one is 44")],
    ),
    (f"v=DKIM1; k=rsa; p={ED}", [(INVALID, "p= does not hold an RSA public key")]),
    (
        dkim_key_txt(512),
        [(WEAK, "RSA key of 512 bits: verifiers reject keys under 1024 bits")],
    ),
]


@pytest.mark.parametrize(("text", "errors"), INVALID_KEYS)
def test_invalid_dkim_key_records(text: str, errors: list[tuple[DkimProblem, str]]) -> None:
    key = dkim.parse_dkim_key(text)
    assert [(e.kind, e.message) for e in key.errors] == errors


@pytest.mark.parametrize(
    ("text", "errors", "warnings"),
    [
        (f"v=DKIM1; p={KEY}; t=y", [], ["t=y: the domain is in DKIM testing mode"]),
        (
            f"v=DKIM1;; p={KEY}",
            [],
            [
                "empty tag-spec at position 2: RFC 6376 3.2 allows one ';' after the last tag "
                "only, and some verifiers discard such records"
            ],
        ),
        (
            f"v=DKIM1; P={KEY}",
            ["the required public key tag 'p' is missing"],
            ["tag 'P' is ignored: tag names are case-sensitive (did you mean 'p'?)"],
        ),
    ],
)
def test_dkim_key_records_with_warnings(text: str, errors: list[str], warnings: list[str]) -> None:
    key = dkim.parse_dkim_key(text)
    assert ([e.message for e in key.errors], [w.message for w in key.warnings]) == (
        errors,
        warnings,
    )


def _byodkim_row() -> Expected:
    (row,) = parse_records(
        '[{"domain": "example.com", "name": "sel._domainkey.example.com", "type": "TXT", '
        '"value": "v=DKIM1; p=", "ttl": 300, "purpose": "dkim_byodkim"}]',
        "test",
    )
    return row


def test_dkim_finding_codes_come_from_each_error_kind() -> None:
    row = _byodkim_row()
    found = dkim.dkim_findings(row, row.name, "v=DKIM2; p=", None, "ns")
    assert [(f.code, f.message) for f in found] == [
        (
            FindingCode.DKIM_KEY_INVALID,
            "DKIM key at sel._domainkey.example.com: v='DKIM2': must be exactly 'DKIM1'; "
            "verifiers discard the record",
        ),
        (
            FindingCode.DKIM_KEY_REVOKED,
            "DKIM key at sel._domainkey.example.com: the key is revoked (empty p=)",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (dkim_key_txt(1024), "dkim_key_short", "RSA key of 1024 bits: 2048 bits is recommended"),
        (f"v=DKIM1; t=y; p={KEY}", "dkim_key_short", "t=y: the domain is in DKIM testing mode"),
        (
            f"v=DKIM1; k=ed25519; t=y; p={ED}",
            "dkim_key_warning",
            "t=y: the domain is in DKIM testing mode",
        ),
        (
            f"v=DKIM1; p={KEY};;",
            "dkim_key_warning",
            "empty tag-spec at position 3: RFC 6376 3.2 allows one ';' after the last tag only, "
            "and some verifiers discard such records",
        ),
        (
            f"v=DKIM1; p={KEY}; T=y",
            "dkim_key_warning",
            "tag 'T' is ignored: tag names are case-sensitive (did you mean 't'?)",
        ),
    ],
)
def test_dkim_warning_codes_come_from_each_warning_kind(text: str, code: str, message: str) -> None:
    row = _byodkim_row()
    (found,) = dkim.dkim_findings(row, row.name, text, None, "ns")
    assert (found.severity, found.code, found.message) == (
        "warning",
        code,
        f"DKIM key at sel._domainkey.example.com: {message}",
    )


def test_dkim_key_with_spaces_inside_p_and_ed25519() -> None:
    text = dkim_key_txt(2048)
    spaced = text[:60] + " " + text[60:120] + "\t" + text[120:]
    assert dkim.parse_dkim_key(spaced).bits == 2048
    ed = dkim.parse_dkim_key("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
    assert ed.errors == []


# ---- TXT strings and serials -------------------------------------------------------------------


def test_txt_zone_strings_split_at_255_bytes() -> None:
    text = "v=DKIM1; p=" + "A" * 600
    quoted = txt_zone_strings(text)
    parts = quoted.split('" "')
    assert len(parts) == 3
    assert all(len(p.strip('"')) <= 255 for p in parts)
    assert txt_zone_strings('a"b\\c') == '"a\\"b\\\\c"'


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_txt_zone_strings_escape_what_zone_files_need(text: str) -> None:
    """Plain printable ASCII is written as it is (the fast path), everything else escaped:
    read back by dnspython's zone-file parser, the strings are the text's UTF-8 bytes."""
    quoted = txt_zone_strings(text)
    rdata = dns.rdata.from_text("IN", "TXT", quoted or '""')
    assert b"".join(rdata.strings) == text.encode("utf-8")  # type: ignore[attr-defined]
    assert all(len(s) <= 255 for s in rdata.strings)  # type: ignore[attr-defined]


def test_serial_arithmetic() -> None:
    assert serial_lt(1, 2)
    assert not serial_lt(2, 1)
    assert serial_lt(4294967295, 0)  # wraps
    assert serial_lt(4294967000, 5)
    assert not serial_lt(0, 2**31)  # undefined: neither is newer
    assert not serial_lt(2**31, 0)
    assert newest([4294967295, 1, 0]) == 1
    assert newest([]) is None


# ---- property tests: parsers never crash -----------------------------------------------------

tokens = st.sampled_from(
    [
        "v=spf1",
        "v=DMARC1",
        "v=DKIM1",
        "include:",
        "a",
        "mx",
        "ip4:",
        "ip6:",
        "/",
        "//",
        ":",
        "=",
        ";",
        ",",
        "!",
        "%{",
        "}",
        "p=",
        "k=",
        "rua=",
        "mailto:",
        "@",
        ".",
        "-",
        "+",
        "~",
        "all",
        "redirect=",
        "exp=",
        " ",
        "  ",
        "\t",
        "amazonses.com",
        "%",
        "0",
        "99999",
        "MIIB",
        "==",
        "é",
        "\x00",
    ]
)
texts = st.one_of(st.text(max_size=300), st.lists(tokens, max_size=40).map("".join))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_spf_parser_never_raises(text: str) -> None:
    record = spf.parse_spf(text)
    assert isinstance(record.errors, list)
    record.normalized()
    spf.parse_spf("v=spf1 " + text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_dmarc_parser_never_raises(text: str) -> None:
    dmarc.parse_dmarc(text)
    record = dmarc.parse_dmarc("v=DMARC1; " + text)
    record.normalized()
    assert record.psd in ("y", "n", "u")
    for d in record.report_domains:
        assert 2 <= len(dmarc_walk.walk_names(d)) <= dmarc_walk.MAX_QUERIES


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        texts,
        st.binary(max_size=400).map(
            lambda b: "v=DKIM1; p=" + __import__("base64").b64encode(b).decode()
        ),
    )
)
def test_dkim_parser_never_raises(text: str) -> None:
    key = dkim.parse_dkim_key(text)
    assert key.bits is None or key.bits > 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "include:a.test",
                "a",
                "mx:b.test",
                "redirect=c.test",
                "ip4:1.2.3.4",
                "exists:%{i}.x.test",
                "-all",
            ]
        ),
        max_size=15,
    )
)
def test_spf_evaluation_is_bounded(terms: list[str]) -> None:
    async def lookup(name: str, rdtype: str) -> spf.TxtLookup:
        if rdtype == "TXT":
            return spf.TxtLookup("ok", ("v=spf1 " + " ".join(terms),))
        return spf.TxtLookup("nodata")

    record = spf.parse_spf("v=spf1 " + " ".join(terms))
    ev = asyncio.run(spf.evaluate_spf(record, "x.test", lookup))
    assert ev.lookups >= 0


# ---- property tests: the SPF argument grammar is RFC 7208 7.1's ABNF -------------------------

_macro_expand = st.one_of(
    st.sampled_from(["%%", "%_", "%-"]),
    st.builds(
        lambda letter, count, reverse, delimiters: f"%{{{letter}{count}{reverse}{delimiters}}}",
        st.sampled_from("slodiphvSLODIPHV"),
        st.one_of(st.just(""), st.integers(1, 128).map(str)),
        st.sampled_from(["", "r", "R"]),
        st.text(".-+,/_=", max_size=3),
    ),
)
# macro-literal = %x21-24 / %x26-7E, here without '.' so that labels stay non-empty
_literal = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="%."),
    min_size=1,
    max_size=8,
)
_label = st.lists(st.one_of(_macro_expand, _literal), min_size=1, max_size=3).map("".join)
_toplabel = st.one_of(
    st.from_regex(r"[A-Za-z0-9]{0,3}[A-Za-z][A-Za-z0-9]{0,3}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]{1,3}-[A-Za-z0-9-]{0,3}[A-Za-z0-9]", fullmatch=True),
)
_domain_end = st.one_of(
    st.builds(lambda top, dot: f".{top}{dot}", _toplabel, st.sampled_from(["", "."])),
    _macro_expand,
)
_domain_spec = st.builds(
    lambda labels, end: ".".join(labels) + ("" if end.startswith(".") else ".") + end,
    st.lists(_label, min_size=1, max_size=4),
    _domain_end,
)


@settings(max_examples=300, deadline=None)
@given(_domain_spec)
def test_every_domain_spec_of_the_abnf_is_accepted(spec: str) -> None:
    for term in (f"include:{spec}", f"exists:{spec}", f"a:{spec}/24//64", f"redirect={spec}"):
        record = spf.parse_spf(f"v=spf1 {term}")
        assert record.errors == [], (term, record.errors)
        assert record.terms[0].domain == spec


@settings(max_examples=200, deadline=None)
@given(_domain_spec, st.sampled_from("aAbBxyz0(.}"), st.sampled_from("crtCRT"))
def test_a_stray_percent_or_an_exp_only_letter_is_refused(
    spec: str, after: str, letter: str
) -> None:
    # A '.' is always a literal of its own, so what is put after one starts a new macro-string.
    middle = spec.replace(".", f".%{after}", 1)
    for bad in (f"%{after}{spec}", middle, f"%{{{letter}}}.{spec}", f"%{{{letter}2r}}.x.com"):
        assert spf.parse_spf(f"v=spf1 exists:{bad}").errors, bad
        assert spf.parse_spf(f"v=spf1 -all x={bad}").errors, bad
