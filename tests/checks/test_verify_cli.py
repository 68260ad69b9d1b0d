"""``python -m checks``: input errors, exit statuses, --stack, and the JSON report's schema."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.support.checks_support import FAST, make_world, run_cli
from tests.support.dns_world import domain_zone, ses_records
from tests.support.paths import REPO

SCHEMA = json.loads((REPO / "schemas" / "checks_report.schema.json").read_text())


def validate(doc: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)


# 127.0.0.1:9 (discard) is never queried: input errors stop before any network traffic.
NOWHERE = ["--nameserver", "127.0.0.1:9", "--resolver", "127.0.0.1:9"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not valid JSON"),
        ("", "not valid JSON"),
        ('{"other": 1}', "without a 'dns_records' key"),
        ('{"dns_records": "[secret]"}', "--show-secrets"),
        ("[]", "empty"),
        ("42", "must be a list of records, found int"),
        ("[1, 2]", "expected an object"),
        ('[{"domain": "example.com"}]', "dns_records[0].name must be a string, got None"),
        (
            '[{"domain": "example.com", "name": "a.example.com", "type": "SRV", "value": "x"}]',
            "not supported",
        ),
        (
            '[{"domain": "example.com", "name": "a..example.com", "type": "TXT", "value": "x"}]',
            "has the invalid label ''",
        ),
        (
            '[{"domain": "example.com", "name": "m.example.com", "type": "MX", "value": "ten x"}]',
            "has the priority 'ten'",
        ),
        (
            '[{"domain": "example.com", "name": "m.example.com", "type": "TXT", "value": "v",'
            ' "ttl": "soon"}]',
            "dns_records[0].ttl must be an integer",
        ),
        ("[" * 100000, "JSON"),
    ],
)
def test_garbage_records_exit_2_with_a_message(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "records.json"
    path.write_text(content)
    result = run_cli("verify", "--records", str(path), *NOWHERE)
    assert result.rc == 2
    assert message in result.err
    assert result.out == ""
    assert "Traceback" not in result.err


def test_binary_file_and_missing_file(tmp_path: Path) -> None:
    binary = tmp_path / "records.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    result = run_cli("verify", "--records", str(binary), *NOWHERE)
    assert result.rc == 2
    assert "not UTF-8" in result.err
    result = run_cli("verify", "--records", str(tmp_path / "nope.json"), *NOWHERE)
    assert result.rc == 2
    assert "cannot read records file" in result.err


def test_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text('{"dns_records": [{"domain": 5}]}')
    done = subprocess.run(
        [sys.executable, "-m", "checks", "verify", "--records", str(path), *NOWHERE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "dns_records[0].domain must be a string, got 5" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--nameserver", "ns1.example.com"], "HOST must be an IP address"),
        (["--nameserver", "127.0.0.1:99999"], "invalid port"),
        (["--resolver", "[::1"], "missing ']'"),
        (["--wait", "-1"], "--wait -1: allowed: 0 to 86400 seconds"),
        (["--timeout", "0"], "--timeout 0: allowed: more than 0 and at most 60 seconds"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, argv: list[str], message: str) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(ses_records()))
    result = run_cli("verify", "--records", str(path), *NOWHERE, *argv)
    assert result.rc == 2
    assert message in result.err


def test_usage_errors_exit_2() -> None:
    assert run_cli("verify").rc == 2  # neither --records nor --stack
    assert run_cli("verify", "--records", "x", "--stack", "dev").rc == 2
    assert run_cli().rc == 2
    assert run_cli("nonsense").rc == 2


def test_exit_statuses_0_1_3_and_json_schema(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    broken = domain_zone(records, "example.com", drop=[("mail.example.com", "MX")])
    world = make_world(
        stack, tmp_path, records, zones=[domain_zone(records, "example.com"), broken]
    )
    good = world.verify(servers=[world.auth[0].spec])
    bad = world.verify()
    from tests.support.knot_server import free_port, random_loopback

    address = random_loopback()
    unreachable = world.verify(servers=[world.auth[0].spec, f"{address}:{free_port(address)}"])
    assert (good.rc, bad.rc, unreachable.rc) == (0, 1, 3)
    for result in (good, bad, unreachable):
        validate(result.doc)
        assert result.doc["exit_status"] == result.rc
        assert result.doc["ok"] is (result.rc == 0)
    assert bad.doc["summary"]["errors"] == 1
    assert unreachable.doc["summary"]["unchecked"] == 1
    human = run_cli(*world.args())
    assert human.rc == 1
    assert "fix: mail.example.com. 300 IN MX 10 feedback-smtp.us-east-1.amazonses.com." in human.out
    assert "FAIL: 1 domain(s)" in human.out


def test_schema_rejects_a_wrong_document() -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate({"ok": True, "exit_status": 0, "domains": [{"domain": "x", "ok": True}]})
    with pytest.raises(jsonschema.ValidationError):
        validate(
            {
                "ok": False,
                "exit_status": 1,
                "domains": [
                    {
                        "domain": "x",
                        "ok": False,
                        "findings": [
                            {
                                "severity": "fatal",
                                "code": "x",
                                "name": "x",
                                "nameserver": None,
                                "message": "m",
                            }
                        ],
                    }
                ],
            }
        )


def test_records_from_stdin_and_stack_output_shape(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    outputs = json.dumps({"dns_records": world.records, "smtp": {"endpoint": "x"}})
    argv = [a if a != str(world.path) else "-" for a in world.args("--json")]
    result = run_cli(*argv, stdin=outputs)
    assert result.rc == 0, result.err
    # The offline plan's --json document (contract 2) works as well.
    plan = json.dumps({"stack": "dev", "resources": [], "outputs": {"dns_records": world.records}})
    result = run_cli(*argv, stdin=plan)
    assert result.rc == 0, result.err


def test_stack_without_pulumi_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pulumi here
    result = run_cli("verify", "--stack", "dev", *NOWHERE)
    assert result.rc == 2
    assert "needs the Pulumi CLI" in result.err


def fake_pulumi(tmp_path: Path, body: str) -> None:
    exe = tmp_path / "pulumi"
    exe.write_text(f"#!/bin/sh\n{body}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)


def test_stack_reads_pulumi_stack_output(
    stack: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(stack, tmp_path, servers=1)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (tmp_path / "records.json").write_text(json.dumps(world.records))
    fake_pulumi(
        bindir,
        f'echo "$*" >> {tmp_path / "argv.log"}\n'
        f'[ "$*" = "stack output dns_records --json --stack dev" ] || exit 9\n'
        f"cat {tmp_path / 'records.json'}",
    )
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    argv = ["verify", "--stack", "dev", "--nameserver", world.auth[0].spec]
    result = run_cli(*argv, "--resolver", world.resolver.spec, "--json", *FAST)
    assert result.rc == 0, result.err
    # Only the records, and no secrets: pulumi was asked for exactly that, once.
    assert (tmp_path / "argv.log").read_text() == "stack output dns_records --json --stack dev\n"
    fake_pulumi(bindir, 'echo "error: no stack named dev found" >&2; exit 255')
    result = run_cli(*argv, "--resolver", world.resolver.spec, *FAST)
    assert result.rc == 2
    assert "no stack named dev found" in result.err
