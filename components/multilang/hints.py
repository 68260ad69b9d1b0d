"""What a dataclass's annotations and docstrings say, for the schema (``schema.py``) and the
inputs' conversion (``props.py``): names in camelCase, unions (``T | None``, ``pulumi.Input[T]``,
a component or its output), choices between dataclasses, a flag or a dataclass, attribute
docstrings. Pure: no Pulumi.
"""

from __future__ import annotations

import ast
import collections.abc
import dataclasses
import inspect
import itertools
import re
import sys
import textwrap
import typing
from typing import Any

from ..validation import camel_case

_UnionType = type(int | None)


class SchemaError(Exception):
    """A type the schema cannot express, or two types that would get the same token."""


def type_name(cls: type) -> str:
    """The schema name of a named type: the class name without an ``Args`` suffix."""
    return cls.__name__.removesuffix("Args") or cls.__name__


def choice_key(field_name: str, member: type) -> str:
    """A choice's property: its type's name in camelCase without the field's name as a last
    word (``dns``: ``Route53Dns`` -> ``route53``; ``dkim``: ``EasyDkim`` -> ``easy``,
    ``Byodkim`` -> ``byodkim``)."""
    name = type_name(member)
    suffix = field_name[:1].upper() + camel_case(field_name)[1:]
    if name.endswith(suffix) and name != suffix:
        name = name.removesuffix(suffix)
    return name[:1].lower() + name[1:]


def dataclass_choices(hint: object) -> tuple[type, ...]:
    """The dataclasses of a union of several dataclasses (``None`` aside); ``()`` otherwise."""
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) not in (typing.Union, _UnionType):
        return ()
    members = [m for m in typing.get_args(hint) if m is not type(None)]
    if len(members) < 2 or not all(dataclasses.is_dataclass(m) for m in members):
        return ()
    return tuple(typing.cast(type, m) for m in members)


def flag_or_dataclass(hint: object) -> type | None:
    """The dataclass of a ``bool | D`` union (``None`` aside): a flag or the object that
    chooses (``adopt: AdoptArgs | bool``); ``None`` for any other hint."""
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) not in (typing.Union, _UnionType):
        return None
    members = [m for m in typing.get_args(hint) if m is not type(None)]
    if len(members) != 2 or bool not in members:
        return None
    other = members[1 - members.index(bool)]
    return other if isinstance(other, type) and dataclasses.is_dataclass(other) else None


def is_switchable(item: dataclasses.Field[Any], optional: bool) -> bool:
    """Whether an optional field is on by default: its default is a value, ``None`` is off."""
    return optional and (
        item.default_factory is not dataclasses.MISSING
        or (item.default is not dataclasses.MISSING and item.default is not None)
    )


def markdown(text: str) -> str:
    """A docstring as Markdown: cleaned indentation, reST ````literal```` as `` `literal` ``."""
    return re.sub(r"``(.+?)``", r"`\1`", inspect.cleandoc(text))


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The string literal under each attribute of ``cls``'s body (fields and enum members)."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    module = ast.parse(textwrap.dedent(source))
    classes = [node for node in module.body if isinstance(node, ast.ClassDef)]
    body: list[ast.stmt] = classes[0].body if classes else []
    docs: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        target: ast.expr | None = None
        if isinstance(statement, ast.AnnAssign):
            target = statement.target
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[target.id] = markdown(following.value.value)
    return docs


def is_output_class(hint: object) -> bool:
    origin = typing.get_origin(hint) or hint
    return getattr(origin, "__name__", "") == "Output" and "pulumi" in getattr(
        origin, "__module__", ""
    )


def _is_resource_class(hint: object) -> bool:
    """A Pulumi resource (a component given in Python): other languages pass its output."""
    return isinstance(hint, type) and any(
        base.__name__ == "Resource" and base.__module__.startswith("pulumi")
        for base in hint.__mro__
    )


def unwrap(hint: object) -> tuple[object, bool, bool]:
    """``(core type, optional, accepts outputs)`` of an annotation."""
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) not in (typing.Union, _UnionType):
        return hint, False, False
    members = typing.get_args(hint)
    optional = type(None) in members
    awaitable = (collections.abc.Awaitable, typing.Awaitable)
    accepts_outputs = any(typing.get_origin(m) in awaitable or is_output_class(m) for m in members)
    core = [
        m
        for m in members
        if m is not type(None)
        and typing.get_origin(m) not in awaitable
        and not is_output_class(m)
        and not _is_resource_class(m)
    ]
    if len(core) != 1:
        raise SchemaError(f"{hint!r}: a union of several types has no schema type")
    inner, inner_optional, inner_outputs = unwrap(core[0])
    return inner, optional or inner_optional, accepts_outputs or inner_outputs


def type_hints(cls: type) -> dict[str, object]:
    """The evaluated annotations of ``cls``. ``pulumi.Input[T]`` holds the forward reference
    ``"Output[T]"``, which only ``pulumi.output``'s names resolve: they are taken from there
    (loaded whenever such an annotation exists, so this module still imports no Pulumi)."""
    output_module = sys.modules.get("pulumi.output")
    local = (
        {"Output": output_module.Output, "T": output_module.T}
        if output_module is not None
        else None
    )
    return typing.get_type_hints(cls, localns=local, include_extras=True)
