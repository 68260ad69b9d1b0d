"""The Pulumi CLI for scripts/deploy.sh: the version pinned in scripts/pulumi-cli.toml, installed
into the checkout's ``.pulumi-cli/`` (never system-wide), its archive's SHA-256 checked against the
pin before anything is extracted or run.

    python scripts/pulumi_cli.py [--pins FILE] [--dir DIR]

Prints the folder holding the ``pulumi`` binary on stdout (to put first on PATH) and what it did on
stderr. Exit status: 0 the CLI is there; 2 a bad pin file or environment (each problem named);
4 the CLI could not be provided (no digest pinned for this platform, an unknown platform, the
download failed, its digest differs from the pin, or the archive is unsafe): deploy.sh's
"prerequisite missing".

Environment: PULUMI_CLI_BASE_URL (default https://get.pulumi.com/releases/sdk, for a mirror),
PULUMI_CLI_TIMEOUT seconds for each network read (default 60).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import cast

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PINS = REPO / "scripts" / "pulumi-cli.toml"
DEFAULT_DIR = REPO / ".pulumi-cli"
OFFICIAL_BASE_URL = "https://get.pulumi.com/releases/sdk"
MACHINES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
"""``uname -m`` values and the architecture names of Pulumi's release archives."""
PLATFORM = re.compile(r"^(linux|darwin)-(x64|arm64)$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_ARCHIVE_BYTES = 1 << 30
"""The release archives are about 100 MB; anything past this bound is not one of them."""
DOWNLOAD_DEADLINE = 1800.0
"""Seconds the whole download may take, however the server trickles it."""
TOP = "pulumi"
"""The one folder every release archive holds; nothing is extracted elsewhere."""


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


@dataclass(frozen=True, kw_only=True)
class Pins:
    """The pin file: one CLI version and the archive digest of each platform ("" = not pinned)."""

    path: Path
    version: str
    sha256: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The environment's choices, checked."""

    base_url: str
    timeout: float


def _shown(value: object) -> str:
    """A value as messages quote it: repr, at most 200 characters."""
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _public(url: str) -> str:
    """A URL without its user-info part (a mirror's credentials are never printed)."""
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _display(path: Path) -> Path:
    """A path as messages show it: relative to the checkout when inside it."""
    absolute = path.absolute()
    return absolute.relative_to(REPO) if absolute.is_relative_to(REPO) else absolute


def load_pins(path: Path) -> tuple[Pins | None, list[str]]:
    """The pin file, or every problem it has."""
    source, path = path.absolute(), _display(path)
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return None, [f"{path}: cannot be read as TOML ({str(error)[:200]})"]
    problems: list[str] = []
    version = document.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        problems.append(f"{path}: version is {_shown(version)}; allowed: a release like '3.272.0'")
    table: object = document.get("sha256")
    digests: dict[str, str] = {}
    if not isinstance(table, dict):
        problems.append(f"{path}: sha256 is {_shown(table)}; allowed: a table platform = digest")
    else:
        for key, digest in cast(dict[str, object], table).items():  # TOML keys are strings
            if not PLATFORM.match(key):
                problems.append(
                    f"{path}: sha256.{key[:100]} is not a platform;"
                    " allowed: linux-x64, linux-arm64, darwin-x64, darwin-arm64"
                )
            elif not isinstance(digest, str) or not (digest == "" or SHA256.match(digest)):
                problems.append(
                    f"{path}: sha256.{key} is {_shown(digest)}; allowed: 64 lowercase hex"
                    ' digits from Pulumi\'s checksums file, or "" (not pinned)'
                )
            else:
                digests[key] = digest
    unknown = sorted(set(document) - {"version", "sha256"})
    problems += [f"{path}: unknown key {_shown(key)}; allowed: version, sha256" for key in unknown]
    if problems or not isinstance(version, str):
        return None, problems
    return Pins(path=path, version=version, sha256=digests), []


def load_settings(environ: Mapping[str, str]) -> tuple[Settings | None, list[str]]:
    """PULUMI_CLI_BASE_URL and PULUMI_CLI_TIMEOUT, or every problem they have."""
    problems: list[str] = []
    base_url = environ.get("PULUMI_CLI_BASE_URL") or OFFICIAL_BASE_URL
    if urllib.parse.urlsplit(base_url).scheme not in {"http", "https"} or "//" not in base_url:
        problems.append(
            f"PULUMI_CLI_BASE_URL is {_shown(_public(base_url))}; allowed: an http(s) URL of a"
            f" folder holding Pulumi's release archives, like {OFFICIAL_BASE_URL}"
        )
    raw_timeout = environ.get("PULUMI_CLI_TIMEOUT") or "60"
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 3600:
        problems.append(f"PULUMI_CLI_TIMEOUT is {_shown(raw_timeout)}; allowed: seconds, 0 to 3600")
    if problems:
        return None, problems
    return Settings(base_url=base_url.rstrip("/"), timeout=timeout), []


def platform_key(system: str, machine: str) -> str:
    """The release archives' name for an operating system and ``uname -m``: ``linux-x64``."""
    arch = MACHINES.get(machine.lower())
    key = f"{system.lower()}-{arch}"
    if arch is None or not PLATFORM.match(key):
        raise CliError(
            Status.UNAVAILABLE,
            f"Pulumi publishes no CLI archive for {_shown(system)} on {_shown(machine)};"
            " archives exist for Linux and macOS on x86_64 and arm64",
        )
    return key


def checksums_url(version: str) -> str:
    """Where Pulumi publishes the SHA-256 of every archive of a release."""
    return f"{OFFICIAL_BASE_URL}/pulumi-{version}-checksums.txt"


def download(url: str, destination: Path, *, timeout: float) -> str:
    """Stream ``url`` into ``destination``; its SHA-256 (hex). Bounded in size and in time."""
    digest = hashlib.sha256()
    deadline = time.monotonic() + DOWNLOAD_DEADLINE
    size = 0
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,
            destination.open("wb") as out,
        ):
            while chunk := response.read(1 << 20):
                size += len(chunk)
                if size > MAX_ARCHIVE_BYTES or time.monotonic() > deadline:
                    raise CliError(
                        Status.UNAVAILABLE,
                        f"the download of {_public(url)} passed {MAX_ARCHIVE_BYTES} bytes or"
                        f" {DOWNLOAD_DEADLINE:.0f} s and was stopped",
                    )
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as error:
        raise CliError(
            Status.UNAVAILABLE, f"the download of {_public(url)} failed: HTTP {error.code}"
        ) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise CliError(
            Status.UNAVAILABLE,
            f"cannot download {_public(url)} ({str(reason)[:200]}); check the network, a proxy"
            " (HTTPS_PROXY) or PULUMI_CLI_BASE_URL",
        ) from None
    return digest.hexdigest()


def extract(archive: Path, destination: Path) -> None:
    """Unpack a release archive's ``pulumi/`` folder into ``destination``: every member must lie
    under it, and tarfile's 'data' filter refuses absolute names, ``..``, links leading out and
    device files, and drops set-uid bits."""
    if not hasattr(tarfile, "data_filter"):
        raise CliError(
            Status.UNAVAILABLE,
            f"Python {platform.python_version()} lacks tarfile's 'data' filter (3.11.4 and later"
            " have it) and the archive is not unpacked without it; nothing was installed",
        )
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if not parts or parts[0] != TOP or ".." in parts:
                    raise CliError(
                        Status.UNAVAILABLE,
                        f"the archive holds {_shown(member.name)}, outside {TOP}/;"
                        " nothing was installed",
                    )
            tar.extractall(destination, filter="data")
    except tarfile.FilterError as error:
        raise CliError(
            Status.UNAVAILABLE, f"the archive is unsafe ({str(error)[:200]}); nothing was installed"
        ) from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise CliError(
            Status.UNAVAILABLE,
            f"the archive cannot be unpacked ({str(error)[:200]}); nothing was installed",
        ) from None


def _reported_version(binary: Path) -> str:
    """What ``pulumi version`` prints, first line, bounded."""
    try:
        result = subprocess.run(
            [str(binary), "version"], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"nothing ({str(error)[:200]})"
    return (result.stdout.strip().splitlines() or [""])[0][:200]


def install(*, pins: Pins, platform_name: str, settings: Settings, root: Path) -> Path:
    """The folder holding the pinned ``pulumi``: already in ``root``, or downloaded, checked and
    unpacked there (via a staging folder, so an interrupted run leaves nothing half-installed)."""
    if platform_name not in pins.sha256:
        pinned = ", ".join(sorted(pins.sha256)) or "none"
        raise CliError(
            Status.UNAVAILABLE,
            f"{pins.path} pins no pulumi v{pins.version} archive for {platform_name}"
            f" (pinned: {pinned}); install the CLI yourself",
        )
    expected = pins.sha256[platform_name]
    if not expected:
        raise CliError(
            Status.UNAVAILABLE,
            f"no pinned SHA-256 for pulumi v{pins.version} {platform_name}; install the CLI"
            f" yourself or add the digest from {checksums_url(pins.version)} to {pins.path}",
        )
    target = root / f"{pins.version}-{platform_name}"
    binary_dir = target / TOP
    stamp = target / ".sha256"
    installed = stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == expected
    if installed and (binary_dir / "pulumi").is_file():
        _say(f"using pulumi v{pins.version} ({platform_name}) from {_display(binary_dir)}")
        return binary_dir
    name = f"pulumi-v{pins.version}-{platform_name}.tar.gz"
    url = f"{settings.base_url}/{name}"
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=root))
    try:
        archive = staging / name
        _say(f"pulumi is not on PATH: downloading pulumi v{pins.version} from {_public(url)}")
        actual = download(url, archive, timeout=settings.timeout)
        if actual != expected:
            raise CliError(
                Status.UNAVAILABLE,
                f"{name} does not match its pin in {pins.path}: expected SHA-256 {expected},"
                f" got {actual}; the download was deleted and nothing was extracted or run",
            )
        _say(f"SHA-256 {actual} of {name} matches the pin in {pins.path}")
        tree = staging / "tree"
        extract(archive, tree)
        binary = tree / TOP / "pulumi"
        if not binary.is_file() or not os.access(binary, os.X_OK):
            raise CliError(
                Status.UNAVAILABLE,
                f"{name} holds no executable {TOP}/pulumi; nothing was installed",
            )
        reported = _reported_version(binary)
        if reported != f"v{pins.version}":
            raise CliError(
                Status.UNAVAILABLE,
                f"the pulumi in {name} reports {_shown(reported)}, not v{pins.version};"
                " nothing was installed",
            )
        (tree / ".sha256").write_text(expected + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        tree.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _say(f"installed pulumi v{pins.version} ({platform_name}) into {_display(binary_dir)}")
    return binary_dir


def _say(message: str) -> None:
    print(f"pulumi-cli: {message}", file=sys.stderr)


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/pulumi_cli.py",
        description="Install the pinned Pulumi CLI into the checkout; print its folder.",
    )
    parser.add_argument("--pins", type=Path, default=DEFAULT_PINS, help="the pin file")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where CLIs are installed")
    options = parser.parse_args(argv)
    pins, problems = load_pins(options.pins)
    settings, more = load_settings(os.environ if environ is None else environ)
    problems += more
    if problems or pins is None or settings is None:
        for problem in problems:
            _say(problem)
        return Status.BAD_INPUT
    try:
        folder = install(
            pins=pins,
            platform_name=platform_key(platform.system(), platform.machine()),
            settings=settings,
            root=options.dir.absolute(),
        )
    except CliError as error:
        _say(str(error))
        return error.status
    print(folder)
    return Status.OK


if __name__ == "__main__":
    sys.exit(main())
