"""A long fuzz run of the offline plan's input (the suite runs a bounded one).

    python -m bench.plan_fuzz [--examples 2000] [--seed 0] [--no-sweep]

First the sweep: every hostile value of ``tests/support/plan_fuzz.py`` at every config path the
parsers read. Then ``--examples`` Hypothesis-drawn (path, YAML tree) pairs from ``--seed``. Each
run is ``python -m components.plan`` in-process; a run is handled well when it exits 0 or 2,
prints no traceback and at most 64 KiB. Prints the counts and every run that was not handled
well (path, value, what was wrong). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import reprlib
import sys
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.support.plan_fuzz import (
    HOSTILE_VALUES,
    config_paths,
    make_project,
    problems_of,
    run_case,
    yaml_trees,
)


class _Tally:
    def __init__(self, project: Path) -> None:
        self.project = project
        self.statuses: Counter[str] = Counter()
        self.paths: set[str] = set()
        self.bad: list[str] = []

    def run(self, path: str, value: object) -> None:
        outcome = run_case(self.project, path, value)
        self.statuses[str(outcome.status)] += 1
        self.paths.add(path)
        problems = problems_of(outcome)
        if problems:
            lines = "; ".join(problem.strip().splitlines()[-1] for problem in problems)
            self.bad.append(f"{path} = {reprlib.repr(value)}: {lines}")

    def report(self, title: str) -> None:
        runs = self.statuses.total()
        print(
            f"{title}: {runs} runs over {len(self.paths)} paths, {runs - len(self.bad)} handled "
            f"well, {len(self.bad)} not; exit statuses {dict(sorted(self.statuses.items()))}"
        )
        for line in self.bad:
            print(f"  - {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plan_fuzz", description=__doc__)
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-sweep", action="store_true", help="skip the hostile-value sweep")
    args = parser.parse_args(argv)
    paths = config_paths()
    with tempfile.TemporaryDirectory(prefix="plan-fuzz-") as folder:
        project = make_project(Path(folder))
        if not args.no_sweep:
            sweep = _Tally(project)
            for path in paths:
                for value in HOSTILE_VALUES:
                    sweep.run(path, value)
            sweep.report("hostile values at every path")
        drawn = _Tally(project)

        @seed(args.seed)
        @settings(
            max_examples=args.examples,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(path=st.sampled_from(paths), value=yaml_trees())
        def fuzz(path: str, value: object) -> None:
            drawn.run(path, value)

        fuzz()
        drawn.report(f"drawn trees (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
