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
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol, cast

from ..exit_status import ExitStatus
from .credentials import Credentials, mask
from .inputs import MailAddress
from .outcome import (
    Outcome,
    SmtpCheckError,
    Step,
    bounded,
    expect,
    failure,
    message_id,
    reply_text,
)


def tls_context(cafile: str | None, insecure: bool) -> ssl.SSLContext:
    """A client context that verifies the server (system store or ``cafile``), TLS 1.2+."""
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


@dataclass(frozen=True, kw_only=True)
class Outgoing:
    """The message to send and its envelope."""

    sender: MailAddress
    """MAIL FROM and the From header."""
    recipient: MailAddress
    """RCPT TO and the To header."""
    message: EmailMessage
    """The message, folded for SMTP (CRLF, lines of at most 78 octets)."""

    @property
    def needs_smtputf8(self) -> bool:
        """True when an address has a non-ASCII local part (RFC 6531)."""
        return self.sender.needs_smtputf8 or self.recipient.needs_smtputf8


def build_message(
    sender: MailAddress,
    recipient: MailAddress,
    subject: str,
    configuration_set: str | None,
    list_management: str | None = None,
) -> Outgoing:
    """The test message (with ``X-SES-CONFIGURATION-SET`` when ``configuration_set`` is given,
    and ``X-SES-LIST-MANAGEMENT-OPTIONS`` with SES's unsubscribe-link placeholder in the body
    when ``list_management`` is).

    The ``SMTP`` policy folds every header into lines of at most 78 octets with CRLF line ends
    (encoded words where a header cannot be broken at white space); ``SMTPUTF8`` is used when an
    address needs it, so its local part goes out as UTF-8 instead of being mangled."""
    utf8 = sender.needs_smtputf8 or recipient.needs_smtputf8
    message = EmailMessage(policy=policy.SMTPUTF8 if utf8 else policy.SMTP)
    message["From"] = sender.header()
    message["To"] = recipient.header()
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    if configuration_set:
        message["X-SES-CONFIGURATION-SET"] = configuration_set
    body = "This message was sent by `python -m checks smtp` to test the SES SMTP credentials.\n"
    if list_management:
        message["X-SES-LIST-MANAGEMENT-OPTIONS"] = list_management
        # SES replaces this placeholder with the unsubscribe page's link (at most twice).
        body += "\nUnsubscribe: {{amazonSESUnsubscribeUrl}}\n"
    message.set_content(body)
    return Outgoing(sender=sender, recipient=recipient, message=message)


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
        self._record("connect", code, bounded(reply_text(banner), 80))
        if self.mode == "tls":
            self._record("TLS", None, _tls_summary(client.sock, self.verified))
        self.step = "EHLO"
        code, reply = client.ehlo()
        if code != 250:
            raise SmtpCheckError(
                ExitStatus.REJECTED, f"EHLO refused: {code} {bounded(reply_text(reply))}"
            )
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
            try:
                code, _ = client.starttls(context=self.context)
            except smtplib.SMTPResponseException as error:  # smtplib raises on all but 220
                text = reply_text(error.smtp_error)
                self._record("STARTTLS", error.smtp_code, bounded(text, 80))
                raise SmtpCheckError(
                    ExitStatus.TLS_FAILURE,
                    f"STARTTLS refused: {error.smtp_code} {bounded(text)}; no credentials "
                    "were sent",
                ) from None
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

    def check_smtputf8(self, client: smtplib.SMTP, outgoing: Outgoing) -> None:
        """Refuse, before AUTH, an address the server cannot take (no SMTPUTF8 offered)."""
        if outgoing.needs_smtputf8 and not client.has_extn("smtputf8"):
            option = "--from" if outgoing.sender.needs_smtputf8 else "--to"
            raise SmtpCheckError(
                ExitStatus.USAGE,
                f"{option} has a non-ASCII local part, which needs SMTPUTF8, and the server "
                "does not offer it (SES does not); use an ASCII address",
            )

    def deliver(self, client: smtplib.SMTP, outgoing: Outgoing) -> tuple[str | None, str]:
        """Send ``outgoing``; the message id in the reply to DATA (if any) and that reply."""
        options = ["SMTPUTF8"] if outgoing.needs_smtputf8 else []
        self.step = "MAIL FROM"
        sender = outgoing.sender.addr_spec
        code, reply = client.mail(sender, options)
        self._record("MAIL FROM", code, sender)
        expect(code, reply, (250,))
        self.step = "RCPT TO"
        recipient = outgoing.recipient.addr_spec
        code, reply = client.rcpt(recipient)
        self._record("RCPT TO", code, f"{recipient} {bounded(reply_text(reply), 60)}".strip())
        expect(code, reply, (250, 251))
        self.step = "DATA"
        try:
            code, reply = client.data(outgoing.message.as_bytes())
        except smtplib.SMTPDataError as error:
            self._record("DATA", error.smtp_code, bounded(reply_text(error.smtp_error), 120))
            raise
        text = reply_text(reply)
        self._record("DATA", code, bounded(text, 120))
        expect(code, reply, (250,))
        accepted = message_id(text), bounded(f"{code} {text}")
        self.step = "QUIT"
        with contextlib.suppress(smtplib.SMTPException, OSError):
            code, reply = client.quit()
            self._record("QUIT", code, bounded(reply_text(reply), 40))
        return accepted

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
    outgoing: Outgoing,
    context: ssl.SSLContext,
    verified: bool,
    auth: str,
    timeout: float,
) -> Outcome:
    """Send ``outgoing``; SMTP, TLS and network failures become an ``Outcome``, never raised."""
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
    status, reason, reply = ExitStatus.OK, "", ""
    try:
        client = session.connect()
        session.secure(client)
        session.check_smtputf8(client, outgoing)
        session.authenticate(client)
        sent_id, reply = session.deliver(client, outgoing)
    except (SmtpCheckError, smtplib.SMTPException, OSError) as error:
        status, reason = failure(error, session.step, host, port, timeout)
    finally:
        session.close()
    return Outcome(
        status=status,
        transcript=session.transcript,
        message_id=sent_id,
        reply=reply,
        reason=reason,
        host=host,
        port=port,
        mode=mode,
        seconds=time.monotonic() - started,
    )
