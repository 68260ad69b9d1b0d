"""A real SMTP server on loopback for the send test: aiosmtpd with STARTTLS or implicit TLS.

``LoopbackSmtp`` starts an aiosmtpd ``Controller`` on 127.0.0.1 and a free port, accepts one
username/password pair with AUTH PLAIN and LOGIN, and records every AUTH command it receives
(even ones it would refuse), every authentication attempt and every message. The DATA reply is
configurable, so the same server can play SES accepting a message (``250 Ok <id>``) or SES in the
sandbox (``554 Message rejected: Email address is not verified...``).
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USERNAME = "AKIAEXAMPLE000000001"
PASSWORD = "BLbQxHOcN0/2RgMa/7UbFpmyaR98dy/P0AEwT6D3irjB"
MESSAGE_ID = "010001900000abcd-11112222-3333-4444-5555-666677778888-000000"
ACCEPTED = f"250 Ok {MESSAGE_ID}"
SANDBOX_REJECTION = (
    "554 Message rejected: Email address is not verified. The following identities failed "
    "the check in region EU-WEST-1: success@simulator.amazonses.com"
)
DENIED = (
    "554 Access denied: User `arn:aws:iam::123456789012:user/ses-smtp/app' is not authorized "
    "to perform `ses:SendRawEmail' on resource `arn:aws:ses:eu-west-1:123456789012:identity/x'"
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: Message
    raw: bytes
    """The message as it came over the wire (CRLF line ends)."""
    mail_options: list[str]
    """The MAIL FROM parameters (``SMTPUTF8``, ``BODY=8BITMIME``)."""


@dataclass
class Recorder:
    auth_commands: list[str] = field(default_factory=list[str])
    """Every AUTH command line's mechanism, as received (before any checks)."""
    auth_attempts: list[tuple[str, str, bool]] = field(default_factory=list[tuple[str, str, bool]])
    """(mechanism, login, succeeded) for every credential check."""
    tls_at_auth: list[bool] = field(default_factory=list[bool])
    """Whether the connection was encrypted when each AUTH command arrived."""
    messages: list[Received] = field(default_factory=list[Received])


class _Handler:
    def __init__(self, recorder: Recorder, data_reply: str) -> None:
        self.recorder = recorder
        self.data_reply = data_reply

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        del server, session
        content = envelope.original_content or b""
        self.recorder.messages.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                message_from_bytes(content),
                content,
                list(envelope.mail_options),
            )
        )
        return self.data_reply


class _RecordingSMTP(SMTP):
    def __init__(
        self,
        handler: Any,
        recorder: Recorder,
        implicit_tls: bool,
        starttls_reply: str | None,
        **kwargs: Any,
    ):
        super().__init__(handler, **kwargs)
        self._recorder = recorder
        self._implicit_tls = implicit_tls
        self._starttls_reply = starttls_reply

    async def smtp_STARTTLS(self, arg: str) -> None:
        if self._starttls_reply is not None:
            await self.push(self._starttls_reply)
            return
        await super().smtp_STARTTLS(arg)

    async def smtp_AUTH(self, arg: str) -> None:
        self._recorder.auth_commands.append(arg.split(maxsplit=1)[0].upper() if arg else "")
        self._recorder.tls_at_auth.append(self._implicit_tls or self._tls_protocol is not None)
        await super().smtp_AUTH(arg)


class _RecordingController(Controller):
    def __init__(
        self,
        *args: Any,
        recorder: Recorder,
        implicit_tls: bool,
        starttls_reply: str | None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._recorder = recorder
        self._implicit_tls = implicit_tls
        self._starttls_reply = starttls_reply

    def factory(self) -> SMTP:
        return _RecordingSMTP(
            self.handler,
            self._recorder,
            self._implicit_tls,
            self._starttls_reply,
            **self.SMTP_kwargs,
        )


class LoopbackSmtp:
    """One aiosmtpd server on 127.0.0.1; use ``start()``/``stop()`` (fixtures do)."""

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        mode: str,
        server_context: ssl.SSLContext | None,
        data_reply: str = ACCEPTED,
        mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN"),
        starttls_reply: str | None = None,
        smtputf8: bool = False,
    ) -> None:
        """``mode``: ``starttls`` (STARTTLS offered and required before AUTH), ``tls`` (implicit
        TLS from the first byte) or ``plain`` (no TLS at all, AUTH offered in clear text).
        ``starttls_reply``: answer STARTTLS with this reply instead of starting TLS;
        ``smtputf8``: offer SMTPUTF8 (RFC 6531)."""
        self.recorder = Recorder()
        self.port = free_port()
        kwargs: dict[str, Any] = {
            "authenticator": self._authenticate,
            "auth_required": True,
            "auth_exclude_mechanism": [m for m in ("PLAIN", "LOGIN") if m not in mechanisms],
            "enable_SMTPUTF8": smtputf8,
        }
        if mode == "starttls":
            assert server_context is not None
            kwargs.update(tls_context=server_context, require_starttls=True, auth_require_tls=True)
        elif mode == "tls":
            assert server_context is not None
            kwargs.update(ssl_context=server_context, auth_require_tls=False)
        elif mode == "plain":
            kwargs.update(auth_require_tls=False)
        else:
            raise ValueError(mode)
        self.controller = _RecordingController(
            _Handler(self.recorder, data_reply),
            hostname=self.host,
            port=self.port,
            ready_timeout=5.0,
            recorder=self.recorder,
            implicit_tls=mode == "tls",
            starttls_reply=starttls_reply,
            **kwargs,
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        del server, session, envelope
        ok = False
        login = ""
        if isinstance(data, LoginPassword):
            login = data.login.decode()
            ok = login == USERNAME and data.password.decode() == PASSWORD
        self.recorder.auth_attempts.append((mechanism, login, ok))
        return AuthResult(success=ok, handled=False)

    def start(self) -> LoopbackSmtp:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop(no_assert=True)
