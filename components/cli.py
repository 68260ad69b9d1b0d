"""``ses-domains plan|verify|smtp|send|account|stats``: the installed package's console script.

Each subcommand is the checkout's program with its own parser and exit statuses:
``ses-domains plan`` is ``python -m components.plan`` (planning the Pulumi project in the
current directory unless ``--project-dir`` names another), and
``ses-domains verify|smtp|send|account|stats`` are
``python -m checks verify|smtp|send|account|stats``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .checks.__main__ import BoundedParser, add_subcommands
from .checks.__main__ import run as run_check
from .plan.__main__ import DESCRIPTION as PLAN_DESCRIPTION
from .plan.__main__ import add_arguments as add_plan_arguments
from .plan.__main__ import run as run_plan

PROG = "ses-domains"
PLAN = "plan"


def build_parser() -> argparse.ArgumentParser:
    """One parser for every subcommand; the plan's default project is the current directory."""
    parser = BoundedParser(
        prog=PROG,
        description="Plan an SES stack offline, verify its DNS records on every authoritative "
        "server, send a test message through SES SMTP or the SES API, show the SES account and "
        "request production access, show the sending statistics.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    plan = subparsers.add_parser(
        PLAN,
        help="what pulumi up would declare, and the DNS records, offline (no CLI, no cloud)",
        description=PLAN_DESCRIPTION,
    )
    add_plan_arguments(plan, project_dir=Path.cwd())
    add_subcommands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == PLAN:
        return run_plan(args)
    return run_check(args)
