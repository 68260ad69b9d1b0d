"""``ConfigurationSet`` (type token ``ses:index:ConfigurationSet``): an ``aws.sesv2``
configuration set with its :class:`~.topics.FeedbackTopics` and one event destination per topic,
plus the optional CloudWatch and EventBridge destinations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..deliverability.ip_pool import DedicatedIpPool
from ..tag_values import tag_outputs
from .account import AccountContext, account_context
from .args import ConfigurationSetArgs, check_configuration_set_args
from .model import ConfigurationSetConfig
from .policies import default_event_bus_arn
from .resource_options import child_options
from .topics import FeedbackTopics, FeedbackTopicsSettings


@dataclass(frozen=True, kw_only=True)
class ConfigurationSetSettings:
    """What a :class:`ConfigurationSet` is built from once validated: the stack's path
    (``FeedbackLoop``); programs give :class:`~.args.ConfigurationSetArgs`."""

    config: ConfigurationSetConfig
    """The validated set configuration."""
    account: AccountContext
    """Account id and partition."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Stack-wide tags; the set's own ``tags`` are merged over them."""
    tag_outputs: Mapping[str, pulumi.Output[str]] = field(
        default_factory=dict[str, pulumi.Output[str]]
    )
    """The props' tags given as outputs (checked once known), over the set's own."""
    sending_pool_name: pulumi.Input[str] | None = None
    """The pool of ``config.sending_pool_name`` as an output of the pool the stack declares, so
    the set waits for it (``None``: the name as configured)."""
    import_id: str | None = None
    """The import id of an existing set the stack adopts (``None``: the set is created)."""
    provider: pulumi.ProviderResource | None = None
    """An adopted set's provider outside the stack's region (``components/providers.py``)."""


def _delivery_options(
    config: ConfigurationSetConfig, sending_pool_name: pulumi.Input[str] | None = None
) -> aws.sesv2.ConfigurationSetDeliveryOptionsArgsDict:
    options: aws.sesv2.ConfigurationSetDeliveryOptionsArgsDict = {
        "tls_policy": config.tls_policy.value
    }
    if config.max_delivery_seconds is not None:
        options["max_delivery_seconds"] = config.max_delivery_seconds
    if sending_pool_name is not None:
        options["sending_pool_name"] = sending_pool_name
    elif config.sending_pool_name is not None:
        options["sending_pool_name"] = config.sending_pool_name
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


def set_settings(
    props: ConfigurationSetArgs, config: ConfigurationSetConfig, tags_key: str
) -> ConfigurationSetSettings:
    """What checked props build (``config`` is ``check_configuration_set_args``'s); ``tags_key``
    names the tags in the messages about their output values."""
    pool = props.sending_pool_name
    return ConfigurationSetSettings(
        config=config,
        account=account_context(props.account),
        tag_outputs=tag_outputs(props.tags, tags_key),
        sending_pool_name=(
            pool.name
            if isinstance(pool, DedicatedIpPool)
            else pool
            if isinstance(pool, pulumi.Output)
            else None
        ),
    )


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
    email_forwarding: bool
    """Whether the identities that use the set keep SES's email forwarding of feedback."""

    def __init__(
        self,
        name: str,
        args: ConfigurationSetArgs | ConfigurationSetSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(args, ConfigurationSetArgs):
            config, warnings = check_configuration_set_args(args)
            for warning in warnings:
                pulumi.log.warn(warning)
            args = set_settings(args, config, "ConfigurationSetArgs.tags")
        super().__init__("ses:index:ConfigurationSet", name, None, opts)
        config = args.config
        tags: dict[str, pulumi.Input[str]] = {**args.tags, **config.tags, **args.tag_outputs}
        self.region = config.region
        self.email_forwarding = config.email_forwarding
        tracking: aws.sesv2.ConfigurationSetTrackingOptionsArgsDict | None = None
        if config.tracking is not None:
            tracking = {
                "custom_redirect_domain": config.tracking.custom_redirect_domain,
                "https_policy": config.tracking.https_policy.value,
            }
        configuration_set = aws.sesv2.ConfigurationSet(
            f"{name}-set",
            configuration_set_name=config.name,
            delivery_options=_delivery_options(config, args.sending_pool_name),
            reputation_options={"reputation_metrics_enabled": config.reputation_metrics},
            sending_options={"sending_enabled": config.sending_enabled},
            suppression_options={
                "suppressed_reasons": [reason.value for reason in config.suppressed_reasons]
            },
            tracking_options=tracking,
            vdm_options=_vdm_options(config),
            tags=tags,
            region=config.region,
            opts=pulumi.ResourceOptions(
                parent=self, import_=args.import_id, provider=args.provider
            ),
        )
        self.name = configuration_set.configuration_set_name
        self.arn = configuration_set.arn
        self.topics = FeedbackTopics(
            f"{name}-topics",
            FeedbackTopicsSettings(
                set_name=config.name,
                region=config.region,
                topics=config.topics,
                source_arn=configuration_set.arn,
                account=args.account,
                kms=config.kms,
                tags=tags,
            ),
            opts=child_options(self),
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
            opts=child_options(self, *depends_on),
        )
        self.event_destination_names.append(destination_name)
