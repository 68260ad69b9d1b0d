"""``python -m components.plan --stack NAME [--json] [--zone-file PATH]``: the offline plan.

Evaluates the real ``__main__.py`` for a stack under the SDK's mock runtime (``run.py``) and
prints the resource tree and records (``render.py``), the whole plan as JSON, or a zone fragment.

Exit status: 0 the plan was made; 2 bad usage or bad configuration (each problem named);
1 the program failed for another reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .render import records_of, render_records, render_tree
from .run import ProgramFailed, make_plan
from .stack_files import PROJECT_DIR, PlanUsageError


def main(argv: list[str] | None = None) -> int:
    from ..domain.records import DnsRecord, Purpose, RecordType, zone_file
    from ..validation import ConfigError

    parser = argparse.ArgumentParser(
        prog="python -m components.plan",
        description="Evaluate the stack program offline under the Pulumi SDK's mock runtime.",
    )
    parser.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--json", action="store_true", help="print the whole plan as JSON")
    parser.add_argument(
        "--zone-file",
        metavar="PATH",
        help="write the records as a BIND zone fragment ('-': stdout)",
    )
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        plan = make_plan(args.stack, args.project_dir)
    except PlanUsageError as error:
        print(f"plan: {error}", file=sys.stderr)
        return 2
    except ConfigError as error:
        print(f"plan: stack {args.stack!r}: {error}", file=sys.stderr)
        return 2
    except ProgramFailed as error:
        print(f"plan: the program stopped: {error}", file=sys.stderr)
        return 1
    for key in plan.placeholder_keys:
        print(f"plan: {key} is encrypted; a throwaway stand-in was used", file=sys.stderr)
    for warning in plan.warnings:
        print(f"plan: warning: {warning}", file=sys.stderr)
    records = records_of(plan)
    if args.zone_file:
        text = zone_file(
            DnsRecord(
                r["domain"],
                r["name"],
                RecordType(r["type"]),
                r["value"],
                r["ttl"],
                Purpose(r["purpose"]),
                "",
            )
            for r in records
        )
        if args.zone_file == "-":
            sys.stdout.write(text)
        else:
            Path(args.zone_file).write_text(text, encoding="utf-8")
    if args.json:
        print(json.dumps(plan.to_json(), indent=2, sort_keys=True))
    elif args.zone_file != "-":
        print(f"Stack {plan.stack}: {len(plan.resources)} resources\n")
        print(render_tree(plan.resources))
        print(f"\nDNS records ({len(records)}):\n")
        print(render_records(records, plan.record_destinations))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
