"""Parsing ``ses:contactLists``, ``ses:tenants``, ``ses:dedicatedIpPools`` and ``ses:vdm`` into
:mod:`.model`, and the configuration sets' ``sendingPoolName`` and VDM options against them,
reporting every problem at once. No Pulumi import.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..feedback.model import FeatureStatus, FeedbackConfig
from ..names import normalize_address, normalize_domain
from ..regions import region_problem
from ..validation import Fields, did_you_mean
from .model import (
    CONTACT_LIST_NAME,
    MAX_DESCRIPTION,
    MAX_DISPLAY_NAME,
    MAX_TOPICS,
    POOL_NAME,
    TENANT_NAME,
    TOPIC_NAME,
    AccountVdmConfig,
    ContactListConfig,
    DedicatedIpPoolConfig,
    DeliverabilityConfig,
    ScalingMode,
    SubscriptionStatus,
    TenantConfig,
    TopicConfig,
)

if TYPE_CHECKING:
    from ..domain.model import DomainConfig

_NAMES = "1-64 letters, digits, '_' and '-'"


def _name(fields: Fields, key: str, pattern: re.Pattern[str], allowed: str) -> str | None:
    value = fields.string(key, required=True)
    if value is not None and not pattern.fullmatch(value):
        fields.problems.add(fields.key_path(key), value, f"must be {allowed}")
        return None
    return value


def _text(fields: Fields, key: str, maximum: int, *, required: bool = False) -> str | None:
    value = fields.string(key, required=required)
    if value is not None and not 1 <= len(value) <= maximum:
        fields.problems.add(fields.key_path(key), value, f"must be 1-{maximum} characters")
        return None
    return value


def _region(fields: Fields, aws_region: str | None) -> str | None:
    region = fields.string("region", aws_region)
    if region is None:
        fields.problems.add(
            fields.key_path("region"), None, "is required when aws:region is not set"
        )
    elif fields.has("region") and (problem := region_problem(region)) is not None:
        fields.problems.add(fields.key_path("region"), region, problem)
        return None
    return region


def _topics(fields: Fields) -> tuple[TopicConfig, ...]:
    topics: list[TopicConfig] = []
    items = fields.objects("topics")
    if len(items) > MAX_TOPICS:
        fields.problems.add(
            fields.key_path("topics"),
            f"{len(items)} topics",
            f"a contact list has at most {MAX_TOPICS} topics",
        )
    seen: dict[str, str] = {}
    for item in items:
        name = _name(item, "name", TOPIC_NAME, _NAMES)
        display = _text(item, "displayName", MAX_DISPLAY_NAME, required=True)
        status_given = item.has("defaultSubscriptionStatus")
        status = item.choice(
            "defaultSubscriptionStatus", SubscriptionStatus, SubscriptionStatus.OPT_OUT
        )
        if not status_given:
            item.problems.add(
                item.key_path("defaultSubscriptionStatus"),
                None,
                "is required: OPT_IN (contacts get the topic's mail until they leave) or OPT_OUT "
                "(only contacts who subscribed do)",
            )
        description = _text(item, "description", MAX_DESCRIPTION)
        item.finish()
        if name is not None and name in seen:
            item.problems.add(item.key_path("name"), name, f"duplicates {seen[name]}.name")
        elif name is not None and display is not None and status_given:
            seen[name] = item.path
            topics.append(
                TopicConfig(
                    name=name,
                    display_name=display,
                    default_subscription_status=status,
                    description=description,
                )
            )
    return tuple(topics)


def parse_contact_lists(top: Fields, aws_region: str | None) -> tuple[ContactListConfig, ...]:
    """``contactLists``: one list per region, each with at most 20 topics."""
    lists: list[ContactListConfig] = []
    by_region: dict[str, str] = {}
    for item in top.objects("contactLists"):
        name = _name(item, "name", CONTACT_LIST_NAME, _NAMES)
        region = _region(item, aws_region)
        description = _text(item, "description", MAX_DESCRIPTION)
        topics = _topics(item)
        tags = item.tags("tags")
        item.finish()
        if name is None or region is None:
            continue
        if region in by_region:
            item.problems.add(
                item.key_path("region"),
                region,
                f"{by_region[region]} already declares the contact list of {region}; SES allows "
                "one contact list per account and region: put these topics in that list",
            )
            continue
        by_region[region] = item.path
        lists.append(
            ContactListConfig(
                name=name, region=region, description=description, topics=topics, tags=tags
            )
        )
    return tuple(lists)


def parse_dedicated_ip_pools(
    top: Fields, aws_region: str | None
) -> tuple[DedicatedIpPoolConfig, ...]:
    """``dedicatedIpPools``: each pool's name, region, scaling mode (or ``existing``), tags; a
    name is unique per account and region."""
    pools: list[DedicatedIpPoolConfig] = []
    seen: dict[tuple[str, str], str] = {}
    for item in top.objects("dedicatedIpPools"):
        name = _name(item, "name", POOL_NAME, "1-64 lowercase letters, digits, '_' and '-'")
        region = _region(item, aws_region)
        existing = item.boolean("existing", False)
        if existing and item.has("scalingMode"):
            item.problems.add(
                item.key_path("scalingMode"),
                item.raw("scalingMode"),
                "applies to pools the stack declares; an existing pool keeps its own",
            )
        mode = item.choice("scalingMode", ScalingMode, ScalingMode.STANDARD)
        tags = item.tags("tags")
        item.finish()
        if name is None or region is None or _duplicate(item, seen, (name, region)):
            continue
        pools.append(
            DedicatedIpPoolConfig(
                name=name, region=region, scaling_mode=mode, existing=existing, tags=tags
            )
        )
    return tuple(pools)


def _duplicate(item: Fields, seen: dict[tuple[str, str], str], slot: tuple[str, str]) -> bool:
    """Whether an entry of this name and region came earlier (reported, naming it)."""
    if slot in seen:
        item.problems.add(
            item.key_path("name"),
            slot[0],
            f"duplicates {seen[slot]}.name in {slot[1]}; names are unique per account and region",
        )
        return True
    seen[slot] = item.path
    return False


def parse_account_vdm(fields: Fields | None, regions: tuple[str, ...]) -> AccountVdmConfig | None:
    """``vdm``: the account's VDM settings, in ``regions`` unless it lists its own."""
    if fields is None:
        return None
    enabled = fields.choice("enabled", FeatureStatus, FeatureStatus.ENABLED)
    statuses: list[FeatureStatus | None] = []
    for section, key in (
        ("dashboard", "engagementMetrics"),
        ("guardian", "optimizedSharedDelivery"),
    ):
        nested = fields.mapping(section)
        if nested is None:
            statuses.append(None)
            continue
        given = nested.has(key)
        status = nested.choice(key, FeatureStatus, FeatureStatus.ENABLED)
        statuses.append(status if given else None)
        nested.finish()
    chosen: list[str] = []
    for path, region in fields.string_list("regions"):
        if (problem := region_problem(region)) is not None:
            fields.problems.add(path, region, problem)
        else:
            chosen.append(region)
    fields.finish()
    return AccountVdmConfig(
        enabled=enabled,
        engagement_metrics=statuses[0],
        optimized_shared_delivery=statuses[1],
        regions=tuple(chosen) or regions,
    )


def _references(
    item: Fields, key: str, known: dict[str, str], region: str, what: str
) -> tuple[str, ...]:
    """Names under ``key`` that must be among ``known`` (name -> region) in ``region``.
    Identities are matched as SES matches them: normalised (A-labels) and ignoring case."""
    found: list[str] = []
    folded = {name.lower(): name for name in known} if what == "identity" else {}
    for path, text in item.string_list(key):
        name = text
        if what == "identity":
            try:
                name = normalize_address(text) if "@" in text else normalize_domain(text)
            except ValueError:
                name = text
            name = folded.get(name.lower(), name)
        if name not in known:
            item.problems.add(
                path,
                text,
                f"names no {what} of this stack (declared: {', '.join(sorted(known)) or 'none'})"
                + did_you_mean(name, list(known)),
            )
        elif known[name] != region:
            item.problems.add(
                path,
                text,
                f"is in region {known[name]} but the tenant is in {region}; a tenant groups "
                "resources of its own region",
            )
        elif name in found:
            item.problems.add(path, text, "is listed twice")
        else:
            found.append(name)
    return tuple(found)


def parse_tenants(
    top: Fields,
    aws_region: str | None,
    domains: list[DomainConfig],
    feedback: FeedbackConfig,
    lists: tuple[ContactListConfig, ...],
) -> tuple[TenantConfig, ...]:
    """``tenants``: each tenant's name, region, tags and the stack's identities, sets and
    lists it groups (each of the tenant's region, named once)."""
    identities = {domain.name: domain.region for domain in domains}
    for domain in domains:
        identities.update(dict.fromkeys(domain.email_identities, domain.region))
    sets = {item.name: item.region for item in feedback.configuration_sets}
    list_regions = {item.name: item.region for item in lists}
    tenants: list[TenantConfig] = []
    seen: dict[tuple[str, str], str] = {}
    for item in top.objects("tenants"):
        name = _name(item, "name", TENANT_NAME, _NAMES)
        region = _region(item, aws_region)
        members = [
            _references(item, key, known, region or "", what)
            for key, known, what in (
                ("identities", identities, "identity"),
                ("configurationSets", sets, "configuration set"),
                ("contactLists", list_regions, "contact list"),
            )
        ]
        tags = item.tags("tags")
        item.finish()
        if name is None or region is None or _duplicate(item, seen, (name, region)):
            continue
        tenants.append(
            TenantConfig(
                name=name,
                region=region,
                identities=members[0],
                configuration_sets=members[1],
                contact_lists=members[2],
                tags=tags,
            )
        )
    return tuple(tenants)


def _check_sets(
    top: Fields,
    feedback: FeedbackConfig,
    pools: tuple[DedicatedIpPoolConfig, ...],
    vdm: AccountVdmConfig | None,
    warnings: list[str],
) -> None:
    """Each set's ``sendingPoolName`` names a pool of its region; set-level VDM options while
    the account's VDM is off or not declared there are a warning."""
    reported: set[tuple[str, str]] = set()
    for item in feedback.configuration_sets:
        key = feedback.set_keys.get(item.name, top.key_path("feedback"))
        path = f"{key}.sendingPoolName"
        if item.sending_pool_name is not None and (path, item.region) not in reported:
            reported.add((path, item.region))
            regional = [pool.name for pool in pools if pool.region == item.region]
            if item.sending_pool_name not in regional:
                top.problems.add(
                    path,
                    item.sending_pool_name,
                    f"names no pool of {top.key_path('dedicatedIpPools')} in {item.region} "
                    f"(declared there: {', '.join(regional) or 'none'}); declare it, or list it "
                    "with existing: true when it was made elsewhere"
                    + did_you_mean(item.sending_pool_name, regional),
                )
        options = item.vdm
        if options is None or FeatureStatus.ENABLED not in (
            options.engagement_metrics,
            options.optimized_shared_delivery,
        ):
            continue
        if vdm is None or item.region not in vdm.regions:
            state = "not declared in this stack" if vdm is None else f"not set in {item.region}"
        elif vdm.enabled is FeatureStatus.DISABLED:
            state = "DISABLED"
        else:
            continue
        warnings.append(
            f"{key}.vdm: configuration set {item.name!r} turns VDM options on but the account's "
            f"VDM ({top.key_path('vdm')}) is {state}; the set's options take effect only while "
            "VDM is enabled for the account in that region"
        )


def parse_deliverability(
    top: Fields,
    domains: list[DomainConfig],
    feedback: FeedbackConfig,
    aws_region: str | None,
) -> DeliverabilityConfig:
    """Parse ``contactLists``, ``dedicatedIpPools``, ``vdm`` and ``tenants``; check the
    configuration sets' ``sendingPoolName`` and VDM options against them.

    Called by ``parse_stack_config`` after the feedback sections. Lists, pools and tenants are
    unique per account and region: a second one of a name (or a second list) in one region is
    refused, naming the first one's key.
    """
    warnings: list[str] = []
    regions = tuple(sorted({domain.region for domain in domains}))
    lists = parse_contact_lists(top, aws_region)
    pools = parse_dedicated_ip_pools(top, aws_region)
    vdm = parse_account_vdm(top.mapping("vdm"), regions)
    tenants = parse_tenants(top, aws_region, domains, feedback, lists)
    _check_sets(top, feedback, pools, vdm, warnings)
    return DeliverabilityConfig(
        contact_lists=lists,
        tenants=tenants,
        dedicated_ip_pools=pools,
        vdm=vdm,
        warnings=tuple(warnings),
    )
