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


def render_records(records: list[dict[str, Any]], destinations: dict[str, dict[str, str]]) -> str:
    """The records as a table, each row with where ``pulumi up`` writes it (``destinations``:
    per domain, the provider and zone)."""
    rows = [("NAME", "TYPE", "TTL", "PURPOSE", "PROVIDER", "ZONE", "VALUE")] + [
        (
            r["name"],
            r["type"],
            str(r["ttl"]),
            r["purpose"],
            destinations[r["domain"]]["provider"],
            destinations[r["domain"]]["zone"],
            r["value"],
        )
        for r in records
    ]
    last = len(rows[0]) - 1
    widths = [max(len(row[i]) for row in rows) for i in range(last)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:last])) + "  " + row[last]
        for row in rows
    )


def records_of(plan: Plan) -> list[dict[str, Any]]:
    records = plan.outputs.get("dns_records", [])
    return cast(list[dict[str, Any]], records if isinstance(records, list) else [])


def render_adopted(plan: Plan) -> str:
    """What the stack takes over instead of creating: each imported resource with its import
    id, then each Route 53 record that overwrites an existing one."""
    rows = [("TYPE", "NAME", "IMPORT ID")] + [
        (entry["type"], entry["name"], entry["id"]) for entry in plan.adopted
    ]
    rows += [
        (r["type"], r["name"], "(taken over: allowOverwrite)")
        for r in plan.resources
        if r["type"] == "aws:route53/record:Record" and r["inputs"].get("allowOverwrite") is True
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return "\n".join(
        f"{row[0].ljust(widths[0])}  {row[1].ljust(widths[1])}  {row[2]}" for row in rows
    )
