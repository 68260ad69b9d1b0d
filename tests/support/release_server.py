"""A stand-in for get.pulumi.com on loopback: a stdlib HTTP server in a thread serving given bytes
at given paths (404 elsewhere) and recording every request; and release archives to serve, with a
fake ``pulumi/pulumi`` that prints its version and logs every other call."""

from __future__ import annotations

import hashlib
import io
import os
import ssl
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

VERSION = "3.272.0"
FAKE_PULUMI = """#!/bin/sh
# A stand-in for the Pulumi CLI: `version` prints the pinned one; any other call is logged
# (backend and arguments) to $FAKE_PULUMI_LOG; `up` ends with $FAKE_PULUMI_UP_STATUS (default 0).
if [ "$1" = version ]; then
  echo "v{version}"
  exit 0
fi
echo "$PULUMI_BACKEND_URL $*" >> "${{FAKE_PULUMI_LOG:-/dev/null}}"
if [ "$1" = up ]; then
  exit "${{FAKE_PULUMI_UP_STATUS:-0}}"
fi
"""


@dataclass(frozen=True, kw_only=True)
class Member:
    """One entry of a test archive: a file (with ``data``), a folder, or a link (``link`` set)."""

    name: str
    data: bytes = b""
    mode: int = 0o755
    kind: bytes = tarfile.REGTYPE
    link: str = ""


def fake_cli(version: str = VERSION) -> list[Member]:
    """The members of a release archive whose ``pulumi/pulumi`` reports ``version``."""
    return [
        Member(name="pulumi", kind=tarfile.DIRTYPE),
        Member(name="pulumi/pulumi", data=FAKE_PULUMI.format(version=version).encode()),
        Member(name="pulumi/pulumi-language-python", data=b"#!/bin/sh\nexit 0\n"),
    ]


def archive(members: list[Member]) -> bytes:
    """A gzipped tar of ``members``, in order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for member in members:
            info = tarfile.TarInfo(member.name)
            info.type = member.kind
            info.mode = member.mode
            info.linkname = member.link
            info.size = len(member.data) if member.kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(member.data) if member.kind == tarfile.REGTYPE else None)
    return buffer.getvalue()


def direct_environment() -> dict[str, str]:
    """This process's environment without proxy settings, so that requests to loopback servers
    go straight to them and nowhere else."""
    return {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_name(platform_name: str, version: str = VERSION) -> str:
    return f"pulumi-v{version}-{platform_name}.tar.gz"


def write_pins(path: Path, digest: str, *, version: str = VERSION) -> Path:
    """A pin file giving ``digest`` for both Linux platforms (whichever this machine is)."""
    path.write_text(
        f'version = "{version}"\n[sha256]\nlinux-x64 = "{digest}"\nlinux-arm64 = "{digest}"\n',
        encoding="utf-8",
    )
    return path


@dataclass(kw_only=True)
class ReleaseServer:
    """What the server serves (path -> bytes) and the paths it was asked for."""

    base_url: str
    files: dict[str, bytes] = field(default_factory=dict[str, bytes])
    redirects: dict[str, str] = field(default_factory=dict[str, str])
    """Path -> the URL a 302 sends the client to."""
    requests: list[str] = field(default_factory=list[str])

    def serve_checksums(self, lines: dict[str, str], version: str = VERSION) -> None:
        """Serve Pulumi's checksums file of ``version``: ``<digest>  <file name>`` lines."""
        text = "".join(f"{digest}  {name}\n" for name, digest in lines.items())
        self.files[f"/releases/sdk/pulumi-{version}-checksums.txt"] = text.encode()

    def serve_archive(self, data: bytes, version: str = VERSION) -> None:
        """Serve ``data`` as the release archive of both Linux platforms."""
        for platform_name in ("linux-x64", "linux-arm64"):
            self.files[f"/releases/sdk/{archive_name(platform_name, version)}"] = data


@contextmanager
def release_server(tls: ssl.SSLContext | None = None) -> Iterator[ReleaseServer]:
    """A server on 127.0.0.1 (an ephemeral port) for the length of the block; HTTPS with
    ``tls`` (a server context, e.g. with a trustme certificate for 127.0.0.1)."""
    state = ReleaseServer(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path in state.redirects:
                self.send_response(302)
                self.send_header("Location", state.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = state.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the requests are recorded instead."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "http" if tls is None else "https"
    state.base_url = f"{scheme}://127.0.0.1:{server.server_address[1]}/releases/sdk"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
