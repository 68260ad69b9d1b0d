"""``python -m checks smtp`` fuzzed in-process: arbitrary stack outputs and arbitrary arguments.

Hypothesis draws an outputs document (arbitrary JSON, undecodable bytes, or real-looking outputs
with any field replaced by arbitrary JSON, always with a planted password), the ``SES_SMTP_*``
environment, and a command line: the options a real run gives, some dropped, then options with
arbitrary values and stray strings. Each run goes to an aiosmtpd server on 127.0.0.1 (STARTTLS,
a test CA) or to a closed loopback port. A guard refuses every other connection without
resolving or sending anything, so nothing leaves the machine and nothing waits.

Every run must end in a documented exit status, print bounded text a terminal can show (no lone
surrogates), and print no traceback, no "internal error" and no planted password (nor its AUTH
PLAIN or LOGIN encoding). ``SMTP_FUZZ_EXAMPLES`` sets the number of examples (default 250);
``--hypothesis-show-statistics`` shows how the exit statuses were spread.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import io
import json
import os
import socket
import ssl
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from components.checks.__main__ import main
from components.checks.exit_status import ExitStatus
from components.checks.smtp.session import auth_plain_response
from tests.support.smtp_server import PASSWORD, USERNAME, LoopbackSmtp

DOCUMENTED = frozenset({0, 2, 3, 4, 5, 6, 7, 8, 9})
"""docs/checks.md, "Exit status": smtp exits 0, 2, 3 and 4 to 9."""
MAX_OUTPUT_CHARS = 8000
"""Output bound per run: a transcript and a handful of bounded problems fit well below it."""
PLANTED = (
    PASSWORD,  # the server's: with the right username the send goes through
    "Plänted-Sécret-4f1c9b77e0d2",
    "planted secret\r\nAUTH LOGIN 93a1",
)
ENVIRONMENT = (
    "SES_SMTP_USERNAME",
    "SES_SMTP_PASSWORD",
    "SES_SMTP_REGION",
    "SES_SMTP_HOST",
    "SES_SMTP_FROM",
)
PORT, CLOSED, OUTPUTS, CAFILE = "@port@", "@closed@", "@outputs@", "@cafile@"
"""Stand-ins in drawn arguments for what exists only once the fixtures run."""

# --- strategies -------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)
"""Any characters, lone surrogates and controls included."""
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "-",
        "\r\n",
        "x\x00y",
        "@",
        "a@b@c",
        "ü@bücher.example",
        "noreply@xn--",
        "noreply@example.com\r\nBcc: x@example.net",
        "App <noreply@example.com>",
        "<>",
        "[::1]",
        "127.0.0.1:25",
        "smtp://127.0.0.1",
        "x" * 999,
        "0",
        "65536",
        "nan",
        "1e-9",
    ]
)
ARG = ANY_TEXT | TRICKY
JSON_SCALAR = st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT
ANY_JSON = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


def mostly(usual: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` seven times in eight, else ``other``: many runs get far enough to talk SMTP."""
    return st.integers(0, 7).flatmap(lambda n: other if n == 0 else usual)


REGION = mostly(st.sampled_from(["eu-west-1", "us-east-1"]), ANY_TEXT)


@st.composite
def _real_looking(draw: st.DrawFn, password: str) -> dict[str, Any]:
    """Stack outputs as pulumi prints them, some fields replaced by anything or left out."""
    region = draw(REGION)
    entry: dict[str, Any] = {
        "username": draw(mostly(st.just(USERNAME), ANY_TEXT)),
        "password": password,
        "passwords": {region: password, draw(REGION): draw(st.sampled_from(PLANTED))},
        "region": region,
        "host": draw(st.sampled_from(["127.0.0.1", "localhost", f"email-smtp.{region}.com"])),
    }
    changed = draw(mostly(st.just(set[str]()), st.sets(st.sampled_from(sorted(entry)))))
    for key in changed:
        if draw(st.booleans()):
            del entry[key]
        else:
            entry[key] = draw(ANY_JSON)
    users: dict[str, Any] = {draw(mostly(st.just("app"), ANY_TEXT)): entry}
    users.update(draw(mostly(st.just({}), st.dictionaries(ANY_TEXT, ANY_JSON, max_size=2))))
    endpoints = {region: {"host": draw(mostly(st.just("127.0.0.1"), ANY_TEXT))}}
    outputs: dict[str, Any] = {
        "smtp": draw(mostly(st.just({"endpoints": endpoints}), ANY_JSON)),
        "smtp_credentials": draw(mostly(st.just(users), st.just("[secret]") | ANY_JSON)),
    }
    outputs.update(draw(mostly(st.just({}), st.dictionaries(ANY_TEXT, ANY_JSON, max_size=2))))
    return outputs


@st.composite
def _outputs_bytes(draw: st.DrawFn, password: str) -> bytes:
    kind = draw(mostly(st.just("real"), st.sampled_from(["json", "bytes", "cut"])))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    document = draw(_real_looking(password)) if kind != "json" else draw(ANY_JSON)
    text = json.dumps(document).encode("utf-8", "surrogatepass")  # lone surrogates: bad UTF-8
    return text[: draw(st.integers(0, len(text)))] if kind == "cut" else text


OPTIONS: dict[str, st.SearchStrategy[str]] = {
    "--outputs": mostly(st.sampled_from([OUTPUTS, "-"]), ARG),
    "--user": mostly(st.just("app"), ARG),
    "--region": mostly(REGION, TRICKY),
    "--host": mostly(st.sampled_from(["127.0.0.1", "localhost", "::1", "127.0.0.2"]), ARG),
    "--port": mostly(st.sampled_from([PORT, PORT, CLOSED, "465"]), ARG),
    "--from": mostly(st.sampled_from(["noreply@example.com", "App <a@bücher.example>"]), ARG),
    "--to": mostly(st.just("success@simulator.amazonses.com"), ARG),
    "--subject": mostly(st.text(max_size=1200), ARG),
    "--configuration-set": mostly(st.just("main"), ARG),
    "--auth": mostly(st.sampled_from(["auto", "plain", "login"]), ARG),
    "--timeout": mostly(st.just("5"), st.sampled_from(["0", "-1", "inf", "301"]) | ARG),
    "--cafile": mostly(st.just(CAFILE), ARG),
}
FLAGS = ("--tls", "--starttls", "--json", "--insecure-skip-verify")
BASE = (
    ("--outputs", OUTPUTS),
    ("--host", "127.0.0.1"),
    ("--port", PORT),
    ("--from", "noreply@example.com"),
    ("--cafile", CAFILE),
    ("--timeout", "5"),
)


@st.composite
def _command_line(draw: st.DrawFn) -> list[str]:
    args = ["smtp"]
    for option, value in BASE:
        if draw(st.integers(0, 9)):  # each kept nine times in ten
            args += [option, value]
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.sampled_from([*OPTIONS, *FLAGS, "stray"]))
        if choice in OPTIONS:
            args += [choice, draw(OPTIONS[choice])]
        else:
            args.append(draw(ARG) if choice == "stray" else choice)
    return args


ENV_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
"""What an environment variable can hold: no NUL, no lone surrogate."""


@dataclass(frozen=True, kw_only=True)
class Case:
    args: list[str]
    outputs: bytes
    environment: dict[str, str]
    password: str


@st.composite
def cases(draw: st.DrawFn) -> Case:
    password = draw(mostly(st.just(PASSWORD), st.sampled_from(PLANTED)))
    env_text = ENV_TEXT | TRICKY.filter(lambda text: "\x00" not in text)
    candidates = {
        "SES_SMTP_USERNAME": mostly(st.just(USERNAME), env_text),
        "SES_SMTP_PASSWORD": st.just(password),
        "SES_SMTP_REGION": mostly(st.sampled_from(["eu-west-1", "us-east-1"]), env_text),
        "SES_SMTP_HOST": mostly(st.just("127.0.0.1"), env_text),
        "SES_SMTP_FROM": mostly(st.just("noreply@example.com"), env_text),
    }
    names = draw(st.sets(st.sampled_from(ENVIRONMENT)))
    return Case(
        args=draw(_command_line()),
        outputs=draw(_outputs_bytes(password)),
        environment={name: draw(candidates[name]) for name in sorted(names)},
        password=password,
    )


# --- the servers and the guard ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class World:
    server: LoopbackSmtp
    closed_port: int
    ca_file: str
    outputs: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    ca = trustme.CA()
    folder = tmp_path_factory.mktemp("smtp-fuzz")
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = LoopbackSmtp(mode="starttls", server_context=context).start()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: the kernel refuses at once
        allowed = {server.port, closed.getsockname()[1]}
        real = socket.create_connection

        def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            host, port = address[0], address[1]
            if host in ("127.0.0.1", "localhost") and port in allowed:
                return real(("127.0.0.1", port), *args, **kwargs)
            if host.replace(".", "").isdigit() or ":" in host:
                raise ConnectionRefusedError(errno.ECONNREFUSED, "refused by the test guard")
            raise socket.gaierror(socket.EAI_NONAME, "not resolved by the test guard")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(socket, "create_connection", guarded)
            try:
                yield World(
                    server=server,
                    closed_port=closed.getsockname()[1],
                    ca_file=str(ca_file),
                    outputs=folder / "outputs.json",
                )
            finally:
                server.stop()


def _run(world: World, case: Case) -> tuple[int, str, str]:
    """One in-process run of ``python -m checks``: exit status, stdout, stderr."""
    stand_ins = {
        PORT: str(world.server.port),
        CLOSED: str(world.closed_port),
        OUTPUTS: str(world.outputs),
        CAFILE: world.ca_file,
    }
    args = [stand_ins.get(arg, arg) for arg in case.args]
    world.outputs.write_bytes(case.outputs)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in ENVIRONMENT:
            patch.delenv(name, raising=False)
        for name, value in case.environment.items():
            patch.setenv(name, value)
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case.outputs)))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = int(main(args))
            except SystemExit as exit_:  # argparse: 2 for a usage error, 0 after --help
                status = exit_.code if isinstance(exit_.code, int) else ExitStatus.USAGE
    return status, out.getvalue(), err.getvalue()


def _secrets(password: str) -> list[str]:
    plain = auth_plain_response(USERNAME, password) if password.isascii() else password
    login = base64.b64encode(password.encode("utf-8", "surrogatepass")).decode()
    return [password, plain, login]


@settings(
    max_examples=int(os.environ.get("SMTP_FUZZ_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases())
def test_checks_smtp_never_crashes_leaks_or_rambles(world: World, case: Case) -> None:
    status, out, err = _run(world, case)
    text = out + err
    event(f"exit {status}")
    assert status in DOCUMENTED, text
    assert "Traceback" not in text and "internal error" not in text, text
    assert len(text) <= MAX_OUTPUT_CHARS, text[:2000]
    text.encode("utf-8")  # printable on a UTF-8 terminal: no lone surrogates
    for secret in _secrets(case.password):
        assert secret not in text
    if out.startswith("{"):
        assert json.loads(out)["status"] == status


def test_the_fuzzer_reaches_the_server(world: World) -> None:
    """Control: the base command line of the fuzz cases really sends through the server, so the
    fuzz test exercises whole conversations and not only the option checks."""
    outputs = {
        "smtp_credentials": {
            "app": {
                "username": USERNAME,
                "passwords": {"eu-west-1": PASSWORD},
                "region": "eu-west-1",
            }
        }
    }
    args = ["smtp", *(part for pair in BASE for part in pair)]
    case = Case(args=args, outputs=json.dumps(outputs).encode(), environment={}, password=PASSWORD)
    before = len(world.server.recorder.messages)
    status, out, err = _run(world, case)
    assert status == ExitStatus.OK, out + err
    assert len(world.server.recorder.messages) == before + 1
