"""A component's inputs, as another language sends them, checked against the package schema.

The SDK's component host maps inputs onto the annotated types without checking them: it drops
keys it does not know (``dmarcc``), turns a string where an object belongs into an empty object
(``dmarc: "reject"`` became ``p=none``) and passes numbers where strings belong. This walks the
inputs against the schema the host serves, first: every unknown key (with the nearest name),
wrong type, missing required input and value the program cannot know yet is a problem, all at
once, and what is left is what the stack config parser then checks value by value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import rpc

from ..validation import NOT_SHOWN, ConfigProblem, as_list, as_mapping, did_you_mean

_BAD = object()
"""What :meth:`InputCheck.value` returns for a value with a problem: the key is left out."""
_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _known(value: object) -> bool:
    """Not an Output, nor unknown as a preview deserialises it (``Unknown`` or the marker)."""
    return not isinstance(value, pulumi.Output | Unknown) and value != rpc.UNKNOWN


class InputCheck:
    """One component's inputs against ``schema`` (the package schema as JSON)."""

    def __init__(self, schema: Mapping[str, Any], component: str) -> None:
        self.types: Mapping[str, Any] = schema["types"]
        self.resource: Mapping[str, Any] = schema["resources"][f"ses:index:{component}"]
        self.component = component
        self.problems: list[ConfigProblem] = []

    def inputs(self, inputs: Mapping[str, object]) -> dict[str, object]:
        """The inputs that passed, by name; :attr:`problems` holds the rest."""
        checked = self._object(
            inputs, self.resource["inputProperties"], self.resource.get("requiredInputs", []), ""
        )
        return cast(dict[str, object], checked) if isinstance(checked, dict) else {}

    def _add(self, path: str, value: object, allowed: str) -> None:
        self.problems.append(ConfigProblem(f"{self.component}{path}", value, allowed))

    def _object(
        self, value: object, properties: Mapping[str, Any], required: list[str], path: str
    ) -> object:
        mapping = as_mapping(value)
        if mapping is None:
            self._add(path, value, self._object_words(properties, value))
            return _BAD
        checked: dict[str, object] = {}
        for key, item in mapping.items():
            if key not in properties:
                where = f" {path.lstrip('.')}" if path else ""
                self._add(
                    f"{path}.{key}",
                    NOT_SHOWN,  # a misspelt input may hold a secret: never echo it
                    f"is not an input of {self.component}{where}; the inputs are "
                    f"{', '.join(sorted(properties))}{did_you_mean(key, list(properties))}",
                )
            elif item is not None:
                result = self._value(item, properties[key], f"{path}.{key}")
                if result is not _BAD:
                    checked[key] = result
        for key in required:
            if mapping.get(key) is None:
                self._add(f"{path}.{key}", None, "is required")
        return checked

    def _object_words(self, properties: Mapping[str, Any], value: object) -> str:
        words = f"must be an object with the keys {', '.join(sorted(properties))}"
        if isinstance(value, str):
            for key, spec in properties.items():
                enum = self._enum(spec)
                if enum and value in enum:
                    return f"{words}; did you mean {{{key}: {value}}}?"
        return words

    def _enum(self, spec: Mapping[str, Any]) -> list[str]:
        ref = spec.get("$ref")
        if not isinstance(ref, str):
            return []
        target = self.types.get(ref.removeprefix("#/types/"), {})
        return [str(member["value"]) for member in target.get("enum", [])]

    def _value(self, value: object, spec: Mapping[str, Any], path: str) -> object:
        if not _known(value):
            if spec.get("plain"):
                self._add(
                    path,
                    NOT_SHOWN,
                    "must be a plain value known when the program runs, not a secret or another "
                    "resource's output: it decides which resources exist",
                )
                return _BAD
            return value
        if "oneOf" in spec:  # a flag or an object (``schema.py``)
            if isinstance(value, bool):
                return value
            if as_mapping(value) is None:
                self._add(path, value, "must be true, false or an object")
                return _BAD
            (spec,) = [member for member in spec["oneOf"] if "$ref" in member]
        ref = spec.get("$ref")
        if isinstance(ref, str):
            target = self.types[ref.removeprefix("#/types/")]
            if "enum" not in target:
                return self._object(value, target["properties"], target.get("required", []), path)
            allowed = self._enum(spec)
            if isinstance(value, str) and value in allowed:
                return value
            hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
            self._add(path, value, f"must be one of {', '.join(allowed)}{hint}")
            return _BAD
        kind = spec.get("type")
        if kind == "array":
            items = as_list(value)
            if items is None:
                self._add(path, value, f"must be a list of {self._item_words(spec['items'])}")
                return _BAD
            checked = [
                self._value(item, spec["items"], f"{path}[{i}]") for i, item in enumerate(items)
            ]
            return checked if _BAD not in checked else _BAD
        if kind == "object":
            mapping = as_mapping(value)
            if mapping is None:
                words = self._item_words(spec["additionalProperties"])
                self._add(path, value, f"must be a mapping of names to {words}")
                return _BAD
            values = {
                key: self._value(item, spec["additionalProperties"], f"{path}.{key}")
                for key, item in mapping.items()
            }
            return values if _BAD not in values.values() else _BAD
        return self._scalar(value, str(kind), path)

    def _item_words(self, spec: Mapping[str, Any]) -> str:
        ref = spec.get("$ref")
        if isinstance(ref, str):
            target = self.types[ref.removeprefix("#/types/")]
            if "enum" not in target:
                return f"objects with the keys {', '.join(sorted(target['properties']))}"
            return "strings"
        return {"string": "strings", "integer": "whole numbers", "boolean": "booleans"}.get(
            str(spec.get("type")), "values"
        )

    def _scalar(self, value: object, kind: str, path: str) -> object:
        if kind == "string" and isinstance(value, str):
            return value
        if kind == "boolean" and isinstance(value, bool):
            return value
        if (
            kind in ("integer", "number")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            number = cast(float, value)
            if kind == "number" or float(number).is_integer():
                return int(number) if kind == "integer" else number
        self._add(path, value, f"must be {_TYPE_WORDS.get(kind, kind)}")
        return _BAD
