"""A hosted component's inputs made into its typed props and checked by the props' own
validator: the schema check (``inputs.py``) and the conversion (``props.py``) first, then the
validator, every problem named by its input path in one ``ConfigError``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pulumi

from ..validation import ConfigError, ConfigProblem
from .inputs import InputCheck
from .package import schema
from .props import PropsFromInputs


def _overlap(key: str, other: str) -> bool:
    """Whether one key path is the other or lies under it."""
    short, long = sorted((key, other), key=len)
    return long == short or long.startswith((f"{short}.", f"{short}["))


P = TypeVar("P")
C = TypeVar("C")


@dataclass(frozen=True, kw_only=True)
class FromProps(Generic[P, C]):
    """A component's inputs made into its typed props and checked by the props' validator."""

    props: P
    """The typed props (Outputs among them as they came)."""
    checked: C
    """What the props' validator returned."""
    names: PropsFromInputs
    """Names the props' paths as input paths."""

    def warn(self, warnings: Sequence[str], resource: pulumi.Resource) -> None:
        """The validator's warnings, keyed by input path, logged on ``resource``."""
        for warning in warnings:
            key, _, rest = warning.partition(" ")
            pulumi.log.warn(f"{self.names.input_key(key)} {rest}", resource)


def from_props(
    component: str, cls: type[P], inputs: Mapping[str, Any], validate: Callable[[P], C]
) -> FromProps[P, C]:
    """Check ``inputs`` against the schema, make ``cls`` props of them and run ``validate``;
    raises ``ConfigError`` naming every bad input by its path (``SesDomain.dmarc.pct``)."""
    check = InputCheck(schema(), component)
    passed = check.inputs(inputs)
    names = PropsFromInputs(cls, component)
    props = names.build(passed)
    shown = {problem.key for problem in check.problems}
    problems = [
        *check.problems,  # an unknown key in a choice says more than "none was given"
        *(p for p in names.problems if not any(_overlap(p.key, k) for k in shown)),
    ]
    shown |= {problem.key for problem in problems}
    if isinstance(props, cls):
        try:
            checked = validate(props)
        except ConfigError as error:
            for problem in error.problems:
                key = names.input_key(problem.key)
                if not any(_overlap(key, k) for k in shown):
                    problems.append(ConfigProblem(key, problem.value, problem.allowed))
        else:
            if not problems:
                return FromProps(props=props, checked=checked, names=names)
    raise ConfigError(problems)
