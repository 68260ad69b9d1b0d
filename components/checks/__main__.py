"""``python -m checks <subcommand> ...``: dispatches to the subcommand modules.

Installed, the same subcommands are ``ses-domains verify|smtp|account|stats``
(``ses_domains.cli``), built by :func:`add_subcommands` and run by :func:`run` exactly as here.

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
from typing import Any, NoReturn, cast

from .exit_status import ExitStatus

SUBCOMMAND_MODULES: list[str] = [
    ".verify.cli",
    ".smtp.cli",
    ".account.cli",
    ".stats.cli",
    ".send.cli",
]

Handler = Callable[[argparse.Namespace], ExitStatus]

MAX_ERROR_CHARS = 300
"""At most this many characters of an argparse error (it echoes the arguments it rejects)."""


class BoundedParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one bounded line, control characters
    escaped, however long or strange the rejected argument; the subcommands' parsers are of
    this class too (``add_subparsers`` uses the parent's class)."""

    def error(self, message: str) -> NoReturn:
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        if len(text) > MAX_ERROR_CHARS:
            text = f"{text[: MAX_ERROR_CHARS - 1]}…"
        super().error(text)


PROG = "python -m checks"
"""The checkout's command (contract 3); the console script passes its own name."""


def add_subcommands(subparsers: Any) -> None:
    """Add every subcommand's parser to ``subparsers`` (of a :class:`BoundedParser`)."""
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(name, __package__)
        module.register(subparsers)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = BoundedParser(
        prog=prog,
        description="Post-deploy checks for the SES stack (DNS, SES status, SMTP).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    add_subcommands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> ExitStatus:
    return run(build_parser(prog).parse_args(argv))


def run(args: argparse.Namespace) -> ExitStatus:
    """Run the subcommand ``args`` were parsed for; an unexpected exception is one line."""
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


if __name__ == "__main__":  # python -m components.checks, or ses_domains.checks installed
    sys.exit(main(prog=f"python -m {__package__}"))
