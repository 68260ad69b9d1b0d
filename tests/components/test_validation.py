"""The configuration problem collector and typed field access, message by whole message: wrong
types (not a list, not a string, not a mapping), explicit nulls, numeric strings, the limits of
every accessor, hidden secrets and key paths in a component's props' terms."""

from __future__ import annotations

import math
from enum import StrEnum

import pytest

from components.validation import (
    NOT_SHOWN,
    SECRET,
    ConfigError,
    ConfigProblem,
    Fields,
    Problems,
    as_list,
    as_mapping,
    bounded_repr,
    bounded_text,
    check_each,
    did_you_mean,
    props_key_path,
)


class Policy(StrEnum):
    NONE = "none"
    QUARANTINE = "quarantine"
    REJECT = "reject"


def fields(raw: object, path: str = "ses:domains[0]") -> tuple[Fields, Problems]:
    problems = Problems()
    return Fields(raw, path, problems), problems


def said(problems: Problems) -> list[str]:
    return [str(p) for p in problems]


# ---- messages ---------------------------------------------------------------------------------


def test_problem_messages_for_each_kind_of_value() -> None:
    assert str(ConfigProblem("a.b", None, "is required")) == "a.b = (missing): is required"
    assert str(ConfigProblem("a.b", NOT_SHOWN, "is unknown")) == "a.b: is unknown"
    assert str(ConfigProblem("a.b", SECRET, "is bad")) == "a.b = [secret, not shown]: is bad"
    assert str(ConfigProblem("a.b", "x", "is bad")) == "a.b = 'x': is bad"
    assert str(ConfigProblem("a.b", 0, "is bad")) == "a.b = 0: is bad"
    assert str(ConfigProblem("a.b", False, "is bad")) == "a.b = False: is bad"


def test_long_keys_values_and_explanations_are_cut() -> None:
    key = "k" * 250
    problem = ConfigProblem(key, "v" * 300, "e" * 1200)
    assert str(problem) == (
        f"{'k' * 200}... (250 characters) = {repr('v' * 300)[:200]}... (302 characters): "
        f"{'e' * 1000}... (1200 characters)"
    )


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("a" * 200, 200, "a" * 200),
        ("a" * 201, 200, "a" * 200 + "... (201 characters)"),
        ("abcdef", 5, "abcde... (6 characters)"),
        ("abcde", 5, "abcde"),
    ],
)
def test_bounded_text(text: str, limit: int, shown: str) -> None:
    assert bounded_text(text, limit) == shown


def test_bounded_text_default_limit_and_repr() -> None:
    assert bounded_text("x" * 201) == "x" * 200 + "... (201 characters)"
    assert bounded_repr("x" * 198) == repr("x" * 198)
    assert bounded_repr(["y" * 300]) == repr(["y" * 300])[:200] + "... (304 characters)"


def test_config_error_lists_every_problem() -> None:
    one = ConfigError([ConfigProblem("a", 1, "bad")])
    assert str(one) == "1 configuration problem:\n  - a = 1: bad"
    two = ConfigError([ConfigProblem("a", 1, "bad"), ConfigProblem("b", None, "needed")])
    assert str(two) == "2 configuration problems:\n  - a = 1: bad\n  - b = (missing): needed"
    assert two.problems == (ConfigProblem("a", 1, "bad"), ConfigProblem("b", None, "needed"))


def test_config_error_counts_what_it_does_not_list() -> None:
    hundred = ConfigError([ConfigProblem(f"k{i}", i, "bad") for i in range(100)])
    assert str(hundred).splitlines()[-1] == "  - k99 = 99: bad"
    assert len(str(hundred).splitlines()) == 101
    many = ConfigError([ConfigProblem(f"k{i}", i, "bad") for i in range(103)])
    lines = str(many).splitlines()
    assert lines[0] == "103 configuration problems:"
    assert lines[-2:] == ["  - k99 = 99: bad", "  ... and 3 more (fix these first)"]
    assert len(many.problems) == 103


def test_problems_collects_renames_and_raises_once() -> None:
    problems = Problems()
    problems.raise_if_any()  # nothing yet
    problems.add("ses:a", 1, "bad")
    problems.add("ses:b", None, "needed")
    assert len(problems) == 2
    problems.rename_keys(lambda key: key.replace("ses:", "props."))
    assert list(problems) == [
        ConfigProblem("props.a", 1, "bad"),
        ConfigProblem("props.b", None, "needed"),
    ]
    with pytest.raises(ConfigError) as raised:
        problems.raise_if_any()
    assert str(raised.value) == (
        "2 configuration problems:\n  - props.a = 1: bad\n  - props.b = (missing): needed"
    )


# ---- secrets ----------------------------------------------------------------------------------

SECRET_TEXT = "s3cr3t-value-0123456789"


def test_secrets_hidden_by_key_and_nested_keys() -> None:
    problems = Problems()
    problems.add("ses:token", "abc", "bad")
    problems.add("ses:token.inner", "abc", "bad")
    problems.add("ses:token[0]", "abc", "bad")
    problems.add("ses:tokens", "abc", "bad")  # another key that starts the same
    problems.hide_secrets(["ses:token"], [])
    assert said(problems) == [
        "ses:token = [secret, not shown]: bad",
        "ses:token.inner = [secret, not shown]: bad",
        "ses:token[0] = [secret, not shown]: bad",
        "ses:tokens = 'abc': bad",
    ]


def test_secrets_hidden_wherever_a_value_shows_them() -> None:
    problems = Problems()
    problems.add("a", f"prefix {SECRET_TEXT} suffix", "bad")
    problems.add("b", SECRET_TEXT[:16], "bad")  # a long piece of the secret
    problems.add("c", SECRET_TEXT[:15], "bad")  # too short a piece to count
    problems.add("d", {"k": [1, (SECRET_TEXT,)]}, "bad")
    problems.add("e", {SECRET_TEXT: 1}, "bad")
    problems.add("f", 12345678, "bad")
    problems.add("g", "short", f"has {SECRET_TEXT} inside")
    problems.hide_secrets([], [f"  {SECRET_TEXT}\n", "tiny"])
    assert said(problems) == [
        "a = [secret, not shown]: bad",
        "b = [secret, not shown]: bad",
        f"c = {SECRET_TEXT[:15]!r}: bad",
        "d = [secret, not shown]: bad",
        "e = [secret, not shown]: bad",
        "f = 12345678: bad",
        "g = 'short': has [secret] inside",
    ]


def test_secrets_shorter_than_eight_characters_are_not_searched() -> None:
    problems = Problems()
    problems.add("a", "1234567", "1234567 is bad")
    problems.add("b", "12345678", "12345678 is bad")
    problems.hide_secrets([], ["1234567", "12345678"])
    assert said(problems) == [
        "a = '1234567': 1234567 is bad",
        "b = [secret, not shown]: [secret] is bad",
    ]


# ---- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "choices", "suffix"),
    [
        ("polcy", ["policy", "pct"], "; did you mean 'policy'?"),
        ("POLICY", ["policy", "pct"], "; did you mean 'policy'?"),
        ("zzz", ["policy", "pct"], ""),
        ("x", [], ""),
    ],
)
def test_did_you_mean(word: str, choices: list[str], suffix: str) -> None:
    assert did_you_mean(word, choices) == suffix


def test_as_mapping_and_as_list() -> None:
    assert as_mapping({1: "a", "b": 2}) == {"1": "a", "b": 2}
    assert as_mapping([("a", 1)]) is None
    assert as_mapping("a") is None
    assert as_list([1, "a"]) == [1, "a"]
    assert as_list((1,)) is None
    assert as_list("ab") is None
    assert as_list({"a": 1}) is None


def test_check_each_keeps_the_good_and_names_the_bad() -> None:
    problems = Problems()

    def parse(text: str) -> int:
        if not text.isdigit():
            raise ValueError(f"{text} is not digits")
        return int(text)

    got = check_each([("k[0]", "1"), ("k[1]", "x"), ("k[2]", "3")], problems, parse, "a number")
    assert got == [1, 3]
    assert said(problems) == ["k[1] = 'x': a number (x is not digits)"]


# ---- Fields: objects and keys -----------------------------------------------------------------


@pytest.mark.parametrize("raw", [["a"], "text", 3, None])
def test_not_a_mapping_is_a_problem_and_reads_as_empty(raw: object) -> None:
    f, problems = fields(raw, "ses:domains[2]")
    assert said(problems) == [
        f"ses:domains[2] = {'(missing)' if raw is None else repr(raw)}: "
        "must be an object (a mapping of keys to values)"
    ]
    assert f.string("name") is None
    assert not f.has("name")


@pytest.mark.parametrize(
    ("path", "key_path"),
    [("", "name"), ("ses:", "ses:name"), ("ses:domains[0]", "ses:domains[0].name")],
)
def test_key_paths(path: str, key_path: str) -> None:
    f, _ = fields({}, path)
    assert f.key_path("name") == key_path


def test_unknown_keys_are_named_without_their_values() -> None:
    f, problems = fields({"name": "example.com", "nmae": "secret!", "region": "eu-west-1"})
    f.string("name")
    f.string("region")
    f.string("dmarc")
    f.finish()
    assert said(problems) == [
        "ses:domains[0].nmae: is not a known key; known keys here: dmarc, name, region; "
        "did you mean 'name'?"
    ]


def test_explicit_null_is_the_same_as_absent() -> None:
    f, problems = fields({"name": None, "ttl": None, "on": None, "tags": None, "list": None})
    assert f.has("name")
    assert f.string("name", "default") == "default"
    assert f.integer("ttl", 300, minimum=1, maximum=10) == 300
    assert f.boolean("on", True) is True
    assert f.string_map("tags") == {}
    assert f.string_list("list") == []
    assert f.raw("name") is None
    f.finish()
    assert said(problems) == []


def test_required_string_missing_or_null() -> None:
    f, problems = fields({"name": None})
    assert f.string("name", required=True) is None
    assert f.string("other", "x", required=True) == "x"
    assert said(problems) == [
        "ses:domains[0].name = (missing): is required (a string)",
        "ses:domains[0].other = (missing): is required (a string)",
    ]


def test_raw_returns_the_value_unchecked() -> None:
    f, problems = fields({"a": [1, {"b": 2}], "zero": 0, "empty": ""})
    assert f.raw("a") == [1, {"b": 2}]
    assert f.raw("zero") == 0
    assert f.raw("empty") == ""
    assert f.raw("missing") is None
    f.finish()
    assert said(problems) == []


# ---- Fields: scalars --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [5, 1.5, True, ["a"], {"a": "b"}])
def test_not_a_string(value: object) -> None:
    f, problems = fields({"name": value})
    assert f.string("name", "fallback") == "fallback"
    assert said(problems) == [f"ses:domains[0].name = {value!r}: must be a string"]


def test_strings_are_returned_as_given() -> None:
    f, problems = fields({"name": " Example.COM ", "empty": ""})
    assert f.string("name") == " Example.COM "
    assert f.string("empty", "default") == ""
    assert said(problems) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("TRUE", True), ("False", False)],
)
def test_booleans_and_boolean_strings(value: object, expected: bool) -> None:
    f, problems = fields({"on": value})
    assert f.boolean("on", not expected) is expected
    assert said(problems) == []


@pytest.mark.parametrize("value", ["yes", "1", 1, 0, "", ["true"]])
def test_not_a_boolean(value: object) -> None:
    f, problems = fields({"on": value})
    assert f.boolean("on", True) is True
    assert f.boolean("on", False) is False
    assert said(problems)[0] == f"ses:domains[0].on = {value!r}: must be true or false"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (100, 100),
        (3.0, 3),
        ("42", 42),
        (" 42 ", 42),
        ("-5", -5),
        (-10, -10),
    ],
)
def test_whole_numbers_numeric_strings_and_limits(value: object, expected: int) -> None:
    f, problems = fields({"n": value})
    assert f.integer("n", 7, minimum=-10, maximum=100) == expected
    assert said(problems) == []


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        3.5,
        math.inf,
        math.nan,
        "4.0",
        "",
        "1e3",
        "-",
        "--5",
        "²",
        "٣",
        101,
        -11,
        "101",
        [1],
    ],
)
def test_not_a_whole_number_in_range(value: object) -> None:
    # "--5" and "²" once passed the digit test and then broke int() with a traceback
    f, problems = fields({"n": value})
    assert f.integer("n", 7, minimum=-10, maximum=100) == 7
    assert said(problems) == [
        f"ses:domains[0].n = {value!r}: must be a whole number from -10 to 100"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0.0), (1.5, 1.5), (1, 1.0), ("0.25", 0.25), (" 1 ", 1.0), ("1e0", 1.0)],
)
def test_numbers_numeric_strings_and_limits(value: object, expected: float) -> None:
    f, problems = fields({"x": value})
    assert f.number("x", 0.5, minimum=0, maximum=1.5) == expected
    assert said(problems) == []


@pytest.mark.parametrize(
    "value",
    [True, False, -0.01, 1.51, 10**400, -(10**400), math.inf, math.nan, "nan", "inf", "x", [1]],
)
def test_not_a_number_in_range(value: object) -> None:
    f, problems = fields({"x": value})
    assert f.number("x", 0.5, minimum=0, maximum=1.5) == 0.5
    assert said(problems) == [
        f"ses:domains[0].x = {bounded_repr(value)}: must be a number from 0 to 1.5"
    ]


def test_choice() -> None:
    f, problems = fields({"a": "reject", "b": "rejcet", "c": 3, "d": "REJECT", "e": "zzz"})
    assert f.choice("a", Policy, Policy.NONE) is Policy.REJECT
    assert f.choice("b", Policy, Policy.NONE) is Policy.NONE
    assert f.choice("c", Policy, Policy.QUARANTINE) is Policy.QUARANTINE
    assert f.choice("d", Policy, Policy.NONE) is Policy.NONE
    assert f.choice("e", Policy, Policy.NONE) is Policy.NONE
    assert f.choice("missing", Policy, Policy.REJECT) is Policy.REJECT
    assert said(problems) == [
        "ses:domains[0].b = 'rejcet': must be one of none, quarantine, reject; "
        "did you mean 'reject'?",
        "ses:domains[0].c = 3: must be one of none, quarantine, reject",
        "ses:domains[0].d = 'REJECT': must be one of none, quarantine, reject; "
        "did you mean 'reject'?",
        "ses:domains[0].e = 'zzz': must be one of none, quarantine, reject",
    ]


# ---- Fields: lists and mappings ---------------------------------------------------------------


def test_string_list_pairs_each_item_with_its_path() -> None:
    f, problems = fields({"rua": ["a@x.com", 5, None, "b@x.com"]})
    assert f.string_list("rua") == [
        ("ses:domains[0].rua[0]", "a@x.com"),
        ("ses:domains[0].rua[3]", "b@x.com"),
    ]
    assert said(problems) == [
        "ses:domains[0].rua[1] = 5: must be a string",
        "ses:domains[0].rua[2] = (missing): must be a string",
    ]


@pytest.mark.parametrize("value", ["a@x.com", {"a": "b"}, 3, ("a",)])
def test_not_a_list_of_strings(value: object) -> None:
    f, problems = fields({"rua": value})
    assert f.string_list("rua") == []
    assert said(problems) == [f"ses:domains[0].rua = {value!r}: must be a list of strings"]


def test_string_map() -> None:
    f, problems = fields({"m": {"a": "1", "b": 2, "c": None}})
    assert f.string_map("m") == {"a": "1"}
    assert said(problems) == [
        "ses:domains[0].m.b = 2: must be a string",
        "ses:domains[0].m.c = (missing): must be a string",
    ]


@pytest.mark.parametrize("value", [["a"], "a=b", 1])
def test_not_a_mapping_of_strings(value: object) -> None:
    f, problems = fields({"m": value})
    assert f.string_map("m") == {}
    assert said(problems) == [
        f"ses:domains[0].m = {value!r}: must be a mapping of strings to strings"
    ]


def test_tags_keys_and_values_at_their_limits() -> None:
    good = {"k" * 128: "v" * 256, "team name_.:/=+-@": "", "Env": "prod", "xaws:y": "ok"}
    f, problems = fields({"tags": good})
    assert f.tags("tags") == good
    assert said(problems) == []


def test_bad_tags_are_each_named() -> None:
    bad = {"k" * 129: "a", "aws:owner": "b", "AWS:Owner": "c", "a*b": "d", "": "e", "ok": "v" * 257}
    f, problems = fields({"tags": bad})
    assert f.tags("tags") == bad
    rule = "tag keys are 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws:"
    assert said(problems) == [
        f"ses:domains[0].tags.{'k' * 129} = 'a': {rule}",
        f"ses:domains[0].tags.aws:owner = 'b': {rule}",
        f"ses:domains[0].tags.AWS:Owner = 'c': {rule}",
        f"ses:domains[0].tags.a*b = 'd': {rule}",
        f"ses:domains[0].tags. = 'e': {rule}",
        f"ses:domains[0].tags.ok = {bounded_repr('v' * 257)}: "
        "tag values are at most 256 characters",
    ]


def test_nested_mapping() -> None:
    f, problems = fields({"dmarc": {"policy": "reject"}, "dkim": "easy"})
    dmarc = f.mapping("dmarc")
    assert dmarc is not None
    assert dmarc.path == "ses:domains[0].dmarc"
    assert dmarc.choice("policy", Policy, Policy.NONE) is Policy.REJECT
    assert f.mapping("absent") is None
    dkim = f.mapping("dkim")
    assert dkim is not None
    assert said(problems) == [
        "ses:domains[0].dkim = 'easy': must be an object (a mapping of keys to values)"
    ]


def test_objects() -> None:
    f, problems = fields({"users": [{"name": "a"}, "b"], "none": None, "one": {"name": "c"}})
    users = f.objects("users")
    assert [u.path for u in users] == ["ses:domains[0].users[0]", "ses:domains[0].users[1]"]
    assert users[0].string("name") == "a"
    assert f.objects("none") == []
    assert f.objects("absent") == []
    assert f.objects("one") == []
    assert said(problems) == [
        "ses:domains[0].users[1] = 'b': must be an object (a mapping of keys to values)",
        "ses:domains[0].one = {'name': 'c'}: must be a list of objects",
    ]


# ---- key paths in props' terms ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("ses:domains[0]", "args"),
        ("ses:domains[0].mailFrom.behaviorOnMxFailure", "args.mail_from.behavior_on_mx_failure"),
        ("ses:domains[0].dkim.keyLength", "args.dkim_settings.key_length"),
        ("ses:domains[0].tags.costCenter", "args.tags.costCenter"),
        ("ses:domains[0].tags.a.b", "args.tags.a.b"),
        ("ses:domains[0].feedback.topics.bounceAlerts", "args.feedback.topics.bounceAlerts"),
        ("ses:domains[0].dmarc.rua[1]", "args.dmarc.rua[1]"),
        ("ses:domains[0][1]", "args[1]"),
        ("ses:domains[0].x2Y", "args.x2_y"),
        ("ses:domains[1].mailFrom", "ses:domains[1].mailFrom"),
        ("ses:domains[0]x", "ses:domains[0]x"),
        ("ses:tags", "ses:tags"),
    ],
)
def test_props_key_path(key: str, expected: str) -> None:
    assert props_key_path(key, "ses:domains[0]", "args", {"dkim": "dkim_settings"}) == expected
