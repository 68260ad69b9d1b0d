"""Every declared resource's inputs held against its type's constraints and name scopes.

Values the plan could not know (the SDK's unknown sentinel, ``[secret]``) are skipped. No Pulumi
import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from .model import Constraint, Scope, Uniqueness, Violation
from .table import IMPORT_IDS, UNIQUENESS, constraints

UNKNOWN_VALUES = frozenset({"04da6b54-80e4-46f7-96ec-b56ff0331ba9", "[secret]"})
"""The stand-ins a plan records for values it cannot know: the SDK's unknown, a secret."""
_SHOWN = 100
_AWS_PROVIDER = "pulumi:providers:aws"
_OWN = "components/domain/adopt.py"
_REGION_SOURCE = (
    "terraform-provider-aws importRegionInterceptor: an import id without @<region> is read in "
    "the provider's region"
)


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 3]}..."


def values_at(inputs: Mapping[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    """The (concrete path, value) pairs ``path`` reaches in ``inputs``; ``[]`` steps into every
    item of a list. Absent inputs yield nothing."""

    def walk(value: Any, parts: list[str], where: str) -> Iterator[tuple[str, Any]]:
        if not parts:
            yield where, value
            return
        part, rest = parts[0], parts[1:]
        key, is_list = part.removesuffix("[]"), part.endswith("[]")
        if not isinstance(value, Mapping) or key not in value:
            return
        child = cast(Mapping[str, Any], value)[key]
        here = f"{where}.{key}" if where else key
        if not is_list:
            yield from walk(child, rest, here)
        elif isinstance(child, list):
            for index, item in enumerate(cast(list[Any], child)):
                yield from walk(item, rest, f"{here}[{index}]")

    yield from walk(inputs, path.split("."), "")


def _input_violations(resource: Mapping[str, Any], rules: Iterable[Constraint]) -> list[Violation]:
    inputs = cast(Mapping[str, Any], resource.get("inputs") or {})
    found: list[Violation] = []
    for rule in rules:
        for where, value in values_at(inputs, rule.property):
            if isinstance(value, str) and value in UNKNOWN_VALUES:
                continue
            if rule.accepts(value) is False:
                found.append(
                    Violation(
                        resource_type=str(resource["type"]),
                        resource_name=str(resource["name"]),
                        property=where,
                        value=_shown(value),
                        allowed=rule.describe(),
                        source=rule.source,
                    )
                )
    return found


def _key(inputs: Mapping[str, Any], rule: Uniqueness) -> tuple[str, ...] | None:
    scope = ("region",) if rule.scope is Scope.REGION else rule.within
    parts: list[str] = []
    for name in (*scope, *rule.name):
        value = inputs.get(name)
        if isinstance(value, str) and value in UNKNOWN_VALUES:
            return None
        text = "" if value is None else str(value)
        if rule.case_insensitive and name in rule.name:
            text = text.lower().rstrip(".")
        parts.append(text)
    return tuple(parts)


def _duplicates(resources: list[Mapping[str, Any]]) -> list[Violation]:
    by_type = {rule.type: rule for rule in UNIQUENESS}
    seen: dict[tuple[str, ...], str] = {}
    adopters: set[str] = set()
    found: list[Violation] = []
    for resource in resources:
        rule = by_type.get(str(resource["type"]))
        if rule is None:
            continue
        inputs = cast(Mapping[str, Any], resource.get("inputs") or {})
        if rule.name and all(inputs.get(name) is None for name in rule.name):
            continue  # the provider names it (auto-naming keeps it unique)
        key = _key(inputs, rule)
        if key is None:
            continue
        first = seen.setdefault((rule.type, *key), str(resource["name"]))
        if first != str(resource["name"]):
            adopted = (
                "; an existing resource is managed by one stack only: adopt it in one"
                if resource.get("import_id") or first in adopters
                else ""
            )
            found.append(
                Violation(
                    resource_type=rule.type,
                    resource_name=str(resource["name"]),
                    property="+".join(rule.name) or "(account setting)",
                    value=_shown("/".join(key)),
                    allowed=f"{rule.describe()}; {first} declares the same{adopted}",
                    source=rule.source,
                )
            )
        elif resource.get("import_id"):
            adopters.add(first)
    return found


def _import_violations(
    resource: Mapping[str, Any],
    provider_regions: Mapping[str, Any],
    provider_region: str | None,
) -> list[Violation]:
    """An adopted resource's import id must be the one the provider expects for the resource
    declared (an id naming another resource would adopt that one), read in the resource's own
    region: through its explicit provider's region, else the stack's."""
    import_id = resource.get("import_id")
    if import_id is None:
        return []
    type_ = str(resource["type"])
    found: list[Violation] = []

    def violation(property_: str, value: Any, allowed: str, source: str) -> None:
        found.append(
            Violation(
                resource_type=type_,
                resource_name=str(resource["name"]),
                property=property_,
                value=_shown(value),
                allowed=allowed,
                source=source,
            )
        )

    if type_ not in IMPORT_IDS:
        known = ", ".join(sorted(IMPORT_IDS))
        violation("import_id", import_id, f"declared on a type the stack adopts ({known})", _OWN)
        return found
    member, source = IMPORT_IDS[type_]
    inputs = cast(Mapping[str, Any], resource.get("inputs") or {})
    if import_id != inputs.get(member):
        violation("import_id", import_id, f"{_shown(inputs.get(member))}, its {member}", source)
    provider = resource.get("provider")
    read_in = provider_regions.get(provider) if provider else provider_region
    if read_in is not None and read_in != inputs.get("region"):
        violation(
            "region",
            inputs.get("region"),
            f"the region its provider reads the import in ({_shown(read_in)})",
            _REGION_SOURCE,
        )
    return found


def check_resources(
    resources: Iterable[Mapping[str, Any]], *, provider_region: str | None = None
) -> list[Violation]:
    """What AWS or the provider would reject in ``resources`` (a plan's ``resources``: each with
    ``type``, ``name``, ``inputs`` and, when adopted, ``import_id``): each input against its
    type's constraints, each import id against the resource it must name and the region it is
    read in (``provider_region``: the default provider's, when known), and every two resources
    of a type sharing a physical name in the type's scope."""
    listed = list(resources)
    by_type: dict[str, list[Constraint]] = {}
    for rule in constraints():
        by_type.setdefault(rule.type, []).append(rule)
    provider_regions = {
        str(r["name"]): cast(Mapping[str, Any], r.get("inputs") or {}).get("region")
        for r in listed
        if r["type"] == _AWS_PROVIDER
    }
    found: list[Violation] = []
    for resource in listed:
        found.extend(_input_violations(resource, by_type.get(str(resource["type"]), ())))
        found.extend(_import_violations(resource, provider_regions, provider_region))
    return found + _duplicates(listed)
