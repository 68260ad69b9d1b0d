"""Benchmark of the offline plan: wall time and peak memory for 1, 10 and 100 domains.

    python -m bench.plan_bench [--domains 1 10 100] [--repeat 3] [--out bench/plan_results.json]

Each run is a fresh process (``python -m components.plan --stack bench --json``) on a generated
stack whose domains each carry the dev stack's per-domain settings, in the three series of
``SERIES``.
The floor is a process that only imports ``pulumi`` and ``pulumi_aws``.
Peak memory is the maximum resident set size of the child process.
Prints a table and writes JSON. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent


SERIES: dict[str, str] = {
    "identity": "SesDomain only (configurationSet: false)",
    "default": "domain defaults (own configuration set and topics)",
    "full": "full dev stack settings (without SMTP users)",
}
"""Three generated stacks per size. SMTP users are left out: they name the dev domain while the
benchmark scales domains."""


def _stack_config(domains: int, series: str) -> dict[str, Any]:
    dev = yaml.safe_load((REPO / "Pulumi.dev.yaml").read_text(encoding="utf-8"))["config"]
    template = {**dev["ses:domains"][0], "emailIdentities": []}
    if series == "identity":
        template["configurationSet"] = False
    kept = ("aws:region", "ses:tags") if series != "full" else tuple(dev)
    config = {
        key: value
        for key, value in dev.items()
        if key in kept and key not in ("ses:domains", "ses:smtpUsers")
    }
    config["ses:domains"] = [
        {**template, "name": f"d{index:03d}.example.com"} for index in range(domains)
    ]
    return {"config": config}


SDK_FLOOR_RESOURCES = (14, 905)
"""Resource counts of the SesDomain-only plan at 1 and 100 domains."""
SDK_FLOOR = """
import pulumi
from pulumi_aws import route53
from components.plan.mocks import PlanMocks, RecordingMonitor
from components.plan.run import skip_source_positions
skip_source_positions()
mocks = PlanMocks()
pulumi.runtime.set_mocks(mocks, project="ses", stack="floor", monitor=RecordingMonitor(mocks))
@pulumi.runtime.test
def program():
    for index in range({count}):
        route53.Record(f"r{{index}}", zone_id="Z1", name=f"n{{index}}.example.com", type="TXT",
                       ttl=300, records=["v=spf1 -all"])
program()
"""
"""What the SDK's mock runtime alone costs to register that many resources with constant inputs:
the floor under any program that declares them."""


def _measure(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process, from its own rusage (wait4)."""
    with tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=cwd, stdout=sink, stderr=sink, env={**os.environ, "PYTHONPATH": str(REPO)}
        )
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            sink.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed: {sink.read()[-2000:]!r}")
    return elapsed, usage.ru_maxrss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plan_bench", description=__doc__)
    parser.add_argument("--domains", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "plan_results.json")
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = []
    floors = [("import pulumi, pulumi_aws", 0, "import pulumi, pulumi_aws")] + [
        (f"SDK alone: {count} constant records, same mocks", count, SDK_FLOOR.format(count=count))
        for count in SDK_FLOOR_RESOURCES
    ]
    for case, resources, code in floors:
        times = [_measure([sys.executable, "-c", code], REPO) for _ in range(args.repeat)]
        rows.append(
            {
                "case": case,
                "domains": 0,
                "resources": resources,
                "wall_s_median": statistics.median(t for t, _ in times),
                "peak_rss_mib": max(m for _, m in times) / 1024,
            }
        )
    with tempfile.TemporaryDirectory(prefix="plan-bench-") as workdir:
        project = Path(workdir)
        shutil.copy(REPO / "Pulumi.yaml", project / "Pulumi.yaml")
        shutil.copy(REPO / "__main__.py", project / "__main__.py")
        for series, count in [(series, count) for series in SERIES for count in args.domains]:
            stack_file = project / "Pulumi.bench.yaml"
            stack_file.write_text(yaml.safe_dump(_stack_config(count, series)), encoding="utf-8")
            command = [
                sys.executable,
                "-m",
                "components.plan",
                "--stack",
                "bench",
                "--json",
                "--project-dir",
                str(project),
            ]
            runs = [_measure(command, REPO) for _ in range(args.repeat)]
            plan = subprocess.run(
                command,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=600,
                check=True,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            rows.append(
                {
                    "case": f"plan --json, {series}, {count} domain(s)",
                    "series": series,
                    "domains": count,
                    "resources": len(json.loads(plan.stdout)["resources"]),
                    "wall_s_median": statistics.median(t for t, _ in runs),
                    "peak_rss_mib": max(m for _, m in runs) / 1024,
                }
            )
    for row in rows:
        one = next(
            (r for r in rows if r["domains"] == 1 and r.get("series") == row.get("series")), None
        )
        row["vs_1_domain"] = row["wall_s_median"] / one["wall_s_median"] if one else None
    print(f"{'case':50} {'resources':>9} {'wall s':>8} {'x 1 dom':>8} {'peak MiB':>9}")
    for row in rows:
        ratio = f"{row['vs_1_domain']:.2f}" if row["vs_1_domain"] is not None else "-"
        print(
            f"{row['case']:50} {row['resources']:>9} {row['wall_s_median']:>8.2f} "
            f"{ratio:>8} {row['peak_rss_mib']:>9.0f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"repeat": args.repeat, "python": sys.version.split()[0], "rows": rows}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
