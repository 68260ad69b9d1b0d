"""``python -m checks smtp``: send one message through the SES SMTP interface, end to end.

Credentials come from the stack outputs (``pulumi stack output --json --show-secrets``, as a file
or on stdin: the ``smtp_credentials`` output) or from the environment (``SES_SMTP_USERNAME``,
``SES_SMTP_PASSWORD``, ``SES_SMTP_REGION``). The check connects with STARTTLS (port 587 by
default) or implicit TLS (465/2465), verifies the server certificate, and refuses to send the
credentials over a connection that is not encrypted. It prints a short transcript (never the
password) and the message id SES returns (or another server's queue id, or its whole reply).

Every option and the credentials are checked before anything is sent (``inputs.py``,
``credentials.py``); all problems are printed at once, each naming its option or key.

Each failure prints what happened and what to do next; the exit status is an
:class:`~checks.exit_status.ExitStatus` (the table: docs/checks.md, "Exit status").

This package never imports Pulumi; from ``components`` it uses only the pure
``components.smtp.credentials`` (SES's implicit-TLS ports and SMTP host names). It and the SMTP,
TLS and email modules are imported when the subcommand runs, not when ``python -m checks`` builds
its parser.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, TypeVar, cast

from ..exit_status import ExitStatus

if TYPE_CHECKING:
    from .credentials import Credentials
    from .outcome import Outcome
    from .session import Outgoing

T = TypeVar("T")

DEFAULT_RECIPIENT = "success@simulator.amazonses.com"
DEFAULT_STARTTLS_PORT = 587
DEFAULT_TLS_PORT = 465
DEFAULT_TIMEOUT = 20.0


def register(subparsers: Any) -> None:
    """Add the ``smtp`` subcommand to ``python -m checks``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "smtp",
        help="send one test message through the SES SMTP interface (STARTTLS or TLS)",
        description=(
            "Send one message through the SES SMTP endpoint with the stack's SMTP credentials. "
            "Credentials: --outputs (pulumi stack output --json --show-secrets) or the "
            "environment variables SES_SMTP_USERNAME, SES_SMTP_PASSWORD and SES_SMTP_REGION. "
            "Exit status: 0 sent, 2 usage, 3 connection failed, 4 timeout, 5 TLS failure, "
            "6 authentication failed (535), 7 sandbox/not verified (554), 8 not authorized, "
            "9 other rejection."
        ),
    )
    parser.add_argument(
        "--outputs",
        metavar="FILE|-",
        help="stack outputs JSON (pulumi stack output --json --show-secrets); - reads stdin",
    )
    parser.add_argument("--user", help="SMTP user in the outputs (default: the only one)")
    parser.add_argument(
        "--region", help="region whose endpoint and password to use (default: the user's)"
    )
    parser.add_argument("--host", help="SMTP host (default email-smtp.<region>.amazonaws.com)")
    parser.add_argument("--port", type=int, help="port (default 587, or 465 with --tls)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--starttls", dest="mode", action="store_const", const="starttls", help="STARTTLS"
    )
    mode.add_argument(
        "--tls", dest="mode", action="store_const", const="tls", help="implicit TLS (465/2465)"
    )
    parser.add_argument(
        "--from",
        dest="sender",
        default=os.environ.get("SES_SMTP_FROM"),
        help="verified From address (or SES_SMTP_FROM)",
    )
    parser.add_argument(
        "--to",
        dest="recipient",
        default=DEFAULT_RECIPIENT,
        help=f"recipient (default {DEFAULT_RECIPIENT}; bounce@ and complaint@ test feedback)",
    )
    parser.add_argument("--subject", default="SES SMTP send test")
    parser.add_argument(
        "--configuration-set", help="send with this configuration set (X-SES-CONFIGURATION-SET)"
    )
    parser.add_argument(
        "--list",
        dest="contact_list",
        metavar="NAME",
        help="send as mail of this SES contact list (X-SES-LIST-MANAGEMENT-OPTIONS), so SES adds "
        "List-Unsubscribe and List-Unsubscribe-Post (one-click, RFC 8058)",
    )
    parser.add_argument("--topic", help="the list's topic the message belongs to (needs --list)")
    parser.add_argument(
        "--auth",
        choices=("auto", "plain", "login"),
        default="auto",
        help="AUTH mechanism (default: PLAIN if offered, else LOGIN)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds for connecting and for each reply (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--cafile", help="trust this CA bundle instead of the system store")
    parser.add_argument(
        "--insecure-skip-verify",
        action="store_true",
        help="TESTS ONLY: encrypt but do not verify the server certificate",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _print_outcome(outcome: Outcome, credentials: Credentials | None, out: TextIO) -> None:
    from .outcome import advice, category

    print(
        f"smtp: {outcome.host}:{outcome.port} ({outcome.mode.upper()})"
        + (f", credentials from {credentials.source}" if credentials else ""),
        file=out,
    )
    for step in outcome.transcript:
        code = "" if step.code is None else str(step.code)
        print(f"  {step.command:<12} {code:>3}  {step.summary}", file=out)
    if outcome.status == ExitStatus.OK:
        sent = f"sent in {outcome.seconds:.2f} s"
        if outcome.message_id is not None:
            print(f"{sent}; message id: {outcome.message_id}", file=out)
        else:
            print(f"{sent}; no message id recognised in the reply: {outcome.reply}", file=out)
    else:
        print(
            f"FAILED ({category(outcome.status)}, exit {outcome.status}): {outcome.reason}",
            file=out,
        )
        print(f"  what to do: {advice(outcome.status)}", file=out)


def _checked(problems: list[str], option: str, value: str, check: Callable[[str], T]) -> T | None:
    """``check(value)``, or ``None`` after adding a problem naming ``option``."""
    from .inputs import shown

    try:
        return check(value)
    except ValueError as error:
        problems.append(f"{option} {shown(value)}: {error}")
        return None


def _message(args: argparse.Namespace, problems: list[str]) -> Outgoing | None:
    """The message the options describe (``None`` after adding each problem with them)."""
    from .inputs import (
        check_configuration_set,
        check_list_part,
        check_subject,
        list_management_options,
        parse_address,
    )
    from .session import build_message

    sender_text = cast(str | None, args.sender)
    if sender_text is None:
        problems.append("--from is missing: give a verified address (or set SES_SMTP_FROM)")
        sender = None
    else:
        sender = _checked(problems, "--from", sender_text, parse_address)
    recipient = _checked(problems, "--to", args.recipient, parse_address)
    subject = _checked(problems, "--subject", args.subject, check_subject)
    configuration_set = cast(str | None, args.configuration_set)
    if configuration_set is not None:
        configuration_set = _checked(
            problems, "--configuration-set", configuration_set, check_configuration_set
        )
    contact_list = cast(str | None, args.contact_list)
    topic = cast(str | None, args.topic)
    if contact_list is not None:
        contact_list = _checked(problems, "--list", contact_list, check_list_part)
    if topic is not None:
        topic = _checked(problems, "--topic", topic, check_list_part)
        if args.contact_list is None:
            problems.append("--topic needs --list: a topic belongs to a contact list")
    if problems or sender is None or recipient is None or subject is None:
        return None
    list_management = None
    if contact_list is not None:
        list_management = list_management_options(contact_list, topic)
    return build_message(sender, recipient, subject, configuration_set, list_management)


def _credentials(
    args: argparse.Namespace,
    region: str | None,
    stdin: BinaryIO | None,
    env: Mapping[str, str],
    problems: list[str],
) -> Credentials | None:
    from .credentials import credentials_from_env, credentials_from_outputs, load_outputs
    from .inputs import InputError

    try:
        if args.outputs is not None:
            outputs = load_outputs(args.outputs, stdin)
            return credentials_from_outputs(outputs, args.user, region)
        return credentials_from_env(env, region)
    except InputError as error:
        problems.extend(error.problems)
    return None


def run(
    args: argparse.Namespace,
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> ExitStatus:
    """Check the arguments, read the credentials, send, print the outcome; its exit status.

    Every problem with the options and the credentials is printed at once (exit status 2)."""
    from ...smtp.credentials import TLS_WRAPPER_PORTS, smtp_host
    from .inputs import check_host, check_region, printable, shown
    from .outcome import advice, category
    from .session import send, tls_context

    out = stdout or sys.stdout
    env = os.environ if environ is None else environ
    mode = cast(str | None, args.mode)
    port = cast(int | None, args.port)
    if mode is None:
        mode = "tls" if port in TLS_WRAPPER_PORTS else "starttls"
    if port is None:
        port = DEFAULT_TLS_PORT if mode == "tls" else DEFAULT_STARTTLS_PORT
    problems: list[str] = []
    if not 0 < port < 65536:
        problems.append(f"--port {port}: is not a TCP port (1-65535)")
    if not 0 < args.timeout <= 300:
        problems.append(f"--timeout {args.timeout:g}: must be more than 0 and at most 300")
    region = cast(str | None, args.region)
    if region is not None:
        region = _checked(problems, "--region", region, check_region)
    host = None if args.host is None else _checked(problems, "--host", args.host, check_host)
    outgoing = _message(args, problems)
    if stdin is None:
        stdin = cast(BinaryIO | None, getattr(sys.stdin, "buffer", None))  # None: stdin closed
    credentials = _credentials(args, region, stdin, env, problems)
    if credentials is not None and host is None and args.host is None:
        host = credentials.host
        if host is None and credentials.region:
            host = smtp_host(credentials.region)
        if host is None:
            problems.append("no host: give --host or --region (or SES_SMTP_REGION)")
    context = None
    try:
        context = tls_context(args.cafile, args.insecure_skip_verify)
    except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
        detail = error.strerror if isinstance(error, OSError) and error.strerror else error
        problems.append(f"--cafile {shown(args.cafile)}: {printable(str(detail))}")
    if problems or outgoing is None or credentials is None or host is None or context is None:
        for problem in problems:
            print(f"smtp: {problem}", file=sys.stderr)
        return ExitStatus.USAGE
    if args.insecure_skip_verify:
        print(
            "WARNING: --insecure-skip-verify: the server certificate is NOT verified; "
            "use this only against a test server",
            file=sys.stderr,
        )
    outcome = send(
        credentials,
        host=host,
        port=port,
        mode=mode,
        outgoing=outgoing,
        context=context,
        verified=not args.insecure_skip_verify,
        auth=args.auth,
        timeout=args.timeout,
    )
    if args.json:
        json.dump(
            {
                "ok": outcome.status == ExitStatus.OK,
                "status": outcome.status,
                "category": category(outcome.status),
                "host": outcome.host,
                "port": outcome.port,
                "mode": outcome.mode,
                "message_id": outcome.message_id,
                "reply": outcome.reply,
                "reason": outcome.reason,
                "advice": advice(outcome.status),
                "seconds": round(outcome.seconds, 3),
                "transcript": [step.as_json() for step in outcome.transcript],
            },
            out,
            indent=2,
        )
        out.write("\n")
    else:
        _print_outcome(outcome, credentials, out)
    return outcome.status
