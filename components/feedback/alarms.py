"""``ReputationAlarms`` (type token ``ses:index:ReputationAlarms``): per region, an alerts topic,
bounce- and complaint-rate alarms on the account's reputation metrics, and a dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..physical_names import (
    RATE_ALARM_SUFFIXES,
    alarm_name,
    alerts_topic_name,
    dashboard_name,
    lambda_statement_id,
)
from ..tag_values import with_outputs
from .account import AccountContext, account_context
from .args import ReputationAlarmsArgs, check_alarms_args
from .endpoints import subscribe
from .model import AlarmsConfig
from .policies import alarm_topic_policy, dashboard_body, to_json
from .resource_options import child_options


@dataclass(frozen=True, kw_only=True)
class ReputationAlarmsSettings:
    """What :class:`ReputationAlarms` is built from once validated (by ``FeedbackLoop``);
    programs give :class:`~.args.ReputationAlarmsArgs`."""

    region: str
    """The region whose account-level reputation metrics are watched."""
    config: AlarmsConfig
    """Thresholds, period, subscribers, dashboard."""
    account: AccountContext
    """Account id and partition."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of the alerts topic and alarms."""


RATE_METRICS = (
    (RATE_ALARM_SUFFIXES[0], "Reputation.BounceRate", "bounce_rate_threshold", "5%"),
    (RATE_ALARM_SUFFIXES[1], "Reputation.ComplaintRate", "complaint_rate_threshold", "0.1%"),
)


def alarms_settings(
    props: ReputationAlarmsArgs, region: str, config: AlarmsConfig, tags_key: str
) -> ReputationAlarmsSettings:
    """What checked props build (``region`` and ``config`` are ``check_alarms_args``'s);
    ``tags_key`` names the tags in the messages about their output values."""
    return ReputationAlarmsSettings(
        region=region,
        config=config,
        account=account_context(props.account),
        tags=with_outputs(props.tags, tags_key),
    )


class ReputationAlarms(pulumi.ComponentResource):
    """Bounce- and complaint-rate alarms for one region, an alerts topic and a dashboard."""

    alarm_names: list[pulumi.Output[str]]
    alerts_topic_arn: pulumi.Output[str]
    dashboard_name: pulumi.Output[str] | None

    def __init__(
        self,
        name: str,
        args: ReputationAlarmsArgs | ReputationAlarmsSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(args, ReputationAlarmsArgs):
            region, config, warnings = check_alarms_args(args)
            for warning in warnings:
                pulumi.log.warn(warning)
            args = alarms_settings(args, region, config, "ReputationAlarmsArgs.tags")
        super().__init__("ses:index:ReputationAlarms", name, None, opts)
        config = args.config
        prefix = config.name_prefix
        topic = aws.sns.Topic(
            f"{name}-alerts",
            name=alerts_topic_name(prefix),
            tags=dict(args.tags),
            region=args.region,
            opts=child_options(self),
        )
        self.alerts_topic_arn = topic.arn
        alarms: list[aws.cloudwatch.MetricAlarm] = []
        for suffix, metric, attribute, review in RATE_METRICS:
            threshold = float(getattr(config, attribute))
            alarms.append(
                aws.cloudwatch.MetricAlarm(
                    f"{name}-{suffix}",
                    name=alarm_name(prefix, suffix),
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
                    opts=child_options(self),
                )
            )
        self.alarm_names = [alarm.name for alarm in alarms]
        aws.sns.TopicPolicy(
            f"{name}-alerts-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(
                topic.arn, args.account.account_id, *[alarm.arn for alarm in alarms]
            ).apply(lambda v: to_json(alarm_topic_policy(v[0], v[1], list(v[2:])))),
            region=args.region,
            opts=child_options(self),
        )
        for index, subscription in enumerate(config.subscriptions):
            subscribe(
                self,
                f"{name}-alerts-sub{index}",
                topic.arn,
                subscription,
                args.region,
                args.account,
                lambda_statement_id(args.region, alerts_topic_name(prefix)),
            )
        self.dashboard_name = None
        if config.dashboard:
            dashboard = aws.cloudwatch.Dashboard(
                f"{name}-dashboard",
                dashboard_name=dashboard_name(prefix, args.region),
                dashboard_body=to_json(
                    dashboard_body(
                        args.region,
                        config.bounce_rate_threshold,
                        config.complaint_rate_threshold,
                        config.period_seconds,
                    )
                ),
                region=args.region,
                opts=child_options(self),
            )
            self.dashboard_name = dashboard.dashboard_name
        self.register_outputs(
            {
                "alertsTopicArn": self.alerts_topic_arn,
                "alarmNames": self.alarm_names,
                "dashboardName": self.dashboard_name,
            }
        )
