"""One SMTP conversation with SES: connect, secure (STARTTLS or implicit TLS), AUTH, send.

The server certificate is verified (system store or a CA file, TLS 1.2 or newer), and AUTH is
never sent over a connection that is not encrypted.
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import socket
import ssl
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol, cast

from ..exit_status import ExitStatus
from .credentials import Credentials, mask
from .outcome import Outcome, SmtpCheckError, Step, expect, failure, message_id, reply_text


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
    """The test message (with ``X-SES-CONFIGURATION-SET`` when ``configuration_set`` is given)."""
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


def auth_plain_response(username: str, password: str) -> str:
    """The base64 AUTH PLAIN response (tests use it to prove it never appears in the output)."""
    return base64.b64encode(f"\0{username}\0{password}".encode()).decode()


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


def _pick_mechanism(auth: str, offered: list[str]) -> str:
    if not offered:
        raise SmtpCheckError(ExitStatus.REJECTED, "the server offers no AUTH after TLS")
    wanted = ["PLAIN", "LOGIN"] if auth == "auto" else [auth.upper()]
    for mechanism in wanted:
        if mechanism in offered:
            return mechanism
    raise SmtpCheckError(
        ExitStatus.REJECTED,
        f"AUTH {'/'.join(wanted)} not offered (server offers {' '.join(offered)})",
    )


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

    def _record(self, command: str, code: int | None, summary: str) -> None:
        self.transcript.append(Step(command=command, code=code, summary=summary))

    def connect(self) -> smtplib.SMTP:
        client: smtplib.SMTP
        if self.mode == "tls":
            client = _TlsClient(self.host, self.timeout, self.context)
        else:
            client = _Client(self.host, self.timeout)
        self.client = client
        code, banner = client.connect(self.host, self.port)
        self._record("connect", code, reply_text(banner)[:80])
        if self.mode == "tls":
            self._record("TLS", None, _tls_summary(client.sock, self.verified))
        self.step = "EHLO"
        code, reply = client.ehlo()
        if code != 250:
            raise SmtpCheckError(ExitStatus.REJECTED, f"EHLO refused: {code} {reply_text(reply)}")
        features = ", ".join(sorted(name.upper() for name in client.esmtp_features))
        self._record("EHLO", code, features)
        return client

    def secure(self, client: smtplib.SMTP) -> None:
        if self.mode == "starttls":
            self.step = "STARTTLS"
            if not client.has_extn("starttls"):
                raise SmtpCheckError(
                    ExitStatus.TLS_FAILURE,
                    "the server does not offer STARTTLS; refusing to send the credentials "
                    "unencrypted",
                )
            code, _ = client.starttls(context=self.context)
            self._record("STARTTLS", code, _tls_summary(client.sock, self.verified))
            self.step = "EHLO"
            code, _ = client.ehlo()
            if code != 250:
                raise SmtpCheckError(ExitStatus.REJECTED, f"EHLO after STARTTLS refused: {code}")
        if not isinstance(client.sock, ssl.SSLSocket):  # belt and braces: never AUTH in clear
            raise SmtpCheckError(
                ExitStatus.TLS_FAILURE, "the connection is not encrypted; not sending AUTH"
            )

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
            self._record(f"AUTH {mechanism}", error.smtp_code, f"user {mask(username)}")
            raise
        self._record(f"AUTH {mechanism}", code, f"user {mask(username)}, password hidden")

    def deliver(self, client: smtplib.SMTP, message: EmailMessage) -> str | None:
        self.step = "MAIL FROM"
        sender = str(message["From"])
        code, reply = client.mail(sender)
        self._record("MAIL FROM", code, sender)
        expect(code, reply, (250,))
        self.step = "RCPT TO"
        recipient = str(message["To"])
        code, reply = client.rcpt(recipient)
        self._record("RCPT TO", code, f"{recipient} {reply_text(reply)[:60]}".strip())
        expect(code, reply, (250, 251))
        self.step = "DATA"
        try:
            code, reply = client.data(message.as_bytes())
        except smtplib.SMTPDataError as error:
            self._record("DATA", error.smtp_code, reply_text(error.smtp_error)[:120])
            raise
        self._record("DATA", code, reply_text(reply)[:120])
        expect(code, reply, (250,))
        sent_id = message_id(reply_text(reply))
        self.step = "QUIT"
        with contextlib.suppress(smtplib.SMTPException, OSError):
            code, reply = client.quit()
            self._record("QUIT", code, reply_text(reply)[:40])
        return sent_id

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(OSError):
                self.client.close()


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
    sent_id: str | None = None
    status, reason = ExitStatus.OK, ""
    try:
        client = session.connect()
        session.secure(client)
        session.authenticate(client)
        sent_id = session.deliver(client, message)
    except (SmtpCheckError, smtplib.SMTPException, OSError) as error:
        status, reason = failure(error, session.step, host, port, timeout)
    finally:
        session.close()
    return Outcome(
        status=status,
        transcript=session.transcript,
        message_id=sent_id,
        reason=reason,
        host=host,
        port=port,
        mode=mode,
        seconds=time.monotonic() - started,
    )
