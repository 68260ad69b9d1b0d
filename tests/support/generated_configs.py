"""The property a generated configuration must have, shared by the test and the long run:
refused by ``parse_stack_config`` with every problem under ``ses:`` or ``aws:``, or planned by
the offline plan with no duplicate physical name.

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

from components.plan.run import make_plan
from components.stack_config import parse_stack_config
from components.validation import ConfigError
from tests.support.config_strategies import DrawnStack
from tests.support.paths import REPO

STACK = "gen"
NAMESPACE = "ses"

PHYSICAL_KEYS: dict[str, tuple[str, ...]] = {
    "aws:sesv2/configurationSet:ConfigurationSet": ("configurationSetName",),
    "aws:sesv2/emailIdentity:EmailIdentity": ("emailIdentity",),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": (
        "configurationSetName",
        "eventDestinationName",
    ),
    "aws:sns/topic:Topic": ("name",),
    "aws:sqs/queue:Queue": ("name",),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("name",),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
    "aws:secretsmanager/secret:Secret": ("name",),
    "aws:kms/alias:Alias": ("name",),
    "aws:iam/user:User": ("name",),
    "aws:iam/group:Group": ("name",),
    "aws:iam/userPolicy:UserPolicy": ("user", "name"),
    "aws:iam/groupPolicy:GroupPolicy": ("group", "name"),
    "aws:route53/record:Record": ("zoneId", "name", "type"),
    "aws:lambda/permission:Permission": ("function", "statementId"),
}
"""Per resource type, the inputs that together form a name unique in its scope (a region, or
the account for IAM; a Route 53 record set by zone, name and type)."""
GLOBAL_TYPES = frozenset(kind for kind in PHYSICAL_KEYS if kind.startswith("aws:iam/"))


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


def duplicate_physical_names(
    resources: Iterable[dict[str, Any]], provider_region: str
) -> list[str]:
    """Two resources of one type with the same physical name in one scope, and two with the
    same type and logical name (Pulumi refuses those)."""
    seen: dict[tuple[object, ...], str] = {}
    logical: set[tuple[str, str]] = set()
    found: list[str] = []
    for resource in resources:
        kind, name, inputs = resource["type"], resource["name"], resource["inputs"]
        if (kind, name) in logical:
            found.append(f"{kind} {name}: two resources share this logical name")
        logical.add((kind, name))
        keys = PHYSICAL_KEYS.get(kind)
        if keys is None or any(inputs.get(key) is None for key in keys):
            continue
        scope = "global" if kind in GLOBAL_TYPES else inputs.get("region", provider_region)
        identity = (kind, scope, *(repr(inputs[key]) for key in keys))
        if identity in seen:
            found.append(
                f"{kind} {name}: physical name {[inputs[key] for key in keys]} in {scope} "
                f"duplicates {seen[identity]}"
            )
        else:
            seen[identity] = name
    return found


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
    violations = duplicate_physical_names(plan.resources, drawn.aws_region)
    return Verdict(
        outcome=Outcome.VIOLATION if violations else Outcome.PLANNED,
        violations=tuple(violations),
        resources=len(plan.resources),
    )
