"""What the checks' AWS commands (``account``, ``stats``) share: clients and their failures.

boto3 and botocore are imported when a client is made or an error is classified, never when
``python -m checks`` builds its parser. Credentials come from boto3's usual chain and are never
printed. Every AWS failure becomes one :class:`ApiFailure`: an exit status and one bounded line,
never a traceback.
"""

from __future__ import annotations

import importlib
import urllib.parse
from dataclasses import dataclass
from typing import Any, cast

from ..regions import region_problem
from .exit_status import ExitStatus

MAX_SHOWN = 200
"""At most this many characters of a value or of an AWS message are shown."""

ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
CREDENTIALS_REJECTED = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
THROTTLED = frozenset(
    {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
)


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` as a message shows it: printable as it is, else its ``repr``; cut to ``limit``."""
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def url_problem(url: str) -> str | None:
    """Why ``url`` is no ``http(s)://HOST[:PORT]...`` URL (``None`` when it is one)."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError as exc:
        return f"not a URL ({exc}); allowed: http://HOST[:PORT] or https://HOST[:PORT]"
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return "allowed: an http:// or https:// URL with a host, e.g. http://127.0.0.1:5000"
    return None


def option_problems(region: str, endpoint: str | None) -> list[str]:
    """The problems with ``--region`` and ``--endpoint-url``, each naming its option."""
    problems: list[str] = []
    problem = region_problem(region)
    if problem:
        problems.append(f"--region {shown(region, 80)} {problem}")
    if endpoint is not None:
        problem = url_problem(endpoint)
        if problem:
            problems.append(f"--endpoint-url {shown(endpoint, 80)}: {problem}")
    return problems


def client(service: str, region: str, endpoint: str | None) -> Any:
    """A boto3 client for ``service`` in ``region`` (``endpoint``: a local stand-in such as
    moto_server), with short timeouts and two attempts in all."""
    # boto3 ships no type stubs: import it untyped rather than silence pyright everywhere.
    boto3: Any = importlib.import_module("boto3")
    botocore_config: Any = importlib.import_module("botocore.config")
    retries = {"total_max_attempts": 2, "mode": "standard"}
    config = botocore_config.Config(connect_timeout=5, read_timeout=15, retries=retries)
    session = boto3.session.Session()  # a fresh credential chain, not boto3's cached default
    return session.client(service, region_name=region, endpoint_url=endpoint, config=config)


@dataclass(frozen=True, kw_only=True)
class ApiFailure:
    """An AWS call that failed: what it means for the exit status, and one line saying why."""

    status: ExitStatus
    """The command's exit status for this failure."""
    code: str | None
    """AWS's error code (``AccessDeniedException``), or ``None`` when the call got no answer."""
    message: str
    """One bounded line naming the call and what happened, with what to do."""


def error_code(exc: Exception) -> tuple[str | None, str]:
    """AWS's error code and message in ``exc`` (a botocore ``ClientError``), else ``None`` and
    the exception's text."""
    response: object = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = cast("dict[str, object]", response).get("Error")
        if isinstance(error, dict):
            fields = cast("dict[str, object]", error)
            code, message = fields.get("Code"), fields.get("Message")
            return (str(code) if code else None), str(message or "")
    return None, f"{type(exc).__name__}: {exc}"


def classify(exc: Exception, call: str) -> ApiFailure:
    """``exc``, raised by the AWS call ``call`` (``sesv2 GetAccount``), as an :class:`ApiFailure`.

    Exceptions that are not botocore's are raised again: they are the program's own faults.
    """
    exceptions: Any = importlib.import_module("botocore.exceptions")
    code, text = error_code(exc)
    detail = shown(f"{code}: {text}" if code and text else code or text)
    if isinstance(exc, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        return ApiFailure(
            status=ExitStatus.USAGE,
            code=None,
            message=f"{call}: no AWS credentials found ({shown(str(exc))}); set AWS_PROFILE "
            "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them",
        )
    if code in CREDENTIALS_REJECTED:
        return ApiFailure(
            status=ExitStatus.USAGE,
            code=code,
            message=f"{call}: AWS rejected the credentials ({detail}); renew or replace them",
        )
    if code in ACCESS_DENIED:
        return ApiFailure(
            status=ExitStatus.DENIED,
            code=code,
            message=f"{call}: access denied ({detail}); the caller's IAM policy must allow "
            f"{permission(call)}",
        )
    if code in THROTTLED:
        return ApiFailure(
            status=ExitStatus.REJECTED,
            code=code,
            message=f"{call}: throttled by AWS ({detail}); retry in a minute",
        )
    if code is not None:
        return ApiFailure(
            status=ExitStatus.REJECTED,
            code=code,
            message=f"{call}: AWS refused the request ({detail})",
        )
    if isinstance(exc, exceptions.BotoCoreError):
        return ApiFailure(
            status=ExitStatus.UNCHECKED,
            code=None,
            message=f"{call}: could not reach AWS ({detail}); check the network, the region "
            "and --endpoint-url",
        )
    raise exc


def permission(call: str) -> str:
    """The IAM action of ``call`` (``sesv2 GetAccount`` -> ``ses:GetAccount``)."""
    service, _, operation = call.partition(" ")
    prefix = "ses" if service in ("ses", "sesv2") else service
    return f"{prefix}:{operation}"
