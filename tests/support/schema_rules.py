"""A Pulumi package schema held against Pulumi's metaschema and against the code generators'
rules the metaschema cannot express.

``python -m tests.support.schema_rules SCHEMA.json`` prints every violation of a schema saved
as JSON (for example ``pulumi package get-schema ./provider``), one a line, and the generated
type names; exit status 1 when there is any.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from tests.support.paths import REPO

METASCHEMA = REPO / "schemas" / "pulumi-package-metaschema.json"
BUILTIN_REFS = frozenset(
    {"pulumi.json#/Any", "pulumi.json#/Archive", "pulumi.json#/Asset", "pulumi.json#/Json"}
)


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """``pattern`` as JSON Schema means it, ECMA-262: ``(?<name>`` is a named group there."""
    del validator, schema
    python = re.sub(r"\(\?<(?![=!])", "(?P<", pattern)
    if isinstance(instance, str) and not re.search(python, instance):
        yield ValidationError(f"{instance[:200]!r} does not match {pattern!r}")


_Validator = extend(Draft202012Validator, {"pattern": _ecma_pattern})


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The innermost errors under a ``oneOf``/``anyOf`` failure: what is really wrong."""
    if not error.context:
        yield error
        return
    for inner in error.context:
        yield from _leaves(inner)


def metaschema_violations(schema: Mapping[str, Any]) -> list[str]:
    """Each place where ``schema`` breaks Pulumi's package metaschema."""
    validator = _Validator(json.loads(METASCHEMA.read_text(encoding="utf-8")))
    found: list[str] = []
    for error in validator.iter_errors(schema):
        where = "/".join(str(p) for p in error.absolute_path)
        inner = [e for e in _leaves(error) if e.validator == "type"] or [error]
        for leaf in inner:
            path = "/".join(str(p) for p in leaf.absolute_path)
            found.append(f"metaschema: {path or where}: {leaf.message[:200]}")
    return sorted(set(found))


def _walk(node: object, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        mapping: Mapping[str, Any] = node
        yield path, mapping
        for key, value in mapping.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):  # pyright: ignore[reportUnknownArgumentType, reportUnknownVariableType]
            yield from _walk(value, f"{path}/{index}")


def _properties(schema: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for token, resource in schema.get("resources", {}).items():
        for kind in ("inputProperties", "properties"):
            for name, spec in resource.get(kind, {}).items():
                yield f"resources/{token}/{kind}/{name}", spec
    for token, named in schema.get("types", {}).items():
        for name, spec in named.get("properties", {}).items():
            yield f"types/{token}/properties/{name}", spec


def input_type_tokens(schema: Mapping[str, Any]) -> set[str]:
    """Object types reachable from a resource's inputs: the generators add ``Args`` to these."""
    types: Mapping[str, Any] = schema.get("types", {})
    pending = [
        spec
        for resource in schema.get("resources", {}).values()
        for spec in resource.get("inputProperties", {}).values()
    ]
    found: set[str] = set()
    while pending:
        for _, node in _walk(pending.pop(), ""):
            token = str(node.get("$ref", "")).removeprefix("#/types/")
            if token in types and token not in found and "enum" not in types[token]:
                found.add(token)
                pending.extend(types[token].get("properties", {}).values())
    return found


def generated_type_names(schema: Mapping[str, Any]) -> list[str]:
    """The type names the SDK generators make: ``<Type>Args`` for input types, ``<Type>`` for
    output and enum types, ``<Resource>Args`` for each resource's arguments."""
    inputs = input_type_tokens(schema)
    names: set[str] = set()
    for token, named in schema.get("types", {}).items():
        short = token.rsplit(":", 1)[-1]
        if token in inputs:
            names.add(f"{short}Args")
        if token not in inputs or "enum" in named:
            names.add(short)
    for token in schema.get("resources", {}):
        short = token.rsplit(":", 1)[-1]
        names.update((short, f"{short}Args"))
    return sorted(names)


def codegen_violations(schema: Mapping[str, Any]) -> list[str]:
    """What the metaschema lets through and the code generators do not take well."""
    found: list[str] = []
    types: Mapping[str, Any] = schema.get("types", {})
    for token in [*types, *schema.get("resources", {})]:
        if token.endswith("Args"):
            found.append(f"{token}: a type token ending in Args (the SDKs make {token}Args)")
    found += [f"generated name {n}" for n in generated_type_names(schema) if "ArgsArgs" in n]
    for path, node in _walk(schema, ""):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in BUILTIN_REFS:
            target = ref.removeprefix("#/types/")
            if target == ref or target not in types:
                found.append(f"{path}: $ref {ref} does not resolve")
    for token, named in types.items():
        for index, value in enumerate(named.get("enum", [])):
            if not isinstance(value.get("description"), str) or not value["description"]:
                found.append(f"types/{token}/enum/{index} ({value.get('value')!r}): no description")
    for path, spec in _properties(schema):
        if not isinstance(spec.get("description"), str) or not spec["description"]:
            found.append(f"{path}: no description")
    return found


def violations(schema: Mapping[str, Any]) -> list[str]:
    """Every metaschema and code generator violation of ``schema``."""
    return [*metaschema_violations(schema), *codegen_violations(schema)]


def main(argv: list[str]) -> int:
    """Print the violations of the schema file named in ``argv``, and the generated names."""
    schema = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    found = violations(schema)
    print("\n".join(found))
    print(f"{len(found)} violations")
    print("generated type names: " + ", ".join(generated_type_names(schema)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
