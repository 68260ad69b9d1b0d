"""What ``verify --aws`` reads from the stack outputs beside ``dns_records``: each domain's SES
regions and the global endpoints (pure; anything not shaped as the stack writes it is left out)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from .expected import Expected

MAIL_FROM_MX_REGION = re.compile(r"feedback-smtp\.([a-z0-9-]+)\.amazonses\.com$")
"""A MAIL FROM MX host; its group is the SES region the host serves."""


def domain_regions(
    records: list[Expected], default: str, declared: Mapping[str, list[str]] | None = None
) -> dict[str, list[str]]:
    """Each domain's SES regions: those the stack outputs declare (``identities``), else read
    from its MAIL FROM MX hosts (one per region, in record order), else ``default``."""
    regions: dict[str, list[str]] = {}
    for rec in records:
        found = regions.setdefault(rec.domain, [])
        if rec.rdtype == "MX":
            match = MAIL_FROM_MX_REGION.search(rec.value.split(" ")[-1])
            if match and match.group(1) not in found:
                found.append(match.group(1))
    for domain, found in regions.items():
        regions[domain] = list((declared or {}).get(domain) or found or [default])
    return regions


@dataclass(frozen=True, kw_only=True)
class StackContext:
    """What ``--aws`` reads from the whole stack outputs beside ``dns_records`` (nothing when
    given a bare list of records or only ``dns_records``)."""

    regions: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    """Domain -> its regions, the primary first (``identities``)."""
    endpoints: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    """Global endpoint name -> its two regions, the primary first (``global_endpoints``)."""


def as_mapping(value: object) -> dict[str, object]:
    """``value`` when it is a JSON object, else an empty one."""
    return cast(dict[str, object], value) if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    items = cast(list[object], value) if isinstance(value, list) else []
    return [item for item in items if isinstance(item, str)]


@functools.lru_cache(maxsize=1)
def stack_context(text: str) -> StackContext:
    """The regions and global endpoints in stack outputs (``pulumi stack output --json`` or the
    offline plan's document); anything not shaped as the stack writes it is left out. The last
    text's answer is kept: a run reads the same document for --aws and the readiness rules."""
    try:
        data: object = json.loads(text)
    except ValueError:
        return StackContext()
    outputs = as_mapping(data)
    if isinstance(outputs.get("outputs"), dict):  # the offline plan's document
        outputs = as_mapping(outputs["outputs"])
    regions: dict[str, list[str]] = {}
    identities = outputs.get("identities")
    for domain, entry in (
        cast(dict[str, object], identities) if isinstance(identities, dict) else {}
    ).items():
        if not isinstance(entry, dict):
            continue
        entry = cast(dict[str, object], entry)
        primary = entry.get("region")
        others = entry.get("regions")
        listed = list(cast(dict[str, object], others)) if isinstance(others, dict) else []
        if isinstance(primary, str):
            regions[domain] = [primary, *(r for r in listed if r != primary)]
    endpoints: dict[str, list[str]] = {}
    declared = outputs.get("global_endpoints")
    for name, entry in (
        cast(dict[str, object], declared) if isinstance(declared, dict) else {}
    ).items():
        routes = (
            _strings(cast(dict[str, object], entry).get("regions"))
            if isinstance(entry, dict)
            else []
        )
        if len(routes) == 2:
            endpoints[name] = routes
    return StackContext(regions=regions, endpoints=endpoints)
