"""Configuration model of the feedback loop: configuration sets, topics, alarms.

Parsed from the stack config with :class:`~components.validation.Fields`, reporting every problem
at once; no Pulumi import. The keys:

- ``ses:feedback`` (object): settings of the configuration set each domain gets by default, one
  per domain, named after the domain (``example.com`` -> ``example-com``).
- ``ses:configurationSets`` (list): named configuration sets with the same settings plus ``name``
  and ``region``; a domain uses one with ``configurationSet: <name>``.
- ``ses:domains[i].configurationSet``: a name from ``configurationSets``, ``true`` (default: the
  domain's own set built from ``ses:feedback``) or ``false`` (no configuration set at all).
- ``ses:alarms`` (object): reputation alarms, alerts topic and dashboard, per region in use.
- ``ses:accountSuppression`` (object): the account-wide suppression list, only when present.

Rates and thresholds are fractions from 0 to 1 (``0.04`` is 4 %), the unit CloudWatch's
``Reputation.BounceRate`` and ``Reputation.ComplaintRate`` metrics use.

Warnings (a bounce or complaint event that reaches no topic, a threshold at or above AWS's review
level) do not stop the stack; they are collected in :attr:`FeedbackConfig.warnings`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .names import normalize_address, normalize_domain
from .regions import region_problem
from .validation import Fields, Problems, as_list, as_mapping, did_you_mean

if TYPE_CHECKING:
    from .config import DomainConfig

BOUNCE_REVIEW_RATE = 0.05
"""AWS puts an account under review at this bounce rate (and may pause sending at 0.10)."""
COMPLAINT_REVIEW_RATE = 0.001
"""AWS puts an account under review at this complaint rate (and may pause sending at 0.005)."""
DEFAULT_BOUNCE_THRESHOLD = 0.04
"""Default bounce-rate alarm threshold: 4 %, one point below the review level."""
DEFAULT_COMPLAINT_THRESHOLD = 0.0008
"""Default complaint-rate alarm threshold: 0.08 %, a fifth below the review level."""

MAX_CONFIGURATION_SET_NAME = 64
_SET_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TOPIC_KIND = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
_DIMENSION_NAME = re.compile(r"^[A-Za-z0-9_:-]{1,256}$")
_DIMENSION_VALUE = re.compile(r"^[A-Za-z0-9_.@-]{1,256}$")
_NAME_PREFIX = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
_SQS_ARN = re.compile(rf"^arn:{_PARTITION}:sqs:{_REGION}:\d{{12}}:[A-Za-z0-9_-]{{1,80}}(\.fifo)?$")
_LAMBDA_ARN = re.compile(
    rf"^arn:{_PARTITION}:lambda:{_REGION}:\d{{12}}:function:[A-Za-z0-9_-]{{1,64}}"
    r"(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?$"
)


class EventType(StrEnum):
    """SES v2 event types (``EventType`` in the sesv2 API)."""

    SEND = "SEND"
    REJECT = "REJECT"
    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"
    DELIVERY = "DELIVERY"
    OPEN = "OPEN"
    CLICK = "CLICK"
    RENDERING_FAILURE = "RENDERING_FAILURE"
    DELIVERY_DELAY = "DELIVERY_DELAY"
    SUBSCRIPTION = "SUBSCRIPTION"


class TlsPolicy(StrEnum):
    """Whether messages sent with the set must be delivered over TLS."""

    REQUIRE = "REQUIRE"
    """Refuse delivery to a receiving server that cannot do TLS."""
    OPTIONAL = "OPTIONAL"
    """Deliver in clear text when the receiving server does not offer TLS."""


class SuppressionReason(StrEnum):
    """Why an address is put on a suppression list."""

    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"


class HttpsPolicy(StrEnum):
    """Whether open and click tracking links use HTTPS."""

    REQUIRE = "REQUIRE"
    REQUIRE_OPEN_ONLY = "REQUIRE_OPEN_ONLY"
    OPTIONAL = "OPTIONAL"


class FeatureStatus(StrEnum):
    """On or off, as SES's VDM settings spell it."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class DimensionValueSource(StrEnum):
    """Where a CloudWatch dimension value comes from."""

    MESSAGE_TAG = "MESSAGE_TAG"
    EMAIL_HEADER = "EMAIL_HEADER"
    LINK_TAG = "LINK_TAG"


class SubscriptionProtocol(StrEnum):
    """Kinds of topic subscription the stack creates."""

    EMAIL = "email"
    """An email address; SNS sends a confirmation mail that must be accepted."""
    HTTPS = "https"
    """An HTTPS URL; the endpoint must confirm the subscription."""
    SQS = "sqs"
    """An existing SQS queue, by ARN (its owner must allow the topic to send)."""
    LAMBDA = "lambda"
    """A Lambda function, by ARN; the stack adds the invoke permission for the topic."""


DEFAULT_TOPIC_EVENTS: Mapping[str, tuple[EventType, ...]] = {
    "bounce": (EventType.BOUNCE,),
    "complaint": (EventType.COMPLAINT,),
    "delivery": (EventType.DELIVERY,),
}
"""Topics each configuration set gets when ``topics`` is not given."""
DEFAULT_CLOUDWATCH_EVENTS = (
    EventType.SEND,
    EventType.REJECT,
    EventType.BOUNCE,
    EventType.COMPLAINT,
    EventType.DELIVERY,
)


@dataclass(frozen=True)
class SubscriptionConfig:
    """One subscription to a feedback or alerts topic."""

    protocol: SubscriptionProtocol
    """email, https, sqs or lambda."""
    endpoint: str
    """Email address, https URL, or queue/function ARN (validated for its protocol)."""
    raw_message_delivery: bool = False
    """Deliver the SES event JSON without the SNS envelope (sqs and https only; default on for
    sqs, off for https so the endpoint can check SNS's signature)."""


@dataclass(frozen=True)
class QueueConfig:
    """An SQS queue (with a dead-letter queue) subscribed to a topic, for bounce processors."""

    enabled: bool = False
    """Create the queue, its dead-letter queue, the queue policy and the subscription."""
    max_receive_count: int = 5
    """Receives before a message moves to the dead-letter queue."""
    message_retention_seconds: int = 1_209_600
    """How long messages are kept (default 14 days, SQS's maximum)."""
    visibility_timeout_seconds: int = 30
    """How long a received message stays hidden from other consumers."""


@dataclass(frozen=True)
class TopicConfig:
    """One feedback topic and the SES events routed to it."""

    kind: str
    """Short name (``bounce``, ``complaint``, ...); the topic is ``<set>-<kind>``."""
    events: tuple[EventType, ...]
    """Event types SES publishes to this topic (one event destination)."""
    subscriptions: tuple[SubscriptionConfig, ...] = ()
    """Subscriptions created on the topic."""
    queue: QueueConfig = field(default_factory=QueueConfig)
    """Optional SQS queue + dead-letter queue."""


@dataclass(frozen=True)
class KmsConfig:
    """Customer-managed KMS encryption of the feedback topics."""

    enabled: bool = False
    """Create a key (with rotation) whose policy lets SES use it, and encrypt the topics with it."""
    deletion_window_in_days: int = 30
    """Waiting period before a deleted key is gone (7-30)."""


@dataclass(frozen=True)
class DimensionConfig:
    """One CloudWatch dimension of the CloudWatch event destination."""

    name: str
    """Dimension name, e.g. ``ses:from-domain`` (an auto-tag) or your own message tag."""
    source: DimensionValueSource = DimensionValueSource.MESSAGE_TAG
    """Where SES reads the value."""
    default_value: str = "none"
    """Value used when the message has none."""


@dataclass(frozen=True)
class CloudWatchDestinationConfig:
    """The optional CloudWatch event destination."""

    enabled: bool = False
    """Publish event counts to CloudWatch (namespace ``AWS/SES``) with the dimensions below."""
    events: tuple[EventType, ...] = DEFAULT_CLOUDWATCH_EVENTS
    """Event types published."""
    dimensions: tuple[DimensionConfig, ...] = (DimensionConfig("ses:from-domain"),)
    """Dimension configurations (at least one)."""


@dataclass(frozen=True)
class EventBridgeDestinationConfig:
    """The optional EventBridge event destination (the region's default bus)."""

    enabled: bool = False
    """Send events to ``arn:<partition>:events:<region>:<account>:event-bus/default``."""
    events: tuple[EventType, ...] = tuple(EventType)
    """Event types sent."""


@dataclass(frozen=True)
class TrackingConfig:
    """Open and click tracking through a custom redirect domain."""

    custom_redirect_domain: str
    """The domain tracking links point at (it must be verified in SES)."""
    https_policy: HttpsPolicy = HttpsPolicy.OPTIONAL
    """HTTPS for tracking links (SES's default OPTIONAL; REQUIRE needs HTTPS on the domain)."""


@dataclass(frozen=True)
class VdmConfig:
    """Virtual Deliverability Manager options of the set (VDM must be on for the account)."""

    engagement_metrics: FeatureStatus | None = None
    """Engagement metrics on the VDM dashboard for this set."""
    optimized_shared_delivery: FeatureStatus | None = None
    """Guardian's optimized shared delivery for this set."""


@dataclass(frozen=True)
class ConfigurationSetConfig:
    """One SES configuration set and its feedback loop."""

    name: str
    """The configuration set name (letters, digits, ``_`` and ``-``, at most 64)."""
    region: str
    """The region it lives in (it serves identities of that region only)."""
    tls_policy: TlsPolicy = TlsPolicy.REQUIRE
    """Require TLS to the receiving server."""
    reputation_metrics: bool = True
    """Publish per-set reputation metrics to CloudWatch."""
    sending_enabled: bool = True
    """Allow sending with this set."""
    suppressed_reasons: tuple[SuppressionReason, ...] = (
        SuppressionReason.BOUNCE,
        SuppressionReason.COMPLAINT,
    )
    """Reasons an address goes on the suppression list for mail sent with this set."""
    max_delivery_seconds: int | None = None
    """How long SES keeps trying to deliver (300-50400 s; SES's default when unset)."""
    tracking: TrackingConfig | None = None
    """Open/click tracking with a custom redirect domain."""
    vdm: VdmConfig | None = None
    """VDM options."""
    topics: tuple[TopicConfig, ...] = ()
    """Feedback topics and their event routing."""
    kms: KmsConfig = field(default_factory=KmsConfig)
    """Optional customer-managed key for the topics."""
    cloudwatch: CloudWatchDestinationConfig = field(default_factory=CloudWatchDestinationConfig)
    """Optional CloudWatch destination."""
    event_bridge: EventBridgeDestinationConfig = field(default_factory=EventBridgeDestinationConfig)
    """Optional EventBridge destination."""
    email_forwarding: bool = False
    """Whether identities using this set keep SES's email forwarding of bounces and complaints
    (default off when both BOUNCE and COMPLAINT reach a topic, on otherwise)."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of the set's own resources (merged over the stack's)."""

    def topic_for(self, event: EventType) -> TopicConfig | None:
        """The topic ``event`` is routed to, if any."""
        return next((topic for topic in self.topics if event in topic.events), None)

    @property
    def routes_bounces_and_complaints(self) -> bool:
        return all(self.topic_for(event) for event in (EventType.BOUNCE, EventType.COMPLAINT))


@dataclass(frozen=True)
class AlarmsConfig:
    """Account-level reputation alarms, alerts topic and dashboard, per region in use."""

    enabled: bool = True
    """Create the bounce-rate and complaint-rate alarms and the alerts topic."""
    bounce_rate_threshold: float = DEFAULT_BOUNCE_THRESHOLD
    """Alarm when ``Reputation.BounceRate`` reaches this fraction (0-1)."""
    complaint_rate_threshold: float = DEFAULT_COMPLAINT_THRESHOLD
    """Alarm when ``Reputation.ComplaintRate`` reaches this fraction (0-1)."""
    period_seconds: int = 3600
    """Alarm evaluation period."""
    evaluation_periods: int = 1
    """Periods the rate must stay at or above the threshold."""
    subscriptions: tuple[SubscriptionConfig, ...] = ()
    """Who hears about an alarm (subscriptions to the alerts topic)."""
    dashboard: bool = False
    """Create a CloudWatch dashboard with sends, deliveries, bounces, complaints, rejects and the
    two rates."""
    name_prefix: str = "ses"
    """Prefix of alarm, alerts topic and dashboard names (unique per account and region)."""


@dataclass(frozen=True)
class AccountSuppressionConfig:
    """Account-level suppression list settings (they affect every sender in the account)."""

    suppressed_reasons: tuple[SuppressionReason, ...]
    """Reasons that put an address on the account's suppression list."""
    regions: tuple[str, ...]
    """Regions to apply it in (default: every region a domain uses)."""


@dataclass(frozen=True)
class FeedbackConfig:
    """The whole feedback loop, validated."""

    configuration_sets: tuple[ConfigurationSetConfig, ...] = ()
    """Every configuration set the stack creates (explicit ones and per-domain defaults)."""
    domain_sets: Mapping[str, str | None] = field(default_factory=dict[str, str | None])
    """Domain name -> name of the configuration set its identity uses (``None``: no set)."""
    alarms: AlarmsConfig = field(default_factory=AlarmsConfig)
    """Reputation alarms."""
    alarm_regions: tuple[str, ...] = ()
    """Regions that get alarms (every region a domain uses)."""
    account_suppression: AccountSuppressionConfig | None = None
    """Account-level suppression, only when configured."""
    warnings: tuple[str, ...] = ()
    """Things worth knowing that do not stop the stack."""

    def set_named(self, name: str) -> ConfigurationSetConfig:
        return next(item for item in self.configuration_sets if item.name == name)


def default_set_name(domain: str) -> str:
    """The name of a domain's own configuration set: dots become dashes, at most 64 chars."""
    name = domain.replace(".", "-")
    if len(name) <= MAX_CONFIGURATION_SET_NAME:
        return name
    digest = hashlib.sha256(domain.encode()).hexdigest()[:8]
    return f"{name[: MAX_CONFIGURATION_SET_NAME - 9]}-{digest}"


# --- endpoint checks -------------------------------------------------------------------------


def _check_https_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme != "https":
        raise ValueError("must start with https:// (SNS http endpoints send events in clear)")
    if not parts.hostname:
        raise ValueError("has no host name")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials; they would be stored in plain config")
    if any(char.isspace() for char in text):
        raise ValueError("contains white space")
    return text


def _check_sqs_arn(text: str) -> str:
    match = _SQS_ARN.match(text)
    if not match:
        raise ValueError("must be an SQS queue ARN: arn:aws:sqs:<region>:<12-digit account>:<name>")
    if match.group(1):
        raise ValueError("is a FIFO queue; a standard SNS topic cannot deliver to it")
    return text


def _check_lambda_arn(text: str) -> str:
    if not _LAMBDA_ARN.match(text):
        raise ValueError(
            "must be a Lambda function ARN: arn:aws:lambda:<region>:<account>:function:<name>"
        )
    return text


_ENDPOINT_CHECKS = {
    SubscriptionProtocol.EMAIL: (normalize_address, "an email address such as ops@example.com"),
    SubscriptionProtocol.HTTPS: (_check_https_url, "an https:// URL"),
    SubscriptionProtocol.SQS: (_check_sqs_arn, "an SQS queue ARN"),
    SubscriptionProtocol.LAMBDA: (_check_lambda_arn, "a Lambda function ARN"),
}


# --- parsers ---------------------------------------------------------------------------------


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
        protocol_valid = item.raw("protocol") in {p.value for p in SubscriptionProtocol}
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
        if raw and protocol not in (SubscriptionProtocol.SQS, SubscriptionProtocol.HTTPS):
            problems.add(
                item.key_path("rawMessageDelivery"),
                raw,
                "applies to sqs and https subscriptions only",
            )
        if endpoint is None:
            continue
        check, allowed = _ENDPOINT_CHECKS[protocol]
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
    fields.finish()
    if domain is None:
        return None
    try:
        domain = normalize_domain(domain)
    except ValueError as error:
        problems.add(
            fields.key_path("customRedirectDomain"),
            domain,
            f"must be a domain name such as track.example.com ({error})",
        )
        return None
    return TrackingConfig(domain, policy)


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
    max_delivery: int | None = None
    if fields.has("maxDeliverySeconds"):
        max_delivery = fields.integer("maxDeliverySeconds", 50400, minimum=300, maximum=50400)
    else:
        fields.raw("maxDeliverySeconds")
    tracking = _parse_tracking(fields.mapping("tracking"), problems)
    vdm = _parse_vdm(fields.mapping("vdm"))
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


_NO_SUBSCRIBERS = (
    "{path}.subscriptions: the reputation alerts topic has no subscribers; an alarm would change "
    "state without telling anyone"
)


def _parse_alarms(
    fields: Fields | None, path: str, problems: Problems, warnings: list[str]
) -> AlarmsConfig:
    if fields is None:
        warnings.append(_NO_SUBSCRIBERS.format(path=path))
        return AlarmsConfig()
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
    prefix = fields.string("namePrefix", "ses") or "ses"
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
    if isinstance(value, str) and _SET_NAME.match(value):
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
) -> FeedbackConfig:
    """Parse ``feedback``, ``configurationSets``, ``alarms`` and ``accountSuppression``.

    Called by ``parse_stack_config`` after the domains; resolves each domain's
    ``configurationSet`` reference and checks that set and domain share a region.
    """
    warnings: list[str] = []
    sets: list[ConfigurationSetConfig] = []
    origin: dict[str, str] = {}
    for item in top.objects("configurationSets"):
        name = item.string("name", required=True)
        region = item.string("region", aws_region)
        if name is not None and not _SET_NAME.match(name):
            problems.add(
                item.key_path("name"),
                name,
                "configuration set names are 1-64 letters, digits, '_' and '-'",
            )
            name = None
        if region is None:
            problems.add(item.key_path("region"), None, "is required when aws:region is not set")
        elif (problem := region_problem(region)) is not None:
            problems.add(item.key_path("region"), region, problem)
            region = None
        settings = _parse_set_settings(item, name or "", region or "", problems, warnings)
        item.finish()
        if name is None or region is None:
            continue
        if name in origin:
            problems.add(item.key_path("name"), name, f"duplicates {origin[name]}.name")
            continue
        origin[name] = item.path
        sets.append(settings)

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
            sets.append(replace(template, name=name, region=domain.region))
            domain_sets[domain.name] = name
            used_default = True
        else:
            chosen = next((item for item in sets if item.name == ref), None)
            if chosen is None:
                explicit = [item.name for item in sets if item.name in origin]
                problems.add(
                    path,
                    ref,
                    "names no entry of configurationSets"
                    + (f" (defined: {', '.join(explicit)})" if explicit else " (none defined)")
                    + did_you_mean(ref, explicit),
                )
            elif chosen.region != domain.region:
                problems.add(
                    path,
                    ref,
                    f"is in region {chosen.region} but the domain is in {domain.region}; a "
                    "configuration set serves identities of its own region only",
                )
            else:
                domain_sets[domain.name] = ref

    if used_default:
        warnings.extend(default_warnings)
    alarms = _parse_alarms(top.mapping("alarms"), top.key_path("alarms"), problems, warnings)
    regions = tuple(sorted({domain.region for domain in domains}))
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
