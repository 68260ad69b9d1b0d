"""What ``verify --mailbox-providers`` reads from the stack document beside ``dns_records``
(pure): contact lists, configuration sets and their TLS policy and pool, dedicated IP pools,
complaint-rate alarms.

``pulumi stack output --json`` gives the outputs only; the offline plan's document
(``ses-domains plan --stack NAME --json``) adds the declared resources' inputs, which hold what
the outputs do not: a set's ``tlsPolicy`` and ``sendingPoolName``, an alarm's threshold.
Anything not shaped as the stack writes it is left out, so it reads as "not known".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import cast

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
    """The offline plan's resources were given (their inputs: TLS policies, thresholds)."""
    contact_lists: dict[str, str] = field(default_factory=dict[str, str])
    """Region -> the contact list SES manages subscriptions with there."""
    domain_sets: dict[str, str] = field(default_factory=dict[str, str])
    """Domain -> the stack's configuration set its identity uses by default."""
    pools: dict[str, str] = field(default_factory=dict[str, str])
    """Dedicated IP pool name -> its scaling mode (``STANDARD`` or ``MANAGED``)."""
    alarm_regions: frozenset[str] = frozenset()
    """Regions where the stack has reputation alarms (its ``reputation_alarms`` output)."""
    set_tls: dict[str, str] = field(default_factory=dict[str, str])
    """Set name -> its ``tlsPolicy`` (``OPTIONAL`` when the set declares none): plan only."""
    set_pools: dict[str, str | None] = field(default_factory=dict[str, str | None])
    """Set name -> the dedicated pool it sends through (``None``: shared IPs): plan only."""
    complaint_thresholds: dict[str, float] = field(default_factory=dict[str, float])
    """Region -> the complaint-rate alarm's threshold (a fraction): plan only."""


def _mapping(value: object) -> dict[str, object]:
    return cast(dict[str, object], value) if isinstance(value, dict) else {}


def _items(value: object) -> list[object]:
    return cast(list[object], value) if isinstance(value, list) else []


def stack_facts(text: str) -> StackFacts:
    """The facts in stack outputs (``pulumi stack output --json``) or the offline plan's document;
    nothing for a bare list of records or text that is no JSON object."""
    try:
        data: object = json.loads(text)
    except ValueError:
        return StackFacts()
    document = _mapping(data)
    outputs = _mapping(document.get("outputs")) if "outputs" in document else document
    resources = _items(document.get("resources"))
    if not (set(outputs) - {"dns_records"}):
        return StackFacts()
    contact_lists = {
        region: name
        for region, entry in _mapping(outputs.get("contact_lists")).items()
        if isinstance(name := _mapping(entry).get("name"), str)
    }
    domain_sets: dict[str, str] = {}
    for set_name, entry in _mapping(outputs.get("configuration_sets")).items():
        for domain in _items(_mapping(entry).get("domains")):
            if isinstance(domain, str):
                domain_sets[domain] = set_name
    pools = {
        name: mode
        for entry in _mapping(outputs.get("dedicated_ip_pools")).values()
        if isinstance(name := _mapping(entry).get("name"), str)
        and isinstance(mode := _mapping(entry).get("scaling_mode"), str)
    }
    set_tls: dict[str, str] = {}
    set_pools: dict[str, str | None] = {}
    thresholds: dict[str, float] = {}
    for resource in map(_mapping, resources):
        inputs = _mapping(resource.get("inputs"))
        if resource.get("type") == SET_TYPE and isinstance(
            name := inputs.get("configurationSetName"), str
        ):
            delivery = _mapping(inputs.get("deliveryOptions"))
            tls, pool = delivery.get("tlsPolicy"), delivery.get("sendingPoolName")
            set_tls[name] = tls if isinstance(tls, str) else "OPTIONAL"
            set_pools[name] = pool if isinstance(pool, str) else None
        elif (
            resource.get("type") == ALARM_TYPE
            and inputs.get("metricName") == COMPLAINT_METRIC
            and isinstance(region := inputs.get("region"), str)
            and isinstance(threshold := inputs.get("threshold"), int | float)
            and not isinstance(threshold, bool)
        ):
            thresholds[region] = float(threshold)
    return StackFacts(
        outputs=True,
        resources=bool(resources),
        contact_lists=contact_lists,
        domain_sets=domain_sets,
        pools=pools,
        alarm_regions=frozenset(_mapping(outputs.get("reputation_alarms"))),
        set_tls=set_tls,
        set_pools=set_pools,
        complaint_thresholds=thresholds,
    )
