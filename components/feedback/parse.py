"""Parsing the feedback sections of the stack configuration (``ses:feedback``,
``ses:configurationSets``, ``ses:domains[i].configurationSet``, ``ses:alarms``,
``ses:accountSuppression``) into :mod:`.model`, reporting every problem at once. No Pulumi import.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..deliverability.model import POOL_NAME
from ..names import normalize_domain
from ..physical_names import report_collisions, stack_prefix
from ..regions import parse_regions, region_problem
from ..validation import Fields, Problems, as_list, as_mapping, did_you_mean
from .endpoint_checks import ENDPOINT_CHECKS, RAW_DELIVERY_PROTOCOLS
from .model import (
    BOUNCE_REVIEW_RATE,
    COMPLAINT_REVIEW_RATE,
    CONFIGURATION_SET_NAME,
    DEFAULT_BOUNCE_THRESHOLD,
    DEFAULT_CLOUDWATCH_EVENTS,
    DEFAULT_COMPLAINT_THRESHOLD,
    DEFAULT_TOPIC_EVENTS,
    AccountSuppressionConfig,
    AlarmsConfig,
    CloudWatchDestinationConfig,
    ConfigurationSetConfig,
    DimensionConfig,
    DimensionValueSource,
    EventBridgeDestinationConfig,
    EventType,
    FeatureStatus,
    FeedbackConfig,
    HttpsPolicy,
    KmsConfig,
    QueueConfig,
    SubscriptionConfig,
    SubscriptionProtocol,
    SuppressionReason,
    TlsPolicy,
    TopicConfig,
    TrackingConfig,
    VdmConfig,
    default_set_name,
)
from .names import feedback_names

if TYPE_CHECKING:
    from ..domain.model import DomainConfig

_TOPIC_KIND = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
_DIMENSION_NAME = re.compile(r"^[A-Za-z0-9_:-]{1,256}$")
_DIMENSION_VALUE = re.compile(r"^[A-Za-z0-9_.@-]{1,256}$")
_NAME_PREFIX = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _parse_events(
    fields: Fields, key: str, default: tuple[EventType, ...], problems: Problems
) -> tuple[EventType, ...]:
    if not fields.has(key):
        fields.raw(key)
        return default
    allowed = [member.value for member in EventType]
    events: list[EventType] = []
    items = fields.string_list(key)
    for path, text in items:
        if text in allowed:
            event = EventType(text)
            if event in events:
                problems.add(path, text, "is listed twice")
            events.append(event)
        else:
            problems.add(
                path,
                text,
                f"is not an SES event type; one of {', '.join(allowed)}"
                + did_you_mean(text.upper(), allowed),
            )
    if not items and fields.has(key) and isinstance(fields.raw(key), list):
        problems.add(fields.key_path(key), [], "must list at least one event type")
    return tuple(dict.fromkeys(events))


def _parse_subscriptions(
    fields: Fields, key: str, problems: Problems
) -> tuple[SubscriptionConfig, ...]:
    result: list[SubscriptionConfig] = []
    seen: dict[tuple[str, str], str] = {}
    for item in fields.objects(key):
        protocol_given = item.has("protocol")
        given = item.raw("protocol")
        protocol_valid = isinstance(given, str) and given in {p.value for p in SubscriptionProtocol}
        protocol = item.choice("protocol", SubscriptionProtocol, SubscriptionProtocol.EMAIL)
        endpoint = item.string("endpoint", required=True)
        raw_default = protocol is SubscriptionProtocol.SQS
        raw = item.boolean("rawMessageDelivery", raw_default)
        item.finish()
        if not protocol_given:
            problems.add(
                item.key_path("protocol"),
                None,
                "is required: one of " + ", ".join(p.value for p in SubscriptionProtocol),
            )
            continue
        if not protocol_valid:
            continue
        if raw and protocol not in RAW_DELIVERY_PROTOCOLS:
            problems.add(
                item.key_path("rawMessageDelivery"),
                raw,
                "applies to sqs and https subscriptions only",
            )
        if endpoint is None:
            continue
        check, allowed = ENDPOINT_CHECKS[protocol]
        try:
            endpoint = check(endpoint)
        except ValueError as error:
            problems.add(
                item.key_path("endpoint"), endpoint, f"must be {allowed} for {protocol} ({error})"
            )
            continue
        if (protocol.value, endpoint) in seen:
            problems.add(
                item.key_path("endpoint"), endpoint, f"duplicates {seen[protocol.value, endpoint]}"
            )
            continue
        seen[protocol.value, endpoint] = item.path
        result.append(SubscriptionConfig(protocol, endpoint, raw))
    return tuple(result)


def _parse_queue(fields: Fields | None) -> QueueConfig:
    if fields is None:
        return QueueConfig()
    queue = QueueConfig(
        enabled=fields.boolean("enabled", True),
        max_receive_count=fields.integer("maxReceiveCount", 5, minimum=1, maximum=1000),
        message_retention_seconds=fields.integer(
            "messageRetentionSeconds", 1_209_600, minimum=60, maximum=1_209_600
        ),
        visibility_timeout_seconds=fields.integer(
            "visibilityTimeoutSeconds", 30, minimum=0, maximum=43_200
        ),
    )
    fields.finish()
    return queue


def _parse_topics(fields: Fields, problems: Problems) -> tuple[TopicConfig, ...]:
    value = fields.raw("topics")
    if value is None:
        return tuple(TopicConfig(kind, events) for kind, events in DEFAULT_TOPIC_EVENTS.items())
    topics_fields = Fields(value, fields.key_path("topics"), problems)
    raw = as_mapping(value) or {}
    if not raw and as_mapping(value) is not None:
        problems.add(
            fields.key_path("topics"), {}, "must name at least one topic (e.g. bounce: {})"
        )
    topics: list[TopicConfig] = []
    routed: dict[EventType, str] = {}
    for kind in raw:
        topic_fields = topics_fields.mapping(kind)
        if topic_fields is None:  # `kind: null` or `kind: {}` in YAML: defaults
            topic_fields = Fields({}, topics_fields.key_path(kind), problems)
        if not _TOPIC_KIND.match(kind):
            problems.add(
                topics_fields.key_path(kind),
                kind,
                "topic names are 1-30 lowercase letters, digits and '-', starting with a letter",
            )
            continue
        default_events = DEFAULT_TOPIC_EVENTS.get(kind, ())
        if not default_events and not topic_fields.has("events"):
            problems.add(
                topic_fields.key_path("events"),
                None,
                f"is required for topic {kind!r} (only bounce, complaint and delivery have a "
                "default): a list of SES event types",
            )
        events = _parse_events(topic_fields, "events", default_events, problems)
        for event in events:
            if event in routed:
                problems.add(
                    topic_fields.key_path("events"),
                    event.value,
                    f"is already routed to topic {routed[event]!r}; each event type goes to one "
                    "topic",
                )
            else:
                routed[event] = kind
        subscriptions = _parse_subscriptions(topic_fields, "subscriptions", problems)
        queue = _parse_queue(topic_fields.mapping("queue"))
        topic_fields.finish()
        topics.append(TopicConfig(kind, events, subscriptions, queue))
    return tuple(topics)


def _parse_reasons(
    fields: Fields, key: str, default: tuple[SuppressionReason, ...], problems: Problems
) -> tuple[SuppressionReason, ...]:
    if not fields.has(key):
        fields.raw(key)
        return default
    allowed = [member.value for member in SuppressionReason]
    reasons: list[SuppressionReason] = []
    for path, text in fields.string_list(key):
        if text in allowed:
            reasons.append(SuppressionReason(text))
        else:
            problems.add(
                path,
                text,
                f"must be one of {', '.join(allowed)}" + did_you_mean(text.upper(), allowed),
            )
    return tuple(dict.fromkeys(reasons))


def _parse_cloudwatch(fields: Fields | None, problems: Problems) -> CloudWatchDestinationConfig:
    if fields is None:
        return CloudWatchDestinationConfig()
    enabled = fields.boolean("enabled", True)
    events = _parse_events(fields, "events", DEFAULT_CLOUDWATCH_EVENTS, problems)
    dimensions: list[DimensionConfig] = []
    for item in fields.objects("dimensions"):
        name = item.string("name", required=True)
        source = item.choice("source", DimensionValueSource, DimensionValueSource.MESSAGE_TAG)
        default_value = item.string("defaultValue", "none") or "none"
        item.finish()
        if name is not None and not _DIMENSION_NAME.match(name):
            problems.add(
                item.key_path("name"),
                name,
                "dimension names are 1-256 letters, digits, '_', ':' and '-'",
            )
            continue
        if not _DIMENSION_VALUE.match(default_value):
            problems.add(
                item.key_path("defaultValue"),
                default_value,
                "default values are 1-256 letters, digits, '_', '.', '@' and '-'",
            )
            continue
        if name is not None:
            if any(dimension.name == name for dimension in dimensions):
                problems.add(item.key_path("name"), name, "duplicates another dimension's name")
                continue
            dimensions.append(DimensionConfig(name, source, default_value))
    fields.finish()
    if fields.has("dimensions") and not dimensions:
        return CloudWatchDestinationConfig(enabled, events)
    return CloudWatchDestinationConfig(
        enabled, events, tuple(dimensions) or CloudWatchDestinationConfig().dimensions
    )


def _parse_event_bridge(fields: Fields | None, problems: Problems) -> EventBridgeDestinationConfig:
    if fields is None:
        return EventBridgeDestinationConfig()
    enabled = fields.boolean("enabled", True)
    events = _parse_events(fields, "events", tuple(EventType), problems)
    fields.finish()
    return EventBridgeDestinationConfig(enabled, events)


def _parse_tracking(fields: Fields | None, problems: Problems) -> TrackingConfig | None:
    if fields is None:
        return None
    domain = fields.string("customRedirectDomain", required=True)
    policy = fields.choice("httpsPolicy", HttpsPolicy, HttpsPolicy.OPTIONAL)
    cdn = fields.string("cdnDomain")
    fields.finish()
    names: list[str | None] = []
    for key, value, example in (
        ("customRedirectDomain", domain, "track.example.com"),
        ("cdnDomain", cdn, "d111111abcdef8.cloudfront.net"),
    ):
        try:
            names.append(None if value is None else normalize_domain(value))
        except ValueError as error:
            problems.add(
                fields.key_path(key), value, f"must be a domain name such as {example} ({error})"
            )
            names.append(None)
    if names[0] is None or (cdn is not None and names[1] is None):
        return None
    return TrackingConfig(names[0], policy, names[1])


def _parse_vdm(fields: Fields | None) -> VdmConfig | None:
    if fields is None:
        return None
    values: list[FeatureStatus | None] = []
    for key in ("engagementMetrics", "optimizedSharedDelivery"):
        if fields.has(key):
            values.append(fields.choice(key, FeatureStatus, FeatureStatus.ENABLED))
        else:
            fields.raw(key)
            values.append(None)
    fields.finish()
    return VdmConfig(values[0], values[1])


def _parse_set_settings(
    fields: Fields,
    name: str,
    region: str,
    problems: Problems,
    warnings: list[str],
) -> ConfigurationSetConfig:
    tls_policy = fields.choice("tlsPolicy", TlsPolicy, TlsPolicy.REQUIRE)
    reputation_metrics = fields.boolean("reputationMetrics", True)
    sending_enabled = fields.boolean("sendingEnabled", True)
    suppressed = _parse_reasons(
        fields, "suppressedReasons", ConfigurationSetConfig.suppressed_reasons, problems
    )
    if (
        fields.has("suppressedReasons")
        and not suppressed
        and isinstance(fields.raw("suppressedReasons"), list)
    ):
        warnings.append(_EMPTY_SUPPRESSION.format(key=fields.key_path("suppressedReasons")))
    max_delivery: int | None = None
    if fields.has("maxDeliverySeconds"):
        max_delivery = fields.integer("maxDeliverySeconds", 50400, minimum=300, maximum=50400)
    else:
        fields.raw("maxDeliverySeconds")
    tracking = _parse_tracking(fields.mapping("tracking"), problems)
    vdm = _parse_vdm(fields.mapping("vdm"))
    sending_pool_name = fields.string("sendingPoolName")
    if sending_pool_name is not None and not POOL_NAME.fullmatch(sending_pool_name):
        problems.add(
            fields.key_path("sendingPoolName"),
            sending_pool_name,
            "must be a dedicated IP pool name: 1-64 lowercase letters, digits, '_' and '-'",
        )
        sending_pool_name = None
    topics = _parse_topics(fields, problems)
    kms_fields = fields.mapping("kms")
    kms = KmsConfig()
    if kms_fields is not None:
        kms = KmsConfig(
            kms_fields.boolean("enabled", True),
            kms_fields.integer("deletionWindowInDays", 30, minimum=7, maximum=30),
        )
        kms_fields.finish()
    cloudwatch = _parse_cloudwatch(fields.mapping("cloudWatch"), problems)
    event_bridge = _parse_event_bridge(fields.mapping("eventBridge"), problems)
    allow_unrouted = fields.boolean("allowUnroutedFeedback", False)
    forwarding_given = fields.has("emailForwarding")
    email_forwarding = fields.boolean("emailForwarding", False)
    tags = fields.tags("tags")
    settings = ConfigurationSetConfig(
        name=name,
        region=region,
        tls_policy=tls_policy,
        reputation_metrics=reputation_metrics,
        sending_enabled=sending_enabled,
        suppressed_reasons=suppressed,
        max_delivery_seconds=max_delivery,
        tracking=tracking,
        vdm=vdm,
        sending_pool_name=sending_pool_name,
        topics=topics,
        kms=kms,
        cloudwatch=cloudwatch,
        event_bridge=event_bridge,
        email_forwarding=email_forwarding,
        tags=tags,
    )
    unrouted = [
        event.value
        for event in (EventType.BOUNCE, EventType.COMPLAINT)
        if settings.topic_for(event) is None
    ]
    if unrouted and not allow_unrouted:
        warnings.append(
            f"{fields.key_path('topics')}: {' and '.join(unrouted)} events of configuration set "
            f"{name!r} reach no SNS topic, so nothing processes them; route them or set "
            f"{fields.key_path('allowUnroutedFeedback')}: true"
        )
    if unrouted:
        if forwarding_given and not email_forwarding:
            problems.add(
                fields.key_path("emailForwarding"),
                False,
                "may be false only when BOUNCE and COMPLAINT reach a topic "
                f"({' and '.join(unrouted)} do not); SES would otherwise not report them",
            )
        email_forwarding = True
    elif not forwarding_given:
        email_forwarding = False
    return replace(settings, email_forwarding=email_forwarding)


_EMPTY_SUPPRESSION = (
    "{key} = []: an empty list turns the set's suppression list off only when the set is "
    "created with it; pulumi-aws does not apply the update to an existing set (the preview "
    "shows it, the set keeps its previous suppression settings, and every later preview shows "
    "it again: pulumi/pulumi-aws#5999, upstream hashicorp/terraform-provider-aws#45526, fix "
    "proposed in #45756). For an existing set: rename it (a new set is created with []), or "
    "clear it outside Pulumi with SES's PutConfigurationSetSuppressionOptions and an empty "
    "SuppressedReasons list, then pulumi refresh (docs/feedback.md)"
)


_NO_SUBSCRIBERS = (
    "{path}.subscriptions: the reputation alerts topic has no subscribers; an alarm would change "
    "state without telling anyone"
)


def _parse_alarms(
    fields: Fields | None, path: str, default_prefix: str, problems: Problems, warnings: list[str]
) -> AlarmsConfig:
    if fields is None:
        warnings.append(_NO_SUBSCRIBERS.format(path=path))
        return AlarmsConfig(name_prefix=default_prefix)
    enabled = fields.boolean("enabled", True)
    thresholds: dict[str, float] = {}
    for key, default, review in (
        ("bounceRateThreshold", DEFAULT_BOUNCE_THRESHOLD, BOUNCE_REVIEW_RATE),
        ("complaintRateThreshold", DEFAULT_COMPLAINT_THRESHOLD, COMPLAINT_REVIEW_RATE),
    ):
        raw = fields.raw(key)
        value = fields.number(key, default, minimum=0, maximum=1) if raw is not None else default
        if raw is not None and value == 0:
            problems.add(
                fields.key_path(key), raw, "must be a fraction above 0 and at most 1 (0.04 is 4%)"
            )
        elif raw is not None and value >= review:
            warnings.append(
                f"{fields.key_path(key)} = {value:g} is at or above AWS's review level "
                f"({review:g}); the alarm would fire only once the account is already under "
                "review"
            )
        thresholds[key] = value
    period = fields.integer("periodSeconds", 3600, minimum=60, maximum=86_400)
    if period % 60:
        problems.add(fields.key_path("periodSeconds"), period, "must be a multiple of 60")
    evaluation_periods = fields.integer("evaluationPeriods", 1, minimum=1, maximum=24)
    subscriptions = _parse_subscriptions(fields, "subscriptions", problems)
    dashboard = fields.boolean("dashboard", False)
    prefix = fields.string("namePrefix", default_prefix) or default_prefix
    if not _NAME_PREFIX.match(prefix):
        problems.add(
            fields.key_path("namePrefix"), prefix, "must be 1-32 letters, digits, '_' and '-'"
        )
    fields.finish()
    if enabled and not subscriptions:
        warnings.append(_NO_SUBSCRIBERS.format(path=path))
    return AlarmsConfig(
        enabled,
        thresholds["bounceRateThreshold"],
        thresholds["complaintRateThreshold"],
        period,
        evaluation_periods,
        subscriptions,
        dashboard,
        prefix,
    )


def parse_domain_set_ref(fields: Fields) -> str | bool:
    """A domain's ``configurationSet``: a set name, ``True`` (its own set) or ``False`` (none)."""
    value = fields.raw("configurationSet")
    if value is None or value is True or value == "true":
        return True
    if value is False or value == "false":
        return False
    if isinstance(value, str) and CONFIGURATION_SET_NAME.match(value):
        return value
    fields.problems.add(
        fields.key_path("configurationSet"),
        value,
        "must be the name of an entry in configurationSets, true (the domain's own set, the "
        "default) or false (no configuration set)",
    )
    return True


def parse_feedback(
    top: Fields,
    domains: list[DomainConfig],
    aws_region: str | None,
    problems: Problems,
    *,
    stack: str | None = None,
) -> FeedbackConfig:
    """Parse ``feedback``, ``configurationSets``, ``alarms`` and ``accountSuppression``.

    Called by ``parse_stack_config`` after the domains; resolves each domain's
    ``configurationSet`` reference and checks that set and domain share a region. ``stack``
    makes the default prefix of alarm, alerts topic and dashboard names (``ses-<stack>``).
    Every derived physical name is checked for collisions (:mod:`..physical_names`).
    """
    warnings: list[str] = []
    sets: list[ConfigurationSetConfig] = []
    origin: dict[str, str] = {}
    settings_key: dict[str, str] = {}
    for item in top.objects("configurationSets"):
        name = item.string("name", required=True)
        region, secondary = parse_regions(item, aws_region, problems)
        if name is not None and not CONFIGURATION_SET_NAME.match(name):
            problems.add(
                item.key_path("name"),
                name,
                "configuration set names are 1-64 letters, digits, '_' and '-'",
            )
            name = None
        settings = _parse_set_settings(item, name or "", region or "", problems, warnings)
        item.finish()
        if name is None or region is None:
            continue
        if name in origin:
            problems.add(item.key_path("name"), name, f"duplicates {origin[name]}.name")
            continue
        origin[name] = item.path
        settings_key[name] = item.path
        sets += [replace(settings, region=where) for where in (region, *secondary)]

    default_fields = top.mapping("feedback") or Fields({}, top.key_path("feedback"), problems)
    default_warnings: list[str] = []
    template = _parse_set_settings(
        default_fields, "<each domain's own>", "", problems, default_warnings
    )
    default_fields.finish()

    domain_sets: dict[str, str | None] = {}
    used_default = False
    paths = _domain_paths(top)
    for domain in domains:
        ref = domain.configuration_set
        domain_path = paths.get(domain.name, f"{top.key_path('domains')}[?]")
        path = f"{domain_path}.configurationSet"
        if ref is False:
            domain_sets[domain.name] = None
        elif ref is True:
            name = default_set_name(domain.name)
            if name in origin:
                problems.add(
                    path,
                    True,
                    f"the domain's own set would be named {name!r}, which {origin[name]} already "
                    f"uses; set configurationSet: {name} to share it, or rename that set",
                )
                continue
            origin[name] = domain_path
            settings_key[name] = default_fields.path
            sets += [replace(template, name=name, region=region) for region in domain.regions]
            domain_sets[domain.name] = name
            used_default = True
        else:
            made_in = [item.region for item in sets if item.name == ref]
            missing = [region for region in domain.regions if region not in made_in]
            if not made_in:
                explicit = list(dict.fromkeys(item.name for item in sets if item.name in origin))
                problems.add(
                    path,
                    ref,
                    "names no entry of configurationSets"
                    + (f" (defined: {', '.join(explicit)})" if explicit else " (none defined)")
                    + did_you_mean(ref, explicit),
                )
            elif missing == [domain.region] and not domain.secondary_regions:
                problems.add(
                    path,
                    ref,
                    f"is in region {', '.join(made_in)} but the domain is in {domain.region}; a "
                    "configuration set serves identities of its own region only",
                )
            elif missing:
                problems.add(
                    path,
                    ref,
                    f"is made in {', '.join(made_in)}, but the domain also has identities in "
                    f"{', '.join(missing)}; list them in {origin[ref]}.regions (the set is then "
                    "made in each under one name), or use configurationSet: true",
                )
            else:
                domain_sets[domain.name] = ref

    if used_default:
        warnings.extend(default_warnings)
    alarms = _parse_alarms(
        top.mapping("alarms"), top.key_path("alarms"), stack_prefix(stack), problems, warnings
    )
    regions = tuple(sorted({region for domain in domains for region in domain.regions}))
    report_collisions(
        feedback_names(sets, settings_key, alarms, regions if alarms.enabled else (), top),
        problems,
    )
    suppression: AccountSuppressionConfig | None = None
    suppression_fields = top.mapping("accountSuppression")
    if suppression_fields is not None:
        reasons = _parse_reasons(
            suppression_fields,
            "suppressedReasons",
            (SuppressionReason.BOUNCE, SuppressionReason.COMPLAINT),
            problems,
        )
        chosen_regions: list[str] = []
        for path, region in suppression_fields.string_list("regions"):
            if (problem := region_problem(region)) is not None:
                problems.add(path, region, problem)
            else:
                chosen_regions.append(region)
        suppression_fields.finish()
        suppression = AccountSuppressionConfig(reasons, tuple(chosen_regions) or regions)
    return FeedbackConfig(
        configuration_sets=tuple(sets),
        domain_sets=domain_sets,
        alarms=alarms,
        alarm_regions=regions if alarms.enabled else (),
        account_suppression=suppression,
        warnings=tuple(warnings),
        set_keys=settings_key,
    )


def _domain_paths(top: Fields) -> dict[str, str]:
    """Normalised domain name -> key path of its entry in ``domains`` (first occurrence)."""
    paths: dict[str, str] = {}
    for index, entry in enumerate(as_list(top.raw("domains")) or []):
        name = (as_mapping(entry) or {}).get("name")
        if isinstance(name, str):
            try:
                paths.setdefault(normalize_domain(name), f"{top.key_path('domains')}[{index}]")
            except ValueError:
                continue
    return paths
