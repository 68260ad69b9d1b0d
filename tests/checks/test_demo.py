"""``scripts/demo.sh``: plain output when redirected, nothing left in the temporary directory,
and ``--keep``: the servers stay up for the printed command until Ctrl-C."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from pathlib import Path

from tests.support.checks_support import run_cli
from tests.support.paths import REPO

DEMO = str(REPO / "scripts" / "demo.sh")


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp_path)}


def test_demo_output_is_plain_and_nothing_is_left_behind(tmp_path: Path) -> None:
    done = subprocess.run(
        [DEMO],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "\033[" not in done.stdout
    assert "=== checks verify: one record missing on ns2" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_demo_keep_serves_the_printed_command_until_ctrl_c(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [DEMO, "--keep", "--keep-seconds", "120"],
        cwd=REPO,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        command: list[str] = []
        for _ in range(400):  # the demo prints well under 400 lines
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("Try it by hand"):
                command = shlex.split(proc.stdout.readline())
                break
        assert command[1:4] == ["-m", "checks", "verify"], command
        # The servers are still up: the printed command sees the broken state (exit 1).
        by_hand = run_cli(*command[3:], "--json")
        assert by_hand.rc == 1, by_hand.err
        assert by_hand.findings("record_missing")
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert "Ctrl-C: stopping" in rest
    assert "=== stopping knotd" in rest
    assert proc.returncode == 0
    assert list(tmp_path.iterdir()) == []
