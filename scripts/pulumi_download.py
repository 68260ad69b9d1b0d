"""Downloads for scripts/pulumi_cli.py: bounded in size and time, and, for an archive whose digest
is not pinned, Pulumi's checksums file read over HTTPS only (certificate and host name verified,
redirects only to HTTPS). Also the errors and exit statuses both share."""

from __future__ import annotations

import hashlib
import re
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from enum import IntEnum
from pathlib import Path

OFFICIAL_BASE_URL = "https://get.pulumi.com/releases/sdk"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_ARCHIVE_BYTES = 1 << 30
"""The release archives are about 100 MB; anything past this bound is not one of them."""
DOWNLOAD_DEADLINE = 1800.0
"""Seconds the whole download may take, however the server trickles it."""
MAX_CHECKSUMS_BYTES = 1 << 20
"""A release's checksums file lists a few dozen archives; anything past this is not one."""


class Status(IntEnum):
    """The command's exit status."""

    OK = 0
    BAD_INPUT = 2
    UNAVAILABLE = 4


class CliError(Exception):
    """Why the CLI cannot be provided, with the exit status to leave with."""

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status


def shown(value: object) -> str:
    """A value as messages quote it: repr, at most 200 characters."""
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def public(url: str) -> str:
    """A URL without its user-info part (a mirror's credentials are never printed)."""
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def checksums_url(version: str, base_url: str = OFFICIAL_BASE_URL) -> str:
    """Where Pulumi publishes the SHA-256 of every archive of a release."""
    return f"{base_url}/pulumi-{version}-checksums.txt"


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another HTTPS URL."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme != "https":
            raise CliError(
                Status.UNAVAILABLE,
                f"{public(req.full_url)} redirects to {shown(public(newurl))}, which is not"
                " HTTPS; nothing was installed",
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def https_opener() -> urllib.request.OpenerDirector:
    """An opener for HTTPS only, certificates and host names verified (the system's CAs, or
    SSL_CERT_FILE's), redirects followed only to HTTPS."""
    context = ssl.create_default_context()
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), _HttpsOnlyRedirects()
    )


def require_https(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme != "https":
        raise CliError(
            Status.UNAVAILABLE,
            f"{shown(public(url))} is not HTTPS; an archive whose digest is not pinned is"
            " checked only against a checksums file fetched over HTTPS; nothing was downloaded",
        )


def published_digest(
    url: str, archive_name: str, *, timeout: float, opener: urllib.request.OpenerDirector
) -> str:
    """The SHA-256 Pulumi's checksums file at ``url`` gives ``archive_name`` (lines
    ``<digest>  <file name>``), fetched over HTTPS; refused when the file lacks the archive or
    gives it two digests."""
    require_https(url)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checksums.txt"
        download(url, path, timeout=timeout, opener=opener, limit=MAX_CHECKSUMS_BYTES)
        text = path.read_text(encoding="utf-8", errors="replace")
    found: set[str] = set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].removeprefix("*") == archive_name:
            found.add(parts[0].lower())
    valid = {digest for digest in found if SHA256.match(digest)}
    if len(valid) != 1 or valid != found:
        said = "has no line for it" if not found else f"gives it {shown(sorted(found))}"
        raise CliError(
            Status.UNAVAILABLE,
            f"{public(url)} {said}, not one SHA-256 of {archive_name}; nothing was downloaded"
            " or installed",
        )
    return valid.pop()


def download(
    url: str,
    destination: Path,
    *,
    timeout: float,
    opener: urllib.request.OpenerDirector | None = None,
    limit: int | None = None,
) -> str:
    """Stream ``url`` into ``destination``; its SHA-256 (hex). Bounded in size (``limit``,
    default :data:`MAX_ARCHIVE_BYTES`) and in time; ``opener``: e.g. :func:`https_opener`."""
    digest = hashlib.sha256()
    deadline = time.monotonic() + DOWNLOAD_DEADLINE
    bound = MAX_ARCHIVE_BYTES if limit is None else limit
    size = 0
    open_url = opener.open if opener is not None else urllib.request.urlopen
    try:
        with (
            open_url(url, timeout=timeout) as response,
            destination.open("wb") as out,
        ):
            while chunk := response.read(1 << 20):
                size += len(chunk)
                if size > bound or time.monotonic() > deadline:
                    raise CliError(
                        Status.UNAVAILABLE,
                        f"the download of {public(url)} passed {bound} bytes or"
                        f" {DOWNLOAD_DEADLINE:.0f} s and was stopped",
                    )
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as error:
        raise CliError(
            Status.UNAVAILABLE, f"the download of {public(url)} failed: HTTP {error.code}"
        ) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise CliError(
            Status.UNAVAILABLE,
            f"cannot download {public(url)} ({str(reason)[:200]}); check the network, a proxy"
            " (HTTPS_PROXY) or PULUMI_CLI_BASE_URL",
        ) from None
    return digest.hexdigest()
