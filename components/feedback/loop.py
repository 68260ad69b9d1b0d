"""The feedback loop: configuration sets, feedback topics, event destinations, alarms.

Component resources (stable type tokens ``ses:index:<Name>``):

- :class:`ConfigurationSet` — an ``aws.sesv2.ConfigurationSet`` with its :class:`FeedbackTopics`
  and one event destination per topic, plus the optional CloudWatch and EventBridge destinations.
- :class:`FeedbackTopics` — SNS topics (optionally encrypted with a customer-managed key whose
  policy lets SES use it), topic policies, subscriptions, optional SQS queue + dead-letter queue.
- :class:`IdentityFeedback` — turns SES's email forwarding of bounces/complaints off for an
  identity whose configuration set routes them to topics.
- :class:`ReputationAlarms` — per region: alerts topic, bounce/complaint-rate alarms, dashboard.
- :class:`AccountSuppression` — the account-level suppression list, only when configured.

:class:`FeedbackLoop` builds all of them from a validated
:class:`~components.feedback_config.FeedbackConfig` and collects the stack outputs. Policies come
from :mod:`components.feedback_policies` and are serialised with sorted keys inside ``apply``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from .model import (
    AlarmsConfig,
    ConfigurationSetConfig,
    FeedbackConfig,
    KmsConfig,
    SubscriptionConfig,
    SubscriptionProtocol,
    TopicConfig,
)
from .policies import (
    alarm_topic_policy,
    dashboard_body,
    default_event_bus_arn,
    lambda_invoke_statement,
    redrive_policy,
    ses_kms_key_policy,
    ses_topic_policy,
    topic_queue_policy,
)

RAW_DELIVERY_PROTOCOLS = frozenset({SubscriptionProtocol.SQS, SubscriptionProtocol.HTTPS})
"""SNS protocols where raw message delivery applies."""


def _dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True)


def _child(parent: pulumi.Resource, *depends_on: pulumi.Resource) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on) or None)


@dataclass(frozen=True)
class AccountContext:
    """Where the stack deploys: the account id and partition, as outputs."""

    account_id: pulumi.Input[str]
    """The 12-digit account id (``aws.get_caller_identity``)."""
    partition: pulumi.Input[str]
    """``aws``, ``aws-cn``, ``aws-us-gov`` (``aws.get_partition``)."""


def _subscribe(
    parent: pulumi.Resource,
    name: str,
    topic_arn: pulumi.Input[str],
    subscription: SubscriptionConfig,
    region: str,
    account: AccountContext,
) -> aws.sns.TopicSubscription:
    """One subscription; a Lambda endpoint also gets the permission for this topic only."""
    depends: list[pulumi.Resource] = []
    if subscription.protocol is SubscriptionProtocol.LAMBDA:
        statement = pulumi.Output.all(topic_arn, account.account_id).apply(
            lambda values: lambda_invoke_statement(subscription.endpoint, values[0], values[1])
        )
        permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action=statement.apply(lambda s: str(s["Action"])),
            function=subscription.endpoint,
            principal=statement.apply(lambda s: str(s["Principal"]["Service"])),
            source_arn=statement.apply(lambda s: str(s["Condition"]["ArnEquals"]["aws:SourceArn"])),
            source_account=statement.apply(
                lambda s: str(s["Condition"]["StringEquals"]["aws:SourceAccount"])
            ),
            statement_id="AllowFeedbackTopicInvoke",
            region=subscription.endpoint.split(":")[3],
            opts=_child(parent),
        )
        depends.append(permission)
    return aws.sns.TopicSubscription(
        name,
        topic=topic_arn,
        protocol=subscription.protocol.value,
        endpoint=subscription.endpoint,
        raw_message_delivery=subscription.raw_message_delivery
        if subscription.protocol in RAW_DELIVERY_PROTOCOLS
        else None,
        region=region,
        opts=_child(parent, *depends),
    )


@dataclass(frozen=True)
class FeedbackTopicsArgs:
    """Inputs of :class:`FeedbackTopics`."""

    set_name: str
    """The configuration set the topics serve; topics are named ``<set>-<kind>``."""
    region: str
    """Region of the topics (the configuration set's)."""
    topics: tuple[TopicConfig, ...]
    """Topics, their events, subscriptions and queues."""
    source_arn: pulumi.Input[str]
    """The configuration set ARN: the only ``aws:SourceArn`` SES may publish for."""
    account: AccountContext
    """Account id and partition."""
    kms: KmsConfig = field(default_factory=KmsConfig)
    """Customer-managed key for the topics."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of every taggable child (already merged)."""


class FeedbackTopics(pulumi.ComponentResource):
    """SNS topics SES publishes feedback to, with policies, subscriptions and queues."""

    topic_arns: dict[str, pulumi.Output[str]]
    """Topic ARN by kind (``bounce``, ``complaint``, ...)."""
    queue_urls: dict[str, pulumi.Output[str]]
    """Queue URL by kind, for topics with a queue."""
    dead_letter_queue_urls: dict[str, pulumi.Output[str]]
    """Dead-letter queue URL by kind."""
    key_arn: pulumi.Output[str] | None
    """The customer-managed key's ARN, when encryption is on."""
    policies: list[pulumi.Resource]
    """Topic policies and the key: event destinations wait for them."""

    def __init__(
        self, name: str, args: FeedbackTopicsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ses:index:FeedbackTopics", name, None, opts)
        account = args.account
        self.topic_arns = {}
        self.queue_urls = {}
        self.dead_letter_queue_urls = {}
        self.policies = []
        self.key_arn = None
        key: aws.kms.Key | None = None
        if args.kms.enabled:
            key = aws.kms.Key(
                f"{name}-key",
                description=f"SES feedback topics of configuration set {args.set_name}",
                enable_key_rotation=True,
                deletion_window_in_days=args.kms.deletion_window_in_days,
                policy=pulumi.Output.all(
                    account.partition, account.account_id, args.source_arn
                ).apply(lambda v: _dumps(ses_kms_key_policy(v[0], v[1], [v[2]]))),
                tags=dict(args.tags),
                region=args.region,
                opts=_child(self),
            )
            self.key_arn = key.arn
            self.policies.append(key)
        for topic_config in args.topics:
            kind = topic_config.kind
            topic = aws.sns.Topic(
                f"{name}-{kind}",
                name=f"{args.set_name}-{kind}",
                kms_master_key_id=key.arn if key is not None else None,
                tags=dict(args.tags),
                region=args.region,
                opts=_child(self),
            )
            self.topic_arns[kind] = topic.arn
            policy = aws.sns.TopicPolicy(
                f"{name}-{kind}-policy",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, account.account_id, args.source_arn).apply(
                    lambda v: _dumps(ses_topic_policy(v[0], v[1], [v[2]]))
                ),
                region=args.region,
                opts=_child(self),
            )
            self.policies.append(policy)
            for index, subscription in enumerate(topic_config.subscriptions):
                _subscribe(
                    self, f"{name}-{kind}-sub{index}", topic.arn, subscription, args.region, account
                )
            if topic_config.queue.enabled:
                self._queue(name, args, topic_config, topic)
        self.register_outputs(
            {
                "topicArns": self.topic_arns,
                "queueUrls": self.queue_urls,
                "deadLetterQueueUrls": self.dead_letter_queue_urls,
                "keyArn": self.key_arn,
            }
        )

    def _queue(
        self, name: str, args: FeedbackTopicsArgs, topic_config: TopicConfig, topic: aws.sns.Topic
    ) -> None:
        kind = topic_config.kind
        queue_config = topic_config.queue
        dead_letters = aws.sqs.Queue(
            f"{name}-{kind}-dlq",
            name=f"{args.set_name}-{kind}-dlq",
            message_retention_seconds=1_209_600,
            sqs_managed_sse_enabled=True,
            tags=dict(args.tags),
            region=args.region,
            opts=_child(self),
        )
        queue = aws.sqs.Queue(
            f"{name}-{kind}-queue",
            name=f"{args.set_name}-{kind}",
            message_retention_seconds=queue_config.message_retention_seconds,
            visibility_timeout_seconds=queue_config.visibility_timeout_seconds,
            redrive_policy=dead_letters.arn.apply(
                lambda arn: _dumps(redrive_policy(arn, queue_config.max_receive_count))
            ),
            sqs_managed_sse_enabled=True,
            tags=dict(args.tags),
            region=args.region,
            opts=_child(self),
        )
        queue_policy = aws.sqs.QueuePolicy(
            f"{name}-{kind}-queue-policy",
            queue_url=queue.url,
            policy=pulumi.Output.all(queue.arn, topic.arn, args.account.account_id).apply(
                lambda v: _dumps(topic_queue_policy(v[0], v[1], v[2]))
            ),
            region=args.region,
            opts=_child(self),
        )
        aws.sns.TopicSubscription(
            f"{name}-{kind}-queue-sub",
            topic=topic.arn,
            protocol=SubscriptionProtocol.SQS.value,
            endpoint=queue.arn,
            raw_message_delivery=True,
            region=args.region,
            opts=_child(self, queue_policy),
        )
        self.queue_urls[kind] = queue.url
        self.dead_letter_queue_urls[kind] = dead_letters.url


@dataclass(frozen=True)
class ConfigurationSetArgs:
    """Inputs of :class:`ConfigurationSet`."""

    config: ConfigurationSetConfig
    """The validated set configuration."""
    account: AccountContext
    """Account id and partition."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Stack-wide tags; the set's own ``tags`` are merged over them."""


def _delivery_options(
    config: ConfigurationSetConfig,
) -> aws.sesv2.ConfigurationSetDeliveryOptionsArgsDict:
    options: aws.sesv2.ConfigurationSetDeliveryOptionsArgsDict = {
        "tls_policy": config.tls_policy.value
    }
    if config.max_delivery_seconds is not None:
        options["max_delivery_seconds"] = config.max_delivery_seconds
    return options


def _vdm_options(
    config: ConfigurationSetConfig,
) -> aws.sesv2.ConfigurationSetVdmOptionsArgsDict | None:
    if config.vdm is None:
        return None
    options: aws.sesv2.ConfigurationSetVdmOptionsArgsDict = {}
    if config.vdm.engagement_metrics is not None:
        options["dashboard_options"] = {"engagement_metrics": config.vdm.engagement_metrics.value}
    if config.vdm.optimized_shared_delivery is not None:
        options["guardian_options"] = {
            "optimized_shared_delivery": config.vdm.optimized_shared_delivery.value
        }
    return options or None


class ConfigurationSet(pulumi.ComponentResource):
    """An SES configuration set with its feedback topics and event destinations."""

    name: pulumi.Output[str]
    """The configuration set name (an output, so identities that use it wait for it)."""
    arn: pulumi.Output[str]
    """The configuration set ARN."""
    topics: FeedbackTopics
    """The feedback topics component."""
    region: str
    """The set's region."""

    def __init__(
        self, name: str, args: ConfigurationSetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ses:index:ConfigurationSet", name, None, opts)
        config = args.config
        tags = {**args.tags, **config.tags}
        self.region = config.region
        tracking: aws.sesv2.ConfigurationSetTrackingOptionsArgsDict | None = None
        if config.tracking is not None:
            tracking = {
                "custom_redirect_domain": config.tracking.custom_redirect_domain,
                "https_policy": config.tracking.https_policy.value,
            }
        configuration_set = aws.sesv2.ConfigurationSet(
            f"{name}-set",
            configuration_set_name=config.name,
            delivery_options=_delivery_options(config),
            reputation_options={"reputation_metrics_enabled": config.reputation_metrics},
            sending_options={"sending_enabled": config.sending_enabled},
            suppression_options={
                "suppressed_reasons": [reason.value for reason in config.suppressed_reasons]
            },
            tracking_options=tracking,
            vdm_options=_vdm_options(config),
            tags=tags,
            region=config.region,
            opts=_child(self),
        )
        self.name = configuration_set.configuration_set_name
        self.arn = configuration_set.arn
        self.topics = FeedbackTopics(
            f"{name}-topics",
            FeedbackTopicsArgs(
                set_name=config.name,
                region=config.region,
                topics=config.topics,
                source_arn=configuration_set.arn,
                account=args.account,
                kms=config.kms,
                tags=tags,
            ),
            opts=_child(self),
        )
        self.event_destination_names: list[str] = []
        for topic_config in config.topics:
            self._destination(
                name,
                configuration_set,
                f"sns-{topic_config.kind}",
                {
                    "enabled": True,
                    "matching_event_types": [event.value for event in topic_config.events],
                    "sns_destination": {"topic_arn": self.topics.topic_arns[topic_config.kind]},
                },
                *self.topics.policies,
            )
        if config.cloudwatch.enabled:
            self._destination(
                name,
                configuration_set,
                "cloudwatch",
                {
                    "enabled": True,
                    "matching_event_types": [event.value for event in config.cloudwatch.events],
                    "cloud_watch_destination": {
                        "dimension_configurations": [
                            {
                                "dimension_name": dimension.name,
                                "dimension_value_source": dimension.source.value,
                                "default_dimension_value": dimension.default_value,
                            }
                            for dimension in config.cloudwatch.dimensions
                        ]
                    },
                },
            )
        if config.event_bridge.enabled:
            bus_arn = pulumi.Output.all(args.account.partition, args.account.account_id).apply(
                lambda v: default_event_bus_arn(v[0], config.region, v[1])
            )
            self._destination(
                name,
                configuration_set,
                "eventbridge",
                {
                    "enabled": True,
                    "matching_event_types": [event.value for event in config.event_bridge.events],
                    "event_bridge_destination": {"event_bus_arn": bus_arn},
                },
            )
        self.register_outputs(
            {
                "name": self.name,
                "arn": self.arn,
                "topicArns": self.topics.topic_arns,
                "queueUrls": self.topics.queue_urls,
                "eventDestinations": self.event_destination_names,
            }
        )

    def _destination(
        self,
        name: str,
        configuration_set: aws.sesv2.ConfigurationSet,
        destination_name: str,
        destination: aws.sesv2.ConfigurationSetEventDestinationEventDestinationArgsDict,
        *depends_on: pulumi.Resource,
    ) -> None:
        aws.sesv2.ConfigurationSetEventDestination(
            f"{name}-{destination_name}",
            configuration_set_name=configuration_set.configuration_set_name,
            event_destination_name=destination_name,
            event_destination=destination,
            region=self.region,
            opts=_child(self, *depends_on),
        )
        self.event_destination_names.append(destination_name)


@dataclass(frozen=True)
class IdentityFeedbackArgs:
    """Inputs of :class:`IdentityFeedback`."""

    email_identity: pulumi.Input[str]
    """The identity (domain or address); pass the identity resource's output."""
    region: str
    """The identity's region."""
    email_forwarding_enabled: bool
    """Whether SES still mails bounces and complaints to the Return-Path address."""


class IdentityFeedback(pulumi.ComponentResource):
    """Feedback forwarding of one identity (``EmailIdentityFeedbackAttributes``)."""

    def __init__(
        self, name: str, args: IdentityFeedbackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ses:index:IdentityFeedback", name, None, opts)
        attributes = aws.sesv2.EmailIdentityFeedbackAttributes(
            f"{name}-attributes",
            email_identity=args.email_identity,
            email_forwarding_enabled=args.email_forwarding_enabled,
            region=args.region,
            opts=_child(self),
        )
        self.email_forwarding_enabled = attributes.email_forwarding_enabled
        self.register_outputs({"emailForwardingEnabled": self.email_forwarding_enabled})


@dataclass(frozen=True)
class ReputationAlarmsArgs:
    """Inputs of :class:`ReputationAlarms`."""

    region: str
    """The region whose account-level reputation metrics are watched."""
    config: AlarmsConfig
    """Thresholds, period, subscribers, dashboard."""
    account: AccountContext
    """Account id and partition."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of the alerts topic and alarms."""


RATE_METRICS = (
    ("bounce-rate", "Reputation.BounceRate", "bounce_rate_threshold", "5%"),
    ("complaint-rate", "Reputation.ComplaintRate", "complaint_rate_threshold", "0.1%"),
)


class ReputationAlarms(pulumi.ComponentResource):
    """Bounce- and complaint-rate alarms for one region, an alerts topic and a dashboard."""

    alarm_names: list[pulumi.Output[str]]
    alerts_topic_arn: pulumi.Output[str]
    dashboard_name: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: ReputationAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ses:index:ReputationAlarms", name, None, opts)
        config = args.config
        prefix = config.name_prefix
        topic = aws.sns.Topic(
            f"{name}-alerts",
            name=f"{prefix}-reputation-alerts",
            tags=dict(args.tags),
            region=args.region,
            opts=_child(self),
        )
        self.alerts_topic_arn = topic.arn
        alarms: list[aws.cloudwatch.MetricAlarm] = []
        for suffix, metric, attribute, review in RATE_METRICS:
            threshold = float(getattr(config, attribute))
            alarms.append(
                aws.cloudwatch.MetricAlarm(
                    f"{name}-{suffix}",
                    name=f"{prefix}-{suffix}",
                    alarm_description=(
                        f"SES {metric} in {args.region} reached {threshold:g} "
                        f"(AWS reviews the account at {review})"
                    ),
                    namespace="AWS/SES",
                    metric_name=metric,
                    statistic="Maximum",
                    period=config.period_seconds,
                    evaluation_periods=config.evaluation_periods,
                    threshold=threshold,
                    comparison_operator="GreaterThanOrEqualToThreshold",
                    treat_missing_data="notBreaching",
                    alarm_actions=[topic.arn],
                    ok_actions=[topic.arn],
                    tags=dict(args.tags),
                    region=args.region,
                    opts=_child(self),
                )
            )
        self.alarm_names = [alarm.name for alarm in alarms]
        aws.sns.TopicPolicy(
            f"{name}-alerts-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(
                topic.arn, args.account.account_id, *[alarm.arn for alarm in alarms]
            ).apply(lambda v: _dumps(alarm_topic_policy(v[0], v[1], list(v[2:])))),
            region=args.region,
            opts=_child(self),
        )
        for index, subscription in enumerate(config.subscriptions):
            _subscribe(
                self,
                f"{name}-alerts-sub{index}",
                topic.arn,
                subscription,
                args.region,
                args.account,
            )
        self.dashboard_name = None
        if config.dashboard:
            dashboard = aws.cloudwatch.Dashboard(
                f"{name}-dashboard",
                dashboard_name=f"{prefix}-{args.region}",
                dashboard_body=_dumps(
                    dashboard_body(
                        args.region,
                        config.bounce_rate_threshold,
                        config.complaint_rate_threshold,
                        config.period_seconds,
                    )
                ),
                region=args.region,
                opts=_child(self),
            )
            self.dashboard_name = dashboard.dashboard_name
        self.register_outputs(
            {
                "alertsTopicArn": self.alerts_topic_arn,
                "alarmNames": self.alarm_names,
                "dashboardName": self.dashboard_name,
            }
        )


class AccountSuppression(pulumi.ComponentResource):
    """The account-level suppression list of one region. Affects every sender in the account."""

    def __init__(
        self,
        name: str,
        region: str,
        suppressed_reasons: list[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ses:index:AccountSuppression", name, None, opts)
        aws.sesv2.AccountSuppressionAttributes(
            f"{name}-attributes",
            suppressed_reasons=suppressed_reasons,
            region=region,
            opts=_child(self),
        )
        self.register_outputs({"suppressedReasons": suppressed_reasons, "region": region})


class FeedbackLoop:
    """Declares the whole feedback loop of a stack and gathers its outputs.

    Build it before the domains: pass :meth:`set_name_for` into each domain's identity, then call
    :meth:`identity_feedback` with the identity once it exists.
    """

    def __init__(
        self,
        config: FeedbackConfig,
        tags: Mapping[str, str],
        account: AccountContext | None = None,
    ) -> None:
        self.config = config
        if account is None:
            caller = aws.get_caller_identity_output()
            partition = aws.get_partition_output()
            account = AccountContext(caller.account_id, partition.partition)
        self.account = account
        self.sets: dict[str, ConfigurationSet] = {
            item.name: ConfigurationSet(
                f"cs-{item.name}", ConfigurationSetArgs(item, account, dict(tags))
            )
            for item in config.configuration_sets
        }
        self.alarms: dict[str, ReputationAlarms] = {
            region: ReputationAlarms(
                f"reputation-{region}",
                ReputationAlarmsArgs(region, config.alarms, account, dict(tags)),
            )
            for region in config.alarm_regions
        }
        self.suppression: dict[str, AccountSuppression] = {}
        if config.account_suppression is not None:
            reasons = [reason.value for reason in config.account_suppression.suppressed_reasons]
            for region in config.account_suppression.regions:
                self.suppression[region] = AccountSuppression(
                    f"account-suppression-{region}", region, reasons
                )
        self.identity_feedbacks: dict[str, IdentityFeedback] = {}

    def set_name_for(self, domain: str) -> pulumi.Output[str] | None:
        """The configuration set name a domain's identity uses (``None``: no set)."""
        set_name = self.config.domain_sets.get(domain)
        return None if set_name is None else self.sets[set_name].name

    def identity_feedback(
        self,
        domain: str,
        email_identity: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> IdentityFeedback | None:
        """Declare the identity's feedback forwarding setting (only when it uses a set)."""
        set_name = self.config.domain_sets.get(domain)
        if set_name is None:
            return None
        set_config = self.config.set_named(set_name)
        feedback = IdentityFeedback(
            f"{domain}-feedback",
            IdentityFeedbackArgs(email_identity, set_config.region, set_config.email_forwarding),
            opts=pulumi.ResourceOptions.merge(
                pulumi.ResourceOptions(depends_on=[self.sets[set_name]]), opts
            ),
        )
        self.identity_feedbacks[domain] = feedback
        return feedback

    def outputs(self) -> dict[str, Any]:
        """Stack outputs: ``configuration_sets`` and ``reputation_alarms``."""
        sets: dict[str, Any] = {}
        for set_name, component in self.sets.items():
            set_config = self.config.set_named(set_name)
            sets[set_name] = {
                "name": component.name,
                "arn": component.arn,
                "region": component.region,
                "domains": sorted(
                    domain for domain, name in self.config.domain_sets.items() if name == set_name
                ),
                "topics": dict(component.topics.topic_arns),
                "queues": {
                    kind: {
                        "url": url,
                        "dead_letter_url": component.topics.dead_letter_queue_urls[kind],
                    }
                    for kind, url in component.topics.queue_urls.items()
                },
                "events": {
                    topic.kind: [event.value for event in topic.events]
                    for topic in set_config.topics
                },
                "email_forwarding": set_config.email_forwarding,
                "kms_key_arn": component.topics.key_arn,
            }
        alarms = {
            region: {
                "alerts_topic_arn": component.alerts_topic_arn,
                "alarm_names": component.alarm_names,
                "dashboard_name": component.dashboard_name,
            }
            for region, component in self.alarms.items()
        }
        return {"configuration_sets": sets, "reputation_alarms": alarms}
