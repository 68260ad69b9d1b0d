"""Typed props of the feedback loop's components: ``ConfigurationSetArgs``,
``FeedbackTopicsArgs`` and ``ReputationAlarmsArgs``, with their parts.

Keyword-only frozen dataclasses with the stack config's defaults; each is turned into the config
shape (``configurationSets[i]``, ``alarms``) and checked by the stack config's own parser
(:func:`.parse.parse_feedback`), every problem named in the props' terms
(``ConfigurationSetArgs.topics.bounce.subscriptions[0].endpoint``) in one ``ConfigError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import cast

import pulumi
from pulumi.runtime import config as runtime_config

from ..deliverability.ip_pool import DedicatedIpPool
from ..regions import region_problem
from ..tag_values import checkable_tags
from ..validation import Fields, Problems, props_key_path
from .account import AccountContext
from .late_endpoints import stand_in
from .model import (
    DEFAULT_BOUNCE_THRESHOLD,
    DEFAULT_CLOUDWATCH_EVENTS,
    DEFAULT_COMPLAINT_THRESHOLD,
    AlarmsConfig,
    ConfigurationSetConfig,
    DimensionValueSource,
    EventType,
    FeatureStatus,
    HttpsPolicy,
    SubscriptionProtocol,
    SuppressionReason,
    TlsPolicy,
)
from .parse import parse_feedback

_RENAMED = {"cloudWatch": "cloud_watch"}


@dataclass(frozen=True, kw_only=True)
class SubscriptionArgs:
    """One subscription to a feedback or alerts topic."""

    protocol: SubscriptionProtocol
    """email, https, sqs (an existing queue's ARN) or lambda (a function's ARN)."""
    endpoint: pulumi.Input[str]
    """The address, ``https://`` URL or ARN, checked for its protocol; or another resource's
    output (an ``aws.sqs.Queue``'s or ``aws.lambda_.Function``'s ``arn``), checked once known."""
    raw_message_delivery: bool | None = None
    """Deliver SES's JSON without the SNS envelope (sqs and https only; ``None``: on for sqs,
    off for https so the endpoint can check SNS's signature)."""


@dataclass(frozen=True, kw_only=True)
class QueueArgs:
    """An SQS queue with a dead-letter queue, subscribed to the topic."""

    max_receive_count: int = 5
    """Receives before a message moves to the dead-letter queue (1-1000)."""
    message_retention_seconds: int = 1_209_600
    """How long messages are kept, 60 s to 14 days (the default)."""
    visibility_timeout_seconds: int = 30
    """How long a received message stays hidden from other consumers (0-43200)."""


@dataclass(frozen=True, kw_only=True)
class TopicArgs:
    """One feedback topic (``<set>-<kind>``) and the SES events routed to it."""

    kind: str
    """1-30 lowercase letters, digits and ``-``: ``bounce``, ``complaint``, ``delivery``..."""
    events: Sequence[EventType] | None = None
    """Event types published to it (``None``: the kind's own type; required for other kinds)."""
    subscriptions: Sequence[SubscriptionArgs] = ()
    """Subscriptions created on the topic."""
    queue: QueueArgs | None = None
    """An SQS queue for bounce processors (``None``: no queue)."""


@dataclass(frozen=True, kw_only=True)
class KmsArgs:
    """A customer-managed key (with rotation) for the topics, whose policy lets SES use it."""

    deletion_window_in_days: int = 30
    """Waiting period before a deleted key is gone (7-30)."""


@dataclass(frozen=True, kw_only=True)
class DimensionArgs:
    """One CloudWatch dimension of the CloudWatch event destination."""

    name: str
    """Dimension name, e.g. ``ses:from-domain`` (an auto-tag) or your own message tag."""
    source: DimensionValueSource = DimensionValueSource.MESSAGE_TAG
    """Where SES reads the value."""
    default_value: str = "none"
    """Value used when the message has none."""


@dataclass(frozen=True, kw_only=True)
class CloudWatchArgs:
    """The CloudWatch event destination (namespace ``AWS/SES``)."""

    events: Sequence[EventType] = DEFAULT_CLOUDWATCH_EVENTS
    """Event types published."""
    dimensions: Sequence[DimensionArgs] = (DimensionArgs(name="ses:from-domain"),)
    """Dimension configurations (at least one)."""


@dataclass(frozen=True, kw_only=True)
class EventBridgeArgs:
    """The EventBridge event destination (the region's default bus)."""

    events: Sequence[EventType] = tuple(EventType)
    """Event types sent."""


@dataclass(frozen=True, kw_only=True)
class TrackingArgs:
    """Open and click tracking through a custom redirect domain."""

    custom_redirect_domain: str
    """The domain tracking links point at (it must be verified in SES)."""
    https_policy: HttpsPolicy = HttpsPolicy.OPTIONAL
    """HTTPS for tracking links."""
    cdn_domain: str | None = None
    """For HTTPS: the CloudFront distribution's domain the redirect domain's CNAME points to
    (``None``: the region's SES tracking domain, HTTP only)."""


@dataclass(frozen=True, kw_only=True)
class VdmArgs:
    """Virtual Deliverability Manager options of the set (VDM must be on for the account)."""

    engagement_metrics: FeatureStatus | None = None
    """Engagement metrics on the VDM dashboard for this set."""
    optimized_shared_delivery: FeatureStatus | None = None
    """Guardian's optimized shared delivery for this set."""


@dataclass(frozen=True, kw_only=True)
class ConfigurationSetArgs:
    """An SES configuration set with its feedback topics and event destinations."""

    name: str
    """The set's name: 1-64 letters, digits, ``_`` and ``-``."""
    region: str | None = None
    """Its region (``None``: ``aws:region``); it serves identities of that region only."""
    tls_policy: TlsPolicy = TlsPolicy.REQUIRE
    """Require TLS to the receiving server."""
    reputation_metrics: bool = True
    """Publish per-set reputation metrics to CloudWatch."""
    sending_enabled: bool = True
    """Allow sending with this set."""
    suppressed_reasons: Sequence[SuppressionReason] = (
        SuppressionReason.BOUNCE,
        SuppressionReason.COMPLAINT,
    )
    """Reasons an address goes on the suppression list for mail sent with this set."""
    max_delivery_seconds: int | None = None
    """How long SES keeps trying to deliver, 300-50400 s (``None``: SES's default)."""
    tracking: TrackingArgs | None = None
    """Open and click tracking (``None``: off)."""
    vdm: VdmArgs | None = None
    """VDM options (``None``: the account's)."""
    sending_pool_name: DedicatedIpPool | pulumi.Input[str] | None = None
    """The dedicated IP pool the set's mail leaves from: a ``DedicatedIpPool`` of the set's
    region (the set then waits for it), a pool's name, or a name output (then AWS's to check)
    (``None``: the shared pool, or the account's default dedicated IPs)."""
    topics: Sequence[TopicArgs] | None = None
    """Feedback topics (``None``: bounce, complaint and delivery, one event type each)."""
    kms: KmsArgs | None = None
    """Encrypt the topics with a customer-managed key (``None``: SNS's own encryption)."""
    cloud_watch: CloudWatchArgs | None = None
    """The CloudWatch event destination (``None``: none)."""
    event_bridge: EventBridgeArgs | None = None
    """The EventBridge event destination (``None``: none)."""
    allow_unrouted_feedback: bool = False
    """Silence the warning when bounces or complaints reach no topic."""
    email_forwarding: bool | None = None
    """Keep SES's email forwarding of bounces and complaints (``None``: off when both reach a
    topic, on otherwise)."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of the set's resources (a value may be an output: checked once known)."""
    account: AccountContext | None = None
    """Account id and partition (``None``: looked up with the AWS provider)."""


@dataclass(frozen=True, kw_only=True)
class FeedbackTopicsArgs:
    """The SNS topics one configuration set publishes feedback to."""

    set_name: str
    """The configuration set the topics serve; topics are named ``<set>-<kind>``."""
    source_arn: pulumi.Input[str]
    """The configuration set's ARN: the only ``aws:SourceArn`` SES may publish for."""
    region: str | None = None
    """Region of the topics, the set's (``None``: ``aws:region``)."""
    topics: Sequence[TopicArgs] | None = None
    """Topics (``None``: bounce, complaint and delivery, one event type each)."""
    kms: KmsArgs | None = None
    """Encrypt the topics with a customer-managed key (``None``: SNS's own encryption)."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of every taggable child (a value may be an output: checked once known)."""
    account: AccountContext | None = None
    """Account id and partition (``None``: looked up with the AWS provider)."""


@dataclass(frozen=True, kw_only=True)
class ReputationAlarmsArgs:
    """Bounce- and complaint-rate alarms on one region's account reputation metrics."""

    region: str | None = None
    """The region whose metrics are watched (``None``: ``aws:region``)."""
    bounce_rate_threshold: float = DEFAULT_BOUNCE_THRESHOLD
    """Alarm at this bounce rate, a fraction (0.04 is 4 %; AWS reviews at 5 %)."""
    complaint_rate_threshold: float = DEFAULT_COMPLAINT_THRESHOLD
    """Alarm at this complaint rate, a fraction (AWS reviews at 0.1 %)."""
    period_seconds: int = 3600
    """Evaluation period, a multiple of 60 up to one day."""
    evaluation_periods: int = 1
    """Periods the rate must stay at or above the threshold (1-24)."""
    subscriptions: Sequence[SubscriptionArgs] = ()
    """Who hears about an alarm (subscriptions to the alerts topic)."""
    dashboard: bool = False
    """Also create a CloudWatch dashboard of sends, bounces, complaints and the rates."""
    name_prefix: str | None = None
    """Prefix of alarm, topic and dashboard names (``None``: ``ses-<stack>``)."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of the alerts topic and alarms (a value may be an output: checked once known)."""
    account: AccountContext | None = None
    """Account id and partition (``None``: looked up with the AWS provider)."""


def config_shape(value: object) -> object:
    """Props as the config parser reads them: camelCase keys, enum values, lists; ``None``
    fields left out (the parser's default), ``account`` (not config) too."""
    if is_dataclass(value) and not isinstance(value, type):
        shape: dict[str, object] = {}
        for item in fields(value):
            found = getattr(value, item.name)
            if isinstance(value, SubscriptionArgs) and isinstance(found, pulumi.Output):
                found = stand_in(value.protocol, cast(pulumi.Output[str], found))
            if found is not None and item.name != "account":
                head, *rest = item.name.split("_")
                shape[head + "".join(part.title() for part in rest)] = config_shape(found)
        return shape
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Mapping):
        items = cast(Mapping[object, object], value)
        return {key: config_shape(item) for key, item in items.items()}
    if isinstance(value, list | tuple):
        return [config_shape(item) for item in cast(Sequence[object], value)]
    return value


def _topics_shape(
    topics: Sequence[TopicArgs] | None, path: str, problems: Problems
) -> dict[str, object]:
    """``topics`` as the config's mapping of kind to settings; a kind given twice is a problem."""
    if topics is None:
        return {}
    shaped: dict[str, object] = {}
    for index, topic in enumerate(topics):
        shape = config_shape(topic)
        if not isinstance(shape, dict):
            problems.add(f"{path}.topics[{index}]", topic, "must be TopicArgs(...)")
            continue
        kind = cast(dict[str, object], shape).pop("kind", None)
        if not isinstance(kind, str):
            problems.add(f"{path}.topics[{index}].kind", kind, "must be a string")
        elif kind in shaped:
            problems.add(f"{path}.topics[{index}].kind", kind, "is listed twice")
        else:
            shaped[kind] = shape
    return {"topics": shaped}


def _default_region() -> str | None:
    region = runtime_config.get_config("aws:region")
    return region if isinstance(region, str) else None


def _check_set(
    shape: dict[str, object], props: str, renamed: Mapping[str, str], problems: Problems
) -> tuple[ConfigurationSetConfig | None, tuple[str, ...]]:
    prefix = f"{props}:configurationSets[0]"
    top = Fields(
        {"configurationSets": [shape], "alarms": {"enabled": False}}, f"{props}:", problems
    )
    feedback = parse_feedback(top, [], _default_region(), problems, stack=pulumi.get_stack())
    problems.rename_keys(lambda key: props_key_path(key, prefix, props, renamed))
    problems.raise_if_any()
    warnings = tuple(
        warning.replace(prefix, props).replace("allowUnroutedFeedback", "allow_unrouted_feedback")
        for warning in feedback.warnings
    )
    return next(iter(feedback.configuration_sets), None), warnings


def check_configuration_set_args(
    args: ConfigurationSetArgs,
) -> tuple[ConfigurationSetConfig, tuple[str, ...]]:
    """Validate props with the stack config's parser: the set's config and its warnings; raises
    ``ConfigError`` listing every problem, named as props."""
    problems = Problems()
    shape = cast(dict[str, object], config_shape(args))
    shape["tags"] = checkable_tags(args.tags)
    shape |= _topics_shape(args.topics, "ConfigurationSetArgs", problems)
    pool = args.sending_pool_name
    if isinstance(pool, DedicatedIpPool):
        shape["sendingPoolName"] = pool.pool_name
        region = args.region if args.region is not None else _default_region()
        if region is not None and pool.region != region:
            problems.add(
                "ConfigurationSetArgs.sending_pool_name",
                f"DedicatedIpPool {pool.pool_name} of {pool.region}",
                f"must be a pool of the set's region {region}: a set sends through a pool of "
                "its own region",
            )
    elif isinstance(pool, pulumi.Output):
        shape.pop("sendingPoolName", None)  # AWS's to check once known
    config, warnings = _check_set(shape, "ConfigurationSetArgs", _RENAMED, problems)
    assert config is not None  # a set without problems is parsed
    return config, warnings


def check_topics_args(args: FeedbackTopicsArgs) -> tuple[ConfigurationSetConfig, tuple[str, ...]]:
    """Validate props with the stack config's parser (as a set holding only these topics)."""
    problems = Problems()
    shape = cast(dict[str, object], config_shape(args))
    shape.pop("sourceArn", None)
    shape["name"] = shape.pop("setName", None)
    shape["tags"] = checkable_tags(args.tags)
    shape |= _topics_shape(args.topics, "FeedbackTopicsArgs", problems)
    config, warnings = _check_set(
        shape, "FeedbackTopicsArgs", {"name": "set_name"} | _RENAMED, problems
    )
    assert config is not None  # a set without problems is parsed
    return config, warnings


def check_alarms_args(args: ReputationAlarmsArgs) -> tuple[str, AlarmsConfig, tuple[str, ...]]:
    """Validate props with the stack config's parser: the region, the alarms' config and its
    warnings; raises ``ConfigError`` listing every problem, named as props."""
    problems = Problems()
    region = args.region if args.region is not None else _default_region()
    if region is None:
        problems.add("ReputationAlarmsArgs.region", None, "is required when aws:region is not set")
    elif (problem := region_problem(region)) is not None:
        problems.add("ReputationAlarmsArgs.region", region, problem)
    shape = cast(dict[str, object], config_shape(args))
    shape.pop("region", None)
    shape.pop("tags", None)
    top = Fields({"alarms": shape}, "ReputationAlarmsArgs:", problems)
    feedback = parse_feedback(top, [], None, problems, stack=pulumi.get_stack())
    Fields({"tags": checkable_tags(args.tags)}, "ReputationAlarmsArgs", problems).tags("tags")
    problems.rename_keys(
        lambda key: props_key_path(key, "ReputationAlarmsArgs:alarms", "ReputationAlarmsArgs", {})
    )
    problems.raise_if_any()
    assert region is not None  # a missing region is a problem
    warnings = tuple(
        warning.replace("ReputationAlarmsArgs:alarms", "ReputationAlarmsArgs")
        for warning in feedback.warnings
    )
    return region, feedback.alarms, warnings
