"""The Pulumi CLI for scripts/deploy.sh: the version pinned in scripts/pulumi-cli.toml, installed
into the checkout's ``.pulumi-cli/`` (never system-wide), its archive's SHA-256 checked against the
pin before anything is extracted or run.

    python scripts/pulumi_cli.py [--pins FILE] [--dir DIR]

Prints the folder holding the ``pulumi`` binary on stdout (to put first on PATH) and what it did on
stderr. Exit status: 0 the CLI is there; 2 a bad pin file or environment (each problem named);
4 the CLI could not be provided (an unknown platform, the download failed, its digest differs
from the pin or from Pulumi's checksums file, the checksums file lacks the archive, a URL of the
unpinned path is not HTTPS, or the archive is unsafe): deploy.sh's "prerequisite missing".

A pinned digest comes first. Where the platform's digest is empty, the archive is checked against
Pulumi's published ``pulumi-<version>-checksums.txt``, fetched over HTTPS (certificate verified)
from get.pulumi.com, the host the archive then comes from too; one line says the digest is not
pinned, which digest was verified, and the line that pins it. A mirror's archive is accepted only
against a pinned digest.

Environment: PULUMI_CLI_BASE_URL (default https://get.pulumi.com/releases/sdk, for a mirror; pinned
digests only), PULUMI_CLI_TIMEOUT seconds for each network read (default 60).
PULUMI_CLI_TEST_HTTPS_BASE_URL is for tests only: it stands in for get.pulumi.com on the unpinned
path (an HTTPS server on loopback whose CA is given with SSL_CERT_FILE).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

if __package__:
    from .pulumi_download import (
        OFFICIAL_BASE_URL,
        SHA256,
        CliError,
        Status,
        checksums_url,
        download,
        https_opener,
        public,
        published_digest,
        require_https,
        shown,
    )
else:  # run as `python scripts/pulumi_cli.py`: this folder is first on sys.path
    from pulumi_download import (
        OFFICIAL_BASE_URL,
        SHA256,
        CliError,
        Status,
        checksums_url,
        download,
        https_opener,
        public,
        published_digest,
        require_https,
        shown,
    )

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PINS = REPO / "scripts" / "pulumi-cli.toml"
DEFAULT_DIR = REPO / ".pulumi-cli"
MACHINES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
"""``uname -m`` values and the architecture names of Pulumi's release archives."""
PLATFORM = re.compile(r"^(linux|darwin)-(x64|arm64)$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
TEST_BASE_URL = "PULUMI_CLI_TEST_HTTPS_BASE_URL"
"""For tests only: replaces :data:`OFFICIAL_BASE_URL` where the digest is not pinned."""
TOP = "pulumi"
"""The one folder every release archive holds; nothing is extracted elsewhere."""


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
    """Where archives with a pinned digest come from (the official host or a mirror)."""
    mirror: bool
    """Whether ``base_url`` is PULUMI_CLI_BASE_URL's (then unpinned archives are refused)."""
    verified_base_url: str
    """Where unpinned archives and their checksums file come from: the official host."""
    timeout: float


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
        problems.append(f"{path}: version is {shown(version)}; allowed: a release like '3.272.0'")
    table: object = document.get("sha256")
    digests: dict[str, str] = {}
    if not isinstance(table, dict):
        problems.append(f"{path}: sha256 is {shown(table)}; allowed: a table platform = digest")
    else:
        for key, digest in cast(dict[str, object], table).items():  # TOML keys are strings
            if not PLATFORM.match(key):
                problems.append(
                    f"{path}: sha256.{key[:100]} is not a platform;"
                    " allowed: linux-x64, linux-arm64, darwin-x64, darwin-arm64"
                )
            elif not isinstance(digest, str) or not (digest == "" or SHA256.match(digest)):
                problems.append(
                    f"{path}: sha256.{key} is {shown(digest)}; allowed: 64 lowercase hex"
                    ' digits from Pulumi\'s checksums file, or "" (not pinned)'
                )
            else:
                digests[key] = digest
    unknown = sorted(set(document) - {"version", "sha256"})
    problems += [f"{path}: unknown key {shown(key)}; allowed: version, sha256" for key in unknown]
    if problems or not isinstance(version, str):
        return None, problems
    return Pins(path=path, version=version, sha256=digests), []


def load_settings(environ: Mapping[str, str]) -> tuple[Settings | None, list[str]]:
    """PULUMI_CLI_BASE_URL and PULUMI_CLI_TIMEOUT, or every problem they have."""
    problems: list[str] = []
    base_url = environ.get("PULUMI_CLI_BASE_URL") or OFFICIAL_BASE_URL
    if urllib.parse.urlsplit(base_url).scheme not in {"http", "https"} or "//" not in base_url:
        problems.append(
            f"PULUMI_CLI_BASE_URL is {shown(public(base_url))}; allowed: an http(s) URL of a"
            f" folder holding Pulumi's release archives, like {OFFICIAL_BASE_URL}"
        )
    raw_timeout = environ.get("PULUMI_CLI_TIMEOUT") or "60"
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 3600:
        problems.append(f"PULUMI_CLI_TIMEOUT is {shown(raw_timeout)}; allowed: seconds, 0 to 3600")
    if problems:
        return None, problems
    verified = environ.get(TEST_BASE_URL) or OFFICIAL_BASE_URL
    return Settings(
        base_url=base_url.rstrip("/"),
        mirror=bool(environ.get("PULUMI_CLI_BASE_URL")),
        verified_base_url=verified.rstrip("/"),
        timeout=timeout,
    ), []


def platform_key(system: str, machine: str) -> str:
    """The release archives' name for an operating system and ``uname -m``: ``linux-x64``."""
    arch = MACHINES.get(machine.lower())
    key = f"{system.lower()}-{arch}"
    if arch is None or not PLATFORM.match(key):
        raise CliError(
            Status.UNAVAILABLE,
            f"Pulumi publishes no CLI archive for {shown(system)} on {shown(machine)};"
            " archives exist for Linux and macOS on x86_64 and arm64",
        )
    return key


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
                        f"the archive holds {shown(member.name)}, outside {TOP}/;"
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


def _unpinned(
    pins: Pins, platform_name: str, settings: Settings
) -> tuple[str, str, urllib.request.OpenerDirector]:
    """For a platform without a pinned digest: the digest Pulumi's checksums file gives its
    archive, the HTTPS folder both come from, and the opener that fetched it."""
    name = f"pulumi-v{pins.version}-{platform_name}.tar.gz"
    if settings.mirror:
        raise CliError(
            Status.UNAVAILABLE,
            f"no pinned SHA-256 for pulumi v{pins.version} {platform_name}, and an archive from a"
            " mirror (PULUMI_CLI_BASE_URL) is installed only against a pinned digest; add the"
            f" digest from {checksums_url(pins.version)} to {pins.path}, unset"
            " PULUMI_CLI_BASE_URL to check the archive against that file, or install the CLI"
            " yourself",
        )
    base_url = settings.verified_base_url
    require_https(base_url)
    opener = https_opener()
    url = checksums_url(pins.version, base_url)
    return published_digest(url, name, timeout=settings.timeout, opener=opener), base_url, opener


def install(*, pins: Pins, platform_name: str, settings: Settings, root: Path) -> Path:
    """The folder holding the pinned ``pulumi``: already in ``root``, or downloaded, checked and
    unpacked there (via a staging folder, so an interrupted run leaves nothing half-installed).
    Without a pinned digest the archive is checked against Pulumi's checksums file instead."""
    if platform_name not in pins.sha256:
        pinned = ", ".join(sorted(pins.sha256)) or "none"
        raise CliError(
            Status.UNAVAILABLE,
            f"{pins.path} pins no pulumi v{pins.version} archive for {platform_name}"
            f" (pinned: {pinned}); install the CLI yourself",
        )
    name = f"pulumi-v{pins.version}-{platform_name}.tar.gz"
    expected = pins.sha256[platform_name]
    base_url, opener, source = settings.base_url, None, f"the pin in {pins.path}"
    if not expected:
        expected, base_url, opener = _unpinned(pins, platform_name, settings)
        checksums = public(checksums_url(pins.version, base_url))
        source = f"Pulumi's checksums file {checksums}"
        _say(
            f"the SHA-256 of {name} is not pinned in {pins.path}; verified {expected} against"
            f" {checksums}; to pin it, put this line under [sha256] in {pins.path}:"
            f' {platform_name} = "{expected}"'
        )
    target = root / f"{pins.version}-{platform_name}"
    binary_dir = target / TOP
    stamp = target / ".sha256"
    installed = stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == expected
    if installed and (binary_dir / "pulumi").is_file():
        _say(f"using pulumi v{pins.version} ({platform_name}) from {_display(binary_dir)}")
        return binary_dir
    url = f"{base_url}/{name}"
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=root))
    try:
        archive = staging / name
        _say(f"pulumi is not on PATH: downloading pulumi v{pins.version} from {public(url)}")
        actual = download(url, archive, timeout=settings.timeout, opener=opener)
        if actual != expected:
            raise CliError(
                Status.UNAVAILABLE,
                f"{name} does not match {source}: expected SHA-256 {expected},"
                f" got {actual}; the download was deleted and nothing was extracted or run",
            )
        _say(f"SHA-256 {actual} of {name} matches {source}")
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
                f"the pulumi in {name} reports {shown(reported)}, not v{pins.version};"
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
