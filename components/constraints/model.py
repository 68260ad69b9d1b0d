"""What a declared resource's inputs must satisfy at create time, and what breaks it.

A ``Constraint`` is one limit on one input of one resource type (a length, a pattern, a range or
an enumeration), a ``Uniqueness`` the scope in which a type's physical name must be unique, and
a ``Violation`` one input of one declared resource that AWS or the provider would reject. Each
limit names its source: botocore's service model (read at run time) or a cited table entry.
No Pulumi import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a constraint bounds."""

    LENGTH = "length"
    """A string's length, in characters."""
    PATTERN = "pattern"
    """A regular expression the whole string must match."""
    RANGE = "range"
    """A number's value."""
    ENUM = "enum"
    """A string from a fixed set."""


class Origin(StrEnum):
    """Where a limit was read."""

    BOTOCORE = "botocore"
    """botocore's bundled service model, read when the table is built."""
    TABLE = "table"
    """A table entry citing the AWS API reference, the provider's source or a vendor's docs."""


class Scope(StrEnum):
    """Where a physical name must be unique."""

    ACCOUNT = "account"
    """Once per account, whatever the region (IAM, CloudWatch dashboards)."""
    REGION = "account+region"
    """Once per account and region (the input ``region``; absent: the provider's region)."""
    WITHIN = "within"
    """Once within another resource named by inputs (a function, a zone, a user...)."""


@dataclass(frozen=True, kw_only=True)
class Constraint:
    """One limit on one input of one resource type."""

    type: str
    """The Pulumi type token (``aws:sqs/queue:Queue``)."""
    property: str
    """The input's path: camelCase keys joined by ``.``; ``[]`` steps into every list item."""
    kind: Kind
    minimum: float | None = None
    """Shortest length (``LENGTH``) or smallest value (``RANGE``)."""
    maximum: float | None = None
    """Longest length (``LENGTH``) or largest value (``RANGE``)."""
    also: tuple[float, ...] = ()
    """Values a ``RANGE`` accepts outside its bounds (Cloudflare's TTL 1, Secrets Manager's 0)."""
    pattern: str | None = None
    """The expression a ``PATTERN`` string must match in full."""
    allowed: tuple[str, ...] = ()
    """The values of an ``ENUM``."""
    origin: Origin
    source: str
    """The model shape, URL or provider source file the limit comes from."""

    def describe(self) -> str:
        """What the constraint allows, in words."""
        match self.kind:
            case Kind.LENGTH:
                return f"length {_bounds(self.minimum, self.maximum)}"
            case Kind.RANGE:
                extra = "".join(f" or {_number(v)}" for v in self.also)
                return f"a number {_bounds(self.minimum, self.maximum)}{extra}"
            case Kind.PATTERN:
                return f"matches {self.pattern}"
            case Kind.ENUM:
                return f"one of {', '.join(self.allowed)}"

    def accepts(self, value: Any) -> bool | None:
        """Whether ``value`` is within the limit; ``None`` when the kind does not apply to its
        type (a number where a string is bounded), which is not checked."""
        if self.kind is Kind.RANGE:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            return value in self.also or _within(value, self.minimum, self.maximum)
        if not isinstance(value, str):
            return None
        if self.kind is Kind.LENGTH:
            return _within(len(value), self.minimum, self.maximum)
        if self.kind is Kind.PATTERN:
            return re.fullmatch(self.pattern or "", value) is not None
        return value in self.allowed


@dataclass(frozen=True, kw_only=True)
class Uniqueness:
    """The scope in which one resource type's physical name must be unique."""

    type: str
    name: tuple[str, ...]
    """The inputs that together make the name (``()``: one per scope, an account setting)."""
    scope: Scope
    within: tuple[str, ...] = ()
    """For ``Scope.WITHIN``: the inputs naming the enclosing resource."""
    case_insensitive: bool = False
    """AWS compares the names ignoring case (IAM, DNS)."""
    origin: Origin = Origin.TABLE
    source: str

    def describe(self) -> str:
        """The scope, in words."""
        if self.scope is Scope.WITHIN:
            return f"unique within {'+'.join(self.within)}"
        return f"unique per {self.scope.value}"


@dataclass(frozen=True, kw_only=True)
class Violation:
    """One input of one declared resource that would be rejected."""

    resource_type: str
    resource_name: str
    property: str
    """The input's concrete path (``records[1]``)."""
    value: str
    """The value as declared, cut to about 100 characters."""
    allowed: str
    """What the limit allows (or, for a name, with whom it collides)."""
    source: str

    def to_json(self) -> dict[str, str]:
        """The violation as a JSON object (the plan's ``constraint_violations`` items)."""
        return {
            "resource_type": self.resource_type,
            "resource_name": self.resource_name,
            "property": self.property,
            "value": self.value,
            "allowed": self.allowed,
            "source": self.source,
        }

    def __str__(self) -> str:
        return (
            f"{self.resource_name} ({self.resource_type}): {self.property} = {self.value}: "
            f"must be {self.allowed} ({self.source})"
        )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{_number(minimum)}-{_number(maximum)}"
    if minimum is not None:
        return f"at least {_number(minimum)}"
    return f"at most {_number(maximum or 0)}"


def _within(value: float, minimum: float | None, maximum: float | None) -> bool:
    return (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
