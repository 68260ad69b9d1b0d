"""Reading the policy documents a policy pack is given: shared by the pack's rules.

Resource properties arrive as the engine sends them (camelCase names, the same shape as the
offline plan's ``inputs``); a ``policy`` input may be JSON text or an object, and may be
malformed. Nothing here raises on bad input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

MAX_NAME = 100
"""Names quoted in a message are cut to this many characters."""


def short(value: Any) -> str:
    """A resource or statement name as a message shows it: text, at most :data:`MAX_NAME`."""
    text = str(value)
    return text if len(text) <= MAX_NAME else f"{text[:MAX_NAME]}..."


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` as a list: a sequence's items, nothing for ``None``, else ``[value]``."""
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(cast(Sequence[Any], value))  # lists, and pulumi-policy's list proxies
    return [value]


REDACTED = "[secret]"
"""What the offline plan shows for a secret input; the engine gives a policy pack the value."""


class PolicyDocument:
    """A resource's ``policy`` input, parsed: the document, or why it cannot be read."""

    def __init__(self, value: Any) -> None:
        self.document: Mapping[str, Any] | None = None
        self.problem: str | None = None
        if value is None:
            return
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except RecursionError:
                self.problem = "is nested too deeply to read"
                return
            except ValueError as error:  # JSONDecodeError, and huge integers
                self.problem = f"is not valid JSON ({str(error)[:80]})"
                return
        if not isinstance(value, Mapping):
            self.problem = f"is a JSON {type(value).__name__}, not an object with a Statement list"
            return
        self.document = cast(Mapping[str, Any], value)
        statements = as_list(self.document.get("Statement"))
        if not statements:
            self.problem = "has no statements"
        elif not all(isinstance(s, Mapping) for s in statements):
            self.problem = "has a statement that is not an object"

    def unreadable(self, label: str) -> list[str]:
        """The violation for a policy this pack cannot check (none when it can)."""
        if self.problem is None:
            return []
        return [
            f"{label}: the policy document {self.problem}; it cannot be checked, and AWS "
            "would refuse it too"
        ]


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The document's statements, each as a mapping."""
    return [as_mapping(s) for s in as_list(document.get("Statement"))]
