"""The C latency proxy (``bench/latency_proxy.c``) built with the system's ``cc``, once per source.

The binary lives in a cache directory outside the repository
(``$XDG_CACHE_HOME/ses-checks-bench/``, else ``~/.cache/ses-checks-bench/``), named after a hash
of the source, the compiler flags and the compiler's version line, so that a changed source (or
compiler) is built again and an unchanged one is not. It is never written into the tree.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).with_name("latency_proxy.c")
FLAGS = ("-O2", "-Wall", "-Wextra", "-std=c11", "-D_GNU_SOURCE")
COMPILE_TIMEOUT = 120.0
"""Seconds a compilation may take (it takes about one)."""


@dataclass(frozen=True, kw_only=True)
class Build:
    """The binary, or None and why there is none."""

    path: Path | None
    reason: str
    """What happened: built, found in the cache, or why it could not be built."""


def cache_dir() -> Path:
    """Where built binaries are kept: ``$XDG_CACHE_HOME`` (when absolute) or ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "ses-checks-bench"


def build_latency_proxy(*, cache: Path | None = None, compiler: str = "cc") -> Build:
    """The proxy's binary, compiled with ``compiler`` when the cache has none for this source."""
    cc = shutil.which(compiler)
    if cc is None:
        return Build(path=None, reason=f"no C compiler: {compiler!r} is not on PATH")
    try:
        version = subprocess.run(
            [cc, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.partition("\n")[0]
        source = SOURCE.read_bytes()
    except (OSError, subprocess.SubprocessError) as exc:
        return Build(path=None, reason=f"cannot run {cc} or read {SOURCE.name}: {exc}")
    digest = hashlib.sha256(b"\0".join([source, " ".join(FLAGS).encode(), version.encode()]))
    folder = cache or cache_dir()
    binary = folder / f"latency_proxy-{digest.hexdigest()[:16]}"
    if binary.is_file() and os.access(binary, os.X_OK):
        return Build(path=binary, reason=f"cached {binary}")
    partial = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Built beside its final name, then renamed: two benches at once never see half a file.
        handle, partial = tempfile.mkstemp(prefix=f"{binary.name}.", dir=folder)
        os.close(handle)
        done = subprocess.run(
            [cc, *FLAGS, "-o", partial, str(SOURCE)],
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            tail = " ".join(done.stderr.strip().splitlines()[-3:])[:400]
            return Build(path=None, reason=f"{cc} failed (exit {done.returncode}): {tail}")
        os.chmod(partial, 0o755)
        os.replace(partial, binary)
    except (OSError, subprocess.SubprocessError) as exc:
        return Build(path=None, reason=f"cannot build in {folder}: {exc}")
    finally:
        if partial:
            Path(partial).unlink(missing_ok=True)
    return Build(path=binary, reason=f"built {binary} with {version or cc}")
