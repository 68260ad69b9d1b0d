"""Limits AWS enforces on API members, read from botocore's bundled service models.

An API member's shape in the model carries ``min``, ``max``, ``pattern`` and ``enum`` where AWS
publishes them; reading them from the pinned botocore keeps the checks in step with the API
instead of a copy made by hand. No Pulumi import.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, cast

from botocore.loaders import Loader  # pyright: ignore[reportMissingTypeStubs]


@dataclass(frozen=True, kw_only=True)
class ShapeLimits:
    """What one string or integer shape of an AWS API accepts."""

    source: str
    """Where the limits come from: ``botocore <service> model, shape <name>``."""
    min: int | None = None
    """Shortest length (strings) or smallest value (integers)."""
    max: int | None = None
    """Longest length (strings) or largest value (integers)."""
    pattern: str | None = None
    """The regular expression a string must match in full."""
    enum: tuple[str, ...] = ()
    """The allowed values, when the shape is an enumeration."""

    def problem(self, value: str) -> str | None:
        """Why ``value`` breaks these limits (``None`` when it does not)."""
        if self.min is not None and len(value) < self.min:
            return f"is shorter than {self.min} characters ({self.source})"
        if self.max is not None and len(value) > self.max:
            return f"is {len(value)} characters; at most {self.max} ({self.source})"
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return f"does not match {self.pattern} ({self.source})"
        if self.enum and value not in self.enum:
            return f"is not one of {', '.join(self.enum)} ({self.source})"
        return None


@functools.cache
def _model(service: str) -> dict[str, Any]:
    loader = cast(Any, Loader())
    return cast(dict[str, Any], loader.load_service_model(service, "service-2"))


def _shapes(service: str) -> dict[str, Any]:
    return cast(dict[str, Any], _model(service)["shapes"])


@dataclass(frozen=True, kw_only=True)
class MemberShape:
    """The shape an API operation's input member resolves to."""

    name: str
    """The shape's name in the model (``AlarmName``, ``userNameType``)."""
    type: str
    """The shape's type: ``string``, ``integer``, ``long``, ..."""


def member_shape(service: str, operation: str, member: str) -> MemberShape:
    """The shape of ``member`` of ``operation``'s input, a dotted path through structures;
    lists are stepped through to their items (``ChangeBatch.Changes.ResourceRecordSet.TTL``)."""
    shapes = _shapes(service)
    name = cast(str, _model(service)["operations"][operation]["input"]["shape"])

    def items(shape: str) -> str:
        definition = cast(dict[str, Any], shapes[shape])
        if definition["type"] == "list":
            return cast(str, definition["member"]["shape"])
        return shape

    for part in member.split("."):
        name = cast(str, shapes[items(name)]["members"][part]["shape"])
    name = items(name)
    return MemberShape(name=name, type=cast(str, shapes[name]["type"]))


def shape_limits(service: str, shape: str) -> ShapeLimits:
    """The limits of ``shape`` in botocore's model of ``service`` (``sesv2``, ``sqs``, ...)."""
    definition = cast(dict[str, Any], _shapes(service)[shape])
    pattern = cast(str | None, definition.get("pattern"))
    if pattern is not None:
        pattern = pattern.removeprefix("^").removesuffix("$")
    return ShapeLimits(
        source=f"botocore {service} model, shape {shape}",
        min=cast(int | None, definition.get("min")),
        max=cast(int | None, definition.get("max")),
        pattern=pattern,
        enum=tuple(cast(list[str], definition.get("enum", []))),
    )
