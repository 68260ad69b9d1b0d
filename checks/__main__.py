"""``python -m checks <subcommand> ...``: dispatches to the subcommand modules.

To add a subcommand, write a module with ``register(subparsers)`` that adds its parser and sets
``handler`` (a callable taking the parsed ``argparse.Namespace`` and returning its
:class:`~.exit_status.ExitStatus`)
with ``parser.set_defaults(handler=...)``, then append its module name,
relative to this package, below.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import cast

from .exit_status import ExitStatus

SUBCOMMAND_MODULES: list[str] = [
    ".verify.cli",
    ".smtp.cli",
]

Handler = Callable[[argparse.Namespace], ExitStatus]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m checks",
        description="Post-deploy checks for the SES stack (DNS, SES status, SMTP).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(name, __package__)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> ExitStatus:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = cast("Handler", args.handler)
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except Exception as exc:  # a last resort: the subcommands handle their own errors
        if os.environ.get("CHECKS_DEBUG"):
            raise
        print(
            f"{args.command}: internal error: {type(exc).__name__}: {exc} "
            "(set CHECKS_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return ExitStatus.USAGE


if __name__ == "__main__":
    sys.exit(main())
