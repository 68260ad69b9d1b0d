"""Where the repository's files are, for tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


DNS_RECORDS_SCHEMA = load_schema("dns_records.schema.json")

STACK_NAMES = tuple(
    sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in REPO.glob("Pulumi.*.yaml"))
)
"""Every stack file of the repository (``Pulumi.<name>.yaml``): each is planned, held against a
reviewed snapshot and replayed against moto."""
