"""``python -m checks verify``: the stack's DNS records on every authoritative server (contract 3).

Exit status: an :class:`~checks.exit_status.ExitStatus` (0 all good, 1 errors found, 2 usage or
input error, 3 something could not be checked; the table: docs/checks.md, "Exit status").
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from ..exit_status import ExitStatus
from .readiness_run import PLAN_JSON

if TYPE_CHECKING:  # imported when a check runs: --help and usage errors need none of them
    from ..dns.client import Server, Stats
    from .expected import Expected
    from .readiness_stack import MailTypes


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verify",
        help="verify the stack's DNS records on every authoritative server",
        description="Verify the stack's DNS records (DKIM, MAIL FROM MX and SPF, DMARC) on every "
        "authoritative server, and what they depend on through the resolvers. Exit status: "
        "0 all good, 1 errors found, 2 usage or input error, 3 some server could not be checked.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--records",
        metavar="FILE|-",
        help="the records as JSON: the output of 'pulumi stack output --json' (its dns_records "
        f"key), the offline plan's document from {PLAN_JSON} (its outputs.dns_records) or a bare "
        "list of records; '-' reads stdin",
    )
    source.add_argument(
        "--stack",
        metavar="NAME",
        help="read the records with 'pulumi stack output dns_records --json --stack NAME' "
        "(needs the Pulumi CLI; no secrets are read)",
    )
    parser.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="query these as the authoritative servers instead of the zone's NS set (repeatable; "
        "IP addresses; default: discover the NS set through the resolvers)",
    )
    parser.add_argument(
        "--resolver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="recursive resolver for NS discovery, DKIM keys, SPF includes and DMARC tree "
        "walks (repeatable; default: the system's resolvers from /etc/resolv.conf)",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"poll until everything passes or SECONDS have passed (0 to {MAX_WAIT:g}; "
        "default 0: check once)",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="warnings fail too (exit 1), and with --mailbox-providers a requirement not met",
    )
    parser.add_argument(
        "--mailbox-providers",
        nargs="?",
        const="",
        metavar="PLAN",
        help="also report each requirement of Gmail, Yahoo and Outlook.com for bulk senders as "
        "met, not met or cannot tell; the stack's side (contact lists, TLS policies, alarms, "
        f"pools) is read from PLAN, the offline plan's document from {PLAN_JSON}, or without "
        "PLAN from the --records document",
    )
    parser.add_argument(
        "--mail-type",
        action="append",
        default=[],
        metavar="[DOMAIN=]TYPE",
        help="with --mailbox-providers: what the domains send, transactional or marketing "
        "(any case; repeatable; DOMAIN=TYPE for one domain); transactional mail is exempt from "
        "one-click unsubscribe. Default: with --aws the account's production-access mail type, "
        "else unknown",
    )
    parser.add_argument(
        "--aws", action="store_true", help="also read SES identity and account status (boto3)"
    )
    parser.add_argument(
        "--aws-region",
        metavar="REGION",
        help="with --aws: the SES region of domains whose MAIL FROM MX does not name one "
        "(default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)",
    )
    parser.add_argument(
        "--aws-endpoint-url",
        metavar="URL",
        help="with --aws: the SES API endpoint, an http(s) URL (e.g. a local moto_server; "
        "default: AWS's)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help=f"per-query timeout, more than 0 and at most {MAX_TIMEOUT:g} (default 2); each "
        "query is tried up to --attempts times",
    )
    parser.add_argument(
        "--attempts", type=int, default=3, metavar="N", help="tries per query, 1 to 10 (default 3)"
    )
    parser.add_argument(
        "--ns-port",
        type=int,
        default=53,
        metavar="PORT",
        help="port of discovered nameservers (default 53)",
    )
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=512,
        metavar="N",
        help="queries in flight at once (in each worker process), 1 to 4096 (default 512)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help=f"processes sharing the domains, 0 to {MAX_WORKERS} (default 0: two for "
        "200 domains or more on two or more cores, without --wait; else one); the report is "
        "the same",
    )
    parser.set_defaults(handler=run)


MAX_WAIT = 86400.0
MAX_TIMEOUT = 60.0
MAX_WORKERS = 16


def _option_problems(args: argparse.Namespace) -> list[str]:
    """Every problem with the options, each naming the option, its value and what is allowed."""
    from ..dns.client import parse_server
    from .expected import show

    problems: list[str] = []
    if not (math.isfinite(args.wait) and 0 <= args.wait <= MAX_WAIT):
        problems.append(f"--wait {args.wait:g}: allowed: 0 to {MAX_WAIT:g} seconds")
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= MAX_TIMEOUT):
        problems.append(
            f"--timeout {args.timeout:g}: allowed: more than 0 and at most {MAX_TIMEOUT:g} seconds"
        )
    if not 1 <= args.attempts <= 10:
        problems.append(f"--attempts {args.attempts}: allowed: 1 to 10")
    if not 1 <= args.max_in_flight <= 4096:
        problems.append(f"--max-in-flight {args.max_in_flight}: allowed: 1 to 4096")
    if not 0 <= args.workers <= MAX_WORKERS:
        problems.append(f"--workers {args.workers}: allowed: 0 (automatic) to {MAX_WORKERS}")
    elif args.workers > 1 and args.wait > 0:
        problems.append(
            f"--workers {args.workers}: with --wait only 0 or 1 (--wait polls from one process)"
        )
    if not 0 < args.ns_port < 65536:
        problems.append(f"--ns-port {args.ns_port}: allowed: a port number, 1 to 65535")
    for option, values in (("--nameserver", args.nameserver), ("--resolver", args.resolver)):
        for value in values:
            try:
                parse_server(value)
            except ValueError as exc:
                reason = str(exc).removeprefix(f"'{value.strip()}': ")
                problems.append(
                    f"{option} {show(value)}: {show(reason, 120)[1:-1]}; allowed: IP[:PORT] or "
                    "[IPv6]:PORT"
                )
    for option, value in (
        ("--aws-region", args.aws_region),
        ("--aws-endpoint-url", args.aws_endpoint_url),
    ):
        if value is not None and not args.aws:
            problems.append(f"{option} {show(value)}: only used with --aws, which is not given")
    if args.aws_endpoint_url is not None:
        from ..aws_api import url_problem

        problem = url_problem(args.aws_endpoint_url)
        if problem:
            problems.append(f"--aws-endpoint-url {show(args.aws_endpoint_url)}: {problem}")
    if args.aws:
        from ...regions import region_problem

        region, where = _region_source(args.aws_region)
        problem = region_problem(region) if region is not None else None
        if problem:
            problems.append(f"{where} {show(region)} {problem}")
    return problems


def _region_source(explicit: str | None) -> tuple[str | None, str]:
    """The region the user named, and where: the option or an environment variable."""
    if explicit is not None:
        return explicit, "--aws-region"
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(variable):
            return os.environ[variable], variable
    return None, ""


def _servers(values: list[str]) -> list[Server]:
    from ..dns.client import parse_server

    servers: list[Server] = []
    for value in values:
        server = parse_server(value)  # validated with the other options
        if server not in servers:
            servers.append(server)
    return servers


def _system_resolvers() -> list[Server]:
    import dns.resolver

    from ..dns.client import parse_server
    from .expected import InputError

    try:
        resolver = dns.resolver.Resolver(configure=True)
    except Exception as exc:  # no resolv.conf, unreadable, ...
        raise InputError(f"no --resolver given and no system resolver found ({exc})") from None
    servers: list[Server] = []
    for ns in resolver.nameservers:
        try:
            servers.append(parse_server(str(ns)))
        except ValueError:
            continue
    if not servers:
        raise InputError("no --resolver given and no system resolver found")
    return servers


def _mail_types(args: argparse.Namespace, problems: list[str]) -> MailTypes | None:
    """With ``--mailbox-providers``: what the domains send (``--mail-type``); ``None`` without
    it, after adding to ``problems`` what is wrong with any ``--mail-type`` given anyway (the
    rules' modules are imported only when they are used)."""
    if not args.mail_type and args.mailbox_providers is None:
        return None
    from .readiness_stack import parse_mail_types

    mail_types, more_problems = parse_mail_types(args.mail_type)
    problems += more_problems
    if args.mailbox_providers is None:
        problems.append("--mail-type: only used with --mailbox-providers, which is not given")
        return None
    return mail_types


def _joined(problems: list[str]) -> str:
    return "\n  ".join(["invalid arguments:", *problems]) if len(problems) > 1 else problems[0]


def run(args: argparse.Namespace) -> ExitStatus:
    from .expected import InputError
    from .workers import few_collections

    try:
        with few_collections():
            return _run(args)
    except InputError as exc:
        print(f"verify: {exc}", file=sys.stderr)
        return ExitStatus.USAGE


def _run(args: argparse.Namespace) -> ExitStatus:
    from ..dns.client import DnsClient
    from . import readiness_run, workers
    from . import report as rep
    from .engine import Options
    from .expected import (
        InputError,
        group_by_domain,
        parse_records,
        read_text,
        stack_output,
    )
    from .progress import display_for
    from .wait import RunResult
    from .wait import run as run_checks

    problems = _option_problems(args)
    records: list[Expected] = []
    text = ""
    if args.records is not None:
        source = "stdin" if args.records == "-" else args.records
        try:
            text = read_text(args.records)
            records = parse_records(text, source)
        except InputError as exc:
            problems.append(str(exc))
    stack_text = text
    if args.mailbox_providers:
        stack_text = readiness_run.stack_document(args.mailbox_providers, problems)
    mail_types = _mail_types(args, problems)
    if mail_types is not None and records:
        problems += readiness_run.unknown_domains(mail_types, [r.domain for r in records])
    if problems:
        raise InputError(_joined(problems))
    if args.stack is not None:
        records = parse_records(stack_output(args.stack), f"stack {args.stack}")
        if mail_types is not None and (
            unknown := readiness_run.unknown_domains(mail_types, [r.domain for r in records])
        ):
            raise InputError(_joined(unknown))
    nameservers = _servers(args.nameserver)
    resolvers = _servers(args.resolver) or _system_resolvers()
    domains = group_by_domain(records)
    opts = Options(nameservers=nameservers, resolvers=resolvers, ns_port=args.ns_port)

    def work(part: dict[str, list[Expected]]) -> tuple[RunResult, Stats]:
        async def main() -> tuple[RunResult, Stats]:
            client = DnsClient(args.timeout, args.attempts, args.max_in_flight)
            display = display_for(sys.stderr) if args.wait > 0 else None
            try:
                with display or contextlib.nullcontext():
                    result = await run_checks(
                        part, opts, client, wait=args.wait, strict=args.strict, progress=display
                    )
            finally:
                await client.close()
            return result, client.stats

        return workers.run_loop(main())

    start, cpu = time.monotonic(), time.process_time()
    count = workers.worker_count(args.workers, len(domains), wait=args.wait)
    result, stats = workers.run(domains, work, count)
    report = rep.Report(
        result.domains, stats, 0.0, passes=result.passes, polls=result.polls, strict=args.strict
    )
    if args.aws:
        from . import ses
        from .stack_context import stack_context

        ses.attach_status(
            report,
            records,
            region=args.aws_region,
            endpoint=args.aws_endpoint_url,
            context=stack_context(text),
        )
    if mail_types is not None:
        limits = (args.timeout, args.attempts, args.max_in_flight)
        mail_types = mail_types.with_accounts(report.account or {})
        report.readiness, more = workers.run_loop(
            readiness_run.readiness(
                result.domains, records, stack_text, resolvers, limits, mail_types
            )
        )
        workers.add_stats(stats, more)
    stats.cpu_seconds += time.process_time() - cpu
    report.elapsed = time.monotonic() - start
    if args.json:
        print(rep.json_text(rep.to_json(report)))
    else:
        print(rep.render_human(report))
    return report.exit_status()
