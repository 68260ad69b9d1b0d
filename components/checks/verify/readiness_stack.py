"""What ``verify --mailbox-providers`` reads from the stack document beside ``dns_records``
(pure): contact lists, configuration sets and their TLS policy and pool, dedicated IP pools,
complaint-rate alarms; and what each domain sends (``--mail-type``, the account's mail type).

``pulumi stack output --json`` gives each set's ``tls_policy`` and ``sending_pool_name`` and
each region's alarm thresholds. Outputs of a stack deployed before they existed lack them; the
offline plan's document (``ses-domains plan --stack NAME --json``) holds them too, in the
declared resources' inputs, which are read where the outputs are silent. Anything not shaped as
the stack writes it is left out, so it reads as "not known".
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from ..account.request import MailType
from .stack_context import as_mapping

SET_TYPE = "aws:sesv2/configurationSet:ConfigurationSet"
ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPLAINT_METRIC = "Reputation.ComplaintRate"


@dataclass(frozen=True, kw_only=True)
class StackFacts:
    """The stack's side of the mailbox providers' requirements; ``outputs`` and ``resources``
    say what could be read at all, so a missing entry can mean "none" or "not known"."""

    outputs: bool = False
    """The stack's outputs were given (not a bare list of records, nor ``dns_records`` alone)."""
    resources: bool = False
    """The offline plan's resources were given (their inputs: TLS policies, pools, thresholds)."""
    contact_lists: dict[str, str] = field(default_factory=dict[str, str])
    """Region -> the contact list SES manages subscriptions with there."""
    domain_sets: dict[str, str] = field(default_factory=dict[str, str])
    """Domain -> the stack's configuration set its identity uses by default."""
    pools: dict[str, str] = field(default_factory=dict[str, str])
    """Dedicated IP pool name -> its scaling mode (``STANDARD`` or ``MANAGED``)."""
    alarm_regions: frozenset[str] = frozenset()
    """Regions where the stack has reputation alarms (its ``reputation_alarms`` output)."""
    set_tls: dict[str, str] = field(default_factory=dict[str, str])
    """Set name -> its TLS policy (``OPTIONAL`` when the plan's set declares none)."""
    set_pools: dict[str, str | None] = field(default_factory=dict[str, str | None])
    """Set name -> the dedicated pool it sends through (``None``: shared IPs)."""
    complaint_thresholds: dict[str, float] = field(default_factory=dict[str, float])
    """Region -> the complaint-rate alarm's threshold (a fraction)."""


def _items(value: object) -> list[object]:
    return cast(list[object], value) if isinstance(value, list) else []


def _fraction(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _from_resources(
    resources: list[object],
) -> tuple[dict[str, str], dict[str, str | None], dict[str, float]]:
    """TLS policies, pools and complaint thresholds from the offline plan's resource inputs."""
    set_tls: dict[str, str] = {}
    set_pools: dict[str, str | None] = {}
    thresholds: dict[str, float] = {}
    for resource in map(as_mapping, resources):
        inputs = as_mapping(resource.get("inputs"))
        if resource.get("type") == SET_TYPE and isinstance(
            name := inputs.get("configurationSetName"), str
        ):
            delivery = as_mapping(inputs.get("deliveryOptions"))
            tls, pool = delivery.get("tlsPolicy"), delivery.get("sendingPoolName")
            set_tls[name] = tls if isinstance(tls, str) else "OPTIONAL"
            set_pools[name] = pool if isinstance(pool, str) else None
        elif (
            resource.get("type") == ALARM_TYPE
            and inputs.get("metricName") == COMPLAINT_METRIC
            and isinstance(region := inputs.get("region"), str)
            and _fraction(threshold := inputs.get("threshold"))
        ):
            thresholds[region] = float(cast(float, threshold))
    return set_tls, set_pools, thresholds


@functools.lru_cache(maxsize=1)
def stack_facts(text: str) -> StackFacts:
    """The facts in stack outputs (``pulumi stack output --json``) or the offline plan's document;
    nothing for a bare list of records or text that is no JSON object. The last text's answer is
    kept: PLAN is read when the options are checked and again for the rules."""
    try:
        data: object = json.loads(text)
    except ValueError:
        return StackFacts()
    document = as_mapping(data)
    outputs = as_mapping(document.get("outputs")) if "outputs" in document else document
    resources = _items(document.get("resources"))
    if not (set(outputs) - {"dns_records"}):
        return StackFacts()
    contact_lists = {
        region: name
        for region, entry in as_mapping(outputs.get("contact_lists")).items()
        if isinstance(name := as_mapping(entry).get("name"), str)
    }
    set_tls, set_pools, thresholds = _from_resources(resources)
    domain_sets: dict[str, str] = {}
    for set_name, value in as_mapping(outputs.get("configuration_sets")).items():
        entry = as_mapping(value)
        for domain in _items(entry.get("domains")):
            if isinstance(domain, str):
                domain_sets[domain] = set_name
        if isinstance(tls := entry.get("tls_policy"), str):
            set_tls[set_name] = tls
        pool = entry.get("sending_pool_name", False)
        if pool is None or isinstance(pool, str):
            set_pools[set_name] = pool
    for region, entry in as_mapping(outputs.get("reputation_alarms")).items():
        if _fraction(threshold := as_mapping(entry).get("complaint_rate_threshold")):
            thresholds[region] = float(cast(float, threshold))
    pools = {
        name: mode
        for entry in as_mapping(outputs.get("dedicated_ip_pools")).values()
        if isinstance(name := as_mapping(entry).get("name"), str)
        and isinstance(mode := as_mapping(entry).get("scaling_mode"), str)
    }
    return StackFacts(
        outputs=True,
        resources=bool(resources),
        contact_lists=contact_lists,
        domain_sets=domain_sets,
        pools=pools,
        alarm_regions=frozenset(as_mapping(outputs.get("reputation_alarms"))),
        set_tls=set_tls,
        set_pools=set_pools,
        complaint_thresholds=thresholds,
    )


MAIL_TYPE_ALLOWED = (
    "allowed: transactional or marketing (any case), or DOMAIN=transactional|marketing"
)


@dataclass(frozen=True, kw_only=True)
class MailTypes:
    """What each domain sends and who said so: ``--mail-type DOMAIN=TYPE``, else
    ``--mail-type TYPE``, else the production-access request of the account in each of the
    domain's regions (``verify --aws``); the user's word comes first, the account's request
    may be years old."""

    default: MailType | None = None
    """``--mail-type TYPE``: every domain not named on its own."""
    domains: dict[str, MailType] = field(default_factory=dict[str, MailType])
    """``--mail-type DOMAIN=TYPE``, the domain normalised (lowercase A-labels)."""
    accounts: dict[str, MailType] = field(default_factory=dict[str, MailType])
    """Region -> the mail type of the account's production-access request (GetAccount)."""

    def with_accounts(self, account: Mapping[str, Mapping[str, object] | None]) -> MailTypes:
        """These, with the mail types of ``verify --aws``'s accounts (``Report.account``)."""
        found = {
            region: MailType(kind.upper())
            for region, info in account.items()
            if isinstance(kind := (info or {}).get("mail_type"), str)
            and kind.upper() in tuple(MailType)
        }
        return MailTypes(default=self.default, domains=self.domains, accounts=found)

    def of(self, domain: str, regions: list[str]) -> tuple[MailType, str] | None:
        """What ``domain`` (sending from ``regions``) sends and who said so; None: not known.
        Accounts say transactional only when every region's does: one marketing account is
        enough for the domain to send marketing mail."""
        if domain in self.domains:
            kind = self.domains[domain]
            return kind, f"--mail-type {domain}={kind.lower()}"
        if self.default is not None:
            return self.default, f"--mail-type {self.default.lower()}"
        said = {region: self.accounts[region] for region in regions if region in self.accounts}
        where = "the account's production-access mail type (GetAccount) in "
        marketing = sorted(r for r, kind in said.items() if kind is MailType.MARKETING)
        if marketing:
            return MailType.MARKETING, where + ", ".join(marketing)
        if said and len(said) == len(regions):
            return MailType.TRANSACTIONAL, where + ", ".join(sorted(said))
        return None


def parse_mail_types(values: list[str]) -> tuple[MailTypes, list[str]]:
    """``--mail-type`` values (``TYPE`` or ``DOMAIN=TYPE``) and every problem with them."""
    from ...names import normalize_domain  # idna and ICU: loaded only when a domain is named

    default: MailType | None = None
    domains: dict[str, MailType] = {}
    problems: list[str] = []
    for value in values:
        shown = repr(value if len(value) <= 200 else value[:200] + "...")
        domain, equals, kind = value.rpartition("=")
        if kind.strip().upper() not in tuple(MailType):
            problems.append(f"--mail-type {shown}: {MAIL_TYPE_ALLOWED}")
            continue
        mail_type = MailType(kind.strip().upper())
        if equals:
            try:
                domain = normalize_domain(domain.strip())
            except ValueError as exc:
                problems.append(f"--mail-type {shown}: the domain {exc}; {MAIL_TYPE_ALLOWED}")
                continue
        before = domains.get(domain) if equals else default
        if before is not None and before is not mail_type:
            what = f"{domain} is" if equals else "every domain is"
            problems.append(
                f"--mail-type {shown}: {what} given as {before.lower()} already; allowed: one "
                "type each"
            )
        elif equals:
            domains[domain] = mail_type
        else:
            default = mail_type
    return MailTypes(default=default, domains=domains), problems
