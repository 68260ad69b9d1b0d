"""The generated-configurations property over many examples (not a test).

    python -m bench.generated_configs [--examples 300] [--seed 0] [--out PATH]

Draws configurations from ``tests/support/config_strategies.py`` and judges each as
``tests/components/test_generated_configs.py`` does (``tests/support/generated_configs.py``):
refused by key, planned, or a violation. Prints the counts, the refused keys (in doc form, list
indices dropped), each deliberately crossed limit, and every violation with its configuration;
writes the same as JSON to ``--out`` (default /tmp/generated_configs.json). Exit status 1 when
any violation was found.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.support.config_strategies import DrawnStack, stack_configs
from tests.support.generated_configs import Outcome, judge


def doc_key(key: str) -> str:
    """``ses:domains[3].dns.ttl`` -> ``ses:domains.dns.ttl``."""
    return re.sub(r"\[[^\]]*\]", "", key)


def for_each_drawn(examples: int, seed_value: int, visit: Callable[[DrawnStack], None]) -> None:
    """Call ``visit`` on ``examples`` configurations drawn from the suite's strategy, the same ones
    for the same seed (generation only: no shrinking, no example database)."""

    @seed(seed_value)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(stack_configs())
    def each(drawn: DrawnStack) -> None:
        visit(drawn)

    each()


def run(examples: int, seed_value: int) -> dict[str, Any]:
    """Judge ``examples`` drawn configurations; the summary as a JSON-ready mapping."""
    outcomes: collections.Counter[str] = collections.Counter()
    refused_keys: collections.Counter[str] = collections.Counter()
    broken: collections.Counter[str] = collections.Counter()
    violations: list[dict[str, Any]] = []
    resources: list[int] = []

    def judge_one(drawn: DrawnStack) -> None:
        verdict = judge(drawn)
        outcomes[verdict.outcome.value] += 1
        refused_keys.update({doc_key(key) for key in verdict.refused_keys})
        if drawn.broken is not None:
            broken[f"{drawn.broken}: {verdict.outcome.value}"] += 1
        if verdict.outcome is Outcome.PLANNED:
            resources.append(verdict.resources)
        if verdict.outcome is Outcome.VIOLATION:
            violations.append(
                {
                    "violations": list(verdict.violations),
                    "aws_region": drawn.aws_region,
                    "values": drawn.values,
                }
            )

    started = time.monotonic()
    for_each_drawn(examples, seed_value, judge_one)
    return {
        "examples_asked": examples,
        "seed": seed_value,
        "tried": sum(outcomes.values()),
        "refused": outcomes[Outcome.REFUSED.value],
        "planned": outcomes[Outcome.PLANNED.value],
        "violations_found": outcomes[Outcome.VIOLATION.value],
        "seconds": round(time.monotonic() - started, 1),
        "resources_per_plan": {
            "min": min(resources, default=0),
            "max": max(resources, default=0),
            "total": sum(resources),
        },
        "refused_by_key": dict(refused_keys.most_common()),
        "crossed_limits": dict(sorted(broken.items())),
        "violations": violations,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generated_configs")
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/generated_configs.json"))
    args = parser.parse_args(argv)
    summary = run(args.examples, args.seed)
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    print(
        f"tried {summary['tried']}, refused {summary['refused']}, planned {summary['planned']}, "
        f"violations {summary['violations_found']} ({summary['seconds']} s)"
    )
    print(f"resources per plan: {summary['resources_per_plan']}")
    print("refused, by key (configurations naming it):")
    for key, count in summary["refused_by_key"].items():
        print(f"  {count:5}  {key}")
    print("crossed limits:")
    for what, count in summary["crossed_limits"].items():
        print(f"  {count:5}  {what}")
    for violation in summary["violations"]:
        print("VIOLATION:", "; ".join(violation["violations"]))
    print(f"written to {args.out}")
    return 1 if summary["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
