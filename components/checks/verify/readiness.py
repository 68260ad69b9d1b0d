"""``verify --mailbox-providers``: each domain held against what Gmail and Yahoo (February 2024)
and Outlook.com (May 2025) ask of senders, each rule met, not met, or cannot tell.

A rule is decided from what the pass found (its records and findings), from DNS through the
pass's resolvers (the DMARC tree walk, the domain's MX) and from the stack document
(``readiness_stack``). Whatever none of them shows is "cannot tell" with the reason, never
"not met". The sources behind each rule: docs/deliverability.md ("Mailbox providers").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

from ..account.request import MailType
from ..dns.client import normalize_name, rdata_name
from ..protocols.dmarc import parse_dmarc
from ..protocols.dmarc_walk import TreeWalk, tree_walk
from ..protocols.resolver import Resolver
from .findings import DomainResult
from .readiness_stack import MailTypes, StackFacts

GMAIL = "https://support.google.com/a/answer/81126"
GMAIL_FAQ = "https://support.google.com/a/answer/14229414"
YAHOO = "https://senders.yahooinc.com/best-practices/"
OUTLOOK = (
    "https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/"
    "strengthening-email-ecosystem-outlooks-new-requirements-for-high-volume-senders/4399730"
)
SES_LISTS = "https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html"
GMAIL_MAX_SPAM_RATE = 0.003
"""Gmail: never reach a spam rate of 0.30 % or higher."""
GMAIL_RECOMMENDED_SPAM_RATE = 0.001
"""Gmail: keep the spam rate below 0.10 %."""
_BROKEN = ("missing", "wrong", "conflict", "cname")
_PLAN = "the offline plan's document as --mailbox-providers PLAN"
_OLD = "outputs of a stack deployed before they held it: run pulumi up, or pass " + _PLAN
_NO_REGION = "the domain's SES region is not known (no identity output or MAIL FROM MX names it)"


class Status(StrEnum):
    """A rule's verdict for one domain (the JSON value)."""

    MET = "met"
    NOT_MET = "not_met"
    CANNOT_TELL = "cannot_tell"

    @property
    def label(self) -> str:
        """As the human report shows it."""
        return {"met": "met", "not_met": "NOT MET", "cannot_tell": "cannot tell"}[self.value]


class Rule(StrEnum):
    """A mailbox-provider requirement: its id (the JSON value), who asks it, what it asks and
    where it is written; docs/deliverability.md lists them (a test keeps the two equal)."""

    providers: tuple[str, ...]
    requirement: str
    sources: tuple[str, ...]

    def __new__(
        cls, value: str, providers: tuple[str, ...], requirement: str, sources: tuple[str, ...]
    ) -> Rule:
        member = str.__new__(cls, value)
        member._value_ = value
        member.providers = providers
        member.requirement = requirement
        member.sources = sources
        return member

    __hash__ = str.__hash__

    SPF_ALIGNED = (
        "spf_aligned",
        ("gmail", "yahoo", "outlook"),
        "SPF passes for the MAIL FROM domain, a subdomain of the From domain (relaxed alignment)",
        (GMAIL, YAHOO, OUTLOOK),
    )
    DKIM_ALIGNED = (
        "dkim_aligned",
        ("gmail", "yahoo", "outlook"),
        "DKIM passes with d= the From domain (the key published and valid)",
        (GMAIL, YAHOO, OUTLOOK),
    )
    DMARC_PUBLISHED = (
        "dmarc_published",
        ("gmail", "yahoo", "outlook"),
        "a DMARC policy of at least p=none applies (the domain's or its organizational domain's)",
        (GMAIL, YAHOO, OUTLOOK),
    )
    ONE_CLICK_UNSUBSCRIBE = (
        "one_click_unsubscribe",
        ("gmail", "yahoo"),
        "marketing and subscribed mail offers one-click unsubscribe (RFC 8058 headers)",
        (GMAIL, YAHOO, SES_LISTS),
    )
    COMPLAINT_ALARM_MAX = (
        "complaint_alarm_max",
        ("gmail",),
        "an alarm fires before the complaint rate reaches Gmail's 0.3 %",
        (GMAIL,),
    )
    COMPLAINT_ALARM_RECOMMENDED = (
        "complaint_alarm_recommended",
        ("gmail",),
        "an alarm fires before the complaint rate reaches the recommended 0.1 %",
        (GMAIL,),
    )
    REPLY_MX = (
        "reply_mx",
        ("outlook",),
        "the From domain can receive replies (an MX record, not a null MX)",
        (OUTLOOK,),
    )
    FORWARD_REVERSE_DNS = (
        "forward_reverse_dns",
        ("gmail",),
        "the sending IPs have valid forward and reverse DNS (PTR)",
        (GMAIL,),
    )
    TLS = (
        "tls",
        ("gmail",),
        "mail is sent over TLS (the configuration set's tlsPolicy REQUIRE)",
        (GMAIL,),
    )
    POSTMASTER_TOOLS = (
        "postmaster_tools",
        ("gmail",),
        "the domain is verified in Google Postmaster Tools (Gmail's own spam rate)",
        (GMAIL_FAQ,),
    )


@dataclass(frozen=True, kw_only=True)
class RuleResult:
    """One rule's verdict for one domain, with what decided it."""

    rule: Rule
    status: Status
    detail: str


def _records_state(result: DomainResult, purposes: tuple[str, ...]) -> tuple[Status, str] | None:
    """What the pass found about the domain's records of ``purposes`` (None: it has none)."""
    rows = [r for r in result.rows if r.expected.purpose in purposes]
    if not rows:
        return None
    names = {r.expected.name for r in rows}
    codes = sorted(
        {
            f"{f.code} ({f.name})"
            for f in result.findings
            if f.name in names and f.severity == "error" and not f.unchecked
        }
    )
    broken = sorted(
        {f"{s} ({r.expected.name})" for r in rows for s in r.servers.values() if s in _BROKEN}
    )
    if codes or broken:
        return Status.NOT_MET, "checks verify found " + ", ".join(codes or broken)
    if any(not r.servers or "n/a" in r.servers.values() for r in rows) or any(
        f.unchecked and f.name in names for f in result.findings
    ):
        return Status.CANNOT_TELL, "a server or lookup could not be checked (see the findings)"
    shown = ", ".join(sorted(names)) if len(names) < 3 else f"{len(names)} records"
    return Status.MET, f"{shown} published and right on every server"


def _dmarc(walk: TreeWalk, domain: str) -> RuleResult:
    rule = Rule.DMARC_PUBLISHED
    if not walk.complete:
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=f"tree walk: {walk.error}")
    applies = walk.applies
    if applies is None:
        detail = f"no DMARC record at _dmarc.{domain} or its organizational domain"
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    tags = parse_dmarc(applies.text).tags
    key = "p" if applies.name == domain or "sp" not in tags else "sp"
    policy = tags.get(key, "").lower()
    where = f"{key}={policy or '(none)'} at _dmarc.{applies.name}"
    if policy not in ("none", "quarantine", "reject"):
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=f"{where}: no valid policy")
    return RuleResult(rule=rule, status=Status.MET, detail=where)


def _spf(result: DomainResult, walk: TreeWalk) -> RuleResult:
    rule = Rule.SPF_ALIGNED
    state = _records_state(result, ("mail_from_mx", "mail_from_spf"))
    if state is None:
        detail = (
            "no custom MAIL FROM among the records: SES's default MAIL FROM (amazonses.com) passes "
            f"SPF but never aligns with {result.domain}"
        )
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    if state[0] is not Status.MET:
        return RuleResult(rule=rule, status=state[0], detail=state[1])
    if not walk.complete:
        detail = f"the alignment mode (aspf) is not known: tree walk: {walk.error}"
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    applies = walk.applies
    if applies is not None and parse_dmarc(applies.text).tags.get("aspf", "r").lower() == "s":
        detail = (
            f"_dmarc.{applies.name} has aspf=s: strict alignment needs the MAIL FROM domain to "
            f"equal {result.domain}, so SPF never aligns (use aspf=r)"
        )
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    return RuleResult(rule=rule, status=Status.MET, detail=state[1])


def _dkim(result: DomainResult) -> RuleResult:
    rule = Rule.DKIM_ALIGNED
    state = _records_state(result, ("dkim", "dkim_byodkim"))
    if state is None:
        detail = "no DKIM records: SES signs with d=amazonses.com only, which does not align"
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    return RuleResult(rule=rule, status=state[0], detail=state[1])


def _easy_dkim(result: DomainResult) -> bool:
    return any(r.expected.purpose == "dkim" and r.expected.rdtype == "CNAME" for r in result.rows)


def _unsubscribe(
    result: DomainResult, facts: StackFacts, regions: list[str], mail: tuple[MailType, str] | None
) -> RuleResult:
    rule = Rule.ONE_CLICK_UNSUBSCRIBE
    if mail is not None and mail[0] is MailType.TRANSACTIONAL:
        detail = (
            f"transactional mail is exempt ({mail[1]}): Gmail and Yahoo ask it of marketing and "
            "subscribed mail"
        )
        return RuleResult(rule=rule, status=Status.MET, detail=detail)
    if not facts.outputs:
        detail = "only the records were given: pass " + _PLAN
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    if not regions:
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=_NO_REGION)
    lists = [f"{facts.contact_lists[r]} ({r})" for r in regions if r in facts.contact_lists]
    if not lists:
        why = (
            f"marketing mail ({mail[1]}) needs them"
            if mail is not None
            else "if the domain sends only transactional mail, which is exempt, say so with "
            "--mail-type transactional"
        )
        detail = (
            f"no contact list in {', '.join(regions)}: SES adds no List-Unsubscribe headers "
            f"(mail that sets its own RFC 8058 headers meets the rule); {why}"
        )
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    if not _easy_dkim(result):
        detail = f"contact list {lists[0]}, but AWS documents the headers for Easy DKIM only"
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    detail = f"contact list {', '.join(lists)}: mail that names it gets SES's one-click headers"
    return RuleResult(rule=rule, status=Status.MET, detail=detail)


def _complaints(facts: StackFacts, regions: list[str]) -> list[RuleResult]:
    rules = (
        (Rule.COMPLAINT_ALARM_MAX, GMAIL_MAX_SPAM_RATE),
        (Rule.COMPLAINT_ALARM_RECOMMENDED, GMAIL_RECOMMENDED_SPAM_RATE),
    )
    note = " (SES counts no Gmail complaints: watch Postmaster Tools too)"
    if not facts.outputs or not regions:
        detail = (
            "the stack's alarms are not known: pass " + _PLAN if not facts.outputs else _NO_REGION
        )
        return [RuleResult(rule=r, status=Status.CANNOT_TELL, detail=detail) for r, _ in rules]
    out: list[RuleResult] = []
    for rule, level in rules:
        status, details = Status.MET, list[str]()
        for region in regions:
            threshold = facts.complaint_thresholds.get(region)
            if region not in facts.alarm_regions:
                status = Status.NOT_MET
                details.append(f"no complaint-rate alarm in {region}")
            elif threshold is None:
                if status is Status.MET:
                    status = Status.CANNOT_TELL
                details.append(f"the outputs name {region}'s alarm but not its threshold ({_OLD})")
            elif threshold >= level:
                status = Status.NOT_MET
                details.append(f"{region} alarms at {threshold:.2%}, not below {level:.1%}")
            else:
                details.append(f"{region} alarms at {threshold:.2%}")
        out.append(RuleResult(rule=rule, status=status, detail="; ".join(details) + note))
    return out


async def _reply_mx(domain: str, view: Resolver) -> RuleResult:
    rule = Rule.REPLY_MX
    answer = await view.query(domain, "MX")
    if answer.status == "error":
        detail = f"MX {domain} through {view.label}: {answer.error}"
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    _, records = answer.chase()
    hosts = sorted({rdata_name(r) for r in records})
    if not hosts:
        detail = f"no MX record at {domain}: replies to its From addresses bounce"
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    if hosts == [""]:
        detail = f"{domain} publishes a null MX (RFC 7505): it accepts no mail, so no replies"
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    detail = "MX " + ", ".join(h for h in hosts if h)
    return RuleResult(rule=rule, status=Status.MET, detail=detail)


def _sending_ips(domain: str, facts: StackFacts) -> RuleResult:
    rule = Rule.FORWARD_REVERSE_DNS
    shared = "SES's shared IPs: SES keeps their forward and reverse DNS"
    if not facts.outputs:
        detail = "only the records were given: pass " + _PLAN
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    set_name = facts.domain_sets.get(domain)
    if not facts.pools or set_name is None:
        return RuleResult(rule=rule, status=Status.MET, detail=shared)
    if set_name not in facts.set_pools:
        detail = (
            f"the stack has dedicated IP pools, but the outputs do not say whether set {set_name} "
            f"uses one ({_OLD})"
        )
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    pool = facts.set_pools[set_name]
    if pool is None:
        return RuleResult(rule=rule, status=Status.MET, detail=f"set {set_name}: {shared}")
    detail = (
        f"set {set_name} sends through the dedicated pool {pool} "
        f"({facts.pools.get(pool, 'unknown mode')}): its addresses are not in the stack; list "
        f"them with 'aws sesv2 get-dedicated-ips --pool-name {pool}' and check each with 'dig -x'"
    )
    return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)


def _tls(domain: str, facts: StackFacts) -> RuleResult:
    rule = Rule.TLS
    if not facts.outputs:
        detail = "only the records were given: pass " + _PLAN
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    set_name = facts.domain_sets.get(domain)
    if set_name is None:
        detail = "no configuration set of the stack: SES's default TLS policy is OPTIONAL"
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    policy = facts.set_tls.get(set_name)
    if policy is None:
        detail = f"the outputs do not hold set {set_name}'s tls_policy ({_OLD})"
        return RuleResult(rule=rule, status=Status.CANNOT_TELL, detail=detail)
    if policy != "REQUIRE":
        detail = (
            f"set {set_name} has tlsPolicy {policy}: SES may deliver without TLS (tlsPolicy: "
            "REQUIRE makes TLS certain)"
        )
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    return RuleResult(rule=rule, status=Status.MET, detail=f"set {set_name}: tlsPolicy REQUIRE")


def _postmaster(result: DomainResult) -> RuleResult:
    rule = Rule.POSTMASTER_TOOLS
    state = _records_state(result, ("postmaster_tools",))
    if state is None:
        detail = "no verification record: set postmasterTools.verification (docs/deliverability.md)"
        return RuleResult(rule=rule, status=Status.NOT_MET, detail=detail)
    return RuleResult(rule=rule, status=state[0], detail=state[1])


async def assess_domain(
    result: DomainResult,
    facts: StackFacts,
    regions: list[str],
    view: Resolver,
    mail_types: MailTypes | None = None,
) -> list[RuleResult]:
    """Every rule for one domain, in the order of :class:`Rule`."""
    domain = normalize_name(result.domain)
    mail = (mail_types or MailTypes()).of(domain, regions)
    walk, reply = await asyncio.gather(tree_walk(domain, view), _reply_mx(domain, view))
    return [
        _spf(result, walk),
        _dkim(result),
        _dmarc(walk, domain),
        _unsubscribe(result, facts, regions, mail),
        *_complaints(facts, regions),
        reply,
        _sending_ips(domain, facts),
        _tls(domain, facts),
        _postmaster(result),
    ]


def counts(readiness: dict[str, list[RuleResult]]) -> dict[str, int]:
    """How many verdicts of each status, over every domain (JSON keys)."""
    found = [r.status for results in readiness.values() for r in results]
    return {status.value: found.count(status) for status in Status}


async def assess(
    results: list[DomainResult],
    facts: StackFacts,
    regions: dict[str, list[str]],
    view: Resolver,
    mail_types: MailTypes | None = None,
) -> dict[str, list[RuleResult]]:
    """Every rule for every domain (its SES regions from ``regions``, what it sends from
    ``mail_types``), DNS asked at once."""
    found = await asyncio.gather(
        *(assess_domain(r, facts, regions.get(r.domain, []), view, mail_types) for r in results)
    )
    return {r.domain: rules for r, rules in zip(results, found, strict=True)}
