"""``checks verify`` as a whole process: what it imports, how it ends, what its workers send back.

The report and the exit status are the same whichever way the process is started and wherever
its output goes; the parts around the queries (imports, the end of the process, the workers'
payload) are cut without changing either.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from components.checks.__main__ import SUBCOMMANDS, build_parser
from tests.support.checks_support import run_cli, verify_argv
from tests.support.dns_world import amazonses_zone, domain_zone, ses_records
from tests.support.paths import REPO

TOKENS = ("tok1aaaa", "tok2bbbb", "tok3cccc")
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
"""The environment of a process whose standard output is buffered, as it is by default."""


def _world(stack: ExitStack, tmp_path: Path, domains: int) -> list[str]:
    """``domains`` domains on two servers and a resolver; the second domain's MAIL FROM MX is
    missing on the second server (exit status 1)."""
    names = [f"d{i}.example.test" for i in range(domains)]
    records = [r for d in names for r in ses_records(d, TOKENS)]
    good = {d: domain_zone(records, d) for d in names}
    second = {**good, names[1]: domain_zone(records, names[1], drop=[(f"mail.{names[1]}", "MX")])}
    resolver = {**good, "amazonses.com": amazonses_zone(TOKENS)}
    return verify_argv(stack, tmp_path, records, [good, second], resolver)


def _without_stats(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    del doc["stats"]
    return doc


# ---- the parser: the named subcommand's alone ---------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(actions[0].choices)


def test_each_subcommand_is_registered_under_its_name() -> None:
    assert _subcommands(build_parser()) == list(SUBCOMMANDS)
    for name in SUBCOMMANDS:
        assert _subcommands(build_parser(only=name)) == [name]


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = vars(parser.parse_args(argv))
            args.pop("handler")
            result: object = args
        except SystemExit as exc:
            result = exc.code
    return result, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "--help"],
        ["verify", "--records", "r.json", "--nameserver", "127.0.0.1", "--json", "--strict"],
        ["verify", "--records", "r.json", "--bogus"],
        ["verify", "--stack", "dev", "--records", "r.json"],
        ["verify"],
        ["smtp", "--help"],
        ["account", "status", "--region", "eu-west-1"],
        ["stats", "--help"],
        ["send", "--bogus"],
    ],
)
def test_the_named_subcommands_parser_alone_answers_as_all_of_them_do(argv: list[str]) -> None:
    assert _parse(build_parser(only=argv[0]), argv) == _parse(build_parser(), argv)


def test_a_plain_verify_imports_neither_the_other_commands_nor_the_mailbox_rules(
    stack: ExitStack, tmp_path: Path
) -> None:
    """The AWS commands' modules (botocore's region data among them) and the mailbox-provider
    rules (with the SMTP and stack-config models they need) were half of a 10-domain run's
    instructions; a run that does not use them does not import them."""
    argv = _world(stack, tmp_path, 2)
    unused = [
        "components.checks.aws_api",
        "components.checks.account.cli",
        "components.checks.smtp.cli",
        "components.checks.stats.cli",
        "components.checks.send.cli",
        "components.checks.verify.readiness",
        "components.checks.verify.readiness_stack",
        "components.regions",
        "pickle",
    ]
    code = (
        "import json, sys\n"
        "from components.checks.__main__ import main\n"
        "status = main(json.loads(sys.argv[1]))\n"
        "print(json.dumps([int(status), [m for m in json.loads(sys.argv[2]) if m in sys.modules]]),"
        " file=sys.stderr)\n"
    )

    def imported(*extra: str) -> tuple[int, list[str]]:
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps([*argv, *extra]), json.dumps(unused)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        status, modules = json.loads(done.stderr.splitlines()[-1])
        return status, modules

    assert imported("--json") == (1, [])
    # What is used is imported: the test sees it.
    status, modules = imported("--json", "--mailbox-providers", "--workers", "2")
    assert status == 1
    assert {"components.checks.verify.readiness", "pickle"} <= set(modules)


# ---- the end of the process ------------------------------------------------------------------


@pytest.mark.parametrize("entry", [["-m", "checks"], ["-m", "components.checks"]])
def test_the_report_and_exit_status_survive_a_pipe_and_a_file(
    stack: ExitStack, tmp_path: Path, entry: list[str]
) -> None:
    """The process ends without Python's teardown: every byte written before it ends, through
    a pipe (a report larger than the pipe's buffer) and into a file, and the status kept."""
    argv = _world(stack, tmp_path, 40)
    expected = run_cli(*argv, "--json")
    assert expected.rc == 1
    assert len(expected.out) > 65536
    human = run_cli(*argv)
    command = [sys.executable, *entry, *argv]
    piped = subprocess.run(
        [*command, "--json"], cwd=REPO, capture_output=True, timeout=60, check=False, env=BUFFERED
    )
    assert (piped.returncode, piped.stderr) == (1, b"")
    assert _without_stats(piped.stdout.decode()) == _without_stats(expected.out)
    assert piped.stdout.decode() == json.dumps(json.loads(piped.stdout), indent=2) + "\n"
    out = tmp_path / "report.txt"
    with out.open("wb") as handle:
        done = subprocess.run(
            command,
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
            env=BUFFERED,
        )
    assert (done.returncode, done.stderr) == (1, b"")
    text = out.read_text()
    assert text.endswith("\n")
    assert text.splitlines()[:-1] == human.out.splitlines()[:-1]  # the last line has the time


def test_a_reader_that_goes_away_early_gets_the_status_it_always_got(
    stack: ExitStack, tmp_path: Path
) -> None:
    argv = _world(stack, tmp_path, 40)
    proc = subprocess.Popen(
        [sys.executable, "-m", "checks", *argv, "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=BUFFERED,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 2
    assert "BrokenPipeError" in err
    assert "Traceback" not in err


def test_a_profiler_around_the_command_gets_its_profile(stack: ExitStack, tmp_path: Path) -> None:
    """``python -m cProfile -m checks ...`` writes its profile when the command returns: the
    command returns rather than end the process."""
    argv = _world(stack, tmp_path, 2)
    profile = tmp_path / "verify.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "checks", *argv, "--json"],
        cwd=REPO,
        capture_output=True,
        timeout=60,
        check=False,
        env=BUFFERED,
    )
    assert done.stderr == b""  # (cProfile ends with status 0 whatever the command returned)
    assert json.loads(done.stdout)["summary"]["domains"] == 2
    assert profile.stat().st_size > 0


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """``python -c code`` in the checkout, standard output buffered as in a real run."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=BUFFERED,
    )


def test_exit_handlers_and_threads_are_not_cut_short() -> None:
    """A thread still running, or an exit handler, gets what Python's own exit gives it."""
    code = (
        "import atexit, sys, threading, time\n"
        "from components.checks.__main__ import exit_process\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread ran'))).start()\n"
        "print('main', end=' ')\n"
        "exit_process(3)\n"
    )
    done = _python(code)
    assert (done.returncode, done.stdout.split()) == (
        3,
        ["main", "thread", "ran", "exit", "handler", "ran"],
    )
    code = (
        "import atexit\n"
        "from components.checks.__main__ import exit_process\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "print('x' * 100000, end='')\n"
        "exit_process(4)\n"
    )
    done = _python(code)
    assert (done.returncode, done.stdout) == (4, "x" * 100000 + "exit handler ran\n")
