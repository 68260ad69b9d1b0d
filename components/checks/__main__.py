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
from typing import NoReturn, cast

from .exit_status import ExitStatus

SUBCOMMAND_MODULES: list[str] = [
    ".verify.cli",
    ".smtp.cli",
]

Handler = Callable[[argparse.Namespace], ExitStatus]

MAX_ERROR_CHARS = 300
"""At most this many characters of an argparse error (it echoes the arguments it rejects)."""


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one bounded line, control characters
    escaped, however long or strange the rejected argument; the subcommands' parsers are of
    this class too (``add_subparsers`` uses the parent's class)."""

    def error(self, message: str) -> NoReturn:
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        if len(text) > MAX_ERROR_CHARS:
            text = f"{text[: MAX_ERROR_CHARS - 1]}…"
        super().error(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
