"""``checks verify`` refuses bad records and options up front: exit 2, every problem at once, each
naming the record index and key (or the option), the value and what is allowed; --help says the
defaults."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.checks_support import run_cli
from tests.support.dns_world import ses_records

# Nothing is queried when the input is refused; a closed loopback port, should that change.
NOWHERE = ["--nameserver", "127.0.0.1:9", "--resolver", "127.0.0.1:9"]


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "domain": "example.com",
        "name": "mail.example.com",
        "type": "TXT",
        "value": "v=spf1 include:amazonses.com ~all",
        "ttl": 300,
        "purpose": "mail_from_spf",
    }
    record.update(changes)
    return record


def _verify(tmp_path: Path, content: str, *argv: str) -> tuple[int, str]:
    path = tmp_path / "records.json"
    path.write_text(content)
    result = run_cli("verify", "--records", str(path), *NOWHERE, *argv)
    assert result.out == ""
    assert "Traceback" not in result.err
    return result.rc, result.err


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            _record(name="mail .example.com"),
            ["dns_records[1].name 'mail .example.com'", "U+0020 SPACE", "allowed: dot-separated"],
        ),
        (
            _record(domain="bücher.example", name="mail.bücher.example"),
            ["dns_records[1].domain 'bücher.example'", "'xn--bcher-kva.example'"],
        ),
        (  # U+0430, a Cyrillic letter that looks like a Latin "a"
            _record(name="m\u0430il.example.com"),
            ["dns_records[1].name", "U+0430 CYRILLIC SMALL LETTER A", "'xn--mil-6cd.example.com'"],
        ),
        (
            _record(name="mail.example.org"),
            ["dns_records[1].name 'mail.example.org' is not 'example.com' or a name under it"],
        ),
        (
            _record(purpose="spam"),
            ["dns_records[1].purpose is 'spam'; allowed: dkim, dkim_byodkim, mail_from_mx"],
        ),
        (
            _record(type="CNAME", name="x._domainkey.example.com", value="", purpose="dkim"),
            ["dns_records[1].value (CNAME target) '' is empty; allowed: a host name"],
        ),
        (
            _record(type="CNAME", name="x._domainkey.example.com", value=".", purpose="dkim"),
            ["dns_records[1].value (CNAME target) '.' has fewer than two labels"],
        ),
        (
            _record(type="MX", value="10 feedback smtp.example.com", purpose="mail_from_mx"),
            ["dns_records[1].value (MX) '10 feedback smtp.example.com'", "'<priority 0-65535>"],
        ),
        (_record(ttl=2**31), ["dns_records[1].ttl must be an integer from 0 to 2147483647"]),
        (_record(type="SRV"), ["dns_records[1].type 'SRV' is not supported; allowed: CNAME"]),
        (_record(colour="red"), ["dns_records[1]: unknown key(s) 'colour'; allowed: domain"]),
        (_record(name="x" * 400 + ".example.com"), ["...'", "allowed: dot-separated"]),
        (
            _record(name="-mail.example.com"),
            ["dns_records[1].name '-mail.example.com' has the invalid label '-mail'; allowed"],
        ),
        (
            _record(domain="under_score.com", name="under_score.com"),
            ["dns_records[1].domain 'under_score.com' has the invalid label 'under_score'"],
        ),
        (_record(domain="com", name="com"), ["dns_records[1].domain 'com' has fewer than two"]),
        (
            _record(type="MX", value="70000 feedback-smtp.example.com", purpose="mail_from_mx"),
            ["dns_records[1].value (MX) '70000 feedback-smtp.example.com' has the priority"],
        ),
        (
            _record(type="MX", value="10 smtp..example.com", purpose="mail_from_mx"),
            ["dns_records[1].value (MX) '10 smtp..example.com' has the invalid label ''"],
        ),
        (_record(value="é" * 40000), ["dns_records[1].value is longer than 65000 bytes"]),
    ],
)
def test_a_bad_record_exits_2_naming_index_key_value_and_what_is_allowed(
    tmp_path: Path, record: dict[str, Any], expected: list[str]
) -> None:
    rc, err = _verify(tmp_path, json.dumps([_record(), record]))
    assert rc == 2
    for text in expected:
        assert text in err
    assert all(len(line) < 400 for line in err.splitlines())  # long values are cut


def test_records_are_read_in_their_compared_forms() -> None:
    """Names and targets lowercase without their trailing dot, MX priorities as numbers, the
    type uppercase, TXT values as they are; a record given twice is kept once."""
    from components.checks.verify.expected import Expected, group_by_domain, parse_records

    given = [
        _record(domain="Example.COM.", name="Mail.Example.com.", value=" Keep  THIS "),
        _record(
            name="K1._DomainKey.example.com",
            type="cname",
            value="K1.DKIM.AmazonSES.com.",
            purpose="dkim",
            ttl=None,
        ),
        _record(type="Mx", value=" 010   Feedback-SMTP.us-east-1.AmazonSES.com. "),
        _record(type="MX", value="10 feedback-smtp.us-east-1.amazonses.com"),
    ]
    records = parse_records(json.dumps(given), "test")
    assert records == [
        Expected("example.com", "mail.example.com", "TXT", " Keep  THIS ", "mail_from_spf", 300),
        Expected(
            "example.com", "k1._domainkey.example.com", "CNAME", "k1.dkim.amazonses.com", "dkim"
        ),
        *[
            Expected(
                "example.com",
                "mail.example.com",
                "MX",
                "10 feedback-smtp.us-east-1.amazonses.com",
                "mail_from_spf",
                300,
            )
        ]
        * 2,
    ]
    assert len(group_by_domain(records)["example.com"]) == 3


def test_every_problem_of_every_record_at_once(tmp_path: Path) -> None:
    records = [
        _record(name="a b.example.com", purpose="spam", ttl=-1),
        _record(),
        _record(domain="exämple.com", type="MX", value="", purpose="mail_from_mx"),
    ]
    rc, err = _verify(tmp_path, json.dumps(records))
    assert rc == 2
    for where in (
        "dns_records[0].name",
        "dns_records[0].purpose",
        "dns_records[0].ttl",
        "dns_records[2].domain",
        "dns_records[2].value (MX)",
    ):
        assert where in err
    assert "dns_records[1]" not in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"dns_records": [], "dns_records": []}',
            "the key 'dns_records' appears twice in one JSON object",
        ),
        (
            json.dumps([_record()]).replace('"ttl"', '"ttl": 1, "ttl"'),
            "the key 'ttl' appears twice",
        ),
        ("[1" + "0" * 5000 + "]", "unreadable JSON"),
        ('"[secret]"', "pulumi stack output dns_records --json --show-secrets"),
        ('{"outputs": {"dns_records": 5}}', "outputs.dns_records must be a list"),
    ],
)
def test_bad_documents_exit_2(tmp_path: Path, content: str, expected: str) -> None:
    rc, err = _verify(tmp_path, content)
    assert rc == 2
    assert expected in err


GOOD = json.dumps(ses_records())


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--wait", "nan"], "--wait nan: allowed: 0 to 86400 seconds"),
        (["--wait", "inf"], "--wait inf: allowed: 0 to 86400 seconds"),
        (["--timeout", "0"], "--timeout 0: allowed: more than 0 and at most 60 seconds"),
        (["--timeout", "nan"], "--timeout nan: allowed: more than 0 and at most 60 seconds"),
        (["--attempts", "0"], "--attempts 0: allowed: 1 to 10"),
        (["--max-in-flight", "0"], "--max-in-flight 0: allowed: 1 to 4096"),
        (["--ns-port", "0"], "--ns-port 0: allowed: a port number"),
        (
            ["--aws", "--aws-endpoint-url", "ftp://127.0.0.1:5000"],
            "--aws-endpoint-url 'ftp://127.0.0.1:5000': allowed: an http:// or https:// URL",
        ),
        (["--aws", "--aws-endpoint-url", "http://[::1"], "--aws-endpoint-url 'http://[::1'"),
        (["--aws", "--aws-endpoint-url", "127.0.0.1:5000"], "allowed: an http:// or https://"),
        (["--aws", "--aws-region", "mars-1"], "--aws-region 'mars-1' is not a region where SES"),
        (["--aws", "--aws-region", "us-east-11"], "did you mean"),
        (["--aws-region", "us-east-1"], "--aws-region 'us-east-1': only used with --aws"),
        (["--nameserver", "ns1.example.com"], "--nameserver 'ns1.example.com'"),
    ],
)
def test_bad_options_exit_2_naming_option_value_and_what_is_allowed(
    tmp_path: Path, argv: list[str], expected: str
) -> None:
    rc, err = _verify(tmp_path, GOOD, *argv)
    assert rc == 2
    assert expected in err


def test_a_bad_aws_region_in_the_environment_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "mars-1")
    rc, err = _verify(tmp_path, GOOD, "--aws")
    assert rc == 2
    assert "AWS_DEFAULT_REGION 'mars-1' is not a region where SES runs" in err


def test_option_and_record_problems_are_reported_together(tmp_path: Path) -> None:
    content = json.dumps([_record(purpose="spam")])
    rc, err = _verify(tmp_path, content, "--wait", "nan", "--timeout", "0", "--attempts", "99")
    assert rc == 2
    assert err.startswith("verify: invalid arguments:")
    for text in ("--wait nan", "--timeout 0", "--attempts 99", "dns_records[0].purpose"):
        assert text in err


def test_help_gives_defaults_and_the_plans_json() -> None:
    result = run_cli("verify", "--help")
    assert result.rc == 0
    text = " ".join(result.out.split())
    for default in (
        "queries in flight at once (in each worker process), 1 to 4096 (default 512)",
        "processes sharing the domains, 0 to 16 (default 0: two for 200 domains or more",
        "tries per query, 1 to 10 (default 3)",
        "(default 2)",
        "port of discovered nameservers (default 53)",
        "default 0: check once",
        "default: the system's resolvers",
        "default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1",
    ):
        assert default in text
    assert (
        "'ses-domains plan --stack NAME --json' (in a checkout: 'python -m components.plan')"
        in text
    )


def test_stack_output_that_is_secret_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = tmp_path / "pulumi"
    exe.write_text("#!/bin/sh\necho '\"[secret]\"'\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    result = run_cli("verify", "--stack", "dev", *NOWHERE)
    assert result.rc == 2
    assert "stack dev: the document is a string ('[secret]')" in result.err
    assert "--show-secrets > records.json" in result.err


def test_long_option_values_are_cut(tmp_path: Path) -> None:
    rc, err = _verify(tmp_path, GOOD, "--resolver", "x" * 5000, "--aws", "--aws-region", "y" * 5000)
    assert rc == 2
    assert "--resolver 'xxxx" in err
    assert "HOST must be an IP address" in err
    assert "--aws-region 'yyyy" in err
    assert all(len(line) < 1000 for line in err.splitlines())  # the SES region list is long
    assert "x" * 100 not in err
