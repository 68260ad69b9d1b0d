"""The ``pulumi import --file`` document of what a plan adopts, for review before the first
``pulumi up``.

Pulumi's import file is ``{"nameTable": {...}, "resources": [{"type", "name", "id", "parent",
"component", "logicalName", ...}]}`` (the ``pulumi import`` command's reference; its
``importSpec``/``importFile`` in pulumi/pkg/cmd/pulumi; ``provider`` names a ``nameTable`` entry
holding the provider's URN). A resource's URN is built from its
parent's type chain, its type and its logical name, so each adopted resource is listed under its
parents exactly as the program declares them: the component parents come first as entries with
``"component": true`` (Pulumi 3.94 and later create them empty), each child naming its parent's
entry. ``pulumi import --file`` and ``pulumi up`` then agree on every URN, and the program's
``import_`` options find the resources already in the state. A resource adopted outside the
stack's region names its region's provider (``aws-<region>``), which must be in the state before
``pulumi import`` runs (docs/adopt.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .mocks import DeclaredResource


def import_file(declared: Sequence[DeclaredResource]) -> dict[str, Any]:
    """The import document of every resource in ``declared`` that has an import id (an empty
    ``resources`` list when nothing is adopted), by logical name, each parent before its first
    child: the same configuration always gives the same document."""
    by_key = {(resource.type, resource.name): resource for resource in declared}
    entry_names: dict[tuple[str, str], str] = {}
    entries: list[dict[str, Any]] = []

    def add(resource: DeclaredResource, fields: dict[str, Any]) -> None:
        name = resource.name
        taken = set(entry_names.values())
        suffix = 1
        while name in taken:  # entries are named uniquely; logicalName keeps the real name
            suffix += 1
            name = f"{resource.name}#{suffix}"
        entry: dict[str, Any] = {"type": resource.type, "name": name, **fields}
        if name != resource.name:
            entry["logicalName"] = resource.name
        if resource.parent is not None and resource.parent_type is not None:
            entry["parent"] = entry_names[resource.parent_type, resource.parent]
        if resource.provider is not None and "id" in fields:
            entry["provider"] = provider_name(resource.provider)
        entry_names[resource.type, resource.name] = name
        entries.append(entry)

    for resource in sorted(declared, key=lambda resource: (resource.name, resource.type)):
        if resource.import_id is None:
            continue
        chain: list[DeclaredResource] = []
        parent = resource
        while parent.parent is not None and parent.parent_type is not None:
            parent = by_key[parent.parent_type, parent.parent]
            chain.append(parent)
        for ancestor in reversed(chain):
            if (ancestor.type, ancestor.name) not in entry_names:
                add(ancestor, {"component": True})
        add(resource, {"id": resource.import_id})
    name_table = {
        provider_name(resource.provider): provider_urn(resource.provider)
        for resource in declared
        if resource.import_id is not None and resource.provider is not None
    }
    return {"nameTable": dict(sorted(name_table.items())), "resources": entries}


_STACK_QUALIFIER = "::pulumi:pulumi:Stack$"
"""The SDK's mock monitor puts the stack's type in the URNs of the stack's children; the engine
does not (``urn:pulumi:<stack>::<project>::<type>::<name>``)."""


def provider_urn(reference: str) -> str:
    """The URN of a provider reference (``<urn>::<id>``), as the engine writes it."""
    return reference.rpartition("::")[0].replace(_STACK_QUALIFIER, "::", 1)


def provider_name(reference: str) -> str:
    """The logical name of a provider reference: its URN's last part."""
    return provider_urn(reference).rpartition("::")[2]
