"""SPF records as the checks judge them, message by whole message: the exact limits (10 lookups,
2 void lookups, 10 MX hosts), redirect= followed, prefix lengths at their edges (a/33, ip6
prefixes), what is looked up and by which type, and the findings about a published record."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from components.checks.protocols import spf, spf_macros
from components.checks.verify.expected import Expected
from components.checks.verify.findings import Finding, FindingCode


@dataclass
class World:
    """A DNS world for ``evaluate_spf``: TXT records by name, MX answers, names with an address;
    every other name is NXDOMAIN. Records each query."""

    txt: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    mx: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    addresses: set[str] = field(default_factory=set[str])
    failing: set[str] = field(default_factory=set[str])
    asked: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])

    async def lookup(self, name: str, rdtype: str) -> spf.TxtLookup:
        self.asked.append((name, rdtype))
        if name in self.failing:
            return spf.TxtLookup("error", error="timeout")
        if rdtype == "TXT" and name in self.txt:
            return spf.TxtLookup("ok", tuple(self.txt[name]))
        if rdtype == "MX" and name in self.mx:
            return spf.TxtLookup("ok", tuple(self.mx[name]))
        if rdtype == "A" and name in self.addresses:
            return spf.TxtLookup("ok", ("192.0.2.1",))
        known = name in self.txt or name in self.mx or name in self.addresses
        return spf.TxtLookup("nodata" if known else "nxdomain")

    def evaluate(self, text: str, domain: str = "example.com") -> spf.SpfEvaluation:
        return asyncio.run(spf.evaluate_spf(spf.parse_spf(text), domain, self.lookup))


def a_terms(count: int, prefix: str = "h") -> str:
    return " ".join(f"a:{prefix}{i}.example.com" for i in range(count))


def hosts(count: int, prefix: str = "h") -> set[str]:
    return {f"{prefix}{i}.example.com" for i in range(count)}


TOP_LABEL = (
    "the domain must end in '.' and a top label (letters, digits and inner hyphens, not all "
    "digits), or in a macro"
)
TOO_MANY = (
    FindingCode.SPF_TOO_MANY_LOOKUPS,
    "more than 10 DNS-lookup terms across the include/redirect tree (at least 11; permerror)",
)

# ---- the exact limits -------------------------------------------------------------------------


def test_ten_lookups_are_allowed() -> None:
    world = World(addresses=hosts(10))
    ev = world.evaluate(f"v=spf1 {a_terms(10)} -all")
    assert (ev.lookups, ev.void_lookups, ev.errors) == (10, 0, [])
    assert sorted(world.asked) == sorted((h, "A") for h in hosts(10))


def test_eleven_lookups_are_a_permerror() -> None:
    world = World(addresses=hosts(11))
    ev = world.evaluate(f"v=spf1 {a_terms(11)} -all")
    assert ev.lookups == 11
    assert ev.errors == [TOO_MANY]
    assert world.asked == []  # the level over the limit is not looked up


def test_redirect_is_followed_and_its_lookups_count() -> None:
    world = World(txt={"_spf.example.com": [f"v=spf1 {a_terms(10)} -all"]}, addresses=hosts(10))
    ev = world.evaluate("v=spf1 redirect=_spf.example.com")
    assert world.asked == [("_spf.example.com", "TXT")]
    assert ev.lookups == 11
    assert ev.visited == ["_spf.example.com"]
    assert ev.errors == [TOO_MANY]


def test_redirect_within_the_limit() -> None:
    world = World(txt={"_spf.example.com": [f"v=spf1 {a_terms(9)} -all"]}, addresses=hosts(9))
    ev = world.evaluate("v=spf1 redirect=_Spf.Example.COM.")
    assert (ev.lookups, ev.errors, ev.visited) == (10, [], ["_spf.example.com"])
    assert world.asked[0] == ("_spf.example.com", "TXT")
    assert len(world.asked) == 10


def test_redirect_is_not_followed_when_the_record_has_all() -> None:
    world = World(txt={"_spf.example.com": ["v=spf1 -all"]})
    ev = world.evaluate("v=spf1 -all redirect=_spf.example.com")
    assert (ev.lookups, world.asked, ev.visited) == (0, [], [])
    # Modifiers may stand anywhere (RFC 7208 4.6.3): the terms after an ignored one still count.
    world = World(txt={"_spf.example.com": ["v=spf1 -all"]}, addresses=hosts(1))
    ev = world.evaluate("v=spf1 redirect=_spf.example.com a:h0.example.com -all")
    assert (ev.lookups, world.asked, ev.visited) == (1, [("h0.example.com", "A")], [])


def test_two_void_lookups_are_allowed_three_are_not() -> None:
    assert World().evaluate(f"v=spf1 {a_terms(2)} -all").errors == []
    ev = World().evaluate(f"v=spf1 {a_terms(3)} -all")
    assert ev.void_lookups == 3
    assert ev.errors == [
        (
            FindingCode.SPF_VOID_LOOKUPS,
            "3 void lookups (names with no answer); receivers give up after 2 (permerror)",
        )
    ]


def test_nodata_is_a_void_lookup_too() -> None:
    world = World(txt={f"h{i}.example.com": ["x"] for i in range(3)})
    assert World().evaluate(f"v=spf1 {a_terms(2)} -all").void_lookups == 2
    assert world.evaluate(f"v=spf1 {a_terms(3)} -all").void_lookups == 3


def test_ten_mx_hosts_are_allowed_eleven_are_not() -> None:
    names = [f"mx{i}.example.com" for i in range(11)]
    ten = World(mx={"example.com": [f"10 {n}." for n in names[:10]]}, addresses=set(names))
    ev = ten.evaluate("v=spf1 mx -all")
    assert (ev.lookups, ev.errors, ev.void_lookups) == (1, [], 0)
    assert sorted(ten.asked) == sorted([("example.com", "MX"), *((n, "A") for n in names[:10])])
    eleven = World(mx={"example.com": [f"10 {n}." for n in names]}, addresses=set(names))
    assert eleven.evaluate("v=spf1 mx -all").errors == [
        (
            FindingCode.SPF_TOO_MANY_MX,
            "'mx' in example.com: example.com has 11 MX records; receivers look up at most 10 "
            "(permerror, RFC 7208 4.6.4)",
        )
    ]
    assert eleven.asked == [("example.com", "MX")]


def test_mx_hosts_are_read_from_each_answer() -> None:
    world = World(
        mx={"mail.example.org": ["10 MX1.Example.org.", "20 mx2.example.org", "0 .", ""]},
        addresses={"mx1.example.org", "mx2.example.org"},
    )
    ev = world.evaluate("v=spf1 mx:mail.example.org -all")
    assert world.asked == [
        ("mail.example.org", "MX"),
        ("mx1.example.org", "A"),
        ("mx2.example.org", "A"),
    ]
    assert (ev.errors, ev.void_lookups) == ([], 0)


# ---- what is looked up ------------------------------------------------------------------------


def test_each_term_is_looked_up_by_its_type() -> None:
    world = World(
        txt={"inc.example.com": ["v=spf1 -all"]},
        mx={"example.com": []},
        addresses={"example.com", "x.example.com"},
    )
    ev = world.evaluate("v=spf1 a mx ptr exists:X.example.com. include:inc.example.com -all")
    assert world.asked == [
        ("example.com", "A"),
        ("example.com", "MX"),
        ("x.example.com", "A"),
        ("inc.example.com", "TXT"),
    ]
    assert ev.lookups == 5
    assert ev.visited == ["inc.example.com"]


def test_terms_without_a_lookup_are_not_counted() -> None:
    world = World()
    ev = world.evaluate("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 exp=x.example.com -all")
    assert (ev.lookups, world.asked, ev.errors) == (0, [], [])


def test_a_macro_target_counts_but_is_not_looked_up() -> None:
    world = World()
    ev = world.evaluate("v=spf1 exists:%{i}.bl.example.com -all")
    assert (ev.lookups, world.asked) == (1, [])
    assert ev.warnings == [
        "'exists:%{i}.bl.example.com' in example.com uses macros; its target is not checked"
    ]


def test_a_failed_lookup_is_unchecked() -> None:
    world = World(failing={"inc.example.com"})
    ev = world.evaluate("v=spf1 include:inc.example.com -all")
    assert ev.unchecked == ["inc.example.com (include): timeout"]
    assert (ev.errors, ev.void_lookups, ev.visited) == ([], 0, [])


def test_include_of_a_name_without_spf() -> None:
    world = World(txt={"inc.example.com": ["google-site-verification=x"]})
    ev = world.evaluate("v=spf1 include:inc.example.com -all")
    assert ev.errors == [
        (
            FindingCode.SPF_INCLUDE_ERROR,
            "'include:inc.example.com' in example.com: inc.example.com publishes no SPF "
            "record (permerror)",
        )
    ]
    assert ev.void_lookups == 0


def test_include_of_a_missing_name_is_void_and_an_error() -> None:
    ev = World().evaluate("v=spf1 include:gone.example.com -all")
    assert ev.void_lookups == 1
    assert ev.errors == [
        (
            FindingCode.SPF_INCLUDE_ERROR,
            "'include:gone.example.com' in example.com: gone.example.com publishes no SPF "
            "record (permerror)",
        )
    ]


def test_include_with_two_spf_records() -> None:
    world = World(txt={"inc.example.com": ["v=spf1 -all", "v=spf1 ~all"]})
    ev = world.evaluate("v=spf1 include:inc.example.com -all")
    assert ev.errors == [
        (FindingCode.SPF_INCLUDE_ERROR, "example.com -> inc.example.com: 2 SPF records")
    ]
    assert ev.visited == []


def test_errors_deep_in_the_tree_name_their_path() -> None:
    world = World(
        txt={
            "a.example.com": ["v=spf1 include:b.example.com -all"],
            "b.example.com": ["v=spf1 foo +all"],
        }
    )
    ev = world.evaluate("v=spf1 include:a.example.com -all")
    where = "example.com -> a.example.com -> b.example.com"
    assert ev.errors == [
        (FindingCode.SPF_INCLUDE_ERROR, f"{where}: 'foo': unknown mechanism 'foo'"),
        (
            FindingCode.SPF_ALLOWS_ALL,
            f"{where}: '+all' (or bare 'all') lets any host pass through it",
        ),
    ]
    assert ev.visited == ["a.example.com", "b.example.com"]


def test_a_long_include_chain_stops_at_the_lookup_limit() -> None:
    chain = {f"n{i}.example.com": [f"v=spf1 include:n{i + 1}.example.com"] for i in range(60)}
    world = World(txt=chain)
    ev = world.evaluate("v=spf1 include:n0.example.com")
    assert len(world.asked) == 10  # the 11th lookup is over the limit: not issued
    assert ev.errors == [TOO_MANY]


def test_lookup_terms_after_other_terms_are_counted() -> None:
    world = World(addresses={"x.example.com", "y.example.com"})
    ev = world.evaluate(
        "v=spf1 ip4:192.0.2.1 a:x.example.com exists:%{i}.bl.example.com a:y.example.com -all"
    )
    assert ev.lookups == 3
    assert world.asked == [("x.example.com", "A"), ("y.example.com", "A")]


def test_the_hosts_of_every_mx_term_are_looked_up() -> None:
    world = World(
        mx={"a.example.com": ["10 mx1.example.com."], "b.example.com": ["10 mx2.example.com."]},
        addresses={"mx1.example.com", "mx2.example.com"},
    )
    ev = world.evaluate("v=spf1 mx:a.example.com mx:b.example.com -all")
    assert sorted(world.asked) == [
        ("a.example.com", "MX"),
        ("b.example.com", "MX"),
        ("mx1.example.com", "A"),
        ("mx2.example.com", "A"),
    ]
    assert (ev.lookups, ev.void_lookups, ev.errors) == (2, 0, [])


def test_an_mx_host_that_cannot_be_looked_up_is_unchecked() -> None:
    world = World(mx={"example.com": ["10 mx1.example.com."]}, failing={"mx1.example.com"})
    assert world.evaluate("v=spf1 mx -all").unchecked == ["mx1.example.com (mx host): timeout"]


@pytest.mark.parametrize("first", [["google-site-verification=x"], ["v=spf1 -all", "v=spf1 ~all"]])
def test_a_bad_include_does_not_stop_the_next_one(first: list[str]) -> None:
    world = World(
        txt={"bad.example.com": first, "good.example.com": ["v=spf1 a:h.example.com -all"]},
        addresses={"h.example.com"},
    )
    ev = world.evaluate("v=spf1 include:bad.example.com include:good.example.com -all")
    assert ev.visited == ["good.example.com"]
    assert ev.lookups == 3
    assert ("h.example.com", "A") in world.asked


# ---- syntax, whole messages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("v=spf1 a/33 -all", ["'a/33': invalid prefix length '/33'"]),
        ("v=spf1 a//129 -all", ["'a//129': invalid prefix length '/129'"]),
        ("v=spf1 mx/33//128 -all", ["'mx/33//128': invalid prefix length '/33'"]),
        ("v=spf1 ip4:192.0.2.1/33 -all", ["'ip4:192.0.2.1/33': invalid prefix length '/33'"]),
        ("v=spf1 ip4:192.0.2.1/ -all", ["'ip4:192.0.2.1/': invalid prefix length '/'"]),
        (
            "v=spf1 ip6:2001:db8::/129 -all",
            ["'ip6:2001:db8::/129': invalid prefix length '/129'"],
        ),
        (
            "v=spf1 ip6:2001:db8::/1000 -all",
            ["'ip6:2001:db8::/1000': invalid prefix length '/1000'"],
        ),
        ("v=spf1 ip6:192.0.2.1 -all", ["'ip6:192.0.2.1': invalid ip6 address '192.0.2.1'"]),
        ("v=spf1 ip4:2001:db8:: -all", ["'ip4:2001:db8::': invalid ip4 address '2001:db8::'"]),
        ("v=spf1 ip4 -all", ["'ip4': 'ip4' needs ':<network>'"]),
        ("v=spf1 ip6/64 -all", ["'ip6/64': 'ip6' needs ':<network>'"]),
        ("v=spf1 exists -all", ["'exists': 'exists' needs ':<domain>'"]),
        ("v=spf1 include/24 -all", ["'include/24': 'include' needs ':<domain>'"]),
        (
            "v=spf1 ptr:x.example.com/24 -all",
            [f"'ptr:x.example.com/24': {TOP_LABEL}"],
        ),
        ("v=spf1 -all/0", ["'-all/0': 'all' takes no argument"]),
        ("v=spf1 -all=x", ["'-all=x': a modifier takes no qualifier"]),
        ("v=spf1 all=x", ["'all=x': 'all' is a mechanism, not a modifier"]),
        ("v=spf1 -all 1x=y", ["'1x=y': invalid modifier name"]),
        ("v=spf1 -all -exp=x.example.com", ["'-exp=x.example.com': a modifier takes no qualifier"]),
        (
            "v=spf1 exp=a.example.com exp=b.example.com -all",
            ["'exp=' appears more than once"],
        ),
        (
            "v=spf1 -all exp=bad",
            [f"'exp=bad': {TOP_LABEL}"],
        ),
        (
            "v=spf1 -all\x1f",
            [
                "contains characters outside printable ASCII",
                "'-all\x1f': unknown mechanism 'all\x1f'",
            ],
        ),
        (
            "v=spf1 -all\x7f",
            [
                "contains characters outside printable ASCII",
                "'-all\x7f': unknown mechanism 'all\x7f'",
            ],
        ),
        (
            "v=spf1 a:é.example.com -all",
            [
                "contains characters outside printable ASCII",
                "'a:é.example.com': character 'é' is not allowed (visible ASCII only)",
            ],
        ),
        ("v=spf1 :x=y -all", ["':x=y': unknown mechanism ''"]),
        ("v=spf1 /24 -all", ["'/24': unknown mechanism ''"]),
        ("v=spf1 =x -all", ["'=x': unknown mechanism '=x'"]),
        ("spf1 -all", ["does not start with 'v=spf1'"]),
        ("v=spf1-all", ["does not start with 'v=spf1'"]),
        ("", ["does not start with 'v=spf1'"]),
    ],
)
def test_syntax_errors_in_full(text: str, errors: list[str]) -> None:
    assert spf.parse_spf(text).errors == errors


@pytest.mark.parametrize(
    "text",
    [
        "v=spf1 a/32 a//128 a/0 a//0 mx/32//128 -all",
        "v=spf1 ip4:192.0.2.1/32 ip4:0.0.0.0/0 ip6:2001:db8::/128 ip6:::/0 ip6:2001:db8::1 -all",
        "v=spf1 ip6:2001:db8::/32 ip6:2001:db8::/33 ip6:2001:db8::/64 -all",
        "v=spf1 ip4:192.0.2.1 ?all",
        "v=spf1 ptr ptr:x.example.com -all",
        "v=spf1",
        "V=SPF1",
        "v=spf1 +a -mx ?ptr ~exists:x.example.com -all",
        "v=spf1 -all x-y.z_=%{d}",
    ],
)
def test_valid_records(text: str) -> None:
    assert spf.parse_spf(text).errors == []


def test_warnings_in_full() -> None:
    record = spf.parse_spf("v=spf1 ptr -all include:amazonses.com redirect=x.example.com")
    assert record.warnings == [
        "'ptr' is deprecated (RFC 7208 5.5) and slow; avoid it",
        "'include:amazonses.com' comes after 'all' and is never evaluated",
        "'redirect=' is ignored because the record has an 'all' mechanism",
    ]


def test_a_modifier_after_all_is_not_a_term_after_all() -> None:
    assert spf.parse_spf("v=spf1 -all exp=x.example.com").warnings == []


def test_an_over_long_literal_name_is_a_warning_in_full() -> None:
    name = ".".join(["a" * 60] * 5) + ".com"
    assert spf.parse_spf(f"v=spf1 include:{name} -all").warnings == [
        f"'include:{name}': the domain is longer than 253 characters: receivers drop labels "
        "from its left until it fits (RFC 7208 7.3)"
    ]
    name_253 = ".".join(["a" * 63] * 3) + "." + "a" * 57 + ".com"
    assert len(name_253) == 253
    assert spf.parse_spf(f"v=spf1 a:{name_253}. -all").warnings == []


@pytest.mark.parametrize(
    ("text", "allows_all", "qualifiers"),
    [
        ("v=spf1 all", True, ["+"]),
        ("v=spf1 +all", True, ["+"]),
        ("v=spf1 -all", False, ["-"]),
        ("v=spf1 ~all +all", True, ["~", "+"]),
        ("v=spf1 +all -all", True, ["+", "-"]),
    ],
)
def test_all_and_its_qualifier(text: str, allows_all: bool, qualifiers: list[str]) -> None:
    record = spf.parse_spf(text)
    assert record.allows_all is allows_all
    assert [t.qualifier for t in record.terms] == qualifiers


def test_terms_as_parsed() -> None:
    record = spf.parse_spf(
        "v=spf1 A:Mail.Example.com/24 ?MX include:x.example.com. foo=bar ~ip4:192.0.2.1 "
        "Redirect=r.example.com exp=e.example.com -all"
    )
    assert record.terms == [
        spf.Term("mechanism", "a", "+", "Mail.Example.com", "A:Mail.Example.com/24"),
        spf.Term("mechanism", "mx", "?", None, "?MX"),
        spf.Term("mechanism", "include", "+", "x.example.com.", "include:x.example.com."),
        spf.Term("modifier", "foo", "", "bar", "foo=bar"),
        spf.Term("mechanism", "ip4", "~", None, "~ip4:192.0.2.1"),
        spf.Term("modifier", "redirect", "", "r.example.com", "Redirect=r.example.com"),
        spf.Term("modifier", "exp", "", "e.example.com", "exp=e.example.com"),
        spf.Term("mechanism", "all", "-", None, "-all"),
    ]
    assert record.includes() == ["x.example.com"]
    assert record.redirect() == "r.example.com"
    assert record.normalized() == (
        "v=spf1 a:mail.example.com/24 ?mx include:x.example.com. foo=bar ~ip4:192.0.2.1 "
        "redirect=r.example.com exp=e.example.com -all"
    )


def test_a_term_with_an_error_is_left_out() -> None:
    record = spf.parse_spf("v=spf1 include:bad a:x.example.com/33 mx:..x.com ~all")
    assert record.terms == [spf.Term("mechanism", "all", "~", None, "~all")]
    world = World()
    assert asyncio.run(spf.evaluate_spf(record, "example.com", world.lookup)).lookups == 0
    assert world.asked == []


def test_redirect_and_includes_are_read_lowercase_without_the_final_dot() -> None:
    record = spf.parse_spf(
        "v=spf1 include:A.example.com INCLUDE:b.Example.com. redirect=R.Example."
    )
    assert record.includes() == ["a.example.com", "b.example.com"]
    assert record.redirect() == "r.example"
    assert spf.parse_spf("v=spf1 exp=x.example.com").redirect() is None


@pytest.mark.parametrize(
    ("text", "is_spf"),
    [
        ("v=spf1", True),
        ("V=SPF1 -all", True),
        ("v=spf1 -all", True),
        ("v=spf10", False),
        ("v=spf1\t-all", False),
        (" v=spf1", False),
        ("", False),
        ("V=Spf1", True),
        ("v=spf1 ", True),
        ("v=spf", False),
        ("\u0130v=spf1 -all", False),  # 'İ' lowers to two characters
        ("v=spf1 " + "x" * 400, True),
    ],
)
def test_is_spf(text: str, is_spf: bool) -> None:
    assert spf.is_spf(text) is is_spf


@pytest.mark.parametrize(
    ("row", "is_row"),
    [
        (Expected("example.com", "mail.example.com", "TXT", "v=spf1 -all", "mail_from_spf"), True),
        (Expected("example.com", "example.com", "TXT", "v=spf1 -all", "other"), True),
        (Expected("example.com", "example.com", "TXT", "not yet", "spf"), True),
        (Expected("example.com", "example.com", "TXT", "hello", "other"), False),
        (Expected("example.com", "example.com", "MX", "10 v=spf1", "spf"), False),
    ],
)
def test_is_spf_row(row: Expected, is_row: bool) -> None:
    assert spf.is_spf_row(row) is is_row


@pytest.mark.parametrize(
    ("text", "maximum", "valid"),
    [
        ("0", 32, True),
        ("32", 32, True),
        ("33", 32, False),
        ("128", 128, True),
        ("129", 128, False),
        ("01", 32, False),
        ("0128", 128, False),
        ("", 32, False),
        ("1000", 2000, False),
        ("²", 32, False),
    ],
)
def test_valid_cidr(text: str, maximum: int, valid: bool) -> None:
    assert spf_macros.valid_cidr(text, maximum) is valid


# ---- findings about a published record --------------------------------------------------------

ROW = Expected(
    "example.com",
    "mail.example.com",
    "TXT",
    "v=spf1 include:amazonses.com ~all",
    "mail_from_spf",
    300,
)
FIX = 'mail.example.com. 300 IN TXT "v=spf1 include:amazonses.com ~all"'


@dataclass
class View:
    """The pass's resolver view for ``spf_findings``: the tree evaluated in ``world``."""

    world: World
    label: str = "resolver 192.0.2.53"

    async def query(self, name: str, rdtype: str) -> object:
        raise AssertionError("spf_findings asks through spf_tree only")

    async def spf_tree(self, record: spf.SpfRecord, domain: str) -> spf.SpfEvaluation:
        return await spf.evaluate_spf(record, domain, self.world.lookup)


def findings(text: str, world: World | None = None) -> list[Finding]:
    view = View(world or World(txt={"amazonses.com": ["v=spf1 ip4:199.255.192.0/22 -all"]}))
    return asyncio.run(spf.spf_findings(ROW, text, "ns1.example.com", view))  # type: ignore[arg-type]


def test_the_record_ses_documents_has_no_findings() -> None:
    assert findings("v=spf1 include:amazonses.com ~all") == []


def test_amazonses_reached_through_a_redirect_is_enough() -> None:
    world = World(
        txt={
            "_spf.example.com": ["v=spf1 include:amazonses.com -all"],
            "amazonses.com": ["v=spf1 -all"],
        }
    )
    assert findings("v=spf1 redirect=_spf.example.com", world) == []


def test_findings_in_full() -> None:
    world = World(failing={"down.example.com"})
    found = findings("v=spf1 ptr include:down.example.com foo +all", world)
    assert found == [
        Finding(
            "error",
            FindingCode.SPF_SYNTAX,
            "mail.example.com",
            "SPF: 'foo': unknown mechanism 'foo'",
            "ns1.example.com",
            FIX,
        ),
        Finding(
            "error",
            FindingCode.SPF_ALLOWS_ALL,
            "mail.example.com",
            "SPF: '+all' (or bare 'all') lets any host send for the domain",
            "ns1.example.com",
            FIX,
        ),
        Finding(
            "warning",
            FindingCode.SPF_WARNING,
            "mail.example.com",
            "SPF: 'ptr' is deprecated (RFC 7208 5.5) and slow; avoid it",
            "ns1.example.com",
        ),
        Finding.could_not_check(
            "mail.example.com",
            "resolver 192.0.2.53",
            "SPF lookup of down.example.com (include): timeout",
        ),
    ]


def test_tree_errors_and_warnings_become_findings() -> None:
    world = World(txt={"amazonses.com": ["v=spf1 -all"]})
    found = findings(
        f"v=spf1 include:amazonses.com exists:%{{i}}.x.example.com {a_terms(10)} -all", world
    )
    assert found == [
        Finding(
            "error",
            FindingCode.SPF_TOO_MANY_LOOKUPS,
            "mail.example.com",
            f"SPF: {TOO_MANY[1].replace('at least 11', 'at least 12')}",
            "ns1.example.com",
            FIX,
        ),
        Finding(
            "warning",
            FindingCode.SPF_WARNING,
            "mail.example.com",
            "SPF: 'exists:%{i}.x.example.com' in mail.example.com uses macros; its target is "
            "not checked",
            "ns1.example.com",
        ),
    ]


def test_no_amazonses_in_the_tree() -> None:
    assert findings("v=spf1 ip4:192.0.2.1 -all") == [
        Finding(
            "error",
            FindingCode.SPF_NO_AMAZONSES,
            "mail.example.com",
            "SPF does not include amazonses.com: mail sent through SES fails SPF",
            "ns1.example.com",
            FIX,
        )
    ]


# ---- macro-strings and domain-specs (RFC 7208 7.1) --------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "expands"),
    [
        ("%{d}", ("%{d}",), [0]),
        ("%%", ("%%",), [0]),
        ("%_%-", ("%_", "%-"), [0, 1]),
        ("a%{D2R}b", ("a", "%{D2R}", "b"), [1]),
        ("ab%{d}", ("ab", "%{d}"), [1]),
        ("%{l1r+-}.x", ("%{l1r+-}", ".x"), [0]),
        ("%{d10}", ("%{d10}",), [0]),
        ("%{s}%{o}", ("%{s}", "%{o}"), [0, 1]),
        ("plain.example", ("plain.example",), []),
        ("", (), []),
    ],
)
def test_macro_strings_split_into_literals_and_expands(
    text: str, parts: tuple[str, ...], expands: list[int]
) -> None:
    parsed = spf_macros.parse_macro_string(text)
    assert isinstance(parsed, spf_macros.MacroString)
    assert (parsed.parts, sorted(parsed.expands)) == (parts, expands)
    assert parsed.ends_in_expand() is (bool(parts) and len(parts) - 1 in expands)
    assert spf_macros.check_macro_string(text) is None


LETTERS = "unknown macro letter (allowed: s, l, o, d, i, p, h, v)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "%",
            "'%' at position 1 must be followed by '{', '%', '_' or '-' (write '%%' for a "
            "literal '%')",
        ),
        (
            "ab%c",
            "'%' at position 3 must be followed by '{', '%', '_' or '-' (write '%%' for a "
            "literal '%')",
        ),
        ("%{d", "'%{d': '%{' is never closed by '}'"),
        ("x%{d.example.com", "'%{d.example.': '%{' is never closed by '}'"),
        ("%{x}", f"'%{{x}}': {LETTERS}"),
        ("%{}", f"'%{{}}': {LETTERS}"),
        ("%{x" + "." * 50 + "}", f"'%{{x{'.' * 33}...}}': {LETTERS}"),
        ("%{d" + "." * 37 + "}", None),  # 41 characters: valid, nothing shown
        # 40 characters are shown whole (delimiters other than '.', unlike the cut's "...")
        ("%{x" + "-" * 36 + "}", f"'%{{x{'-' * 36}}}': {LETTERS}"),
        ("%{x" + "-" * 37 + "}", f"'%{{x{'-' * 33}...}}': {LETTERS}"),  # 41: cut
        (
            "%{c}",
            "'%{c}': macro letter 'c' is allowed only in the explanation text an exp= target "
            "publishes, not in a record (RFC 7208 7.2)",
        ),
        (
            "%{t2r.}",
            "'%{t2r.}': macro letter 't' is allowed only in the explanation text an exp= target "
            "publishes, not in a record (RFC 7208 7.2)",
        ),
        (
            "%{R}",
            "'%{R}': macro letter 'R' is allowed only in the explanation text an exp= target "
            "publishes, not in a record (RFC 7208 7.2)",
        ),
        ("%{d0}", "'%{d0}': the number of parts to keep must not be zero (RFC 7208 7.3)"),
        ("%{d00r}", "'%{d00r}': the number of parts to keep must not be zero (RFC 7208 7.3)"),
        (
            "%{d2x}",
            "'%{d2x}': after the letter come digits, 'r', then delimiters from . - + , / _ =",
        ),
        (
            "%{drr}",
            "'%{drr}': after the letter come digits, 'r', then delimiters from . - + , / _ =",
        ),
        ("a b", "character ' ' is not allowed (visible ASCII only)"),
        ("ab\x7f", "character '\\x7f' is not allowed (visible ASCII only)"),
        ("\x00", "character '\\x00' is not allowed (visible ASCII only)"),
    ],
)
def test_macro_string_errors_in_full(text: str, message: str | None) -> None:
    assert spf_macros.check_macro_string(text) == message


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("example.com", None),
        ("example.com.", None),
        ("%{d}", None),
        ("x.%{d}", None),
        ("%{d}.com", None),
        ("a.b-c", None),
        ("a.b1", None),
        ("a.1b", None),
        ("x.1-2", None),
        ("x.1--2", None),
        ("%{d}" + "a" * 70 + ".com", None),  # a label holding a macro has no known length
        ("a" * 63 + ".com", None),
        ("a" * 63 + ".%{d}", None),
        ("", "the domain is empty"),
        ("%{d}com", TOP_LABEL),
        ("a.b.123", TOP_LABEL),
        ("a.-bc", TOP_LABEL),
        ("a.b-", TOP_LABEL),
        ("x.--", TOP_LABEL),
        ("x.com..", TOP_LABEL),
        ("com", TOP_LABEL),
        (".x.com", "the domain has an empty label ('..' or a leading '.')"),
        ("x..com", "the domain has an empty label ('..' or a leading '.')"),
        ("%{d}..com", "the domain has an empty label ('..' or a leading '.')"),
        ("a" * 64 + ".com", "the domain has a label longer than 63 characters"),
        ("%{", "'%{': '%{' is never closed by '}'"),
    ],
)
def test_domain_spec_errors(text: str, error: str | None) -> None:
    check = spf_macros.check_domain_spec(text)
    assert (check.error, check.warning) == (error, None)


def test_domain_spec_over_253_characters() -> None:
    long = ".".join(["a" * 63] * 4) + ".com"
    warning = (
        "the domain is longer than 253 characters: receivers drop labels from its left until it "
        "fits (RFC 7208 7.3)"
    )
    assert spf_macros.check_domain_spec(long).warning == warning
    assert len(long[6:]) == 253
    assert spf_macros.check_domain_spec(long[6:]).warning is None
    assert spf_macros.check_domain_spec(long[6:] + ".").warning is None  # and a final dot
    assert spf_macros.check_domain_spec(long[5:]).warning == warning
    assert spf_macros.check_domain_spec("%{d}." + long).warning is None  # a macro: unknown length


@pytest.mark.parametrize(
    ("value", "split"),
    [
        ("", ("", None, None)),
        ("/24", ("", "24", None)),
        ("//64", ("", None, "64")),
        ("/24//64", ("", "24", "64")),
        (":x.com/24", (":x.com", "24", None)),
        (":x.com//64", (":x.com", None, "64")),
        (":a/b.com/24", (":a/b.com", "24", None)),
        (":x.com/", (":x.com/", None, None)),
        (":x.com//", (":x.com//", None, None)),
        (":x.com/2x", (":x.com/2x", None, None)),
        (":x//64/24", (":x//64", "24", None)),
        (":a//b.com//64", (":a//b.com", None, "64")),
        (":x/\u00b2", (":x/\u00b2", None, None)),
    ],
)
def test_split_dual_cidr_takes_lengths_from_the_end(
    value: str, split: tuple[str, str | None, str | None]
) -> None:
    assert spf_macros.split_dual_cidr(value) == split
