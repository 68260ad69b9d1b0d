"""Every physical name the feedback loop derives, with the configuration key it comes from, so
the parser can report two resources that would share a name (:mod:`..physical_names`). Pure."""

from __future__ import annotations

from collections.abc import Iterator

from ..physical_names import (
    RATE_ALARM_SUFFIXES,
    PhysicalName,
    alarm_name,
    alerts_topic_name,
    dashboard_name,
    dead_letter_queue_name,
    lambda_statement_id,
    queue_name,
    topic_name,
)
from ..validation import Fields
from .model import AlarmsConfig, ConfigurationSetConfig, SubscriptionProtocol


def feedback_names(
    sets: list[ConfigurationSetConfig],
    settings_key: dict[str, str],
    alarms: AlarmsConfig,
    alarm_regions: tuple[str, ...],
    top: Fields,
) -> Iterator[PhysicalName]:
    """Every name the feedback loop derives, with the key it comes from."""
    functions: list[tuple[str, str, str]] = []  # (function ARN, statement id, key)
    for item in sets:
        for topic in item.topics:
            key = f"{settings_key[item.name]}.topics.{topic.kind} (set {item.name})"
            name = topic_name(item.name, topic.kind)
            yield PhysicalName(kind="SNS topic", scope=item.region, name=name, key=key)
            if topic.queue.enabled:
                for queue in (
                    queue_name(item.name, topic.kind),
                    dead_letter_queue_name(item.name, topic.kind),
                ):
                    yield PhysicalName(kind="SQS queue", scope=item.region, name=queue, key=key)
            functions += [
                (s.endpoint, lambda_statement_id(item.region, name), key)
                for s in topic.subscriptions
                if s.protocol is SubscriptionProtocol.LAMBDA
            ]
    key = top.key_path("alarms") + ".namePrefix"
    prefix = alarms.name_prefix
    for region in alarm_regions:
        alerts = alerts_topic_name(prefix)
        yield PhysicalName(kind="SNS topic", scope=region, name=alerts, key=key)
        for suffix in RATE_ALARM_SUFFIXES:
            yield PhysicalName(
                kind="CloudWatch alarm", scope=region, name=alarm_name(prefix, suffix), key=key
            )
        if alarms.dashboard:
            yield PhysicalName(
                kind="CloudWatch dashboard",
                scope="account",
                name=dashboard_name(prefix, region),
                key=key,
            )
        functions += [
            (s.endpoint, lambda_statement_id(region, alerts), top.key_path("alarms"))
            for s in alarms.subscriptions
            if s.protocol is SubscriptionProtocol.LAMBDA
        ]
    for function, statement_id, origin_key in functions:
        yield PhysicalName(
            kind="Lambda permission statement", scope=function, name=statement_id, key=origin_key
        )
