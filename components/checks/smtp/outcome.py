"""What a ``checks smtp`` send came to: the transcript, the exit status, and why it failed.

SMTP replies and network, TLS and SMTP exceptions are classified into an
:class:`~checks.exit_status.ExitStatus` with a one-line reason.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from typing import Any

from ..exit_status import ExitStatus

_SMTP_WORDING: dict[ExitStatus, tuple[str, str]] = {
    ExitStatus.OK: ("sent", ""),
    ExitStatus.UNCHECKED: (
        "connection failed",
        "check host and port (email-smtp.<region>.amazonaws.com, 587/2587/25 STARTTLS or "
        "465/2465 TLS); outbound port 25 is often blocked by hosting providers and EC2, use 587",
    ),
    ExitStatus.DENIED: (
        "not authorized",
        "the SMTP user's IAM policy does not allow this send: check smtpUsers domains, "
        "fromAddresses, recipients and configurationSets for this user, then pulumi up",
    ),
    ExitStatus.REJECTED: ("rejected", "read the server's reply above; retry later for 4xx replies"),
}
"""Category and advice of the statuses ``checks smtp`` shares with other subcommands, in the
words of a send (for the others the status's own are already the send's)."""


def category(status: ExitStatus) -> str:
    """The category ``checks smtp`` prints for ``status``."""
    wording = _SMTP_WORDING.get(status)
    return wording[0] if wording else status.category


def advice(status: ExitStatus) -> str:
    """What ``checks smtp`` tells the user to do after ``status`` (empty after a send)."""
    wording = _SMTP_WORDING.get(status)
    return wording[1] if wording else status.advice


class SmtpCheckError(Exception):
    """A failed send: exit status and a one-line reason."""

    def __init__(self, status: ExitStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, kw_only=True)
class Step:
    """One transcript line: the command, the reply code and a short summary."""

    command: str
    """The SMTP command or phase (``connect``, ``EHLO``, ``AUTH PLAIN``, ...)."""
    code: int | None
    """The reply code (``None`` for a phase without one, such as the implicit TLS handshake)."""
    summary: str
    """What the reply said, shortened; never a secret."""

    def as_json(self) -> dict[str, Any]:
        """The step in the ``--json`` transcript."""
        return {"command": self.command, "code": self.code, "summary": self.summary}


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The result of one send."""

    status: ExitStatus
    """The exit status."""
    transcript: list[Step] = field(default_factory=list[Step])
    """Each command sent and its reply, in order."""
    message_id: str | None = None
    """The message or queue id the server returned after DATA (``None``: none recognised)."""
    reply: str = ""
    """The server's reply accepting DATA, bounded (empty when the send failed)."""
    reason: str = ""
    """Why the send failed (empty when it did not)."""
    host: str = ""
    """The SMTP host connected to."""
    port: int = 0
    """The port connected to."""
    mode: str = ""
    """``starttls`` or ``tls``."""
    seconds: float = 0.0
    """How long the conversation took."""


MAX_REPLY_CHARS = 300
"""At most this many characters of a server reply are shown."""

_SES_DENIAL = re.compile(r"\bnot authorized to perform\W+ses:\w+", re.IGNORECASE)
"""SES's wording when IAM refuses a send: ``554 Access denied: User `arn:...' is not authorized
to perform `ses:SendRawEmail' on resource `arn:...'`` (AWS knowledge center, "How do I resolve a
554 Access denied error when I send an email from my IAM user in Amazon SES?")."""

_QUEUE_ID = r"([^\s<>()\[\];,]+)"
_MESSAGE_ID_PATTERNS = (
    re.compile(r"\bqueued as\s+<?" + _QUEUE_ID, re.IGNORECASE),  # Postfix, and many others
    re.compile(r"\bid=" + _QUEUE_ID),  # Exim
    re.compile(r"^(?:2\.\d{1,3}\.\d{1,3}\s+)?Ok\s+" + _QUEUE_ID, re.IGNORECASE),  # SES
    re.compile(r"^(?:2\.\d{1,3}\.\d{1,3}\s+)?" + _QUEUE_ID + r"\s+Message accepted"),  # Sendmail
)
"""Where the message or queue id sits in a reply to DATA, by server: SES answers ``250 Ok <id>``
(Amazon SES developer guide, "SMTP response codes returned by Amazon SES"), Postfix
``250 2.0.0 Ok: queued as <id>``, Exim ``250 OK id=<id>``, Sendmail
``250 2.0.0 <id> Message accepted for delivery``."""


def bounded(text: str, limit: int = MAX_REPLY_CHARS) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def reply_text(reply: bytes | str) -> str:
    """A server reply as one line of text."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def classify_rejection(code: int, reply: str) -> ExitStatus:
    """The exit status of an SMTP rejection with reply ``code`` and text ``reply``."""
    if code in (530, 534, 535):
        return ExitStatus.AUTH_FAILED
    if "not verified" in reply.lower():
        return ExitStatus.SANDBOX
    if _SES_DENIAL.search(reply):
        return ExitStatus.DENIED
    return ExitStatus.REJECTED


def expect(code: int, reply: bytes, allowed: tuple[int, ...]) -> None:
    """Raise :class:`SmtpCheckError` unless ``code`` is one of ``allowed``."""
    if code not in allowed:
        text = reply_text(reply)
        raise SmtpCheckError(classify_rejection(code, text), f"{code} {bounded(text)}")


def message_id(reply: str) -> str | None:
    """The message or queue id in a server's reply to DATA (``None`` when none is recognised)."""
    for pattern in _MESSAGE_ID_PATTERNS:
        match = pattern.search(reply)
        if match:
            return match.group(1)
    return None


def failure(
    error: Exception, step: str, host: str, port: int, timeout: float
) -> tuple[ExitStatus, str]:
    """Map an exception raised during the conversation to an exit status and a reason."""
    status, reason = ExitStatus.UNCHECKED, f"{step}: {bounded(str(error))}"
    if isinstance(error, SmtpCheckError):
        status, reason = error.status, f"{step}: {error.reason}"
    elif isinstance(error, smtplib.SMTPNotSupportedError):
        status = ExitStatus.TLS_FAILURE
    elif isinstance(error, ssl.SSLCertVerificationError):
        status = ExitStatus.TLS_FAILURE
        reason = (
            f"{step}: the server certificate is not trusted ({error.verify_message}); "
            "no credentials were sent"
        )
    elif isinstance(error, ssl.SSLError):
        status = ExitStatus.TLS_FAILURE
        reason = f"{step}: TLS handshake failed ({error.reason or error}); no credentials sent"
    elif isinstance(error, smtplib.SMTPServerDisconnected):
        if isinstance(error.__context__, TimeoutError):
            status, reason = ExitStatus.TIMEOUT, f"{step}: no reply within {timeout:g} s"
        else:
            reason = f"{step}: the server closed the connection ({error})"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = reply_text(error.smtp_error)
        status = classify_rejection(error.smtp_code, text)
        reason = f"{step}: {error.smtp_code} {bounded(text)}"
    elif isinstance(error, TimeoutError):
        status = ExitStatus.TIMEOUT
        reason = f"{step}: no answer from {host}:{port} within {timeout:g} s"
    elif isinstance(error, ConnectionRefusedError):
        reason = f"{step}: connection to {host}:{port} refused"
    elif isinstance(error, socket.gaierror):
        reason = f"{step}: cannot resolve {host} ({error.strerror})"
    elif isinstance(error, OSError):
        reason = f"{step}: {error.strerror or error}"
    return status, reason
