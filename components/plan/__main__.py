"""``python -m components.plan --stack NAME [--json] [--zone-file PATH] [--import-file PATH]``:
the offline plan.

Evaluates the real ``__main__.py`` for a stack under the SDK's mock runtime (``run.py``) and
prints the resource tree and records (``render.py``), the whole plan as JSON, or a zone fragment;
``--import-file`` writes what the stack adopts as a ``pulumi import --file`` document.

Every declared resource is held against the limits AWS and the providers enforce at create time
(``components/constraints``); each input they would refuse is named on stderr (and listed under
``constraint_violations`` in ``--json``), and the plan exits 2 as for bad configuration.

Exit status: 0 the plan was made; 2 bad usage, bad configuration (each problem named) or a
declared input AWS would refuse; 1 the program failed for another reason.

Installed, the same command is ``ses-domains plan`` (``ses_domains.cli``): the parser from
:func:`add_arguments` and :func:`run`, with the current directory as the default project.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..checks.__main__ import BoundedParser
from ..checks.aws_api import url_problem
from ..validation import bounded_text
from .render import records_of, render_adopted, render_records, render_tree
from .run import Plan, ProgramFailed, make_plan
from .stack_files import PROJECT_DIR, PlanUsageError

DESCRIPTION = "Evaluate the stack program offline under the Pulumi SDK's mock runtime."


def add_arguments(parser: argparse.ArgumentParser, *, project_dir: Path) -> None:
    """The plan's options; ``project_dir`` holds ``Pulumi.yaml`` and the program unless
    ``--project-dir`` names another."""
    parser.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--json", action="store_true", help="print the whole plan as JSON")
    parser.add_argument(
        "--zone-file",
        metavar="PATH",
        help="write the records as a BIND zone fragment ('-': stdout)",
    )
    parser.add_argument(
        "--import-file",
        metavar="PATH",
        help="write what the stack adopts as a pulumi import --file document ('-': stdout)",
    )
    parser.add_argument(
        "--check-adopted",
        action="store_true",
        help="read each adopted resource in SES (read-only AWS calls) and compare it with the plan",
    )
    parser.add_argument(
        "--aws-endpoint-url",
        metavar="URL",
        help="with --check-adopted: the SES API endpoint (e.g. a local moto_server)",
    )
    parser.add_argument("--project-dir", type=Path, default=project_dir, help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    # In the checkout the project is the repository's; installed (python -m ses_domains.plan),
    # as for ses-domains plan, the one in the current directory.
    in_checkout = __package__ == "components.plan"
    parser = BoundedParser(prog=f"python -m {__package__}", description=DESCRIPTION)
    add_arguments(parser, project_dir=PROJECT_DIR if in_checkout else Path.cwd())
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Make and print the plan ``args`` ask for; returns the exit status."""
    from ..domain.records import DnsRecord, Purpose, RecordType, zone_file
    from ..validation import MAX_EXPLANATION, MAX_PROBLEMS_SHOWN, ConfigError

    zone_path = None if args.zone_file in (None, "-") else Path(args.zone_file)
    import_path = None if args.import_file in (None, "-") else Path(args.import_file)
    if (
        args.aws_endpoint_url is not None
        and (problem := url_problem(args.aws_endpoint_url)) is not None
    ):
        print(
            f"plan: --aws-endpoint-url {bounded_text(args.aws_endpoint_url)}: {problem}",
            file=sys.stderr,
        )
        return 2
    for option, path in (("--zone-file", zone_path), ("--import-file", import_path)):
        if path is not None and (problem := _unwritable(path)) is not None:
            print(f"plan: {option} {bounded_text(str(path))}: {problem}", file=sys.stderr)
            return 2
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
    for warning in plan.warnings[:MAX_PROBLEMS_SHOWN]:
        print(f"plan: warning: {bounded_text(warning, MAX_EXPLANATION)}", file=sys.stderr)
    if len(plan.warnings) > MAX_PROBLEMS_SHOWN:
        print(
            f"plan: ... and {len(plan.warnings) - MAX_PROBLEMS_SHOWN} more warnings",
            file=sys.stderr,
        )
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
        if not _write_output(text, zone_path, "--zone-file", f"{len(records)} records"):
            return 2
    if args.import_file:
        document = plan.import_file
        count = sum(1 for entry in document["resources"] if "id" in entry)
        what = f"{count} resources to adopt" if count else "nothing to adopt (no domain sets adopt)"
        text = json.dumps(document, indent=2) + "\n"
        if not _write_output(text, import_path, "--import-file", what):
            return 2
    if args.json:
        print(json.dumps(plan.to_json(), indent=2, sort_keys=True))
    elif "-" not in (args.zone_file, args.import_file):
        print(f"Stack {plan.stack}: {len(plan.resources)} resources\n")
        print(render_tree(plan.resources))
        print(f"\nDNS records ({len(records)}):\n")
        print(render_records(records, plan.record_destinations))
        if plan.adopted or any(r["inputs"].get("allowOverwrite") for r in plan.resources):
            print("\nAdopted: imported or taken over instead of created:\n")
            print(render_adopted(plan))
    if args.check_adopted and (status := _check_adopted(plan, args.aws_endpoint_url)):
        return status
    if plan.constraint_violations:
        print(
            f"plan: stack {args.stack!r}: {len(plan.constraint_violations)} declared input(s) "
            "AWS or the provider would refuse at create time:",
            file=sys.stderr,
        )
        for violation in plan.constraint_violations:
            print(f"  {violation}", file=sys.stderr)
        return 2
    return 0


def _check_adopted(plan: Plan, endpoint: str | None) -> int:
    """Confirm the adopted resources in SES; the exit status (0: all there as declared)."""
    from ..checks.exit_status import ExitStatus
    from .existing import check_adopted

    confirmation = check_adopted(plan.resources, endpoint)
    for finding in confirmation.findings:
        print(f"plan: adopted {finding}", file=sys.stderr)
    if confirmation.failure is not None:
        print(f"plan: --check-adopted: {confirmation.failure.message}", file=sys.stderr)
        return 2 if confirmation.failure.status is ExitStatus.USAGE else 1
    if confirmation.findings:
        return 2
    print(
        f"plan: {confirmation.checked} adopted resources found in SES as declared",
        file=sys.stderr,
    )
    return 0


def _write_output(text: str, path: Path | None, option: str, what: str) -> bool:
    """Write ``text`` to ``path`` (``None``: stdout) and say that ``what`` was written on
    stderr; ``False`` when it cannot be written (the reason printed, naming ``option``)."""
    if path is None:
        sys.stdout.write(text)
        return True
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        print(
            f"plan: {option} {bounded_text(str(path))}: cannot be written: "
            f"{error.strerror or error}",
            file=sys.stderr,
        )
        return False
    print(f"plan: wrote {what} to {bounded_text(str(path))}", file=sys.stderr)
    return True


def _unwritable(path: Path) -> str | None:
    """Why the zone or import file cannot be written there, checked before the plan runs."""
    if path.is_dir():
        return "is a directory; give a file name such as dev.zone or import.json"
    if not path.parent.is_dir():
        return f"its folder {bounded_text(str(path.parent))} does not exist"
    return None


if __name__ == "__main__":
    raise SystemExit(main())
