"""The offline plan's human output: the resource tree and the records table."""

from __future__ import annotations

from typing import Any, cast

from .run import Plan


def render_tree(resources: list[dict[str, Any]]) -> str:
    children: dict[str | None, list[dict[str, Any]]] = {}
    for resource in resources:
        children.setdefault(resource["parent"], []).append(resource)
    lines: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for resource in children.get(parent, []):
            lines.append(f"{'  ' * depth}{resource['type']}  {resource['name']}")
            walk(resource["name"], depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def render_records(records: list[dict[str, Any]]) -> str:
    rows = [("NAME", "TYPE", "TTL", "PURPOSE", "VALUE")] + [
        (r["name"], r["type"], str(r["ttl"]), r["purpose"], r["value"]) for r in records
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    )


def records_of(plan: Plan) -> list[dict[str, Any]]:
    records = plan.outputs.get("dns_records", [])
    return cast(list[dict[str, Any]], records if isinstance(records, list) else [])
