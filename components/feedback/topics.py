"""``FeedbackTopics`` (type token ``ses:index:FeedbackTopics``): the SNS topics SES publishes
feedback to, optionally encrypted with a customer-managed key whose policy lets SES use it, their
topic policies and subscriptions, and an optional SQS queue with a dead-letter queue per topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..physical_names import (
    dead_letter_queue_name,
    lambda_statement_id,
    queue_name,
    topic_name,
)
from ..tag_values import tag_outputs
from .account import AccountContext, account_context
from .args import FeedbackTopicsArgs, check_topics_args
from .endpoints import subscribe
from .model import ConfigurationSetConfig, KmsConfig, SubscriptionProtocol, TopicConfig
from .policies import (
    redrive_policy,
    ses_kms_key_policy,
    ses_topic_policy,
    to_json,
    topic_queue_policy,
)
from .resource_options import child_options


@dataclass(frozen=True, kw_only=True)
class FeedbackTopicsSettings:
    """What :class:`FeedbackTopics` is built from once validated (by ``ConfigurationSet``);
    programs give :class:`~.args.FeedbackTopicsArgs`."""

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
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of every taggable child (already merged)."""


def topics_settings(
    props: FeedbackTopicsArgs, config: ConfigurationSetConfig, tags_key: str
) -> FeedbackTopicsSettings:
    """What checked props build (``config`` is ``check_topics_args``'s); ``tags_key`` names the
    tags in the messages about their output values."""
    return FeedbackTopicsSettings(
        set_name=config.name,
        region=config.region,
        topics=config.topics,
        source_arn=props.source_arn,
        account=account_context(props.account),
        kms=config.kms,
        tags={**config.tags, **tag_outputs(props.tags, tags_key)},
    )


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
        self,
        name: str,
        args: FeedbackTopicsArgs | FeedbackTopicsSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(args, FeedbackTopicsArgs):
            config, warnings = check_topics_args(args)
            for warning in warnings:
                pulumi.log.warn(warning)
            args = topics_settings(args, config, "FeedbackTopicsArgs.tags")
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
                ).apply(lambda v: to_json(ses_kms_key_policy(v[0], v[1], [v[2]]))),
                tags=dict(args.tags),
                region=args.region,
                opts=child_options(self),
            )
            self.key_arn = key.arn
            self.policies.append(key)
        for topic_config in args.topics:
            kind = topic_config.kind
            topic = aws.sns.Topic(
                f"{name}-{kind}",
                name=topic_name(args.set_name, kind),
                kms_master_key_id=key.arn if key is not None else None,
                tags=dict(args.tags),
                region=args.region,
                opts=child_options(self),
            )
            self.topic_arns[kind] = topic.arn
            policy = aws.sns.TopicPolicy(
                f"{name}-{kind}-policy",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, account.account_id, args.source_arn).apply(
                    lambda v: to_json(ses_topic_policy(v[0], v[1], [v[2]]))
                ),
                region=args.region,
                opts=child_options(self),
            )
            self.policies.append(policy)
            for index, subscription in enumerate(topic_config.subscriptions):
                subscribe(
                    self,
                    f"{name}-{kind}-sub{index}",
                    topic.arn,
                    subscription,
                    args.region,
                    account,
                    lambda_statement_id(args.region, topic_name(args.set_name, kind)),
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
        self,
        name: str,
        args: FeedbackTopicsSettings,
        topic_config: TopicConfig,
        topic: aws.sns.Topic,
    ) -> None:
        kind = topic_config.kind
        queue_config = topic_config.queue
        dead_letters = aws.sqs.Queue(
            f"{name}-{kind}-dlq",
            name=dead_letter_queue_name(args.set_name, kind),
            message_retention_seconds=1_209_600,
            sqs_managed_sse_enabled=True,
            tags=dict(args.tags),
            region=args.region,
            opts=child_options(self),
        )
        queue = aws.sqs.Queue(
            f"{name}-{kind}-queue",
            name=queue_name(args.set_name, kind),
            message_retention_seconds=queue_config.message_retention_seconds,
            visibility_timeout_seconds=queue_config.visibility_timeout_seconds,
            redrive_policy=dead_letters.arn.apply(
                lambda arn: to_json(redrive_policy(arn, queue_config.max_receive_count))
            ),
            sqs_managed_sse_enabled=True,
            tags=dict(args.tags),
            region=args.region,
            opts=child_options(self),
        )
        queue_policy = aws.sqs.QueuePolicy(
            f"{name}-{kind}-queue-policy",
            queue_url=queue.url,
            policy=pulumi.Output.all(queue.arn, topic.arn, args.account.account_id).apply(
                lambda v: to_json(topic_queue_policy(v[0], v[1], v[2]))
            ),
            region=args.region,
            opts=child_options(self),
        )
        aws.sns.TopicSubscription(
            f"{name}-{kind}-queue-sub",
            topic=topic.arn,
            protocol=SubscriptionProtocol.SQS.value,
            endpoint=queue.arn,
            raw_message_delivery=True,
            region=args.region,
            opts=child_options(self, queue_policy),
        )
        self.queue_urls[kind] = queue.url
        self.dead_letter_queue_urls[kind] = dead_letters.url
