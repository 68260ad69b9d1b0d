"""``verify --mailbox-providers`` in a run: ``PLAN`` read, ``--mail-type`` checked against the
domains, and the rules assessed once the DNS checks (and ``--aws``, for the accounts' mail
types) are done."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports PLAN_JSON for --help: nothing else is loaded then
    from ..dns.client import Server, Stats
    from .expected import Expected
    from .findings import DomainResult
    from .readiness import RuleResult
    from .readiness_stack import MailTypes

PLAN_JSON = "'ses-domains plan --stack NAME --json' (in a checkout: 'python -m components.plan')"
MAX_PLAN_CHARS = 64 * 1024 * 1024
"""Longest PLAN read: a plan of a thousand domains is a few megabytes."""


def stack_document(path: str, problems: list[str]) -> str:
    """The text of ``--mailbox-providers PLAN`` (a problem added when it is unreadable or holds
    no stack outputs)."""
    from .expected import show
    from .readiness_stack import stack_facts

    where = f"--mailbox-providers {show(path)}"
    allowed = (
        f"allowed: the offline plan's document from {PLAN_JSON}, or 'pulumi stack output --json'"
    )
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(MAX_PLAN_CHARS)
    except OSError as exc:
        problems.append(f"{where}: cannot read it ({exc.strerror or exc}); {allowed}")
        return ""
    except UnicodeDecodeError:
        problems.append(f"{where}: not UTF-8 text; {allowed}")
        return ""
    if not stack_facts(text).outputs:
        problems.append(f"{where}: holds no stack outputs beside dns_records; {allowed}")
    return text


def unknown_domains(mail_types: MailTypes, domains: list[str]) -> list[str]:
    """A problem for each ``--mail-type DOMAIN=TYPE`` whose domain is not among the records."""
    from .expected import show

    known = sorted(set(domains))
    listed = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
    return [
        f"--mail-type {show(f'{domain}={kind.lower()}', 200)}: {domain} is not among the records' "
        f"domains; allowed: one of {listed or 'none'}"
        for domain, kind in mail_types.domains.items()
        if domain not in known
    ]


async def readiness(
    results: list[DomainResult],
    records: list[Expected],
    text: str,
    resolvers: list[Server],
    limits: tuple[float, int, int],
    mail_types: MailTypes,
) -> tuple[dict[str, list[RuleResult]], Stats]:
    """The mailbox providers' rules for every domain, after the checks (which may have run in
    worker processes), through a client and resolver view of their own (``limits``: timeout,
    attempts, queries in flight); with its counters."""
    from ..dns.client import DnsClient
    from .discovery import ResolverView
    from .readiness import assess
    from .readiness_stack import stack_facts
    from .stack_context import domain_regions, stack_context

    declared = stack_context(text).regions
    regions = {
        d: [r for r in found if r] for d, found in domain_regions(records, "", declared).items()
    }
    client = DnsClient(*limits)
    view = ResolverView(client, resolvers)
    try:
        found = await assess(results, stack_facts(text), regions, view, mail_types)
        return found, client.stats
    finally:
        await view.close()
        await client.close()
