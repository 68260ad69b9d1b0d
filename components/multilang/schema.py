"""A Pulumi package schema derived from dataclasses: their fields, field docstrings and enums.

One function, :meth:`SchemaBuilder.object_type`, turns a dataclass into a schema object type;
resources are a component's inputs and outputs dataclasses walked the same way. Pure: no Pulumi.

- A field's schema name is its name in camelCase (``key_length`` -> ``keyLength``); its
  description is the string literal under it (the attribute docstring), in Markdown.
- Types: ``str``, ``int``, ``float``, ``bool``, ``StrEnum``/``IntEnum`` subclasses (named enum
  types, each value described by the docstring under its member), nested dataclasses (named
  object types), sequences, ``Mapping[str, T]``. ``T | None`` or a default: optional.
- Named types drop an ``Args`` suffix (``DmarcArgs`` -> ``ses:index:Dmarc``): the code
  generators add ``Args`` to input types themselves.
- A Pulumi resource in a union (``ConfigurationSet | pulumi.Input[str]``) is Python's alone: other
  languages pass its output.
- An input accepts another resource's output when it is annotated ``pulumi.Input[T]``; any other
  input is ``plain`` (known when the program runs) and its description says why (the field's
  ``metadata[KNOWN]``, or :data:`DEFAULT_KNOWN_REASON`).
- ``metadata[SECRET]`` marks a field ``secret`` (inputs and outputs alike); the builder's
  ``notes`` add metadata from outside the class.
- A union of dataclasses (``dkim: EasyDkim | Byodkim``) is a type named after the field
  (``ses:index:Dkim``), one plain property per choice (:func:`choice_key`), exactly one given.
- An optional dataclass field on by default (``None`` turns it off) gets :data:`ENABLED`.
- ``bool | D`` (``adopt: AdoptArgs | bool``) is a union, ``oneOf`` a boolean and ``D``'s type.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..validation import camel_case
from .hints import (
    SchemaError,
    attribute_docstrings,
    choice_key,
    dataclass_choices,
    flag_or_dataclass,
    is_switchable,
    markdown,
    type_hints,
    type_name,
    unwrap,
)

SECRET = "secret"
"""Field metadata key: the value is secret (``secret: true`` in the schema)."""
KNOWN = "known"
"""Field metadata key: why the input must be known when the program runs."""
DEFAULT_KNOWN_REASON = "the component reads it when it is created."
ENABLED = "enabled"
"""The property of a switchable type (see the module docstring) that turns it off."""
CHOICE_REASON = "which choice is given decides which resources the component declares."

Json = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Component:
    """One component resource of the package, as its inputs and outputs dataclasses."""

    name: str
    """The component's name: the last part of its type token (``ses:index:<name>``)."""
    description: str
    """What the component declares (Markdown)."""
    inputs: type
    """The dataclass whose fields are the component's inputs."""
    outputs: type
    """The dataclass whose fields are the component's outputs."""


@dataclass(frozen=True, kw_only=True)
class PackageInfo:
    """The package-level fields of the schema."""

    name: str
    """The package name: type tokens are ``<name>:index:<Type>``."""
    version: str
    display_name: str
    description: str
    homepage: str
    repository: str
    license: str
    publisher: str
    keywords: Sequence[str]
    language: Mapping[str, Mapping[str, object]] = field(default_factory=dict[str, Any])
    """Per-language options of the code generators (package names, namespaces)."""


def _make_plain(spec: Json, hint: object) -> bool:
    """Mark a property plain, and the items or values of a plain list or map too, but those
    annotated ``pulumi.Input[T]``; whether any is left so (its values may be outputs)."""
    spec["plain"] = True
    if "items" not in spec and "additionalProperties" not in spec:
        return False
    args = typing.get_args(unwrap(hint)[0])
    left = False
    for key, inner in (("items", args[:1]), ("additionalProperties", args[1:2])):
        if key in spec and inner:
            if unwrap(inner[0])[2]:
                left = True
            else:
                left |= _make_plain(spec[key], inner[0])
    return left


def _is_enum(cls: type) -> bool:
    return enum.Enum in cls.__mro__


def _named_type(hint: object) -> type | None:
    """``hint`` when it is an enum or a dataclass: a named type of the schema."""
    if not isinstance(hint, type):
        return None
    named: type = hint
    return named if _is_enum(named) or dataclasses.is_dataclass(named) else None


_SCALARS: dict[object, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
_SEQUENCES = (list, tuple, collections.abc.Sequence, frozenset, set)
_MAPPINGS = (dict, collections.abc.Mapping)


class SchemaBuilder:
    """Walks dataclasses into the schema's named ``types``, collected as they are met;
    ``notes`` is field metadata from outside the classes, keyed ``<class qualname>.<field>``."""

    def __init__(
        self, package: str, notes: Mapping[str, Mapping[str, object]] | None = None
    ) -> None:
        self.package = package
        self.notes: Mapping[str, Mapping[str, object]] = notes or {}
        self.types: dict[str, Json] = {}
        self._owners: dict[str, tuple[object, bool, bool]] = {}

    def token(self, cls: type) -> str:
        """The type token of a named type (``ses:index:Dmarc``)."""
        return f"{self.package}:index:{type_name(cls)}"

    def object_type(self, cls: type, *, output: bool = False, switchable: bool = False) -> Json:
        """A dataclass as a schema object type: every field a described property."""
        name = cls.__qualname__
        if not dataclasses.is_dataclass(cls):
            raise SchemaError(f"{name} is not a dataclass")
        properties, required = self.properties(cls, output=output)
        if switchable:
            properties[ENABLED] = {
                "description": "`false` turns it off (`None` in Python); default true.\n\n"
                f"A plain value, known when the program runs: {CHOICE_REASON}",
                "type": "boolean",
                "plain": True,
            }
        schema: Json = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        if cls.__doc__:
            schema["description"] = markdown(cls.__doc__)
        return schema

    def properties(self, cls: type, *, output: bool) -> tuple[Json, list[str]]:
        """The fields of a dataclass as schema properties, and the names of the required ones."""
        hints = type_hints(cls)
        docs = attribute_docstrings(cls)
        properties: Json = {}
        required: list[str] = []
        for item in dataclasses.fields(cls):
            name = camel_case(item.name)
            where = f"{cls.__qualname__}.{item.name}"
            metadata = {**item.metadata, **self.notes.get(where, {})}
            choices = dataclass_choices(hints[item.name])
            flagged = flag_or_dataclass(hints[item.name])
            if choices:
                optional, accepts_outputs = True, False
                spec: Json = {"$ref": self._choice(item.name, choices, output=output)}
            elif flagged is not None:
                optional, accepts_outputs = True, False
                ref = self._named(flagged, output=output)
                spec = {"oneOf": [{"type": "boolean"}, {"$ref": ref}]}
            else:
                try:
                    core, optional, accepts_outputs = unwrap(hints[item.name])
                except SchemaError as error:
                    raise SchemaError(f"{where}: {error}") from None
                switchable = is_switchable(item, optional) and dataclasses.is_dataclass(core)
                spec = self._type(core, output=output, where=where, switchable=switchable)
            description = docs.get(item.name, "")
            if not description:
                raise SchemaError(f"{where} has no docstring")
            if not output and not accepts_outputs:
                why = str(metadata.get(KNOWN, DEFAULT_KNOWN_REASON))
                if _make_plain(spec, hints[item.name]):
                    description += (
                        f"\n\nA plain list or map, known when the program runs: {why} Its values"
                        " may be other resources' outputs."
                    )
                else:
                    description += f"\n\nA plain value, known when the program runs: {why}"
            if metadata.get(SECRET):
                spec["secret"] = True
            properties[name] = {"description": description, **spec}
            has_default = (
                item.default is not dataclasses.MISSING
                or item.default_factory is not dataclasses.MISSING
            )
            if not optional and not has_default:
                required.append(name)
        return properties, sorted(required)

    def _type(self, hint: object, *, output: bool, where: str, switchable: bool = False) -> Json:
        if hint in _SCALARS:
            return {"type": _SCALARS[hint]}
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in _SEQUENCES and args:
            item, _, _ = unwrap(args[0])
            return {"type": "array", "items": self._type(item, output=output, where=where)}
        if origin in _MAPPINGS and len(args) == 2 and args[0] is str:
            value, _, _ = unwrap(args[1])
            return {
                "type": "object",
                "additionalProperties": self._type(value, output=output, where=where),
            }
        named = _named_type(hint)
        if named is not None:
            return {"$ref": self._named(named, output=output, switchable=switchable)}
        raise SchemaError(f"{where}: {hint!r} has no schema type")

    def _named(self, cls: type, *, output: bool, switchable: bool = False) -> str:
        token = self.token(cls)
        owner = self._owners.get(token)
        if owner is None:
            self._owners[token] = (cls, output, switchable)
            built = _is_enum(cls) and self.enum_type(cls)
            self.types[token] = built or self.object_type(cls, output=output, switchable=switchable)
        elif owner[0] is not cls:
            other = getattr(owner[0], "__qualname__", repr(owner[0]))
            raise SchemaError(f"{cls.__qualname__} and {other} are both {token}")
        elif owner[1] != output and not _is_enum(cls):
            raise SchemaError(f"{cls.__qualname__} is used as an input and as an output type")
        elif owner[2] != switchable:
            raise SchemaError(f"{cls.__qualname__} is switchable in one place and not another")
        return f"#/types/{token}"

    def _choice(self, field_name: str, members: tuple[type, ...], *, output: bool) -> str:
        """The named type of a choice field: one optional property per member."""
        token = f"{self.package}:index:{field_name[:1].upper()}{camel_case(field_name)[1:]}"
        if (owner := self._owners.get(token)) is not None and owner[:2] != (members, output):
            raise SchemaError(f"choice {field_name} and {owner[0]!r} are both {token}")
        if owner is not None:
            return f"#/types/{token}"
        self._owners[token] = (members, output, False)
        keys = [choice_key(field_name, member) for member in members]
        if len(set(keys)) != len(keys):
            raise SchemaError(f"the choices of {field_name} share a property name: {keys}")
        properties: Json = {}
        for key, member in zip(keys, members, strict=True):
            spec: Json = {"$ref": self._named(member, output=output)}
            description = markdown(member.__doc__ or type_name(member))
            if not output:
                spec["plain"] = True
                description += f"\n\nA plain value, known when the program runs: {CHOICE_REASON}"
            properties[key] = {"description": description, **spec}
        listed = ", ".join(f"`{key}`" for key in keys)
        self.types[token] = {
            "type": "object",
            "properties": properties,
            "description": f"One of {len(keys)} choices: give exactly one of {listed}.",
        }
        return f"#/types/{token}"

    def enum_type(self, cls: type[enum.Enum]) -> Json:
        """An enum as a schema enum type: each member's name, value and description."""
        docs = attribute_docstrings(cls)
        values: list[Json] = []
        kinds: set[str] = set()
        for member in cls:
            raw: object = member.value
            kinds.add(_SCALARS.get(type(raw), "string"))
            value: Json = {"name": member.name, "value": raw}
            description = docs.get(member.name)
            if description:
                value["description"] = description
            values.append(value)
        if len(kinds) != 1:
            raise SchemaError(f"{cls.__qualname__} mixes value types {sorted(kinds)}")
        schema: Json = {"type": kinds.pop(), "enum": values}
        if cls.__doc__:
            schema["description"] = markdown(cls.__doc__)
        return schema

    def resource(self, component: Component) -> Json:
        """A component resource: its inputs and outputs dataclasses as properties."""
        inputs, required_inputs = self.properties(component.inputs, output=False)
        outputs, required = self.properties(component.outputs, output=True)
        return {
            "isComponent": True,
            "description": component.description,
            "type": "object",
            "inputProperties": inputs,
            "requiredInputs": required_inputs,
            "properties": outputs,
            "required": required,
        }


def package_schema(
    info: PackageInfo,
    components: Sequence[Component],
    notes: Mapping[str, Mapping[str, object]] | None = None,
) -> Json:
    """The whole package schema: package fields, one resource per component, the named types
    (``notes``: field metadata from outside the classes, see :class:`SchemaBuilder`)."""
    builder = SchemaBuilder(info.name, notes)
    resources = {f"{info.name}:index:{c.name}": builder.resource(c) for c in components}
    return {
        "name": info.name,
        "displayName": info.display_name,
        "version": info.version,
        "description": info.description,
        "keywords": list(info.keywords),
        "homepage": info.homepage,
        "repository": info.repository,
        "license": info.license,
        "publisher": info.publisher,
        "resources": resources,
        "types": dict(sorted(builder.types.items())),
        "language": {lang: dict(options) for lang, options in info.language.items()},
    }
