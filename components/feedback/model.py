"""Configuration model of the feedback loop: configuration sets, topics, alarms.

Frozen dataclasses and enums, built by ``feedback/parse.py``; no Pulumi import. The keys:

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
from dataclasses import dataclass, field
from enum import StrEnum

BOUNCE_REVIEW_RATE = 0.05
"""AWS puts an account under review at this bounce rate (and may pause sending at 0.10)."""
COMPLAINT_REVIEW_RATE = 0.001
"""AWS puts an account under review at this complaint rate (and may pause sending at 0.005)."""
DEFAULT_BOUNCE_THRESHOLD = 0.04
"""Default bounce-rate alarm threshold: 4 %, one point below the review level."""
DEFAULT_COMPLAINT_THRESHOLD = 0.0008
"""Default complaint-rate alarm threshold: 0.08 %, a fifth below the review level."""

MAX_CONFIGURATION_SET_NAME = 64
CONFIGURATION_SET_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""What SES accepts as a configuration set name."""


class EventType(StrEnum):
    """SES v2 event types (``EventType`` in the sesv2 API)."""

    SEND = "SEND"
    """SES accepted the message for sending."""
    REJECT = "REJECT"
    """SES refused the message (a virus was found) and did not send it."""
    BOUNCE = "BOUNCE"
    """The receiving server rejected the message (hard bounce) or SES gave up (soft)."""
    COMPLAINT = "COMPLAINT"
    """The recipient marked the message as spam."""
    DELIVERY = "DELIVERY"
    """The receiving server accepted the message."""
    OPEN = "OPEN"
    """The recipient opened the message (open tracking)."""
    CLICK = "CLICK"
    """The recipient clicked a tracked link."""
    RENDERING_FAILURE = "RENDERING_FAILURE"
    """A template could not be rendered; the message was not sent."""
    DELIVERY_DELAY = "DELIVERY_DELAY"
    """Delivery is delayed (the receiving server is slow or refuses for now)."""
    SUBSCRIPTION = "SUBSCRIPTION"
    """The recipient changed their subscription preferences (list management)."""


class TlsPolicy(StrEnum):
    """Whether messages sent with the set must be delivered over TLS."""

    REQUIRE = "REQUIRE"
    """Refuse delivery to a receiving server that cannot do TLS."""
    OPTIONAL = "OPTIONAL"
    """Deliver in clear text when the receiving server does not offer TLS."""


class SuppressionReason(StrEnum):
    """Why an address is put on a suppression list."""

    BOUNCE = "BOUNCE"
    """The address bounced."""
    COMPLAINT = "COMPLAINT"
    """The recipient complained."""


class HttpsPolicy(StrEnum):
    """Whether open and click tracking links use HTTPS."""

    REQUIRE = "REQUIRE"
    """Open and click links use HTTPS (the redirect domain must serve it)."""
    REQUIRE_OPEN_ONLY = "REQUIRE_OPEN_ONLY"
    """Only the open-tracking pixel uses HTTPS."""
    OPTIONAL = "OPTIONAL"
    """Links keep the scheme of the original link."""


class FeatureStatus(StrEnum):
    """On or off, as SES's VDM settings spell it."""

    ENABLED = "ENABLED"
    """On."""
    DISABLED = "DISABLED"
    """Off."""


class DimensionValueSource(StrEnum):
    """Where a CloudWatch dimension value comes from."""

    MESSAGE_TAG = "MESSAGE_TAG"
    """A message tag (``X-SES-MESSAGE-TAGS`` or the API's ``Tags``), or an SES auto-tag."""
    EMAIL_HEADER = "EMAIL_HEADER"
    """A header of the message."""
    LINK_TAG = "LINK_TAG"
    """A tag on the clicked link (click events only)."""


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
    cdn_domain: str | None = None
    """The CDN (CloudFront distribution) domain the redirect domain's CNAME points to, for
    HTTPS; ``None``: straight to the region's SES tracking domain (HTTP)."""


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
    sending_pool_name: str | None = None
    """The dedicated IP pool mail sent with the set leaves from (``ses:dedicatedIpPools``);
    ``None``: the shared pool, or the account's default dedicated IPs."""
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
    """Every configuration set the stack creates (explicit ones and per-domain defaults). A
    domain in several regions has its own set once per region, one name, the primary first."""
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
    set_keys: Mapping[str, str] = field(default_factory=dict[str, str])
    """Set name -> key path of the settings it was built from (``ses:configurationSets[0]``,
    ``ses:feedback``), for messages about a set's settings."""

    def set_named(self, name: str, region: str | None = None) -> ConfigurationSetConfig:
        """The set called ``name`` in ``region`` (``None``: its first, primary, region)."""
        return next(
            item
            for item in self.configuration_sets
            if item.name == name and region in (None, item.region)
        )

    def set_regions(self, name: str) -> tuple[str, ...]:
        """Every region a set called ``name`` is made in, the primary first."""
        return tuple(item.region for item in self.configuration_sets if item.name == name)


def default_set_name(domain: str) -> str:
    """The name of a domain's own configuration set: dots become dashes, at most 64 chars."""
    name = domain.replace(".", "-")
    if len(name) <= MAX_CONFIGURATION_SET_NAME:
        return name
    digest = hashlib.sha256(domain.encode()).hexdigest()[:8]
    return f"{name[: MAX_CONFIGURATION_SET_NAME - 9]}-{digest}"


# --- endpoint checks -------------------------------------------------------------------------
