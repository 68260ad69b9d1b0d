"""The property a generated configuration must have, shared by the test and the long run:
refused by ``parse_stack_config`` with every problem under ``ses:`` or ``aws:``, or planned by
the offline plan with no constraint violation (``components/constraints``: create-time limits
and physical names unique in their scope) and no duplicate logical name.

:func:`judge` returns a :class:`Verdict` instead of asserting, so ``bench.generated_configs`` can
count outcomes over many examples.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from components.constraints import check_resources
from components.plan.run import make_plan
from components.stack_config import parse_stack_config
from components.validation import ConfigError
from tests.support.config_strategies import DrawnStack
from tests.support.paths import REPO

STACK = "gen"
NAMESPACE = "ses"


class Outcome(StrEnum):
    """What happened to one configuration."""

    REFUSED = "refused"
    PLANNED = "planned"
    VIOLATION = "violation"
    """The property failed: a problem outside ``ses:``/``aws:``, a crossed limit accepted, a
    duplicate physical name, or a plan that failed although the configuration parsed."""


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The outcome for one configuration, with what was found."""

    outcome: Outcome
    refused_keys: tuple[str, ...] = ()
    """Each problem's key, when refused."""
    violations: tuple[str, ...] = ()
    resources: int = 0
    details: dict[str, Any] = field(default_factory=dict[str, Any])


def duplicate_logical_names(resources: Iterable[dict[str, Any]]) -> list[str]:
    """Two resources with the same type and logical name (Pulumi refuses those). Physical names
    are held against their scopes by the constraints layer (``check_resources``)."""
    seen: set[tuple[str, str]] = set()
    found: list[str] = []
    for resource in resources:
        kind, name = resource["type"], resource["name"]
        if (kind, name) in seen:
            found.append(f"{kind} {name}: two resources share this logical name")
        seen.add((kind, name))
    return found


def plan_violations(resources: list[dict[str, Any]]) -> list[str]:
    """Everything in a plan's resources that AWS, a provider or the engine would refuse: inputs
    past a create-time limit, physical names shared in their scope, logical names shared."""
    return [*duplicate_logical_names(resources), *map(str, check_resources(resources))]


@contextmanager
def project_dir(drawn: DrawnStack) -> Iterator[Path]:
    """A temporary project: the repo's ``Pulumi.yaml`` and ``__main__.py`` beside
    ``Pulumi.gen.yaml`` holding ``drawn``."""
    with tempfile.TemporaryDirectory(prefix="ses-gen-") as tmp:
        path = Path(tmp)
        for name in ("Pulumi.yaml", "__main__.py"):
            os.symlink(REPO / name, path / name)
        (path / f"Pulumi.{STACK}.yaml").write_text(
            yaml.safe_dump(drawn.stack_file(), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        yield path


def outside_namespaces(error: ConfigError) -> list[str]:
    """Problems whose key is under neither ``ses:`` nor ``aws:``."""
    return [str(p) for p in error.problems if not p.key.startswith((f"{NAMESPACE}:", "aws:"))]


def judge(drawn: DrawnStack) -> Verdict:
    """Parse ``drawn``; plan it when it parses; check the property."""
    try:
        parse_stack_config(
            drawn.values, namespace=NAMESPACE, aws_region=drawn.aws_region, stack=STACK
        )
    except ConfigError as error:
        stray = outside_namespaces(error)
        return Verdict(
            outcome=Outcome.VIOLATION if stray else Outcome.REFUSED,
            refused_keys=tuple(problem.key for problem in error.problems),
            violations=tuple(f"problem outside ses:/aws: {text}" for text in stray),
        )
    if drawn.broken is not None:
        return Verdict(
            outcome=Outcome.VIOLATION,
            violations=(f"accepted although it crosses a limit: {drawn.broken}",),
        )
    with project_dir(drawn) as path:
        try:
            plan = make_plan(STACK, path)
        except Exception as error:  # the property: a parsed configuration always plans
            return Verdict(
                outcome=Outcome.VIOLATION,
                violations=(f"plan failed: {type(error).__name__}: {error}",),
            )
    violations = plan_violations(plan.resources)
    return Verdict(
        outcome=Outcome.VIOLATION if violations else Outcome.PLANNED,
        violations=tuple(violations),
        resources=len(plan.resources),
    )
