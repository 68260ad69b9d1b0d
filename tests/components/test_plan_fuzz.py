"""Fuzzing the plan's input: whatever YAML tree stands at whatever config path, the plan exits 0
or 2, prints no traceback and at most 64 KiB.

Every path the parsers read gets one explicit example (a hostile value picked by the path's
place in the list: dates, ``!!binary``, ``!!set``, nulls, huge strings and integers, deep
nesting, non-string keys, an alias bomb, look-alike names), then Hypothesis draws paths and
trees for :data:`GENERATED_EXAMPLES` more, derandomized so the run is the same every time.
``python -m bench.plan_fuzz`` runs it longer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support.plan_fuzz import (
    HOSTILE_VALUES,
    config_paths,
    make_project,
    problems_of,
    run_case,
    yaml_trees,
)

PATHS = config_paths()
GENERATED_EXAMPLES = 100


def _with_every_path(test: Callable[..., None]) -> Callable[..., None]:
    """One explicit example per path, each with a hostile value."""
    for index, path in enumerate(PATHS):
        test = example(path=path, value=HOSTILE_VALUES[index % len(HOSTILE_VALUES)])(test)
    return test


@settings(
    max_examples=GENERATED_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(path=st.sampled_from(PATHS), value=yaml_trees())
@_with_every_path
def _fuzz(project: Path, tally: Counter[str], path: str, value: object) -> None:
    tally[path] += 1
    outcome = run_case(project, path, value)
    assert not problems_of(outcome), (path, problems_of(outcome), outcome.output[-2000:])


def test_the_plan_survives_any_tree_at_any_path(tmp_path: Path) -> None:
    tally: Counter[str] = Counter()
    _fuzz(make_project(tmp_path), tally)
    assert set(PATHS) <= set(tally), "a path no example reached"
    assert tally.total() > len(PATHS) + GENERATED_EXAMPLES // 2


def test_the_paths_are_every_key_and_the_values_hostile() -> None:
    assert len(PATHS) > 150
    assert {"ses:domains[1].dkim.selector", "ses:smtpUsers[1].users", "aws:region"} <= set(PATHS)
    kinds = {type(value).__name__ for value in HOSTILE_VALUES}
    assert {"date", "bytes", "set", "NoneType", "dict", "list", "str", "int", "_HugeInt"} <= kinds
