"""The ``ses-domains`` console script of the installed package (components/cli.py): each
subcommand is the checkout's program (same parser, output and exit statuses), run here as a
consumer runs it, from the package installed offline, against servers on loopback only."""

from __future__ import annotations

import json
import os
import re
import shutil
import ssl
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
import trustme

from components.checks.exit_status import ExitStatus
from tests.support.checks_support import FAST, make_world
from tests.support.dns_world import domain_zone, ses_records
from tests.support.knot_server import free_port
from tests.support.paths import REPO
from tests.support.smtp_server import MESSAGE_ID, PASSWORD, USERNAME, LoopbackSmtp

EXAMPLE = REPO / "examples" / "consumer"
COLUMNS = "100"
"""One terminal width for both programs, so that argparse wraps their help alike."""


def ses_domains(
    site: Path, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed console script, seeing only the installed package and the venv's
    dependencies (``cwd`` is not on its path; the checkout's ``components`` is not importable)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SES_SMTP_"))}
    return subprocess.run(
        [str(site / "bin" / "ses-domains"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**base, "PYTHONPATH": str(site), "COLUMNS": COLUMNS, **(env or {})},
    )


def checkout(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m <module>`` in the checkout."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": COLUMNS},
    )


def _normalised(text: str, prog: str) -> str:
    """A help text with the program's name replaced and whitespace collapsed (argparse
    indents wrapped usage lines by the length of the name)."""
    return " ".join(text.replace(prog, "PROG").split())


def test_the_help_lists_every_subcommand(installed_package: Path, tmp_path: Path) -> None:
    result = ses_domains(installed_package, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ses-domains [-h] [--version] COMMAND ...")
    listed = re.findall(r"^    (\w+) ", result.stdout, re.M)
    assert listed == ["plan", "verify", "smtp", "account", "stats", "send"]


def test_version(installed_package: Path, tmp_path: Path) -> None:
    from components import __version__

    result = ses_domains(installed_package, "--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"ses-domains {__version__}\n")


def test_the_installed_modules_run_as_the_console_script_does(
    installed_package: Path, tmp_path: Path
) -> None:
    """``python -m ses_domains.plan`` plans the current directory's project, like
    ``ses-domains plan`` (not a folder next to the installed package)."""
    project = tmp_path / "consumer"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(installed_package), "COLUMNS": COLUMNS}

    def module(name: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", name, *args],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            env=env,
        )

    plan = module("ses_domains.plan", "--stack", "staging", "--json")
    assert plan.returncode == 0, plan.stderr
    console = ses_domains(installed_package, "plan", "--stack", "staging", "--json", cwd=project)
    assert json.loads(plan.stdout) == json.loads(console.stdout)
    checks = module("ses_domains.checks", "--help")
    assert checks.stdout.startswith("usage: python -m ses_domains.checks [-h] COMMAND")


def test_no_subcommand_is_a_usage_error(installed_package: Path, tmp_path: Path) -> None:
    result = ses_domains(installed_package, cwd=tmp_path)
    assert result.returncode == ExitStatus.USAGE
    assert "the following arguments are required: COMMAND" in result.stderr


@pytest.mark.parametrize(
    ("command", "module", "prog"),
    [
        (["plan"], "components.plan", "python -m components.plan"),
        (["verify"], "checks", "python -m checks verify"),
        (["smtp"], "checks", "python -m checks smtp"),
        (["account"], "checks", "python -m checks account"),
        (["account", "status"], "checks", "python -m checks account status"),
        (
            ["account", "request-production"],
            "checks",
            "python -m checks account request-production",
        ),
        (["stats"], "checks", "python -m checks stats"),
    ],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_each_subcommand_has_the_checkouts_help(
    installed_package: Path, tmp_path: Path, command: list[str], module: str, prog: str
) -> None:
    installed = ses_domains(installed_package, *command, "--help", cwd=tmp_path)
    checkout_args = [] if module == "components.plan" else command
    original = checkout(module, *checkout_args, "--help")
    assert installed.returncode == original.returncode == 0, installed.stderr + original.stderr
    assert f"usage: ses-domains {command[0]} " in installed.stdout
    assert _normalised(installed.stdout, f"ses-domains {' '.join(command)}") == _normalised(
        original.stdout, prog
    )


def test_a_usage_error_has_the_checkouts_status_and_message(
    installed_package: Path, tmp_path: Path
) -> None:
    installed = ses_domains(
        installed_package, "verify", "--records", "-", "--wait", "x", cwd=tmp_path
    )
    original = checkout("checks", "verify", "--records", "-", "--wait", "x")
    assert installed.returncode == original.returncode == ExitStatus.USAGE
    assert _normalised(installed.stderr, "ses-domains") == _normalised(
        original.stderr, "python -m checks"
    )


def test_account_request_production_prints_what_the_checkout_prints(
    installed_package: Path, tmp_path: Path
) -> None:
    """The dry run of the installed script: the same request, nothing sent (no AWS call is
    made without --yes; the endpoint is a closed loopback port all the same)."""
    args = [
        "account", "request-production", "--region", "eu-west-1", "--mail-type", "MARKETING",
        "--website-url", "https://www.example.com", "--endpoint-url", "http://127.0.0.1:9",
    ]  # fmt: skip
    installed = ses_domains(installed_package, *args, cwd=tmp_path)
    original = checkout("checks", *args)
    assert installed.returncode == original.returncode == ExitStatus.OK, installed.stderr
    assert installed.stdout == original.stdout
    assert '"ProductionAccessEnabled": true' in installed.stdout


def test_plan_plans_the_project_in_the_current_directory(
    installed_package: Path, tmp_path: Path
) -> None:
    project = tmp_path / "consumer"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    result = ses_domains(installed_package, "plan", "--stack", "staging", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Stack staging: ")
    assert "ses:index:SesDomain  news.example.org" in result.stdout  # built in the program
    table = result.stdout.split("DNS records (6):", 1)[1]
    assert re.search(r"^_dmarc\.shop\.example\.net +TXT +1800 +dmarc +route53 ", table, re.M)
    as_json = ses_domains(installed_package, "plan", "--stack", "staging", "--json", cwd=project)
    assert as_json.returncode == 0, as_json.stderr
    plan = json.loads(as_json.stdout)
    assert {r["domain"] for r in plan["outputs"]["dns_records"]} == {"shop.example.net"}


def test_plan_outside_a_project_names_the_missing_file(
    installed_package: Path, tmp_path: Path
) -> None:
    result = ses_domains(installed_package, "plan", "--stack", "staging", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"plan: {tmp_path / 'Pulumi.yaml'} does not exist\n"


def test_verify_checks_records_on_knot_servers(
    installed_package: Path, tmp_path: Path, stack: ExitStack
) -> None:
    records = ses_records()
    broken = domain_zone(records, "example.com", drop=[("_dmarc.example.com", "TXT")])
    world = make_world(
        stack, tmp_path, records, zones=[domain_zone(records, "example.com"), broken]
    )
    ns1, ns2 = (server.spec for server in world.auth)
    good = ses_domains(installed_package, *world.args("--json", servers=[ns1]), cwd=tmp_path)
    assert good.returncode == ExitStatus.OK, good.stdout + good.stderr
    assert json.loads(good.stdout)["ok"] is True
    both = ses_domains(installed_package, *world.args(), cwd=tmp_path)
    assert both.returncode == ExitStatus.FOUND_PROBLEMS, both.stdout + both.stderr
    assert "_dmarc.example.com" in both.stdout
    assert ns2 in both.stdout


def test_verify_against_a_closed_nameserver_could_not_check(
    installed_package: Path, tmp_path: Path
) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(ses_records()), encoding="utf-8")
    closed = f"127.0.0.1:{free_port('127.0.0.1')}"
    args = ["verify", "--records", str(path), "--nameserver", closed, "--resolver", closed, *FAST]
    result = ses_domains(installed_package, *args, cwd=tmp_path)
    assert result.returncode == ExitStatus.UNCHECKED, result.stdout + result.stderr


def test_smtp_sends_through_a_loopback_server(
    installed_package: Path, tmp_path: Path, stack: ExitStack
) -> None:
    ca = trustme.CA()
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = LoopbackSmtp(mode="starttls", server_context=context).start()
    stack.callback(server.stop)
    args = ["smtp", "--host", "127.0.0.1", "--port", str(server.port), "--cafile", str(cafile)]
    args += ["--from", "noreply@example.com", "--region", "eu-west-1", "--timeout", "10"]
    credentials = {"SES_SMTP_USERNAME": USERNAME, "SES_SMTP_PASSWORD": PASSWORD}
    result = ses_domains(installed_package, *args, cwd=tmp_path, env=credentials)
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert MESSAGE_ID in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    (received,) = server.recorder.messages
    assert received.mail_from == "noreply@example.com"
