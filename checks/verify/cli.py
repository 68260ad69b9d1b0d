"""``python -m checks verify``: the stack's DNS records on every authoritative server (contract 3).

Exit status: an :class:`~checks.exit_status.ExitStatus` (0 all good, 1 errors found, 2 usage or
input error, 3 something could not be checked; the table: docs/checks.md, "Exit status").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from ..dns.client import DnsClient, Server, parse_server
from ..exit_status import ExitStatus
from . import report as rep
from .expected import InputError, group_by_domain, parse_records, read_text, stack_output


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
        help="JSON of 'pulumi stack output --json' (its dns_records key) or a bare list",
    )
    source.add_argument(
        "--stack", metavar="NAME", help="read the outputs with 'pulumi stack output --json'"
    )
    parser.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="query these as the authoritative servers instead of the zone's NS set (repeatable)",
    )
    parser.add_argument(
        "--resolver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="recursive resolver for NS discovery, DKIM keys and SPF includes (repeatable; "
        "default: the system's resolvers)",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="poll until everything passes or SECONDS have passed",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    parser.add_argument(
        "--aws", action="store_true", help="also read SES identity and account status (boto3)"
    )
    parser.add_argument("--aws-region", metavar="REGION", help="SES region when not derivable")
    parser.add_argument(
        "--aws-endpoint-url", metavar="URL", help="SES API endpoint (e.g. a local moto_server)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="per-query timeout (default 2); each query is tried up to --attempts times",
    )
    parser.add_argument("--attempts", type=int, default=3, help="tries per query (default 3)")
    parser.add_argument(
        "--ns-port",
        type=int,
        default=53,
        metavar="PORT",
        help="port of discovered nameservers (default 53)",
    )
    parser.add_argument(
        "--max-in-flight", type=int, default=256, metavar="N", help="queries in flight at once"
    )
    parser.set_defaults(handler=run)


def _servers(values: list[str], option: str) -> list[Server]:
    servers: list[Server] = []
    for value in values:
        try:
            server = parse_server(value)
        except ValueError as exc:
            raise InputError(f"{option}: {exc}") from None
        if server not in servers:
            servers.append(server)
    return servers


def _system_resolvers() -> list[Server]:
    import dns.resolver

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


def run(args: argparse.Namespace) -> ExitStatus:
    try:
        return _run(args)
    except InputError as exc:
        print(f"verify: {exc}", file=sys.stderr)
        return ExitStatus.USAGE


def _run(args: argparse.Namespace) -> ExitStatus:
    from .engine import Options
    from .wait import run as run_checks

    if args.wait < 0 or args.wait > 86400:
        raise InputError("--wait must be between 0 and 86400 seconds")
    if not 0 < args.timeout <= 60:
        raise InputError("--timeout must be between 0 and 60 seconds")
    if not 1 <= args.attempts <= 10:
        raise InputError("--attempts must be between 1 and 10")
    if not 1 <= args.max_in_flight <= 4096:
        raise InputError("--max-in-flight must be between 1 and 4096")
    if not 0 < args.ns_port < 65536:
        raise InputError("--ns-port must be a port number")
    nameservers = _servers(args.nameserver, "--nameserver")
    resolvers = _servers(args.resolver, "--resolver") or _system_resolvers()
    if args.records is not None:
        source = "stdin" if args.records == "-" else args.records
        records = parse_records(read_text(args.records), source)
    else:
        records = parse_records(stack_output(args.stack), f"stack {args.stack}")
    domains = group_by_domain(records)
    opts = Options(nameservers=nameservers, resolvers=resolvers, ns_port=args.ns_port)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    async def main() -> rep.Report:
        client = DnsClient(args.timeout, args.attempts, args.max_in_flight)
        start, cpu = time.monotonic(), time.process_time()
        try:
            result = await run_checks(
                domains, opts, client, wait=args.wait, strict=args.strict, progress=progress
            )
        finally:
            await client.close()
        client.stats.cpu_seconds = time.process_time() - cpu
        return rep.Report(
            result.domains,
            client.stats,
            time.monotonic() - start,
            passes=result.passes,
            polls=result.polls,
            strict=args.strict,
        )

    report = asyncio.run(main())
    if args.aws:
        from . import ses

        ses.attach_status(report, records, region=args.aws_region, endpoint=args.aws_endpoint_url)
    if args.json:
        print(json.dumps(rep.to_json(report), indent=2))
    else:
        print(rep.render_human(report))
    return report.exit_status()
