"""Constraint violations in plans made by an earlier commit and by this checkout (not a test).

    python -m bench.constraints_before_after [--commit 25aa09c] [--examples 300] [--out PATH]

Draws ``--examples`` configurations with the suite's strategy (``tests/support/config_strategies``)
once, then plans each with the code of ``--commit`` (a temporary ``git worktree`` with this
checkout's ``components/constraints`` and ``api_limits.py`` copied in, so both are judged by
today's limits) and with this checkout's code, and holds every plan against ``check_resources``
plus duplicate logical names. Also plans every ``Pulumi.*.yaml`` of each tree alone and all
together, as one account holds them. Prints a table and writes JSON (default
/tmp/constraints_before_after.json). 25aa09c is the last commit before the apply-fidelity fixes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.generated_configs import for_each_drawn
from tests.support.paths import REPO

JUDGE = r"""
import collections, json, os, re, sys, tempfile
from pathlib import Path
import yaml
from components.constraints import check_resources
from components.plan.run import make_plan
from components.validation import ConfigError

tree, drawn_all = Path.cwd(), json.load(open(sys.argv[1], encoding="utf-8"))

def violations(resources):
    logical = collections.Counter((r["type"], r["name"]) for r in resources)
    return [str(v) for v in check_resources(resources)] + [
        f"{t} {n}: logical name shared" for (t, n), c in logical.items() if c > 1]

counts, kinds = collections.Counter(), collections.Counter()
for drawn in drawn_all:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("Pulumi.yaml", "__main__.py"):
            os.symlink(tree / name, Path(tmp) / name)
        (Path(tmp) / "Pulumi.gen.yaml").write_text(
            yaml.safe_dump(drawn["stack_file"], allow_unicode=True), encoding="utf-8")
        try:
            resources = make_plan("gen", Path(tmp)).resources
        except ConfigError:
            counts["refused"] += 1
            continue
    found = violations(resources)
    counts["crossed limit accepted"] += drawn["broken"] is not None
    counts["planned with violations"] += bool(found)
    counts["violations"] += len(found)
    kinds.update(re.sub(r"^.*? \((\S+)\): ([^=]+?)(\[\d+\])? = .*$", r"\1 \2", v) for v in found)
stacks = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in tree.glob("Pulumi.*.yaml"))
plans = {s: make_plan(s).resources for s in stacks}
together = [{**r, "name": f"{s}/{r['name']}"} for s, rs in plans.items() for r in rs]
print(json.dumps({
    "configurations": len(drawn_all), **counts,
    "violations_by_input": dict(kinds.most_common()),
    "stacks": {s: len(violations(rs)) for s, rs in plans.items()},
    "stacks_in_one_account": [str(v) for v in check_resources(together)],
}))
"""


def draw(examples: int) -> list[dict[str, Any]]:
    drawn_all: list[dict[str, Any]] = []
    for_each_drawn(
        examples,
        0,
        lambda drawn: drawn_all.append({"stack_file": drawn.stack_file(), "broken": drawn.broken}),
    )
    return drawn_all


def judge(tree: Path, drawn_file: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", JUDGE, str(drawn_file)],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.constraints_before_after")
    parser.add_argument("--commit", default="25aa09c")
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("/tmp/constraints_before_after.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="constraints-") as tmp:
        drawn_file = Path(tmp) / "drawn.json"
        drawn_file.write_text(json.dumps(draw(args.examples)), encoding="utf-8")
        before = Path(tmp) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(before), args.commit],
            cwd=REPO,
            check=True,
        )
        try:
            shutil.copytree(
                REPO / "components" / "constraints", before / "components" / "constraints"
            )
            shutil.copy(REPO / "components" / "api_limits.py", before / "components")
            results = {args.commit: judge(before, drawn_file), "now": judge(REPO, drawn_file)}
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before)], cwd=REPO, check=False
            )
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    rows = ("configurations", "refused", "planned with violations", "violations",
            "crossed limit accepted")  # fmt: skip
    print(f"{'':28}{args.commit:>12}{'now':>12}")
    for row in rows:
        print(f"{row:28}" + "".join(f"{r.get(row, 0):>12}" for r in results.values()))
    for label, result in results.items():
        print(f"{label}: stacks alone {result['stacks']}; all stacks in one account: "
              f"{len(result['stacks_in_one_account'])} shared names")  # fmt: skip
        for what, count in result["violations_by_input"].items():
            print(f"  {count:5}  {what}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
