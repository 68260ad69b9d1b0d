"""``python -m checks smtp``: send one message through the SES SMTP interface, end to end.

Credentials come from the stack outputs (``pulumi stack output --json --show-secrets``, as a file
or on stdin: the ``smtp_credentials`` output) or from the environment (``SES_SMTP_USERNAME``,
``SES_SMTP_PASSWORD``, ``SES_SMTP_REGION``). The check connects with STARTTLS (port 587 by
default) or implicit TLS (465/2465), verifies the server certificate, and refuses to send the
credentials over a connection that is not encrypted. It prints a short transcript (never the
password) and the message id SES returns.

Exit status (each failure prints what happened and what to do next):

==  ==========================================================================================
0   sent; SES accepted the message
2   usage or input error (no credentials, unreadable outputs, bad arguments)
3   could not connect (connection refused, host not found, network unreachable, closed early)
4   timed out (connecting or waiting for the server)
5   TLS failure: no STARTTLS offered, handshake failed, certificate not trusted or wrong name
6   authentication failed (535): wrong username/password or wrong region's password
7   SES sandbox / unverified identity (554 "Email address is not verified")
8   not authorized: the IAM policy does not allow this From address, recipient or identity
9   any other SMTP rejection (throttling, message rejected, ...)
==  ==========================================================================================

This module never imports Pulumi (or anything from ``components``).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import re
import smtplib
import socket
import ssl
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol, TextIO, cast

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_CONNECT = 3
EXIT_TIMEOUT = 4
EXIT_TLS = 5
EXIT_AUTH = 6
EXIT_SANDBOX = 7
EXIT_DENIED = 8
EXIT_REJECTED = 9

DEFAULT_RECIPIENT = "success@simulator.amazonses.com"
DEFAULT_STARTTLS_PORT = 587
DEFAULT_TLS_PORT = 465
TLS_WRAPPER_PORTS = (465, 2465)
DEFAULT_TIMEOUT = 20.0
SECRET_MARKER = "[secret]"

ADVICE: dict[int, str] = {
    EXIT_USAGE: "check the arguments; see python -m checks smtp --help",
    EXIT_CONNECT: (
        "check host and port (email-smtp.<region>.amazonaws.com, 587/2587/25 STARTTLS or "
        "465/2465 TLS); outbound port 25 is often blocked by hosting providers and EC2, use 587"
    ),
    EXIT_TIMEOUT: (
        "a firewall may drop the traffic silently; try port 587 or 2587, or raise --timeout"
    ),
    EXIT_TLS: (
        "the connection could not be secured, so no credentials were sent; check that you "
        "reach the real SES endpoint (no TLS-intercepting proxy), that the system CA store is "
        "current, and for implicit TLS use port 465/2465 with --tls"
    ),
    EXIT_AUTH: (
        "the username must be the access key id (not the IAM user name) and the password the "
        "one derived for this region (passwords differ per region); after a key rotation use "
        "the new key; a new key can take a few minutes to work"
    ),
    EXIT_SANDBOX: (
        "the account is in the SES sandbox (or the From identity is not verified in this "
        "region): verify the recipient address too, use the mailbox simulator, or request "
        "production access; check that the domain's DKIM records are published and verified"
    ),
    EXIT_DENIED: (
        "the SMTP user's IAM policy does not allow this send: check smtpUsers domains, "
        "fromAddresses, recipients and configurationSets for this user, then pulumi up"
    ),
    EXIT_REJECTED: "read the server's reply above; retry later for 4xx replies",
}

CATEGORY: dict[int, str] = {
    EXIT_OK: "sent",
    EXIT_USAGE: "usage",
    EXIT_CONNECT: "connection failed",
    EXIT_TIMEOUT: "timeout",
    EXIT_TLS: "TLS failure",
    EXIT_AUTH: "authentication failed",
    EXIT_SANDBOX: "sandbox / not verified",
    EXIT_DENIED: "not authorized",
    EXIT_REJECTED: "rejected",
}


class SmtpCheckError(Exception):
    """A failed send: exit status and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Credentials:
    """Where and as whom to send."""

    username: str
    password: str = field(repr=False)
    region: str | None
    host: str | None
    source: str
    """Where the credentials were read from (for the transcript)."""


@dataclass
class Step:
    """One transcript line: the command, the reply code and a short summary."""

    command: str
    code: int | None
    summary: str

    def as_json(self) -> dict[str, Any]:
        return {"command": self.command, "code": self.code, "summary": self.summary}


@dataclass
class Outcome:
    status: int
    transcript: list[Step]
    message_id: str | None = None
    reason: str = ""
    host: str = ""
    port: int = 0
    mode: str = ""
    seconds: float = 0.0


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "smtp",
        help="send one test message through the SES SMTP interface (STARTTLS or TLS)",
        description=(
            "Send one message through the SES SMTP endpoint with the stack's SMTP credentials. "
            "Credentials: --outputs (pulumi stack output --json --show-secrets) or the "
            "environment variables SES_SMTP_USERNAME, SES_SMTP_PASSWORD and SES_SMTP_REGION. "
            "Exit status: 0 sent, 2 usage, 3 connection failed, 4 timeout, 5 TLS failure, "
            "6 authentication failed (535), 7 sandbox/not verified (554), 8 not authorized, "
            "9 other rejection."
        ),
    )
    parser.add_argument(
        "--outputs",
        metavar="FILE|-",
        help="stack outputs JSON (pulumi stack output --json --show-secrets); - reads stdin",
    )
    parser.add_argument("--user", help="SMTP user in the outputs (default: the only one)")
    parser.add_argument(
        "--region", help="region whose endpoint and password to use (default: the user's)"
    )
    parser.add_argument("--host", help="SMTP host (default email-smtp.<region>.amazonaws.com)")
    parser.add_argument("--port", type=int, help="port (default 587, or 465 with --tls)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--starttls", dest="mode", action="store_const", const="starttls", help="STARTTLS"
    )
    mode.add_argument(
        "--tls", dest="mode", action="store_const", const="tls", help="implicit TLS (465/2465)"
    )
    parser.add_argument(
        "--from",
        dest="sender",
        default=os.environ.get("SES_SMTP_FROM"),
        help="verified From address (or SES_SMTP_FROM)",
    )
    parser.add_argument(
        "--to",
        dest="recipient",
        default=DEFAULT_RECIPIENT,
        help=f"recipient (default {DEFAULT_RECIPIENT}; bounce@ and complaint@ test feedback)",
    )
    parser.add_argument("--subject", default="SES SMTP send test")
    parser.add_argument(
        "--configuration-set", help="send with this configuration set (X-SES-CONFIGURATION-SET)"
    )
    parser.add_argument(
        "--auth",
        choices=("auto", "plain", "login"),
        default="auto",
        help="AUTH mechanism (default: PLAIN if offered, else LOGIN)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds for connecting and for each reply (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--cafile", help="trust this CA bundle instead of the system store")
    parser.add_argument(
        "--insecure-skip-verify",
        action="store_true",
        help="TESTS ONLY: encrypt but do not verify the server certificate",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


# --- credentials -----------------------------------------------------------------------------


def _load_outputs(source: str, stdin: TextIO) -> dict[str, Any]:
    try:
        if source == "-":
            text = stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as error:
        raise SmtpCheckError(EXIT_USAGE, f"cannot read {source}: {error.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SmtpCheckError(EXIT_USAGE, f"{source} is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise SmtpCheckError(EXIT_USAGE, f"{source}: expected a JSON object of stack outputs")
    return cast(dict[str, Any], data)


def credentials_from_outputs(
    outputs: Mapping[str, Any], user: str | None, region: str | None
) -> Credentials:
    """Pick one user's credentials for one region out of the stack outputs."""
    users_raw = outputs.get("smtp_credentials")
    if users_raw == SECRET_MARKER or (isinstance(users_raw, str) and "secret" in users_raw.lower()):
        raise SmtpCheckError(
            EXIT_USAGE,
            "smtp_credentials is hidden; run pulumi stack output --json --show-secrets",
        )
    if not isinstance(users_raw, dict) or not users_raw:
        raise SmtpCheckError(
            EXIT_USAGE, "the outputs have no smtp_credentials (is smtpUsers configured?)"
        )
    users = cast(dict[str, Any], users_raw)
    if user is None:
        if len(users) != 1:
            raise SmtpCheckError(
                EXIT_USAGE, f"several SMTP users; pick one with --user ({', '.join(sorted(users))})"
            )
        user = next(iter(users))
    if user not in users:
        raise SmtpCheckError(
            EXIT_USAGE, f"no SMTP user {user!r} in the outputs ({', '.join(sorted(users))})"
        )
    entry = cast(dict[str, Any], users[user])
    region = region or cast(str | None, entry.get("region"))
    passwords = cast(dict[str, str], entry.get("passwords") or {})
    username = entry.get("username")
    if region is None or not isinstance(username, str):
        raise SmtpCheckError(EXIT_USAGE, f"smtp_credentials.{user} lacks username or region")
    if region not in passwords:
        raise SmtpCheckError(
            EXIT_USAGE,
            f"user {user} has no password for {region} (regions: {', '.join(sorted(passwords))});"
            " add it to extraRegions",
        )
    smtp = cast(dict[str, Any], outputs.get("smtp") or {})
    endpoints = cast(dict[str, Any], smtp.get("endpoints") or {})
    endpoint = cast(dict[str, Any], endpoints.get(region) or {})
    host = cast(str | None, endpoint.get("host"))
    return Credentials(username, passwords[region], region, host, f"stack outputs, user {user}")


def credentials_from_env(environ: Mapping[str, str], region: str | None) -> Credentials:
    username = environ.get("SES_SMTP_USERNAME")
    password = environ.get("SES_SMTP_PASSWORD")
    if not username or not password:
        raise SmtpCheckError(
            EXIT_USAGE,
            "no credentials: give --outputs FILE|- (pulumi stack output --json --show-secrets) "
            "or set SES_SMTP_USERNAME and SES_SMTP_PASSWORD",
        )
    return Credentials(
        username,
        password,
        region or environ.get("SES_SMTP_REGION") or None,
        environ.get("SES_SMTP_HOST") or None,
        "environment",
    )


# --- the send ---------------------------------------------------------------------------------


def _mask(username: str) -> str:
    return username if len(username) <= 8 else f"{username[:4]}…{username[-4:]}"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _classify_rejection(code: int, reply: str) -> int:
    lowered = reply.lower()
    if code in (530, 534, 535):
        return EXIT_AUTH
    if "not verified" in lowered:
        return EXIT_SANDBOX
    if "not authorized" in lowered or "access denied" in lowered:
        return EXIT_DENIED
    return EXIT_REJECTED


def _tls_summary(sock: socket.socket | None, verified: bool) -> str:
    if not isinstance(sock, ssl.SSLSocket):
        return "not encrypted"
    cipher = sock.cipher()
    peer = sock.getpeercert() if verified else None
    subject = ""
    if peer:
        for rdn in cast(tuple[tuple[tuple[str, str], ...], ...], peer.get("subject", ())):
            for key, value in rdn:
                if key == "commonName":
                    subject = f", certificate CN={value}"
    state = "verified" if verified else "NOT verified (--insecure-skip-verify)"
    return f"{sock.version()} {cipher[0] if cipher else ''}{subject} {state}"


def tls_context(cafile: str | None, insecure: bool) -> ssl.SSLContext:
    """A client context that verifies the server (system store or ``cafile``), TLS 1.2+."""
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def build_message(
    sender: str, recipient: str, subject: str, configuration_set: str | None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if configuration_set:
        message["X-SES-CONFIGURATION-SET"] = configuration_set
    message.set_content(
        "This message was sent by `python -m checks smtp` to test the SES SMTP credentials.\n"
    )
    return message


class _AuthAnswer(Protocol):
    def __call__(self, challenge: bytes | None = None, /) -> str: ...


def _auth_plain(username: str, password: str) -> _AuthAnswer:
    def answer(challenge: bytes | None = None) -> str:
        del challenge
        return f"\0{username}\0{password}"

    return answer


def _auth_login(username: str, password: str) -> _AuthAnswer:
    def answer(challenge: bytes | None = None) -> str:
        return password if challenge is not None else username

    return answer


class _Client(smtplib.SMTP):
    """``smtplib.SMTP`` that knows the name to verify the certificate against before connecting
    (the stock class learns it only when the constructor itself connects)."""

    def __init__(self, server_name: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._host = server_name


class _TlsClient(smtplib.SMTP_SSL):
    """``smtplib.SMTP_SSL`` with the same fix: implicit TLS verifies ``server_name``."""

    def __init__(self, server_name: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(timeout=timeout, context=context)
        self._host = server_name


class _Session:
    """One SMTP conversation; each method is one phase and raises on failure."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        host: str,
        port: int,
        mode: str,
        context: ssl.SSLContext,
        verified: bool,
        auth: str,
        timeout: float,
    ) -> None:
        self.credentials = credentials
        self.host, self.port, self.mode = host, port, mode
        self.context, self.verified, self.auth, self.timeout = context, verified, auth, timeout
        self.transcript: list[Step] = []
        self.step = "connect"
        self.client: smtplib.SMTP | None = None

    def connect(self) -> smtplib.SMTP:
        client: smtplib.SMTP
        if self.mode == "tls":
            client = _TlsClient(self.host, self.timeout, self.context)
        else:
            client = _Client(self.host, self.timeout)
        self.client = client
        code, banner = client.connect(self.host, self.port)
        self.transcript.append(Step("connect", code, _text(banner)[:80]))
        if self.mode == "tls":
            self.transcript.append(Step("TLS", None, _tls_summary(client.sock, self.verified)))
        self.step = "EHLO"
        code, reply = client.ehlo()
        if code != 250:
            raise SmtpCheckError(EXIT_REJECTED, f"EHLO refused: {code} {_text(reply)}")
        features = ", ".join(sorted(name.upper() for name in client.esmtp_features))
        self.transcript.append(Step("EHLO", code, features))
        return client

    def secure(self, client: smtplib.SMTP) -> None:
        if self.mode == "starttls":
            self.step = "STARTTLS"
            if not client.has_extn("starttls"):
                raise SmtpCheckError(
                    EXIT_TLS,
                    "the server does not offer STARTTLS; refusing to send the credentials "
                    "unencrypted",
                )
            code, _ = client.starttls(context=self.context)
            self.transcript.append(Step("STARTTLS", code, _tls_summary(client.sock, self.verified)))
            self.step = "EHLO"
            code, _ = client.ehlo()
            if code != 250:
                raise SmtpCheckError(EXIT_REJECTED, f"EHLO after STARTTLS refused: {code}")
        if not isinstance(client.sock, ssl.SSLSocket):  # belt and braces: never AUTH in clear
            raise SmtpCheckError(EXIT_TLS, "the connection is not encrypted; not sending AUTH")

    def authenticate(self, client: smtplib.SMTP) -> None:
        self.step = "AUTH"
        username, password = self.credentials.username, self.credentials.password
        offered = (client.esmtp_features.get("auth") or "").upper().split()
        mechanism = _pick_mechanism(self.auth, offered)
        answer = (
            _auth_plain(username, password)
            if mechanism == "PLAIN"
            else _auth_login(username, password)
        )
        try:
            code, _ = client.auth(mechanism, answer, initial_response_ok=True)
        except smtplib.SMTPAuthenticationError as error:
            self.transcript.append(
                Step(f"AUTH {mechanism}", error.smtp_code, f"user {_mask(username)}")
            )
            raise
        self.transcript.append(
            Step(f"AUTH {mechanism}", code, f"user {_mask(username)}, password hidden")
        )

    def deliver(self, client: smtplib.SMTP, message: EmailMessage) -> str | None:
        self.step = "MAIL FROM"
        sender = str(message["From"])
        code, reply = client.mail(sender)
        self.transcript.append(Step("MAIL FROM", code, sender))
        _expect(code, reply, (250,))
        self.step = "RCPT TO"
        recipient = str(message["To"])
        code, reply = client.rcpt(recipient)
        self.transcript.append(Step("RCPT TO", code, f"{recipient} {_text(reply)[:60]}".strip()))
        _expect(code, reply, (250, 251))
        self.step = "DATA"
        try:
            code, reply = client.data(message.as_bytes())
        except smtplib.SMTPDataError as error:
            self.transcript.append(Step("DATA", error.smtp_code, _text(error.smtp_error)[:120]))
            raise
        self.transcript.append(Step("DATA", code, _text(reply)[:120]))
        _expect(code, reply, (250,))
        message_id = _message_id(_text(reply))
        self.step = "QUIT"
        with contextlib.suppress(smtplib.SMTPException, OSError):
            code, reply = client.quit()
            self.transcript.append(Step("QUIT", code, _text(reply)[:40]))
        return message_id

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(OSError):
                self.client.close()


def _failure(error: Exception, step: str, host: str, port: int, timeout: float) -> Outcome:
    """Map an exception raised during the conversation to an exit status and a reason."""
    status, reason = EXIT_CONNECT, f"{step}: {error}"
    if isinstance(error, SmtpCheckError):
        status, reason = error.status, f"{step}: {error.reason}"
    elif isinstance(error, smtplib.SMTPNotSupportedError):
        status = EXIT_TLS
    elif isinstance(error, ssl.SSLCertVerificationError):
        status = EXIT_TLS
        reason = (
            f"{step}: the server certificate is not trusted ({error.verify_message}); "
            "no credentials were sent"
        )
    elif isinstance(error, ssl.SSLError):
        status = EXIT_TLS
        reason = f"{step}: TLS handshake failed ({error.reason or error}); no credentials sent"
    elif isinstance(error, smtplib.SMTPServerDisconnected):
        if isinstance(error.__context__, TimeoutError):
            status, reason = EXIT_TIMEOUT, f"{step}: no reply within {timeout:g} s"
        else:
            reason = f"{step}: the server closed the connection ({error})"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = _text(error.smtp_error)
        status = _classify_rejection(error.smtp_code, text)
        reason = f"{step}: {error.smtp_code} {text}"
    elif isinstance(error, TimeoutError):
        status = EXIT_TIMEOUT
        reason = f"{step}: no answer from {host}:{port} within {timeout:g} s"
    elif isinstance(error, ConnectionRefusedError):
        reason = f"{step}: connection to {host}:{port} refused"
    elif isinstance(error, socket.gaierror):
        reason = f"{step}: cannot resolve {host} ({error.strerror})"
    elif isinstance(error, OSError):
        reason = f"{step}: {error.strerror or error}"
    return Outcome(status, [], reason=reason)


def send(
    credentials: Credentials,
    *,
    host: str,
    port: int,
    mode: str,
    message: EmailMessage,
    context: ssl.SSLContext,
    verified: bool,
    auth: str,
    timeout: float,
) -> Outcome:
    """Send ``message``; SMTP, TLS and network failures become an ``Outcome``, never raised."""
    session = _Session(
        credentials,
        host=host,
        port=port,
        mode=mode,
        context=context,
        verified=verified,
        auth=auth,
        timeout=timeout,
    )
    started = time.monotonic()
    try:
        client = session.connect()
        session.secure(client)
        session.authenticate(client)
        outcome = Outcome(EXIT_OK, [], message_id=session.deliver(client, message))
    except (SmtpCheckError, smtplib.SMTPException, OSError) as error:
        outcome = _failure(error, session.step, host, port, timeout)
    finally:
        session.close()
    outcome.transcript = session.transcript
    outcome.host, outcome.port, outcome.mode = host, port, mode
    outcome.seconds = time.monotonic() - started
    return outcome


def _pick_mechanism(auth: str, offered: list[str]) -> str:
    if not offered:
        raise SmtpCheckError(EXIT_REJECTED, "the server offers no AUTH after TLS")
    wanted = ["PLAIN", "LOGIN"] if auth == "auto" else [auth.upper()]
    for mechanism in wanted:
        if mechanism in offered:
            return mechanism
    raise SmtpCheckError(
        EXIT_REJECTED, f"AUTH {'/'.join(wanted)} not offered (server offers {' '.join(offered)})"
    )


def _expect(code: int, reply: bytes, allowed: tuple[int, ...]) -> None:
    if code not in allowed:
        text = _text(reply)
        raise SmtpCheckError(_classify_rejection(code, text), f"{code} {text}")


def _message_id(reply: str) -> str | None:
    match = re.search(r"\bOk\s+(\S+)", reply, re.IGNORECASE)
    return match.group(1) if match else None


# --- command line -----------------------------------------------------------------------------


def _print_outcome(outcome: Outcome, credentials: Credentials | None, out: TextIO) -> None:
    print(
        f"smtp: {outcome.host}:{outcome.port} ({outcome.mode.upper()})"
        + (f", credentials from {credentials.source}" if credentials else ""),
        file=out,
    )
    for step in outcome.transcript:
        code = "" if step.code is None else str(step.code)
        print(f"  {step.command:<12} {code:>3}  {step.summary}", file=out)
    if outcome.status == EXIT_OK:
        print(f"sent in {outcome.seconds:.2f} s; SES message id: {outcome.message_id}", file=out)
    else:
        print(
            f"FAILED ({CATEGORY[outcome.status]}, exit {outcome.status}): {outcome.reason}",
            file=out,
        )
        print(f"  what to do: {ADVICE[outcome.status]}", file=out)


def run(
    args: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    out = stdout or sys.stdout
    env = os.environ if environ is None else environ
    mode = cast(str | None, args.mode)
    port = cast(int | None, args.port)
    if mode is None:
        mode = "tls" if port in TLS_WRAPPER_PORTS else "starttls"
    if port is None:
        port = DEFAULT_TLS_PORT if mode == "tls" else DEFAULT_STARTTLS_PORT
    credentials: Credentials | None = None
    try:
        if not 0 < port < 65536:
            raise SmtpCheckError(EXIT_USAGE, f"--port {port} is not a TCP port")
        if not 0 < args.timeout <= 300:
            raise SmtpCheckError(EXIT_USAGE, "--timeout must be more than 0 and at most 300")
        sender = cast(str | None, args.sender)
        if not sender or "@" not in sender:
            raise SmtpCheckError(
                EXIT_USAGE, "--from must be a verified address, e.g. a@example.com"
            )
        if "@" not in args.recipient:
            raise SmtpCheckError(EXIT_USAGE, "--to must be an address")
        if args.outputs:
            outputs = _load_outputs(args.outputs, stdin or sys.stdin)
            credentials = credentials_from_outputs(outputs, args.user, args.region)
        else:
            credentials = credentials_from_env(env, args.region)
        host = args.host or credentials.host
        if not host:
            if not credentials.region:
                raise SmtpCheckError(EXIT_USAGE, "give --host or --region (or SES_SMTP_REGION)")
            host = f"email-smtp.{credentials.region}.amazonaws.com"
        if args.insecure_skip_verify:
            print(
                "WARNING: --insecure-skip-verify: the server certificate is NOT verified; "
                "use this only against a test server",
                file=sys.stderr,
            )
        try:
            context = tls_context(args.cafile, args.insecure_skip_verify)
        except (OSError, ssl.SSLError) as error:
            raise SmtpCheckError(EXIT_USAGE, f"--cafile {args.cafile}: {error}") from None
    except SmtpCheckError as error:
        print(f"smtp: {error.reason}", file=sys.stderr)
        return error.status
    message = build_message(sender, args.recipient, args.subject, args.configuration_set)
    outcome = send(
        credentials,
        host=host,
        port=port,
        mode=mode,
        message=message,
        context=context,
        verified=not args.insecure_skip_verify,
        auth=args.auth,
        timeout=args.timeout,
    )
    if args.json:
        json.dump(
            {
                "ok": outcome.status == EXIT_OK,
                "status": outcome.status,
                "category": CATEGORY[outcome.status],
                "host": outcome.host,
                "port": outcome.port,
                "mode": outcome.mode,
                "message_id": outcome.message_id,
                "reason": outcome.reason,
                "advice": ADVICE.get(outcome.status, ""),
                "seconds": round(outcome.seconds, 3),
                "transcript": [step.as_json() for step in outcome.transcript],
            },
            out,
            indent=2,
        )
        out.write("\n")
    else:
        _print_outcome(outcome, credentials, out)
    return outcome.status


def auth_plain_response(username: str, password: str) -> str:
    """The base64 AUTH PLAIN response (tests use it to prove it never appears in the output)."""
    return base64.b64encode(f"\0{username}\0{password}".encode()).decode()
