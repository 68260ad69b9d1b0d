"""The offline plan's input reading: every bad file, argument or value gives exit status 2 and a
bounded message naming it, never a traceback (issue 11, the walk's defects one by one)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from components.names import ascii_look_alike, normalize_address, normalize_domain
from components.plan.__main__ import main
from components.plan.stack_files import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES
from components.pulumi_config import decode_config_value
from components.validation import MAX_PROBLEMS_SHOWN, ConfigError
from tests.support.harness import parse
from tests.support.paths import REPO

GOOD = "config:\n  aws:region: us-east-1\n  ses:domains:\n    - name: example.com\n"
BIG_KEY = "k" * 2_000_000
MIXED = "ex\u0430mple"
"""``example`` with a Cyrillic ``a`` (U+0430): a mixed-script look-alike."""


def project(tmp_path: Path, stack: str | bytes = GOOD, pulumi_yaml: str | None = None) -> Path:
    """A project folder with the real program and ``Pulumi.bad.yaml``."""
    if pulumi_yaml is None:
        shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    else:
        (tmp_path / "Pulumi.yaml").write_text(pulumi_yaml, encoding="utf-8")
    shutil.copy(REPO / "__main__.py", tmp_path / "__main__.py")
    stack_file = tmp_path / "Pulumi.bad.yaml"
    if isinstance(stack, bytes):
        stack_file.write_bytes(stack)
    else:
        stack_file.write_text(stack, encoding="utf-8")
    return tmp_path


def plan(
    capsys: pytest.CaptureFixture[str], folder: Path, *args: str, stack: str = "bad"
) -> tuple[int, str, str]:
    """Run the plan's command line in-process: (status, stdout, stderr)."""
    status = main(["--stack", stack, "--project-dir", str(folder), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def refused(capsys: pytest.CaptureFixture[str], folder: Path, *fragments: str) -> str:
    status, out, err = plan(capsys, folder)
    assert status == 2, err
    assert out == ""
    for fragment in fragments:
        assert fragment in err, err
    return err


# --- the shape of the files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "fragment"),
    [
        ("config: [a, b]\n", "config must be a mapping of keys to values"),
        ("config: hello\n", "not str 'hello'"),
        ("config:\n  1: foo\n  aws:region: us-east-1\n", "config key 1 must be a name"),
        ("config:\n  null: foo\n", "config key None must be a name"),
        ("- a\n- b\n", "must hold a mapping at the top level, not list"),
    ],
    ids=["config list", "config string", "integer key", "null key", "top-level list"],
)
def test_a_misshapen_stack_file_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, stack: str, fragment: str
) -> None:
    refused(capsys, project(tmp_path, stack), "Pulumi.bad.yaml", fragment)


def test_a_misshapen_project_file_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = project(tmp_path, pulumi_yaml="name: ses\nruntime: python\nconfig: [a, b]\n")
    refused(capsys, folder, "Pulumi.yaml: config must be a mapping")


def test_short_form_project_defaults_are_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``protect: yes-please`` in Pulumi.yaml's config is the key's default, not ignored."""
    folder = project(tmp_path, pulumi_yaml="name: ses\nruntime: python\nconfig:\n  protect: 7\n")
    refused(capsys, folder, "ses:protect = '7': must be true or false")


# --- YAML values config cannot hold ----------------------------------------------------------


def test_unquoted_dates_are_their_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """As the Pulumi CLI passes them: a date where a label is meant is taken as written."""
    stack = (
        GOOD
        + "  ses:smtpUsers:\n    - {name: mailer, domains: [example.com], rotation: 2026-05-01}\n"
    )
    status, out, err = plan(capsys, project(tmp_path, stack), "--json")
    assert status == 0, err
    keys = [r for r in json.loads(out)["resources"] if r["type"] == "aws:iam/accessKey:AccessKey"]
    assert [key["name"] for key in keys if "2026-05-01" in key["name"]], keys


@pytest.mark.parametrize(
    ("stack", "pulumi_yaml", "fragment"),
    [
        (GOOD + "  ses:protect: 2026-01-01\n", None, "ses:protect = '2026-01-01': must be true"),
        (
            GOOD,
            "name: ses\nruntime: python\nconfig:\n  protect:\n    default: 2026-01-01\n",
            "ses:protect = '2026-01-01': must be true",
        ),
    ],
    ids=["stack file", "Pulumi.yaml default"],
)
def test_a_date_where_none_is_meant_is_a_named_problem(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    stack: str,
    pulumi_yaml: str | None,
    fragment: str,
) -> None:
    refused(capsys, project(tmp_path, stack, pulumi_yaml), fragment)


def test_binary_and_set_values_are_refused_with_their_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stack = GOOD + "  ses:tags: !!binary aGVsbG8=\n  ses:protect: !!set {a, b}\n"
    refused(
        capsys,
        project(tmp_path, stack),
        "line 5: !!binary values cannot be config",
        "line 6: !!set values cannot be config",
    )


def test_a_huge_integer_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = refused(capsys, project(tmp_path, GOOD + f"  ses:protect: {'9' * 5000}\n"), "line 5")
    assert "an integer of 5000 digits is too long" in err


def test_duplicate_keys_are_refused_naming_key_and_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stack = GOOD + "  ses:domains:\n    - name: a.example\n      name: b.example\n"
    stack += "  ses:tags: {a: 1, a: 2}\n"
    refused(
        capsys,
        project(tmp_path, stack),
        "line 5: key 'ses:domains' is given again (first on line 3)",
        "line 7: key 'name' is given again (first on line 6)",
        "line 8: key 'a' is given again (first on line 8)",
    )


def test_merge_keys_may_override_what_they_merge(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stack = (
        "config:\n  aws:region: us-east-1\n  ses:domains:\n"
        "    - &base {name: example.com, dns: {provider: external}}\n"
        "    - <<: *base\n      name: example.org\n"
    )
    status, _, err = plan(capsys, project(tmp_path, stack))
    assert status == 0, err


# --- files that cannot be read ---------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stack = GOOD.encode() + b"  ses:protect: tru\xffe\n"
    offset = len(GOOD) + len("  ses:protect: tru")
    refused(
        capsys, project(tmp_path, stack), f"not UTF-8 text: byte 0xff at offset {offset} (line 5)"
    )


def test_binary_files_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    refused(capsys, project(tmp_path, bytes(range(256)) * 4), "is not UTF-8 text")
    refused(capsys, project(tmp_path, b"\x00\x01\x02" * 100), "is not valid YAML")


def test_a_stack_file_that_is_a_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = project(tmp_path)
    (folder / "Pulumi.bad.yaml").unlink()
    (folder / "Pulumi.bad.yaml").mkdir()
    refused(capsys, folder, "Pulumi.bad.yaml is a directory, not a file")


def test_a_stack_file_that_cannot_be_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A symbolic link to itself: unreadable for root too (permission bits are not)."""
    folder = project(tmp_path)
    (folder / "Pulumi.bad.yaml").unlink()
    os.symlink("Pulumi.bad.yaml", folder / "Pulumi.bad.yaml")
    refused(capsys, folder, "Pulumi.bad.yaml cannot be read: Too many levels of symbolic links")


def test_an_oversized_stack_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = project(tmp_path)
    with (folder / "Pulumi.bad.yaml").open("r+b") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    refused(capsys, folder, f"is {MAX_FILE_BYTES + 1} bytes; a config file may have")


@pytest.mark.parametrize("stack", ["../etc/x", "a b", "", "x" * 101], ids=repr)
def test_bad_stack_names_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, stack: str
) -> None:
    status, _, err = plan(capsys, project(tmp_path), stack=stack)
    assert status == 2
    assert "a stack name is 1-100 letters, digits" in err


# --- nesting and aliases ---------------------------------------------------------------------


def test_deep_nesting_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stack = GOOD + "  ses:tags: " + "[" * 5000 + "]" * 5000 + "\n"
    refused(capsys, project(tmp_path, stack), f"nesting is deeper than {MAX_DEPTH} levels")


def test_deep_nesting_through_aliases_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = "[" * 40 + "x" + "]" * 40
    stack = GOOD + f"  ses:a: &a {deep}\n  ses:b: &b {'[' * 30}*a{']' * 30}\n"
    refused(capsys, project(tmp_path, stack), "nesting through aliases is deeper than")


def test_an_anchor_bomb_is_refused_before_it_expands(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Fifteen lines that expand to hundreds of millions of values (58 MB of messages before)."""
    lines = ["config:", "  aws:region: us-east-1", '  ses:x0: &a0 ["' + "x" * 100 + '"]']
    lines += [
        f"  ses:x{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)
    ]
    lines += ["  ses:domains: *a11"]
    err = refused(capsys, project(tmp_path, "\n".join(lines) + "\n"), f"more than {MAX_VALUES}")
    assert len(err) < 500


def test_an_alias_inside_its_own_anchor_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    refused(capsys, project(tmp_path, GOOD + "  ses:tags: &a [*a]\n"), "refers to its own anchor")


def test_deep_json_from_the_cli_is_a_value_not_a_crash() -> None:
    """Under the real CLI, structured config arrives as JSON text: too deep to decode, it stays
    text and is reported as a bad value."""
    text = "[" * 100_000 + "]" * 100_000
    assert decode_config_value(text) == text


# --- echoes are bounded ----------------------------------------------------------------------


def test_a_two_megabyte_value_is_echoed_cut(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = "\u00e4" * 2_000_000
    stack = GOOD.replace("example.com", big + ".com") + f"  ses:tags: {{k: {big}}}\n"
    err = refused(capsys, project(tmp_path, stack), "(2000006 characters)")
    assert len(err) < 3000


@pytest.mark.parametrize(
    "values",
    [
        {BIG_KEY: 1},
        {"tags": {BIG_KEY: "v"}},
        {"feedback": {"topics": {BIG_KEY: {}}}},
        {
            "domains": [
                {"name": "example.com", "dkim": {"mode": "byodkim", "privateKeyConfig": BIG_KEY}}
            ]
        },
    ],
    ids=["unknown key", "tag key", "topic kind", "privateKeyConfig"],
)
def test_two_megabyte_keys_are_echoed_cut(values: dict[str, object]) -> None:
    """Each of these printed the whole key (2 MB) before."""
    with pytest.raises(ConfigError) as raised:
        parse({"domains": [{"name": "example.com"}], **values})
    message = str(raised.value)
    assert all(len(line) < 2000 for line in message.splitlines())
    assert "k" * 1000 not in message
    assert "characters)" in message


def test_problem_keys_explanations_and_counts_are_bounded() -> None:
    big = "k" * 100_000
    with pytest.raises(ConfigError) as raised:
        parse({"domains": [{"name": f"bad_{i}"} for i in range(500)], big: 1})
    message = str(raised.value)
    assert f"... and {501 - MAX_PROBLEMS_SHOWN} more" in message
    assert len(message.splitlines()) == MAX_PROBLEMS_SHOWN + 2
    assert big not in message


# --- values blamed on the right key ----------------------------------------------------------


def test_a_bad_aws_region_is_blamed_on_aws_region_once() -> None:
    with pytest.raises(ConfigError) as raised:
        parse(
            {
                "domains": [{"name": "a.example"}, {"name": "b.example"}],
                "configurationSets": [{"name": "shared"}],
            },
            aws_region="42",
        )
    assert [p.key for p in raised.value.problems] == ["aws:region"]


def test_a_domain_listed_twice_names_both_indexes() -> None:
    with pytest.raises(ConfigError) as raised:
        parse({"domains": [{"name": "example.com"}, {"name": "Example.COM."}]})
    assert [str(p) for p in raised.value.problems] == [
        "ses:domains[1].name = 'example.com': duplicates ses:domains[0].name; each domain may "
        "appear once"
    ]


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"alarms": {"bounceRateThreshold": 10**400}}, "ses:alarms.bounceRateThreshold"),
        (
            {"feedback": {"topics": {"bounce": {"subscriptions": [{"protocol": []}]}}}},
            "ses:feedback.topics.bounce.subscriptions[0].protocol",
        ),
    ],
    ids=["integer too large for a float", "unhashable protocol"],
)
def test_values_the_fuzzer_found_are_named(values: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse({"domains": [{"name": "example.com"}], **values})
    assert key in [p.key for p in raised.value.problems]


# --- look-alike (confusable) names -----------------------------------------------------------


@pytest.mark.parametrize("name", [f"{MIXED}.com", "xn--exmple-4nf.com", f"mail.{MIXED}.com"])
def test_mixed_script_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match=r"mixes scripts \(Latin, Cyrillic\).*U\+0430"):
        normalize_domain(name)


@pytest.mark.parametrize(
    ("name", "a_label"),
    [
        ("b\u00fccher.example", "xn--bcher-kva.example"),
        ("\u65e5\u672c\u8a9e\u30c9\u30e1\u30a4\u30f3.jp", "xn--eckwd4c7c5976acvb2w6i.jp"),
        ("\u043f\u0440\u0438\u043c\u0435\u0440.example", "xn--e1afmkfd.example"),
    ],
    ids=["Latin", "Han and Katakana", "Cyrillic"],
)
def test_single_script_names_are_accepted(name: str, a_label: str) -> None:
    assert normalize_domain(name) == a_label


def test_mixed_numbering_systems_are_refused() -> None:
    with pytest.raises(ValueError, match="digits of different numbering systems"):
        normalize_domain("a1\u0967.example")  # an ASCII 1 and a Devanagari 1


def test_every_domain_name_the_config_takes_is_checked() -> None:
    mixed = f"{MIXED}.com"
    with pytest.raises(ConfigError) as raised:
        parse(
            {
                "domains": [
                    {
                        "name": mixed,
                        "dmarc": {"rua": [f"mailto:d@{mixed}"]},
                        "emailIdentities": [f"me@{mixed}"],
                    },
                    {"name": "example.com", "mailFrom": {"subdomain": f"{MIXED}.example.com"}},
                ],
                "smtpUsers": [
                    {"name": "u", "domains": ["example.com"], "fromAddresses": [f"x@{mixed}"]}
                ],
            }
        )
    keys = {p.key for p in raised.value.problems if "mixes scripts" in p.allowed}
    assert keys == {
        "ses:domains[0].name",
        "ses:domains[0].dmarc.rua[0]",
        "ses:domains[0].emailIdentities[0]",
        "ses:domains[1].mailFrom.subdomain",
        "ses:smtpUsers[0].fromAddresses[0]",
    }
    with pytest.raises(ValueError, match="mixes scripts"):
        normalize_address(f"x@{mixed}")


def test_a_whole_script_look_alike_domain_gets_a_warning() -> None:
    coco = "\u0441\u043e\u0441\u043e.com"  # Cyrillic letters only
    assert ascii_look_alike(normalize_domain(coco)) == "coco.com"
    assert ascii_look_alike("xn--bcher-kva.example") is None
    config = parse({"domains": [{"name": coco}]})
    assert any("can pass for the ASCII name 'coco.com'" in w for w in config.warnings)


# --- --zone-file -----------------------------------------------------------------------------


def test_zone_file_into_a_directory_or_a_missing_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = project(tmp_path)
    status, _, err = plan(capsys, folder, "--zone-file", str(tmp_path))
    assert status == 2 and "is a directory; give a file name" in err
    missing = tmp_path / "no-such-folder" / "dev.zone"
    status, _, err = plan(capsys, folder, "--zone-file", str(missing))
    assert status == 2 and f"its folder {missing.parent} does not exist" in err


def test_zone_file_written_is_confirmed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    zone = tmp_path / "out.zone"
    status, _, err = plan(capsys, project(tmp_path), "--json", "--zone-file", str(zone))
    assert status == 0, err
    count = sum(1 for line in zone.read_text().splitlines() if line and not line.startswith(";"))
    assert f"plan: wrote {count} records to {zone}" in err
