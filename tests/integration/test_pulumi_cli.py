"""scripts/pulumi_cli.py: the pinned Pulumi CLI, downloaded from a stand-in for get.pulumi.com on
loopback, checked against its pinned SHA-256 before anything is extracted or run, unpacked safely
into the checkout; and the pin kept equal to the SDK's and the workflows' version."""

from __future__ import annotations

import platform
import re
import socket
import ssl
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
import trustme
import yaml

from scripts import pulumi_cli, pulumi_download
from tests.support.paths import REPO
from tests.support.release_server import (
    VERSION,
    Member,
    archive,
    archive_name,
    direct_environment,
    fake_cli,
    release_server,
    sha256,
    write_pins,
)

PLATFORM = pulumi_cli.platform_key(platform.system(), platform.machine())


def run_cli(
    tmp_path: Path, pins: Path, base_url: str | None, **environment: str
) -> subprocess.CompletedProcess[str]:
    """The installer in a subprocess; ``base_url`` is PULUMI_CLI_BASE_URL (``None``: unset)."""
    mirror = {} if base_url is None else {"PULUMI_CLI_BASE_URL": base_url}
    return subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "pulumi_cli.py"),
            *("--pins", str(pins), "--dir", str(tmp_path / ".pulumi-cli")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            k: v
            for k, v in direct_environment().items()
            if k not in ("PULUMI_CLI_BASE_URL", "SSL_CERT_FILE", "SSL_CERT_DIR")
        }
        | mirror
        | {"PULUMI_CLI_TIMEOUT": "10"}
        | environment,
    )


def installed_files(tmp_path: Path) -> list[str]:
    root = tmp_path / ".pulumi-cli"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) if root.exists() else []


def test_the_good_archive_is_installed_used_and_then_reused(tmp_path: Path) -> None:
    data = archive(fake_cli())
    pins = write_pins(tmp_path / "pins.toml", sha256(data))
    with release_server() as server:
        server.serve_archive(data)
        first = run_cli(tmp_path, pins, server.base_url)
        second = run_cli(tmp_path, pins, server.base_url)
    assert first.returncode == 0, first.stderr
    folder = Path(first.stdout.strip())
    assert folder == tmp_path / ".pulumi-cli" / f"{VERSION}-{PLATFORM}" / "pulumi"
    assert f"SHA-256 {sha256(data)} of {archive_name(PLATFORM)} matches the pin" in first.stderr
    assert f"installed pulumi v{VERSION} ({PLATFORM})" in first.stderr
    used = subprocess.run(
        [str(folder / "pulumi"), "version"], capture_output=True, text=True, timeout=30, check=True
    )
    assert used.stdout == f"v{VERSION}\n"
    assert server.requests == [f"/releases/sdk/{archive_name(PLATFORM)}"]
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert f"using pulumi v{VERSION}" in second.stderr
    assert not [name for name in installed_files(tmp_path) if ".partial-" in name]


def test_a_tampered_archive_is_refused_naming_both_digests_and_nothing_is_extracted(
    tmp_path: Path,
) -> None:
    good = archive(fake_cli())
    tampered = archive([*fake_cli(), Member(name="pulumi/extra", data=b"#!/bin/sh\n")])
    pins = write_pins(tmp_path / "pins.toml", sha256(good))
    with release_server() as server:
        server.serve_archive(tampered)
        result = run_cli(tmp_path, pins, server.base_url)
    assert result.returncode == 4
    assert result.stdout == ""
    assert f"expected SHA-256 {sha256(good)}, got {sha256(tampered)}" in result.stderr
    assert "nothing was extracted or run" in result.stderr
    assert installed_files(tmp_path) == []
    assert "Traceback" not in result.stderr


def test_without_a_pinned_digest_a_mirrors_archive_is_refused_unread(tmp_path: Path) -> None:
    pins = write_pins(tmp_path / "pins.toml", "")
    with release_server() as server:
        server.serve_archive(archive(fake_cli()))
        result = run_cli(tmp_path, pins, server.base_url)
        assert server.requests == []
    assert result.returncode == 4
    assert result.stderr == (
        f"pulumi-cli: no pinned SHA-256 for pulumi v{VERSION} {PLATFORM}, and an archive from a"
        " mirror (PULUMI_CLI_BASE_URL) is installed only against a pinned digest; add the digest"
        f" from https://get.pulumi.com/releases/sdk/pulumi-{VERSION}-checksums.txt to {pins},"
        " unset PULUMI_CLI_BASE_URL to check the archive against that file, or install the CLI"
        " yourself\n"
    )
    assert installed_files(tmp_path) == []


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_context(certificate_authority: trustme.CA) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 signed by the test CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


def run_unpinned(
    tmp_path: Path, base_url: str, ca: trustme.CA | None
) -> subprocess.CompletedProcess[str]:
    """The installer with no pinned digest and no mirror, the test HTTPS server standing in for
    get.pulumi.com; ``ca``: the CA its certificate is trusted through (``None``: none)."""
    pins = write_pins(tmp_path / "pins.toml", "")
    trust: dict[str, str] = {}
    if ca is not None:
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        trust["SSL_CERT_FILE"] = str(tmp_path / "ca.pem")
    return run_cli(tmp_path, pins, None, PULUMI_CLI_TEST_HTTPS_BASE_URL=base_url, **trust)


def test_without_a_pin_the_archive_is_checked_against_the_checksums_file_over_https(
    tmp_path: Path, https_context: ssl.SSLContext, certificate_authority: trustme.CA
) -> None:
    data = archive(fake_cli())
    with release_server(https_context) as server:
        server.serve_archive(data)
        server.serve_checksums(
            {archive_name("darwin-arm64"): "1" * 64, archive_name(PLATFORM): sha256(data)}
        )
        result = run_unpinned(tmp_path, server.base_url, certificate_authority)
    assert result.returncode == 0, result.stderr
    checksums = f"{server.base_url}/pulumi-{VERSION}-checksums.txt"
    pins = tmp_path / "pins.toml"
    assert result.stderr.splitlines()[0] == (
        f"pulumi-cli: the SHA-256 of {archive_name(PLATFORM)} is not pinned in {pins}; verified"
        f" {sha256(data)} against {checksums}; to pin it, put this line under [sha256] in"
        f' {pins}: {PLATFORM} = "{sha256(data)}"'
    )
    assert f"matches Pulumi's checksums file {checksums}" in result.stderr
    assert server.requests == [
        f"/releases/sdk/pulumi-{VERSION}-checksums.txt",
        f"/releases/sdk/{archive_name(PLATFORM)}",
    ]
    assert Path(result.stdout.strip()) / "pulumi" in [
        tmp_path / ".pulumi-cli" / f"{VERSION}-{PLATFORM}" / "pulumi" / "pulumi"
    ]


def test_without_a_pin_an_archive_the_checksums_file_disowns_is_refused(
    tmp_path: Path, https_context: ssl.SSLContext, certificate_authority: trustme.CA
) -> None:
    data = archive(fake_cli())
    with release_server(https_context) as server:
        server.serve_archive(data)
        server.serve_checksums({archive_name(PLATFORM): "2" * 64})
        result = run_unpinned(tmp_path, server.base_url, certificate_authority)
    assert result.returncode == 4
    assert f"expected SHA-256 {'2' * 64}, got {sha256(data)}" in result.stderr
    assert "nothing was extracted or run" in result.stderr
    assert installed_files(tmp_path) == []
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "lines",
    [{}, {archive_name("darwin-x64"): "3" * 64}, {archive_name(PLATFORM): "not-a-digest"}],
    ids=["empty", "other archives only", "no digest"],
)
def test_without_a_pin_a_checksums_file_lacking_the_archive_stops_before_the_download(
    tmp_path: Path,
    https_context: ssl.SSLContext,
    certificate_authority: trustme.CA,
    lines: dict[str, str],
) -> None:
    with release_server(https_context) as server:
        server.serve_archive(archive(fake_cli()))
        server.serve_checksums(lines)
        result = run_unpinned(tmp_path, server.base_url, certificate_authority)
    assert result.returncode == 4
    assert f"not one SHA-256 of {archive_name(PLATFORM)}" in result.stderr
    assert server.requests == [f"/releases/sdk/pulumi-{VERSION}-checksums.txt"]
    assert installed_files(tmp_path) == []


def test_without_a_pin_plain_http_is_refused_unread(tmp_path: Path) -> None:
    with release_server() as server:
        server.serve_archive(archive(fake_cli()))
        result = run_unpinned(tmp_path, server.base_url, None)
        assert server.requests == []
    assert result.returncode == 4
    assert f"{server.base_url!r} is not HTTPS" in result.stderr
    assert installed_files(tmp_path) == []


def test_without_a_pin_a_redirect_to_plain_http_is_refused(
    tmp_path: Path, https_context: ssl.SSLContext, certificate_authority: trustme.CA
) -> None:
    with release_server() as plain, release_server(https_context) as server:
        plain.serve_checksums({archive_name(PLATFORM): "4" * 64})
        checksums = f"/releases/sdk/pulumi-{VERSION}-checksums.txt"
        server.redirects[checksums] = f"{plain.base_url}/pulumi-{VERSION}-checksums.txt"
        result = run_unpinned(tmp_path, server.base_url, certificate_authority)
        assert plain.requests == []
    assert result.returncode == 4
    assert "which is not HTTPS; nothing was installed" in result.stderr
    assert "Traceback" not in result.stderr
    assert installed_files(tmp_path) == []


def test_without_a_pin_an_untrusted_certificate_is_refused(
    tmp_path: Path, https_context: ssl.SSLContext
) -> None:
    with release_server(https_context) as server:
        server.serve_archive(archive(fake_cli()))
        result = run_unpinned(tmp_path, server.base_url, None)
        assert server.requests == []
    assert result.returncode == 4
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr or "certificate verify" in result.stderr
    assert installed_files(tmp_path) == []


UNSAFE = {
    "traversal": [*fake_cli(), Member(name="pulumi/../../escaped", data=b"x")],
    "absolute": [*fake_cli(), Member(name="/tmp/escaped-pulumi-test", data=b"x")],
    "outside pulumi/": [*fake_cli(), Member(name="bin/escaped", data=b"x")],
    "absolute symlink": [
        *fake_cli(),
        Member(name="pulumi/passwd", kind=tarfile.SYMTYPE, link="/etc/passwd"),
    ],
    "symlink out": [
        *fake_cli(),
        Member(name="pulumi/up", kind=tarfile.SYMTYPE, link="../../../outside"),
    ],
    "hard link out": [
        *fake_cli(),
        Member(name="pulumi/hard", kind=tarfile.LNKTYPE, link="../../outside"),
    ],
    "device": [*fake_cli(), Member(name="pulumi/null", kind=tarfile.CHRTYPE)],
}


@pytest.mark.parametrize("members", UNSAFE.values(), ids=list(UNSAFE))
def test_an_unsafe_archive_with_the_pinned_digest_is_still_refused(
    tmp_path: Path, members: list[Member]
) -> None:
    data = archive(members)
    pins = write_pins(tmp_path / "pins.toml", sha256(data))
    with release_server() as server:
        server.serve_archive(data)
        result = run_cli(tmp_path, pins, server.base_url)
    assert result.returncode == 4, result.stderr
    assert "nothing was installed" in result.stderr
    assert repr(members[-1].name) in result.stderr
    assert "Traceback" not in result.stderr
    assert installed_files(tmp_path) == []
    assert not (tmp_path / "escaped").exists()
    assert not Path("/tmp/escaped-pulumi-test").exists()


def test_an_endless_download_is_stopped_at_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pulumi_download, "MAX_ARCHIVE_BYTES", 1000)
    with release_server() as server:
        server.serve_archive(b"x" * 5_000_000)
        with pytest.raises(pulumi_cli.CliError) as caught:
            pulumi_download.download(
                f"{server.base_url}/{archive_name(PLATFORM)}", tmp_path / "a.tar.gz", timeout=10
            )
    assert caught.value.status == pulumi_cli.Status.UNAVAILABLE
    assert "passed 1000 bytes" in str(caught.value)


def test_without_tarfiles_data_filter_nothing_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.tar.gz").write_bytes(archive(fake_cli()))
    monkeypatch.delattr(tarfile, "data_filter")
    with pytest.raises(pulumi_cli.CliError) as caught:
        pulumi_cli.extract(tmp_path / "a.tar.gz", tmp_path / "tree")
    assert "lacks tarfile's 'data' filter" in str(caught.value)
    assert not (tmp_path / "tree").exists()


def test_an_archive_whose_pulumi_reports_another_version_is_not_installed(
    tmp_path: Path,
) -> None:
    data = archive(fake_cli("3.1.0"))
    pins = write_pins(tmp_path / "pins.toml", sha256(data))
    with release_server() as server:
        server.serve_archive(data)
        result = run_cli(tmp_path, pins, server.base_url)
    assert result.returncode == 4
    assert f"reports 'v3.1.0', not v{VERSION}" in result.stderr
    assert installed_files(tmp_path) == []


def test_an_archive_without_the_pulumi_binary_is_not_installed(tmp_path: Path) -> None:
    data = archive([Member(name="pulumi", kind=tarfile.DIRTYPE)])
    pins = write_pins(tmp_path / "pins.toml", sha256(data))
    with release_server() as server:
        server.serve_archive(data)
        result = run_cli(tmp_path, pins, server.base_url)
    assert result.returncode == 4
    assert "holds no executable pulumi/pulumi; nothing was installed" in result.stderr
    assert installed_files(tmp_path) == []


def test_a_platform_the_pin_file_lacks_is_named(tmp_path: Path) -> None:
    pins = pulumi_cli.Pins(path=Path("pins.toml"), version=VERSION, sha256={"linux-arm64": ""})
    settings = pulumi_cli.Settings(
        base_url="http://127.0.0.1:9",
        mirror=True,
        verified_base_url="https://127.0.0.1:9",
        timeout=1,
    )
    with pytest.raises(pulumi_cli.CliError) as caught:
        pulumi_cli.install(
            pins=pins, platform_name="linux-x64", settings=settings, root=tmp_path / "cli"
        )
    assert str(caught.value) == (
        f"pins.toml pins no pulumi v{VERSION} archive for linux-x64 (pinned: linux-arm64);"
        " install the CLI yourself"
    )
    assert not (tmp_path / "cli").exists()


def test_a_missing_archive_and_an_unreachable_server_are_said_plainly(tmp_path: Path) -> None:
    pins = write_pins(tmp_path / "pins.toml", "0" * 64)
    with release_server() as server:
        missing = run_cli(tmp_path, pins, server.base_url)
    assert missing.returncode == 4
    assert f"{archive_name(PLATFORM)} failed: HTTP 404" in missing.stderr
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        url = f"http://user:s3cret@127.0.0.1:{closed.getsockname()[1]}/releases/sdk"
        refused = run_cli(tmp_path, pins, url)
    assert refused.returncode == 4
    assert "cannot download http://127.0.0.1:" in refused.stderr
    assert "check the network, a proxy (HTTPS_PROXY) or PULUMI_CLI_BASE_URL" in refused.stderr
    assert "s3cret" not in refused.stderr
    assert installed_files(tmp_path) == []


def test_a_bad_pin_file_and_environment_are_named_together(tmp_path: Path) -> None:
    pins = tmp_path / "pins.toml"
    pins.write_text(
        'version = "latest"\nchannel = "dev"\n[sha256]\nlinux-x64 = "ABC"\nwindows-x64 = ""\n',
        encoding="utf-8",
    )
    result = run_cli(tmp_path, pins, "ftp://mirror.example/pulumi", PULUMI_CLI_TIMEOUT="soon")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines == [
        f"pulumi-cli: {pins}: version is 'latest'; allowed: a release like '3.272.0'",
        f"pulumi-cli: {pins}: sha256.linux-x64 is 'ABC'; allowed: 64 lowercase hex digits from"
        ' Pulumi\'s checksums file, or "" (not pinned)',
        f"pulumi-cli: {pins}: sha256.windows-x64 is not a platform; allowed: linux-x64,"
        " linux-arm64, darwin-x64, darwin-arm64",
        f"pulumi-cli: {pins}: unknown key 'channel'; allowed: version, sha256",
        "pulumi-cli: PULUMI_CLI_BASE_URL is 'ftp://mirror.example/pulumi'; allowed: an http(s)"
        " URL of a folder holding Pulumi's release archives, like"
        " https://get.pulumi.com/releases/sdk",
        "pulumi-cli: PULUMI_CLI_TIMEOUT is 'soon'; allowed: seconds, 0 to 3600",
    ]


@pytest.mark.parametrize(
    ("system", "machine", "key"),
    [
        ("Linux", "x86_64", "linux-x64"),
        ("Linux", "aarch64", "linux-arm64"),
        ("Darwin", "arm64", "darwin-arm64"),
    ],
)
def test_the_platform_comes_from_uname(system: str, machine: str, key: str) -> None:
    assert pulumi_cli.platform_key(system, machine) == key


@pytest.mark.parametrize(("system", "machine"), [("Linux", "riscv64"), ("FreeBSD", "amd64")])
def test_a_platform_without_archives_is_named(system: str, machine: str) -> None:
    with pytest.raises(pulumi_cli.CliError) as caught:
        pulumi_cli.platform_key(system, machine)
    assert caught.value.status == pulumi_cli.Status.UNAVAILABLE
    assert f"no CLI archive for {system!r} on {machine!r}" in str(caught.value)


def _workflow_cli_versions() -> list[str]:
    found: list[str] = []
    for path in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            for step in job.get("steps", []):
                if "pulumi-version" in step.get("with", {}):
                    found.append(str(step["with"]["pulumi-version"]))
    return found


def test_the_pinned_cli_is_the_sdks_and_the_workflows_version() -> None:
    pins = tomllib.loads((REPO / "scripts" / "pulumi-cli.toml").read_text(encoding="utf-8"))
    sdk = re.search(r"^pulumi==(\S+)", (REPO / "requirements.txt").read_text(), re.M)
    assert sdk is not None
    assert pins["version"] == sdk.group(1)
    workflows = _workflow_cli_versions()
    assert workflows and set(workflows) == {pins["version"]}
    loaded, problems = pulumi_cli.load_pins(REPO / "scripts" / "pulumi-cli.toml")
    assert problems == []
    assert loaded is not None and set(loaded.sha256) == {"linux-x64", "linux-arm64"}


def test_the_installed_cli_stays_out_of_git() -> None:
    assert "/.pulumi-cli/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
