"""``python -m checks smtp`` against real aiosmtpd servers on loopback (trustme CA).

Every server is started and stopped by a fixture on 127.0.0.1 and a free port; a guard refuses
any connection the check would make to an address that is not loopback.
"""

from __future__ import annotations

import email.policy
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
import trustme

from components.checks.__main__ import main
from components.checks.exit_status import ExitStatus
from components.checks.smtp.credentials import credentials_from_outputs
from components.checks.smtp.inputs import MAX_SUBJECT_CHARS
from components.checks.smtp.outcome import SmtpCheckError, message_id
from components.checks.smtp.session import auth_plain_response
from tests.support.paths import REPO
from tests.support.smtp_server import (
    ACCEPTED,
    DENIED,
    MESSAGE_ID,
    PASSWORD,
    SANDBOX_REJECTION,
    USERNAME,
    LoopbackSmtp,
)

SENDER = "noreply@example.com"

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning"  # the deliberately unsafe server
)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        assert address[0] in LOOPBACK, f"the test tried to reach {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    for name in ("SES_SMTP_USERNAME", "SES_SMTP_PASSWORD", "SES_SMTP_REGION", "SES_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


@pytest.fixture
def server_factory(ca: trustme.CA) -> Iterator[Callable[..., LoopbackSmtp]]:
    started: list[LoopbackSmtp] = []

    def make(
        mode: str = "starttls",
        *,
        data_reply: str = ACCEPTED,
        mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN"),
        context: ssl.SSLContext | None = None,
        starttls_reply: str | None = None,
        smtputf8: bool = False,
    ) -> LoopbackSmtp:
        if context is None and mode != "plain":
            context = _server_context(ca, "127.0.0.1", "localhost")
        server = LoopbackSmtp(
            mode=mode,
            server_context=context,
            data_reply=data_reply,
            mechanisms=mechanisms,
            starttls_reply=starttls_reply,
            smtputf8=smtputf8,
        )
        started.append(server.start())
        return server

    yield make
    for server in started:
        server.stop()


def _outputs(tmp_path: Path, password: str = PASSWORD) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(_outputs_text(password))
    return path


def _check(
    server: LoopbackSmtp | None,
    outputs: Path,
    *extra: str,
    port: int | None = None,
    cafile: str | None = None,
    timeout: str = "5",
) -> list[str]:
    args = ["smtp", "--outputs", str(outputs), "--host", "127.0.0.1", "--from", SENDER]
    args += ["--port", str(port if port is not None else server.port if server else 1)]
    if cafile:
        args += ["--cafile", cafile]
    return [*args, "--timeout", timeout, *extra]


def _no_secret_in(text: str) -> None:
    assert PASSWORD not in text
    assert auth_plain_response(USERNAME, PASSWORD) not in text


# --- success ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["plain", "login"])
def test_starttls_success(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mechanism: str,
) -> None:
    server = server_factory("starttls")
    status = main(_check(server, _outputs(tmp_path), "--auth", mechanism, cafile=ca_file))
    out = capsys.readouterr()
    assert status == 0, out
    assert f"message id: {MESSAGE_ID}" in out.out
    assert "STARTTLS" in out.out and "verified" in out.out
    assert server.recorder.auth_commands == [mechanism.upper()]
    assert server.recorder.tls_at_auth == [True]
    assert server.recorder.auth_attempts == [(mechanism.upper(), USERNAME, True)]
    [received] = server.recorder.messages
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ["success@simulator.amazonses.com"]
    assert received.message["From"] == SENDER
    assert received.message["Message-ID"]
    _no_secret_in(out.out + out.err)


@pytest.mark.parametrize("mechanisms", [("PLAIN", "LOGIN"), ("LOGIN",)])
def test_implicit_tls_success(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mechanisms: tuple[str, ...],
) -> None:
    server = server_factory("tls", mechanisms=mechanisms)
    status = main(_check(server, _outputs(tmp_path), "--tls", cafile=ca_file))
    out = capsys.readouterr()
    assert status == 0, out
    assert "(TLS)" in out.out
    assert server.recorder.auth_attempts == [(mechanisms[0], USERNAME, True)]
    assert len(server.recorder.messages) == 1
    _no_secret_in(out.out + out.err)


def test_credentials_from_environment_and_json_output(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    monkeypatch.setenv("SES_SMTP_USERNAME", USERNAME)
    monkeypatch.setenv("SES_SMTP_PASSWORD", PASSWORD)
    args = ["smtp", "--host", "127.0.0.1", "--port", str(server.port), "--from", SENDER]
    status = main([*args, "--cafile", ca_file, "--json", "--to", "bounce@simulator.amazonses.com"])
    out = capsys.readouterr()
    assert status == 0, out
    result = json.loads(out.out)
    assert result["ok"] is True and result["message_id"] == MESSAGE_ID
    assert [step["command"] for step in result["transcript"]] == [
        "connect",
        "EHLO",
        "STARTTLS",
        "AUTH PLAIN",
        "MAIL FROM",
        "RCPT TO",
        "DATA",
        "QUIT",
    ]
    assert [step["code"] for step in result["transcript"]] == [
        220,
        250,
        220,
        235,
        250,
        250,
        250,
        221,
    ]
    assert server.recorder.messages[0].rcpt_tos == ["bounce@simulator.amazonses.com"]
    _no_secret_in(out.out + out.err)


def test_outputs_on_stdin(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    monkeypatch.setattr(sys, "stdin", _outputs(tmp_path).open())
    args = _check(server, Path("-"), cafile=ca_file)
    assert main(args) == 0, capsys.readouterr()


# --- failures --------------------------------------------------------------------------------


def test_wrong_password_is_auth_failure(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    status = main(_check(server, _outputs(tmp_path, password="wrong"), cafile=ca_file))
    out = capsys.readouterr().out
    assert status == ExitStatus.AUTH_FAILED == 6
    assert "535" in out and "access key id" in out
    assert server.recorder.auth_attempts == [("PLAIN", USERNAME, False)]
    assert server.recorder.messages == []


def test_server_without_starttls_never_gets_the_password(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("plain")  # offers AUTH PLAIN LOGIN in clear text, no STARTTLS
    status = main(_check(server, _outputs(tmp_path), cafile=ca_file))
    out = capsys.readouterr()
    assert status == ExitStatus.TLS_FAILURE == 5
    assert "does not offer STARTTLS" in out.out and "refusing" in out.out
    assert server.recorder.auth_commands == []
    assert server.recorder.auth_attempts == []
    assert server.recorder.messages == []
    _no_secret_in(out.out + out.err)


def test_plain_server_is_accepted_by_the_control(
    server_factory: Callable[..., LoopbackSmtp],
) -> None:
    """Control for the test above: this server really does take AUTH in clear text, so an
    unsafe client would have handed over the password."""
    import smtplib

    server = server_factory("plain")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
        client.login(USERNAME, PASSWORD)
    assert server.recorder.auth_attempts and server.recorder.auth_attempts[0][2] is True
    assert server.recorder.tls_at_auth == [False]


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_untrusted_certificate(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mode: str,
) -> None:
    other_ca = trustme.CA()
    server = server_factory(mode, context=_server_context(other_ca, "127.0.0.1"))
    status = main(_check(server, _outputs(tmp_path), f"--{mode}", cafile=ca_file))
    out = capsys.readouterr().out
    assert status == ExitStatus.TLS_FAILURE
    assert "not trusted" in out
    assert server.recorder.auth_commands == []


def test_wrong_certificate_name(
    server_factory: Callable[..., LoopbackSmtp],
    ca: trustme.CA,
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls", context=_server_context(ca, "email-smtp.example.net"))
    status = main(_check(server, _outputs(tmp_path), cafile=ca_file))
    assert status == ExitStatus.TLS_FAILURE
    assert "not trusted" in capsys.readouterr().out
    assert server.recorder.auth_commands == []


def test_system_store_does_not_trust_the_test_ca(
    server_factory: Callable[..., LoopbackSmtp], tmp_path: Path
) -> None:
    server = server_factory("starttls")
    assert main(_check(server, _outputs(tmp_path))) == ExitStatus.TLS_FAILURE
    assert server.recorder.auth_commands == []


def test_insecure_flag_is_an_explicit_opt_out(
    server_factory: Callable[..., LoopbackSmtp],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls", context=_server_context(trustme.CA(), "127.0.0.1"))
    status = main(_check(server, _outputs(tmp_path), "--insecure-skip-verify"))
    out = capsys.readouterr()
    assert status == 0, out
    assert "NOT verified" in out.out and "WARNING" in out.err


def test_connection_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: the kernel refuses
        port = closed.getsockname()[1]
        status = main(_check(None, _outputs(tmp_path), port=port))
    out = capsys.readouterr().out
    assert status == ExitStatus.UNCHECKED == 3
    assert "refused" in out


def test_timeout_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel completes the handshake; no banner ever comes
        port = silent.getsockname()[1]
        started = time.monotonic()
        status = main(_check(None, _outputs(tmp_path), port=port, timeout="0.5"))
        elapsed = time.monotonic() - started
    assert status == ExitStatus.TIMEOUT == 4
    assert "0.5 s" in capsys.readouterr().out
    assert elapsed < 3


@pytest.mark.parametrize(
    ("reply", "status", "hint"),
    [
        (SANDBOX_REJECTION, ExitStatus.SANDBOX, "sandbox"),
        (DENIED, ExitStatus.DENIED, "fromAddresses"),
        ("451 Temporary service failure", ExitStatus.REJECTED, "retry later"),
    ],
)
def test_rejections_after_data(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reply: str,
    status: int,
    hint: str,
) -> None:
    server = server_factory("starttls", data_reply=reply)
    result = main(_check(server, _outputs(tmp_path), cafile=ca_file))
    out = capsys.readouterr().out
    assert result == status
    assert reply.split(maxsplit=1)[0] in out and hint in out
    assert len(server.recorder.messages) == 1  # the message got as far as DATA


def test_implicit_tls_against_a_plain_server_is_a_tls_failure(
    server_factory: Callable[..., LoopbackSmtp], tmp_path: Path
) -> None:
    server = server_factory("plain")
    assert main(_check(server, _outputs(tmp_path), "--tls")) == ExitStatus.TLS_FAILURE
    assert server.recorder.auth_commands == []


# --- input errors ----------------------------------------------------------------------------


def test_hidden_secrets_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"smtp_credentials": "[secret]"}))
    assert main(_check(None, path)) == ExitStatus.USAGE
    assert "--show-secrets" in capsys.readouterr().err


def test_no_credentials_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["smtp", "--host", "127.0.0.1", "--port", "1", "--from", SENDER])
    assert status == ExitStatus.USAGE
    assert "SES_SMTP_USERNAME" in capsys.readouterr().err


def test_credentials_from_outputs_picks_region_and_host() -> None:
    outputs = json.loads(_outputs_text())
    chosen = credentials_from_outputs(outputs, None, None)
    assert (chosen.username, chosen.password, chosen.region) == (USERNAME, PASSWORD, "eu-west-1")
    assert chosen.host == "email-smtp.eu-west-1.amazonaws.com"
    other = credentials_from_outputs(outputs, "app", "us-east-1")
    assert other.password == "other-region" and other.host is None
    with pytest.raises(SmtpCheckError, match="extraRegions"):
        credentials_from_outputs(outputs, "app", "ap-south-1")
    passwords = outputs["smtp_credentials"]["app"]["passwords"]
    passwords[PASSWORD] = "eu-west-1"  # pasted the wrong way round: the key is not shown
    with pytest.raises(SmtpCheckError) as refused:
        credentials_from_outputs(outputs, "app", "ap-south-1")
    assert "(regions: eu-west-1, us-east-1)" in refused.value.reason
    assert PASSWORD not in refused.value.reason
    with pytest.raises(SmtpCheckError, match="no such SMTP user"):
        credentials_from_outputs(outputs, "nobody", None)


def test_the_users_host_is_for_the_users_region_only() -> None:
    outputs = json.loads(_outputs_text())
    outputs["smtp_credentials"]["app"]["host"] = "smtp.relay.example"
    outputs["smtp"]["endpoints"]["us-east-1"] = {"host": "email-smtp.us-east-1.amazonaws.com"}
    assert credentials_from_outputs(outputs, None, None).host == "smtp.relay.example"
    assert credentials_from_outputs(outputs, None, "eu-west-1").host == "smtp.relay.example"
    other = credentials_from_outputs(outputs, None, "us-east-1")
    assert other.host == "email-smtp.us-east-1.amazonaws.com"
    outputs["smtp_credentials"]["app"]["host"] = "smtp://relay.example"
    with pytest.raises(SmtpCheckError, match=r"smtp_credentials\.app\.host = .*looks like a URL"):
        credentials_from_outputs(outputs, None, None)


def _outputs_text(password: str = PASSWORD) -> str:
    """What ``pulumi stack output --json --show-secrets`` prints for one SMTP user."""
    endpoint = {"host": "email-smtp.eu-west-1.amazonaws.com"}
    return json.dumps(
        {
            "smtp": {"endpoints": {"eu-west-1": endpoint}},
            "smtp_credentials": {
                "app": {
                    "username": USERNAME,
                    "password": password,
                    "passwords": {"eu-west-1": password, "us-east-1": "other-region"},
                    "region": "eu-west-1",
                }
            },
        }
    )


# --- the real command line -------------------------------------------------------------------


def test_command_line_run_in_a_subprocess(
    server_factory: Callable[..., LoopbackSmtp], ca_file: str, tmp_path: Path
) -> None:
    server = server_factory("starttls")
    args = _check(server, _outputs(tmp_path), cafile=ca_file)
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "checks", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    elapsed = time.monotonic() - started
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert MESSAGE_ID in completed.stdout
    _no_secret_in(completed.stdout + completed.stderr)
    assert elapsed < 30


# --- bad input is a usage error naming the option, never a traceback (issue 11) ----------------

INJECTION = "x\r\nBcc: victim@example.net"


def _usage_error(status: int, err: str, *named: str) -> None:
    assert status == ExitStatus.USAGE, err
    assert "internal error" not in err and "Traceback" not in err
    for name in named:
        assert name in err, err


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--from", f"noreply@example.com{INJECTION}"),
        ("--to", f"{INJECTION}@example.com"),
        ("--subject", f"hello{INJECTION}"),
        ("--configuration-set", f"main{INJECTION}"),
        ("--subject", "line\u2028separator"),
        ("--subject", "nul\x00byte"),
    ],
)
def test_line_breaks_in_header_options_are_usage_errors(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
) -> None:
    server = server_factory("starttls")
    status = main([*_check(server, _outputs(tmp_path), cafile=ca_file), option, value])
    err = capsys.readouterr().err
    _usage_error(status, err, option)
    assert "line break" in err or "control character" in err
    assert "\r" not in err and "\u2028" not in err  # the value is shown escaped
    assert server.recorder.auth_commands == [] and server.recorder.messages == []


def test_every_problem_with_the_options_is_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _check(None, _outputs(tmp_path))
    args[args.index("--host") + 1] = ""
    args[args.index("--from") + 1] = "no-at-sign"
    extra = ["--to", "a@b@c.example", "--subject", "s\n", "--configuration-set", "has space"]
    status = main([*args, *extra, "--region", "Europe"])
    err = capsys.readouterr().err
    _usage_error(status, err, "--host ''", "--from 'no-at-sign'", "--to", "--subject")
    _usage_error(status, err, "--configuration-set 'has space'", "--region 'Europe'")
    assert len(err.splitlines()) == 6


@pytest.mark.parametrize(
    ("host", "why"),
    [("", "is empty"), ("smtp://127.0.0.1", "URL"), ("127.0.0.1:587", "--port"), (" x", "white")],
)
def test_bad_hosts_are_refused_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], host: str, why: str
) -> None:
    """``--host ''`` used to fall back to email-smtp.<region>.amazonaws.com silently."""
    args = _check(None, _outputs(tmp_path))
    args[args.index("--host") + 1] = host
    status = main(args)
    _usage_error(status, capsys.readouterr().err, f"--host {host!r}", why)


def test_idn_sender_is_sent_as_its_a_label(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    args = _check(server, _outputs(tmp_path), cafile=ca_file)
    args[args.index("--from") + 1] = "Bücher Shop <noreply@Bücher.example>"
    status = main([*args, "--to", "kunde@straße.example"])
    out = capsys.readouterr()
    assert status == 0, out
    [received] = server.recorder.messages
    assert received.mail_from == "noreply@xn--bcher-kva.example"
    assert received.rcpt_tos == ["kunde@xn--strae-oqa.example"]  # UTS-46, non-transitional
    [sender] = message_from_bytes(received.raw, policy=email.policy.default)["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Bücher Shop", received.mail_from)
    assert received.mail_options == []
    assert received.raw.isascii()


def test_non_ascii_local_part_needs_smtputf8(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    without = server_factory("starttls")
    args = _check(without, _outputs(tmp_path), cafile=ca_file)
    args[args.index("--from") + 1] = "jörg@example.com"
    status = main(args)
    out = capsys.readouterr().out
    assert status == ExitStatus.USAGE, out
    assert "--from" in out and "SMTPUTF8" in out
    assert without.recorder.auth_commands == [] and without.recorder.messages == []

    offering = server_factory("starttls", smtputf8=True)
    args[args.index("--port") + 1] = str(offering.port)
    assert main(args) == 0, capsys.readouterr()
    [received] = offering.recorder.messages
    assert received.mail_from == "jörg@example.com"
    assert "SMTPUTF8" in received.mail_options
    assert "From: jörg@example.com\r\n".encode() in received.raw


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe{\x00}", b'{"smtp_credentials": "\xe9"}', b"[" * 100_000, b'{"a": 1' + b"1" * 5000],
)
def test_unreadable_outputs_are_an_input_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "outputs.bin"
    path.write_bytes(content)
    status = main(_check(None, path))
    _usage_error(status, capsys.readouterr().err, f"--outputs {str(path)!r}")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero, an endless file")
def test_an_endless_outputs_file_is_read_only_so_far(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(_check(None, Path("/dev/zero")))
    _usage_error(status, capsys.readouterr().err, "--outputs '/dev/zero': over 16 MB")


def test_undecodable_stdin_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "binary"
    path.write_bytes(b"\x80\x81 not text")
    monkeypatch.setattr(sys, "stdin", path.open())
    status = main(_check(None, Path("-")))
    _usage_error(status, capsys.readouterr().err, "stdin", "not UTF-8")


def test_closed_stdin_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", None)  # what Python gives a process started with <&-
    status = main(_check(None, Path("-")))
    _usage_error(status, capsys.readouterr().err, "stdin: is closed")


NON_ASCII_PASSWORD = "BLbQxHOcN0/2RgMa/7UbFpmyaR98dy/P0AEwT6D3ïrjB"


def test_non_ascii_password_is_an_input_error_that_does_not_show_it(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    status = main(_check(server, _outputs(tmp_path, NON_ASCII_PASSWORD), cafile=ca_file))
    err = capsys.readouterr().err
    _usage_error(status, err, "smtp_credentials.app.passwords.eu-west-1", "printable ASCII")
    assert NON_ASCII_PASSWORD not in err and "ï" not in err

    monkeypatch.setenv("SES_SMTP_USERNAME", USERNAME)
    monkeypatch.setenv("SES_SMTP_PASSWORD", NON_ASCII_PASSWORD)
    args = ["smtp", "--host", "127.0.0.1", "--port", str(server.port), "--from", SENDER]
    status = main([*args, "--cafile", ca_file])
    err = capsys.readouterr().err
    _usage_error(status, err, "SES_SMTP_PASSWORD")
    assert NON_ASCII_PASSWORD not in err and "ï" not in err
    assert server.recorder.auth_commands == []


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        (["app"], "smtp_credentials is an array; expected an object of SMTP users"),
        ({"app": "AKIA"}, "smtp_credentials.app is a string; expected an object"),
        (
            {"app": {"username": USERNAME, "region": "eu-west-1", "passwords": PASSWORD}},
            "smtp_credentials.app.passwords is a string; expected an object of region: password",
        ),
        (
            {"app": {"username": 7, "region": "eu-west-1", "passwords": {"eu-west-1": 12345}}},
            "smtp_credentials.app.username is a number (7); expected a non-empty string",
        ),
        (
            {"app": {"username": USERNAME, "region": None, "passwords": {}}},
            "smtp_credentials.app.region is null; expected a non-empty string",
        ),
        (
            {"app": {"region": "eu-west-1", "passwords": {"eu-west-1": PASSWORD}}},
            "smtp_credentials.app.username is missing; expected a non-empty string",
        ),
        (
            {"": {"username": USERNAME, "region": "eu-west-1", "passwords": []}},
            "smtp_credentials.''.passwords is an array; expected an object of region: password",
        ),
    ],
)
def test_wrong_typed_outputs_say_which_key_has_which_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credentials: object, expected: str
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"smtp_credentials": credentials}))
    status = main(_check(None, path))
    err = capsys.readouterr().err
    _usage_error(status, err, expected)
    _no_secret_in(err)
    assert "12345" not in err  # a password of the wrong type is not shown either


def test_passwords_of_the_wrong_type_are_reported_with_the_other_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = {"username": "has space", "region": "eu-west-1", "passwords": {"eu-west-1": 12345}}
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"smtp_credentials": {"app": entry}, "smtp": []}))
    status = main(_check(None, path))
    err = capsys.readouterr().err
    _usage_error(status, err, "smtp_credentials.app.username = 'has space'")
    _usage_error(status, err, "smtp_credentials.app.passwords.eu-west-1 is a number;")
    assert "12345" not in err


@pytest.mark.parametrize("subject", ["x" * MAX_SUBJECT_CHARS, "Ünïcödé " * 124 + "end12!"])
def test_a_long_subject_is_folded(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    subject: str,
) -> None:
    assert len(subject) == MAX_SUBJECT_CHARS
    server = server_factory("starttls")
    status = main([*_check(server, _outputs(tmp_path), cafile=ca_file), "--subject", subject])
    assert status == 0, capsys.readouterr()
    [received] = server.recorder.messages
    header = received.raw.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in header.split(b"\r\n")) <= 78
    parsed = message_from_bytes(received.raw, policy=email.policy.default)
    assert parsed["Subject"] == subject


def test_a_subject_over_the_bound_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subject = "x" * (MAX_SUBJECT_CHARS + 1)
    status = main([*_check(None, _outputs(tmp_path)), "--subject", subject])
    err = capsys.readouterr().err
    _usage_error(status, err, "--subject", f"{MAX_SUBJECT_CHARS + 1} characters long; at most")
    assert len(err) < 400


def test_starttls_refused_is_a_tls_failure(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reply = "454 4.7.0 TLS not available due to local problem"
    server = server_factory("starttls", starttls_reply=reply)
    status = main(_check(server, _outputs(tmp_path), cafile=ca_file))
    out = capsys.readouterr().out
    assert status == ExitStatus.TLS_FAILURE == 5, out
    assert "STARTTLS refused: 454 4.7.0 TLS not available" in out
    assert server.recorder.auth_commands == []


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        ("250 2.0.0 Ok: queued as 4Xk2Qp1bHRz9sM", "message id: 4Xk2Qp1bHRz9sM"),  # Postfix
        ("250 OK id=1tq9Ab-0004Ka-2B", "message id: 1tq9Ab-0004Ka-2B"),  # Exim
        (
            "250 Mail accepted, thanks",
            "no message id recognised in the reply: 250 Mail accepted, thanks",
        ),
    ],
)
def test_the_queue_id_of_other_servers_is_reported(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reply: str,
    shown: str,
) -> None:
    server = server_factory("starttls", data_reply=reply)
    status = main(_check(server, _outputs(tmp_path), cafile=ca_file))
    out = capsys.readouterr().out
    assert status == 0, out
    assert shown in out and "None" not in out
    main([*_check(server, _outputs(tmp_path), cafile=ca_file), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["reply"] == reply
    assert result["message_id"] == (
        None if "no message id" in shown else shown.rsplit(maxsplit=1)[-1]
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (f"Ok {MESSAGE_ID}", MESSAGE_ID),  # SES
        ("2.0.0 Ok: queued as 4Xk2Qp1bHRz9sM", "4Xk2Qp1bHRz9sM"),  # Postfix
        ("OK id=1tq9Ab-0004Ka-2B", "1tq9Ab-0004Ka-2B"),  # Exim
        ("2.0.0 5B3K2x1a012345 Message accepted for delivery", "5B3K2x1a012345"),  # Sendmail
        ("2.6.0 Queued mail for delivery (queued as <AM0PR01MB1234>)", "AM0PR01MB1234"),
        ("Mail accepted", None),
    ],
)
def test_message_ids_in_each_servers_wording(reply: str, expected: str | None) -> None:
    assert message_id(reply) == expected


def test_a_plain_access_denied_is_not_an_iam_denial(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls", data_reply="554 5.7.1 <x@example.com>: Access denied")
    status = main(_check(server, _outputs(tmp_path), cafile=ca_file))
    out = capsys.readouterr().out
    assert status == ExitStatus.REJECTED == 9, out
    assert "Access denied" in out and "fromAddresses" not in out


def test_the_users_own_host_is_used_and_host_overrides_it(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    outputs = json.loads(_outputs_text())
    outputs["smtp_credentials"]["app"]["host"] = "127.0.0.1"  # the endpoint says SES's host
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    args = _check(server, path, cafile=ca_file)
    del args[args.index("--host") : args.index("--host") + 2]
    assert main(args) == 0, capsys.readouterr()
    assert "smtp: 127.0.0.1:" in capsys.readouterr().out

    outputs["smtp_credentials"]["app"]["host"] = "email-smtp.eu-west-1.amazonaws.com"
    path.write_text(json.dumps(outputs))
    assert main(_check(server, path, cafile=ca_file)) == 0  # --host 127.0.0.1 wins
    assert len(server.recorder.messages) == 2


# --- list management (one-click unsubscribe) --------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "header"),
    [
        (["--list", "customers", "--topic", "news"], b"customers; topic=news"),
        (["--list", "customers"], b"customers"),
    ],
)
def test_list_options_send_the_list_management_header_exactly(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    header: bytes,
) -> None:
    server = server_factory("starttls")
    status = main([*_check(server, _outputs(tmp_path), cafile=ca_file), *extra])
    out = capsys.readouterr()
    assert status == 0, out
    [received] = server.recorder.messages
    head, _, body = received.raw.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if line.lower().startswith(b"x-ses-list")]
    assert lines == [b"X-SES-LIST-MANAGEMENT-OPTIONS: " + header]
    assert b"{{amazonSESUnsubscribeUrl}}" in body


def test_without_list_no_list_management_header_is_sent(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    assert main(_check(server, _outputs(tmp_path), cafile=ca_file)) == 0, capsys.readouterr()
    [received] = server.recorder.messages
    assert b"x-ses-list" not in received.raw.lower()
    assert b"amazonSESUnsubscribeUrl" not in received.raw


def test_bad_list_options_are_usage_errors_and_nothing_is_sent(
    server_factory: Callable[..., LoopbackSmtp],
    ca_file: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_factory("starttls")
    args = _check(server, _outputs(tmp_path), cafile=ca_file)
    status = main([*args, "--list", "a;topic=b", "--topic", f"t{INJECTION}"])
    err = capsys.readouterr().err
    _usage_error(status, err, "--list 'a;topic=b': must be 1-64 letters", "--topic")
    assert "line break" in err
    assert server.recorder.auth_commands == [] and server.recorder.messages == []
    status = main([*args, "--topic", "news"])
    err = capsys.readouterr().err
    _usage_error(status, err, "--topic needs --list")
    assert server.recorder.messages == []
