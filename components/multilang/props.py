"""A component's inputs, as the engine sends them (camelCase, already checked against the
schema by ``inputs.py``), turned into the typed props the Python component takes.

The walk mirrors the schema's (``schema.py``): a field's input is its name in camelCase; a
choice (``dkim: EasyDkim | Byodkim``) is an object with exactly one property per choice (zero
or two are a problem naming the input); ``enabled: false`` on a switchable type is ``None``;
``bool | D`` takes a flag as it is and an object as ``D``;
enums are made from their values; any other value (an Output among them) is passed as it is.
Each props path met is recorded with its input path, so the props' own validator's problems
(``SesDomainArgs.mail_from.subdomain``) are named as inputs (``SesDomain.mailFrom.subdomain``).
Pure: no Pulumi.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Mapping, Sequence
from typing import Any, cast

from ..validation import NOT_SHOWN, ConfigProblem, camel_case
from .hints import (
    choice_key,
    dataclass_choices,
    flag_or_dataclass,
    is_switchable,
    type_hints,
)
from .schema import ENABLED

_MISSING = object()
"""What a conversion returns when a required input is missing (already reported)."""


class PropsFromInputs:
    """Builds props of type ``cls`` from inputs; :attr:`problems` holds choices given wrong."""

    def __init__(self, cls: type, component: str) -> None:
        self.cls = cls
        self.component = component
        self.problems: list[ConfigProblem] = []
        self.paths: dict[str, str] = {cls.__name__: component}
        """Props path -> input path, for every dataclass met."""
        self.maps: set[str] = set()
        """Props paths of the mappings met: their keys are not field names."""

    def build(self, inputs: Mapping[str, object]) -> object | None:
        """The props, or ``None`` when a required input is missing."""
        built = self._dataclass(self.cls, inputs, self.cls.__name__, self.component)
        return None if built is _MISSING else built

    def input_key(self, props_key: str) -> str:
        """A problem's props key path as the input path: after the longest props path met,
        each name in camelCase, but the keys of a mapping (tags) as they are."""
        best = ""
        for known in self.paths:
            if (props_key == known or props_key.startswith((f"{known}.", f"{known}["))) and len(
                known
            ) > len(best):
                best = known
        if not best:
            return f"{self.component}: {props_key}"
        where, named = best, self.paths[best]
        for part in props_key.removeprefix(best).removeprefix(".").split("."):
            if not part:
                continue
            name, bracket, index = part.partition("[")
            key = name if where in self.maps else camel_case(name)
            where = f"{where}.{name}"
            named += f"{'.' if key else ''}{key}{bracket}{index}"
        return named

    def _dataclass(
        self, cls: type, value: Mapping[str, object], props_path: str, input_path: str
    ) -> object:
        self.paths[props_path] = input_path
        hints = type_hints(cls)
        kwargs: dict[str, object] = {}
        for item in dataclasses.fields(cls):
            key = camel_case(item.name)
            found = value.get(key)
            required = (
                item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
            )
            if found is None:
                if required:
                    return _MISSING
                continue
            converted = self._field(
                item,
                hints[item.name],
                found,
                f"{props_path}.{item.name}",
                f"{input_path}.{key}",
            )
            if converted is _MISSING:
                if required:
                    return _MISSING
                continue
            kwargs[item.name] = converted
        return cls(**kwargs)

    def _field(
        self,
        item: dataclasses.Field[Any],
        hint: object,
        value: object,
        props_path: str,
        input_path: str,
    ) -> object:
        choices = dataclass_choices(hint)
        if choices:
            return self._choice(item.name, choices, value, props_path, input_path)
        flagged = flag_or_dataclass(hint)
        if flagged is not None:  # a flag as it is, an object as the dataclass
            return self._value(flagged, value, props_path, input_path)
        core, optional = _core(hint)
        if (
            is_switchable(item, optional)
            and isinstance(value, Mapping)
            and cast(Mapping[str, object], value).get(ENABLED) is False
        ):
            return None
        if isinstance(value, Mapping) and dataclasses.is_dataclass(core):
            inner = {k: v for k, v in cast(Mapping[str, object], value).items() if k != ENABLED}
            return self._value(core, inner, props_path, input_path)
        return self._value(core, cast(object, value), props_path, input_path)

    def _choice(
        self,
        field_name: str,
        members: tuple[type, ...],
        value: object,
        props_path: str,
        input_path: str,
    ) -> object:
        keys = {choice_key(field_name, member): member for member in members}
        given = (
            [k for k, v in cast(Mapping[str, object], value).items() if v is not None]
            if isinstance(value, Mapping)
            else []
        )
        if len(given) != 1:
            self.problems.append(
                ConfigProblem(
                    input_path,
                    sorted(given) if given else NOT_SHOWN,
                    f"must hold exactly one of {', '.join(keys)} (one object per choice); "
                    f"{'none was' if not given else 'several were'} given",
                )
            )
            return _MISSING
        chosen = cast(Mapping[str, object], value)[given[0]]
        return self._value(keys[given[0]], chosen, props_path, f"{input_path}.{given[0]}")

    def _value(self, hint: object, value: object, props_path: str, input_path: str) -> object:
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            if not isinstance(value, Mapping):
                return value  # an Output: the props' own check names it
            return self._dataclass(hint, cast(Mapping[str, object], value), props_path, input_path)
        if isinstance(hint, type) and issubclass(hint, enum.Enum) and isinstance(value, str):
            return hint(value)
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if isinstance(value, list) and args and origin not in (dict, Mapping):
            item_type, _ = _core(args[0])
            items = cast(Sequence[object], value)
            return [
                self._value(item_type, entry, f"{props_path}[{i}]", f"{input_path}[{i}]")
                for i, entry in enumerate(items)
            ]
        if isinstance(value, dict) and len(args) == 2:
            self.maps.add(props_path)
            value_type, _ = _core(args[1])
            mapping = cast(dict[str, object], value)
            return {
                key: self._value(value_type, entry, f"{props_path}.{key}", f"{input_path}.{key}")
                for key, entry in mapping.items()
            }
        return cast(object, value)


def _core(hint: object) -> tuple[object, bool]:
    """The type under ``T | None`` / ``pulumi.Input[T]``, and whether ``None`` is allowed."""
    if typing.get_origin(hint) not in (typing.Union, type(int | None)):
        return hint, False
    members = typing.get_args(hint)
    optional = type(None) in members
    plain = [m for m in members if m is not type(None) and _is_plain_type(m)]
    return (plain[0] if plain else hint), optional


def _is_plain_type(hint: object) -> bool:
    """Not an ``Awaitable``/``Output`` member of ``pulumi.Input[T]``."""
    origin = typing.get_origin(hint) or hint
    name = getattr(origin, "__name__", "")
    return name not in ("Awaitable", "Output")
