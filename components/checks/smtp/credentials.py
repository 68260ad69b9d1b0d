"""Whose SMTP credentials ``checks smtp`` sends with: from the stack outputs or the environment.

The outputs are ``pulumi stack output --json --show-secrets`` (a file or stdin; the
``smtp_credentials`` and ``smtp`` outputs); the environment is ``SES_SMTP_USERNAME``,
``SES_SMTP_PASSWORD``, ``SES_SMTP_REGION`` and ``SES_SMTP_HOST``. Every problem with them is
reported at once, naming the key or variable and the type found; a password is never shown.

The host comes from, first to last: ``--host`` (the caller's), the user's own
``smtp_credentials.<user>.host`` when sending in the user's region,
``smtp.endpoints.<region>.host``, and ``email-smtp.<region>.amazonaws.com`` (the caller's, when
the outputs name none).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from .inputs import (
    REGION_NAME,
    InputError,
    check_host,
    check_region,
    json_type,
    printable,
    shown,
)

MAX_OUTPUTS_BYTES = 16 * 1024 * 1024
"""The largest outputs document read (stack outputs are kilobytes)."""
MAX_LISTED = 10
"""At most this many user or region names are listed in a message."""


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


def _listed(names: list[str]) -> str:
    shown_names = [printable(name) for name in sorted(names)[:MAX_LISTED]]
    more = len(names) - len(shown_names)
    return ", ".join(shown_names) + (f" and {more} more" if more > 0 else "")


def _regions(passwords: Mapping[str, Any]) -> list[str]:
    """The keys of ``passwords`` that are region names: any other key is not shown (a password
    pasted as a key must not be printed)."""
    return [name for name in passwords if REGION_NAME.fullmatch(name)]


def load_outputs(source: str, stdin: BinaryIO | None) -> dict[str, Any]:
    """The stack outputs JSON object read from the file ``source`` (``-``: ``stdin``, ``None``
    when the process has none)."""
    where = "stdin" if source == "-" else f"--outputs {shown(source)}"
    try:
        if source == "-":
            if stdin is None:
                raise InputError([f"{where}: is closed; pipe the outputs in or give a file"])
            data = stdin.read(MAX_OUTPUTS_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_OUTPUTS_BYTES + 1)
    except OSError as error:
        raise InputError([f"{where}: cannot read it: {error.strerror or error}"]) from None
    except ValueError:  # a NUL or a lone surrogate in the name
        raise InputError([f"{where}: is not a usable file name"]) from None
    if len(data) > MAX_OUTPUTS_BYTES:
        raise InputError(
            [f"{where}: over {MAX_OUTPUTS_BYTES // 2**20} MB; expected stack outputs JSON"]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            [
                f"{where}: is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
                f"{error.start}); expected pulumi stack output --json --show-secrets"
            ]
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError([f"{where}: is not JSON: {error}"]) from None
    except (ValueError, RecursionError) as error:  # digit limit, nesting depth
        detail = shown(str(error))
        raise InputError([f"{where}: is not JSON this check can read: {detail}"]) from None
    if not isinstance(document, dict):
        raise InputError(
            [f"{where}: is {json_type(document)}; expected a JSON object of stack outputs"]
        )
    return cast(dict[str, Any], document)


_MISSING = object()
"""A key the outputs do not have."""


def _text(problems: list[str], key: str, value: object, *, secret: bool = False) -> str | None:
    """``value`` if it is a non-empty string; else a problem naming ``key`` and its type."""
    if isinstance(value, str) and value:
        return value
    found = "missing" if value is _MISSING else "empty" if value == "" else json_type(value)
    detail = "" if secret or not isinstance(value, int | float) else f" ({shown(value)})"
    problems.append(f"{key} is {found}{detail}; expected a non-empty string")
    return None


def check_username(problems: list[str], key: str, username: str) -> None:
    """Add a problem unless ``username`` is printable ASCII without spaces (an access key id)."""
    if not (username.isascii() and username.isprintable() and " " not in username):
        problems.append(
            f"{key} = {shown(username)}: must be the access key id (printable ASCII, no spaces)"
        )


def check_password(problems: list[str], key: str, password: str) -> None:
    """Add a problem (never showing it) unless ``password`` is printable ASCII."""
    if not (password.isascii() and password.isprintable()):
        problems.append(
            f"{key}: the password holds characters other than printable ASCII (SES SMTP "
            "passwords are 44 base64 characters); it is not shown"
        )


def _object(problems: list[str], key: str, value: object, expected: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return cast(dict[str, Any], value)
    problems.append(f"{key} is {json_type(value)}; expected an object of {expected}")
    return {}


def credentials_from_outputs(
    outputs: Mapping[str, Any], user: str | None, region: str | None
) -> Credentials:
    """Pick one user's credentials for one region out of the stack outputs."""
    users_raw = outputs.get("smtp_credentials")
    if isinstance(users_raw, str) and "secret" in users_raw.lower():  # pulumi's "[secret]"
        raise InputError(
            ["smtp_credentials is hidden; run pulumi stack output --json --show-secrets"]
        )
    if users_raw is None or users_raw == {}:
        raise InputError(["the outputs have no smtp_credentials (is smtpUsers configured?)"])
    problems: list[str] = []
    users = _object(problems, "smtp_credentials", users_raw, "SMTP users (name: credentials)")
    if problems:
        raise InputError(problems)
    if user is None:
        if len(users) != 1:
            raise InputError([f"several SMTP users; pick one with --user ({_listed(list(users))})"])
        user = next(iter(users))
    if user not in users:
        listed = _listed(list(users))
        raise InputError([f"--user {shown(user)}: no such SMTP user (users: {listed})"])
    key = f"smtp_credentials.{printable(user)}"
    entry = _object(problems, key, users[user], "username, password, passwords, region, host")
    if problems:
        raise InputError(problems)
    username = _text(problems, f"{key}.username", entry.get("username", _MISSING))
    if username is not None:
        check_username(problems, f"{key}.username", username)
    own_region: str | None = None
    if "region" in entry or region is None:
        own_region = _text(problems, f"{key}.region", entry.get("region", _MISSING))
    if region is None and own_region is not None:
        try:
            region = check_region(own_region)
        except ValueError as error:
            problems.append(f"{key}.region = {shown(own_region)}: {error}")
    raw_passwords = entry.get("passwords", {})
    passwords = _object(problems, f"{key}.passwords", raw_passwords, "region: password")
    password: str | None = None
    password_key = f"{key}.passwords.{region}"
    if region is not None and region in passwords:
        password = _text(problems, password_key, passwords[region], secret=True)
    elif region is not None and region == own_region and "password" in entry:
        password_key = f"{key}.password"
        password = _text(problems, password_key, entry["password"], secret=True)
    elif region is not None and isinstance(raw_passwords, dict):
        problems.append(
            f"user {printable(user)} has no password for {region} (regions: "
            f"{_listed(_regions(passwords)) or 'none'}); add the region to its extraRegions"
        )
    if password is not None:
        check_password(problems, password_key, password)
    host = _host_from_outputs(problems, outputs, entry, key, region, own_region)
    if problems or username is None or password is None:
        raise InputError(problems)
    return Credentials(
        username=username,
        password=password,
        region=region,
        host=host,
        source=f"stack outputs, user {printable(user)}",
    )


def _host_from_outputs(
    problems: list[str],
    outputs: Mapping[str, Any],
    entry: Mapping[str, Any],
    key: str,
    region: str | None,
    own_region: str | None,
) -> str | None:
    """The user's own host when sending in its region, else the region's endpoint, else None."""
    candidates: list[tuple[str, object]] = []
    if "host" in entry and region is not None and region == own_region:
        candidates.append((f"{key}.host", entry["host"]))
    elif "smtp" in outputs and region is not None:
        smtp = _object(problems, "smtp", outputs["smtp"], "endpoints and users")
        endpoints = _object(problems, "smtp.endpoints", smtp.get("endpoints", {}), "regions")
        if region in endpoints:
            endpoint = _object(
                problems, f"smtp.endpoints.{region}", endpoints[region], "host and ports"
            )
            if "host" in endpoint:
                candidates.append((f"smtp.endpoints.{region}.host", endpoint["host"]))
    for name, value in candidates:
        text = _text(problems, name, value)
        if text is not None:
            try:
                return check_host(text)
            except ValueError as error:
                problems.append(f"{name} = {shown(text)}: {error}")
    return None


def credentials_from_env(environ: Mapping[str, str], region: str | None) -> Credentials:
    """The credentials in ``SES_SMTP_USERNAME``/``_PASSWORD`` (``_REGION``, ``_HOST`` optional)."""
    username = environ.get("SES_SMTP_USERNAME")
    password = environ.get("SES_SMTP_PASSWORD")
    if not username or not password:
        raise InputError(
            [
                "no credentials: give --outputs FILE|- (pulumi stack output --json "
                "--show-secrets) or set SES_SMTP_USERNAME and SES_SMTP_PASSWORD"
            ]
        )
    problems: list[str] = []
    check_username(problems, "SES_SMTP_USERNAME", username)
    check_password(problems, "SES_SMTP_PASSWORD", password)
    if region is None and environ.get("SES_SMTP_REGION"):
        region = environ["SES_SMTP_REGION"]
        try:
            check_region(region)
        except ValueError as error:
            problems.append(f"SES_SMTP_REGION = {shown(region)}: {error}")
    host = environ.get("SES_SMTP_HOST") or None
    if host is not None:
        try:
            host = check_host(host)
        except ValueError as error:
            problems.append(f"SES_SMTP_HOST = {shown(host)}: {error}")
    if problems:
        raise InputError(problems)
    return Credentials(
        username=username,
        password=password,
        region=region,
        host=host,
        source="environment",
    )
