"""One send through the SES v2 API (``SendEmail``) for ``checks send``: the request, whose
credentials it goes with, and how an error is classified into an
:class:`~checks.exit_status.ExitStatus` with a one-line reason.

Credentials come from the stack outputs (``api_sender_credentials.<sender>``: an API sender
user's access key) or from whatever the AWS SDK finds (environment, profile, the role the
workload runs as). The secret access key is never printed; the key id is shown masked.
No Pulumi import; boto3 is imported untyped when a client is made.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from ..exit_status import ExitStatus
from ..smtp.credentials import check_username, mask
from ..smtp.inputs import REGION_NAME, InputError, json_type, printable, shown

SIMPLE_BODY = (
    "This is a test message from `checks send` (SES v2 SendEmail), sent to check that the "
    "stack's API sender can send. No reply is needed.\n"
)


def _object(value: object) -> dict[str, Any] | None:
    """``value`` when it is a JSON object."""
    return cast(dict[str, Any], value) if isinstance(value, dict) else None


_AUTH_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "IncompleteSignature",
    }
)
_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied"})
_SANDBOX_CODES = frozenset({"MailFromDomainNotVerifiedException"})

_WORDING: dict[ExitStatus, tuple[str, str]] = {
    ExitStatus.UNCHECKED: (
        "connection failed",
        "check the region and the network path to email.<region>.amazonaws.com (or "
        "--endpoint-url); a proxy must allow HTTPS to it",
    ),
    ExitStatus.TIMEOUT: ("timeout", "a firewall may drop the traffic; raise --timeout"),
    ExitStatus.TLS_FAILURE: (
        "TLS failure",
        "the endpoint's certificate is not trusted: check for a TLS-intercepting proxy and "
        "that the system CA store is current",
    ),
    ExitStatus.AUTH_FAILED: (
        "authentication failed",
        "the access key is unknown, expired or its secret is wrong: after a rotation use the "
        "new key (pulumi stack output --json --show-secrets); a new key can take a minute",
    ),
    ExitStatus.DENIED: (
        "not authorized",
        "the sender's IAM policy does not allow this send: check apiSenders domains, "
        "identityArns, fromAddresses, recipients and configurationSets (and, for another "
        "account's identity, its owner's sending authorization), then pulumi up",
    ),
}


def category(status: ExitStatus) -> str:
    """The category ``checks send`` prints for ``status``."""
    wording = _WORDING.get(status)
    return wording[0] if wording else status.category


def advice(status: ExitStatus) -> str:
    """What ``checks send`` tells the user to do after ``status`` (empty after a send)."""
    if status == ExitStatus.OK:
        return ""
    wording = _WORDING.get(status)
    return wording[1] if wording else status.advice


@dataclass(frozen=True, kw_only=True)
class ApiCredentials:
    """An access key to send with (``None`` fields: let the SDK find credentials)."""

    access_key_id: str | None = None
    """The access key id (shown masked)."""
    secret_access_key: str | None = field(default=None, repr=False)
    """The secret access key (never shown)."""
    region: str | None = None
    """The sender's primary region from the outputs."""
    source: str = "the AWS SDK's default chain (environment, profile, role)"
    """Where the credentials come from, in words."""

    def describe(self) -> str:
        """``source`` and the masked key id."""
        return self.source + (f" ({mask(self.access_key_id)})" if self.access_key_id else "")


def _senders(outputs: Mapping[str, Any], key: str) -> dict[str, Any]:
    raw = outputs.get(key)
    if isinstance(raw, str) and "secret" in raw.lower():  # pulumi's "[secret]"
        raise InputError([f"{key} is hidden; run pulumi stack output --json --show-secrets"])
    if raw is None:
        return {}
    senders = _object(raw)
    if senders is None:
        raise InputError([f"{key} is {json_type(raw)}; expected an object of senders"])
    return senders


def _region(entry: object) -> str | None:
    region = (_object(entry) or {}).get("region")
    return region if isinstance(region, str) and REGION_NAME.fullmatch(region) else None


def credentials_from_outputs(outputs: Mapping[str, Any], sender: str | None) -> ApiCredentials:
    """The access key of ``sender`` (``api_sender_credentials``), or none for a sender without
    one (a role: the SDK's credentials are used, in the sender's region from ``api_senders``);
    every problem at once."""
    listed = _senders(outputs, "api_senders")
    keys = _senders(outputs, "api_sender_credentials")
    names = sorted({*listed, *keys})
    if not names:
        raise InputError(["the outputs have no api_senders (is apiSenders configured?)"])
    if sender is None:
        if len(names) != 1:
            shown_names = ", ".join(printable(str(name)) for name in names[:10])
            raise InputError([f"several API senders; pick one with --sender ({shown_names})"])
        sender = names[0]
    if sender not in names:
        raise InputError(
            [f"--sender {shown(sender)}: no such API sender ({', '.join(names[:10])})"]
        )
    if sender not in keys:
        return ApiCredentials(
            region=_region(listed.get(sender)),
            source=f"the AWS SDK's default chain, for API sender {printable(sender)}",
        )
    key = f"api_sender_credentials.{printable(sender)}"
    entry = _object(keys[sender])
    if entry is None:
        raise InputError([f"{key} is {json_type(keys[sender])}; expected an object"])
    problems: list[str] = []
    found: dict[str, str] = {}
    for part in ("access_key_id", "secret_access_key"):
        value: object = entry.get(part)
        if isinstance(value, str) and value:
            found[part] = value
        else:
            problems.append(f"{key}.{part} is {json_type(value)}; expected a non-empty string")
    if "access_key_id" in found:
        check_username(problems, f"{key}.access_key_id", found["access_key_id"])
    if problems:
        raise InputError(problems)
    return ApiCredentials(
        access_key_id=found["access_key_id"],
        secret_access_key=found["secret_access_key"],
        region=_region(entry) or _region(listed.get(sender)),
        source=f"stack outputs, API sender {printable(sender)}",
    )


ClientFactory = Callable[[str, ApiCredentials, str | None, float], Any]
"""Makes an ``sesv2`` client: (region, credentials, endpoint URL, timeout)."""


def boto_client(
    region: str, credentials: ApiCredentials, endpoint: str | None, timeout: float
) -> Any:
    """A boto3 ``sesv2`` client with bounded timeouts and one retry."""
    boto3: Any = importlib.import_module("boto3")
    botocore_config: Any = importlib.import_module("botocore.config")
    config = botocore_config.Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"total_max_attempts": 2, "mode": "standard"},
    )
    return boto3.client(
        "sesv2",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        config=config,
    )


@dataclass(frozen=True, kw_only=True)
class SendOutcome:
    """What one ``SendEmail`` call came to."""

    status: ExitStatus
    message_id: str | None = None
    reason: str = ""
    seconds: float = 0.0


def classify(error: Exception) -> tuple[ExitStatus, str]:
    """The exit status and reason of an exception raised by the call."""
    exceptions: Any = importlib.import_module("botocore.exceptions")
    text = " ".join(str(error).split())[:300]
    if isinstance(error, exceptions.ClientError):
        details = _object((_object(getattr(error, "response", None)) or {}).get("Error")) or {}
        code = str(details.get("Code", ""))
        message = " ".join(str(details.get("Message", "")).split())[:300]
        reason = f"{code}: {message}" if message else code
        if code in _AUTH_CODES:
            return ExitStatus.AUTH_FAILED, reason
        if code in _DENIED_CODES or "not authorized to perform" in message:
            return ExitStatus.DENIED, reason
        if code in _SANDBOX_CODES or "not verified" in message.lower():
            return ExitStatus.SANDBOX, reason
        return ExitStatus.REJECTED, reason
    if isinstance(error, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        return ExitStatus.USAGE, (
            "no AWS credentials: give --outputs with an API sender's access key, or set "
            "AWS_PROFILE / the AWS_ACCESS_KEY_ID variables, or run where the sender role is "
            "assumed"
        )
    if isinstance(error, exceptions.SSLError):
        return ExitStatus.TLS_FAILURE, text
    if isinstance(error, exceptions.ConnectTimeoutError | exceptions.ReadTimeoutError):
        return ExitStatus.TIMEOUT, text
    if isinstance(error, exceptions.BotoCoreError):
        return ExitStatus.UNCHECKED, text
    raise error


def send(client: Any, request: Mapping[str, Any]) -> SendOutcome:
    """Call ``SendEmail`` with ``request``; its outcome, every failure classified."""
    started = time.monotonic()
    try:
        response: Any = client.send_email(**request)
    except Exception as error:  # classify() re-raises what is not an AWS SDK error
        status, reason = classify(error)
        return SendOutcome(status=status, reason=reason, seconds=time.monotonic() - started)
    message_id: object = (_object(response) or {}).get("MessageId")
    return SendOutcome(
        status=ExitStatus.OK,
        message_id=str(message_id) if message_id else None,
        seconds=time.monotonic() - started,
    )
