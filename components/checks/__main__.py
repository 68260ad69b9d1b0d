"""``python -m checks <subcommand> ...``: dispatches to the subcommand modules.

Installed, the same subcommands are ``ses-domains verify|smtp|account|stats``
(``ses_domains.cli``), built by :func:`add_subcommands` and run by :func:`run` exactly as here.

To add a subcommand, write a module with ``register(subparsers)`` that adds its parser and sets
``handler`` (a callable taking the parsed ``argparse.Namespace`` and returning its
:class:`~.exit_status.ExitStatus`)
with ``parser.set_defaults(handler=...)``, then add its name and its module's name,
relative to this package, below.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, cast

from .exit_status import ExitStatus

SUBCOMMANDS: dict[str, str] = {
    "verify": ".verify.cli",
    "smtp": ".smtp.cli",
    "account": ".account.cli",
    "stats": ".stats.cli",
    "send": ".send.cli",
}
"""Each subcommand's name and the module that registers it, in the order ``--help`` lists them.
A command line naming one of them first gets a parser with that one alone: what it parses and
prints is the same, without importing the other four (the AWS commands' modules cost as much
as ``verify``'s whole run of ten domains)."""

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


def add_subcommands(subparsers: Any, only: str | None = None) -> None:
    """Add every subcommand's parser to ``subparsers`` (of a :class:`BoundedParser`), or only
    the one named ``only``."""
    for name, module_name in SUBCOMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module_name, __package__).register(subparsers)


def build_parser(prog: str = PROG, only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of the one named ``only`` (a key of
    :data:`SUBCOMMANDS`)."""
    parser = BoundedParser(
        prog=prog,
        description="Post-deploy checks for the SES stack (DNS, SES status, SMTP).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    add_subcommands(subparsers, only)
    return parser


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> ExitStatus:
    args = list(sys.argv[1:] if argv is None else argv)
    only = args[0] if args and args[0] in SUBCOMMANDS else None
    return run(build_parser(prog, only).parse_args(args))


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


def exit_process(status: int) -> NoReturn:
    """End the command's process with ``status`` without the interpreter's teardown (for the
    command-line entry points only, never for a caller of :func:`main`).

    Python's teardown collects every object still alive once more and frees them one by one
    (measured for ``verify``: about 40 M instructions, 30 to 80 ms, whatever the run's size).
    It is skipped only when nothing is lost by it: standard output and error are flushed
    first, the exit handlers (``atexit``) run as they would, no other thread runs and no
    tracer or profiler (a debugger, coverage, ``python -m cProfile``) waits for the command
    to return. Otherwise (such a tool, a thread still running, a flush that fails, such as on
    a closed pipe) the process ends as Python ends it, reporting what it always reported,
    with what exists frozen out of the last collection (four fifths of the time saved).
    """
    gc.freeze()
    threading = sys.modules.get("threading")
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's, since 3.0
    if (
        run_exit_handlers is None
        or sys.gettrace() is not None
        or sys.getprofile() is not None
        or (threading is not None and threading.active_count() > 1)
    ):
        sys.exit(status)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        run_exit_handlers()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # whatever it is, the interpreter reports it as it always did
        sys.exit(status)
    os._exit(status)


if __name__ == "__main__":  # python -m components.checks, or ses_domains.checks installed
    exit_process(main(prog=f"python -m {__package__}"))
