"""Whose SMTP credentials ``checks smtp`` sends with: from the stack outputs or the environment.

The outputs are ``pulumi stack output --json --show-secrets`` (a file or stdin; the
``smtp_credentials`` and ``smtp`` outputs); the environment is ``SES_SMTP_USERNAME``,
``SES_SMTP_PASSWORD``, ``SES_SMTP_REGION`` and ``SES_SMTP_HOST``. The password is never shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

from ..exit_status import ExitStatus
from .outcome import SmtpCheckError

SECRET_MARKER = "[secret]"
"""What ``pulumi stack output --json`` prints for a secret without ``--show-secrets``."""


@dataclass(frozen=True, kw_only=True)
class Credentials:
    """Where and as whom to send."""

    username: str
    """The SMTP username (the IAM access key id)."""
    password: str = field(repr=False)
    """The SMTP password of ``region``."""
    region: str | None
    """The region whose endpoint the password is for (``None`` when unknown)."""
    host: str | None
    """The SMTP host from the outputs or ``SES_SMTP_HOST`` (``None``: derive from the region)."""
    source: str
    """Where the credentials were read from (for the transcript)."""


def mask(username: str) -> str:
    """``username`` shortened for the transcript (first and last four characters)."""
    return username if len(username) <= 8 else f"{username[:4]}…{username[-4:]}"


def load_outputs(source: str, stdin: TextIO) -> dict[str, Any]:
    """The stack outputs JSON object read from the file ``source`` (``-``: ``stdin``)."""
    try:
        if source == "-":
            text = stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as error:
        raise SmtpCheckError(ExitStatus.USAGE, f"cannot read {source}: {error.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SmtpCheckError(ExitStatus.USAGE, f"{source} is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise SmtpCheckError(ExitStatus.USAGE, f"{source}: expected a JSON object of stack outputs")
    return cast(dict[str, Any], data)


def credentials_from_outputs(
    outputs: Mapping[str, Any], user: str | None, region: str | None
) -> Credentials:
    """Pick one user's credentials for one region out of the stack outputs."""
    users_raw = outputs.get("smtp_credentials")
    if users_raw == SECRET_MARKER or (isinstance(users_raw, str) and "secret" in users_raw.lower()):
        raise SmtpCheckError(
            ExitStatus.USAGE,
            "smtp_credentials is hidden; run pulumi stack output --json --show-secrets",
        )
    if not isinstance(users_raw, dict) or not users_raw:
        raise SmtpCheckError(
            ExitStatus.USAGE, "the outputs have no smtp_credentials (is smtpUsers configured?)"
        )
    users = cast(dict[str, Any], users_raw)
    if user is None:
        if len(users) != 1:
            raise SmtpCheckError(
                ExitStatus.USAGE,
                f"several SMTP users; pick one with --user ({', '.join(sorted(users))})",
            )
        user = next(iter(users))
    if user not in users:
        raise SmtpCheckError(
            ExitStatus.USAGE, f"no SMTP user {user!r} in the outputs ({', '.join(sorted(users))})"
        )
    entry = cast(dict[str, Any], users[user])
    region = region or cast(str | None, entry.get("region"))
    passwords = cast(dict[str, str], entry.get("passwords") or {})
    username = entry.get("username")
    if region is None or not isinstance(username, str):
        raise SmtpCheckError(ExitStatus.USAGE, f"smtp_credentials.{user} lacks username or region")
    if region not in passwords:
        raise SmtpCheckError(
            ExitStatus.USAGE,
            f"user {user} has no password for {region} (regions: {', '.join(sorted(passwords))});"
            " add it to extraRegions",
        )
    smtp = cast(dict[str, Any], outputs.get("smtp") or {})
    endpoints = cast(dict[str, Any], smtp.get("endpoints") or {})
    endpoint = cast(dict[str, Any], endpoints.get(region) or {})
    return Credentials(
        username=username,
        password=passwords[region],
        region=region,
        host=cast(str | None, endpoint.get("host")),
        source=f"stack outputs, user {user}",
    )


def credentials_from_env(environ: Mapping[str, str], region: str | None) -> Credentials:
    """The credentials in ``SES_SMTP_USERNAME``/``_PASSWORD`` (``_REGION``, ``_HOST`` optional)."""
    username = environ.get("SES_SMTP_USERNAME")
    password = environ.get("SES_SMTP_PASSWORD")
    if not username or not password:
        raise SmtpCheckError(
            ExitStatus.USAGE,
            "no credentials: give --outputs FILE|- (pulumi stack output --json --show-secrets) "
            "or set SES_SMTP_USERNAME and SES_SMTP_PASSWORD",
        )
    return Credentials(
        username=username,
        password=password,
        region=region or environ.get("SES_SMTP_REGION") or None,
        host=environ.get("SES_SMTP_HOST") or None,
        source="environment",
    )
