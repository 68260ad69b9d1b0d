"""ConfigurationSet, FeedbackTopics and ReputationAlarms from typed props: the same resources as
stack config for the same settings, safe defaults, every problem at once named as props."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest

from components.feedback.alarms import ReputationAlarms
from components.feedback.args import (
    CloudWatchArgs,
    ConfigurationSetArgs,
    DimensionArgs,
    EventBridgeArgs,
    FeedbackTopicsArgs,
    KmsArgs,
    QueueArgs,
    ReputationAlarmsArgs,
    SubscriptionArgs,
    TopicArgs,
    TrackingArgs,
    VdmArgs,
)
from components.feedback.configuration_set import ConfigurationSet
from components.feedback.model import (
    EventType,
    FeatureStatus,
    HttpsPolicy,
    SubscriptionProtocol,
    SuppressionReason,
    TlsPolicy,
)
from components.feedback.topics import FeedbackTopics
from components.plan.mocks import DeclaredResource
from components.validation import ConfigError
from tests.components.test_feedback_loop import (
    EXTERNAL_QUEUE,
    FULL_LOOP,
    LAMBDA_ARN,
    REGION,
)
from tests.support.harness import Evaluation, evaluate, use_mocks

SET = "aws:sesv2/configurationSet:ConfigurationSet"


def declare(build: Callable[[], pulumi.Resource]) -> Evaluation:
    monitor = use_mocks()
    result = Evaluation(monitor.declared)

    @pulumi.runtime.test
    def program() -> None:
        build()

    program()
    return result


def subtree(declared: list[DeclaredResource], root: str) -> list[tuple[str, str, str]]:
    names = {root}
    for resource in declared:  # parents are declared before their children
        if resource.parent in names:
            names.add(resource.name)
    return sorted((r.type, r.name, repr(r.inputs)) for r in declared if r.name in names)


FULL_SET = ConfigurationSetArgs(
    name="example-com",
    region=REGION,
    kms=KmsArgs(),
    max_delivery_seconds=3600,
    tracking=TrackingArgs(
        custom_redirect_domain="track.example.com", https_policy=HttpsPolicy.REQUIRE
    ),
    vdm=VdmArgs(
        engagement_metrics=FeatureStatus.ENABLED,
        optimized_shared_delivery=FeatureStatus.DISABLED,
    ),
    topics=[
        TopicArgs(
            kind="bounce",
            queue=QueueArgs(max_receive_count=3),
            subscriptions=[
                SubscriptionArgs(protocol=SubscriptionProtocol.LAMBDA, endpoint=LAMBDA_ARN),
                SubscriptionArgs(
                    protocol=SubscriptionProtocol.HTTPS, endpoint="https://hooks.example.com/ses"
                ),
            ],
        ),
        TopicArgs(
            kind="complaint",
            queue=QueueArgs(),
            subscriptions=[
                SubscriptionArgs(protocol=SubscriptionProtocol.EMAIL, endpoint="abuse@example.com")
            ],
        ),
        TopicArgs(
            kind="delivery",
            subscriptions=[
                SubscriptionArgs(protocol=SubscriptionProtocol.SQS, endpoint=EXTERNAL_QUEUE)
            ],
        ),
    ],
    cloud_watch=CloudWatchArgs(
        dimensions=[DimensionArgs(name="ses:from-domain"), DimensionArgs(name="campaign")]
    ),
    event_bridge=EventBridgeArgs(
        events=[EventType.SEND, EventType.DELIVERY_DELAY, EventType.SUBSCRIPTION]
    ),
    tags={"project": "ses", "team": "mail"},
)


def test_configuration_set_props_declare_what_stack_config_declares() -> None:
    from_config = evaluate(FULL_LOOP, aws_region=REGION)
    from_props = declare(lambda: ConfigurationSet("cs-example-com", FULL_SET))
    expected = subtree(from_config.declared, "cs-example-com")
    assert len(expected) > 20
    assert subtree(from_props.declared, "cs-example-com") == expected


def test_alarm_props_declare_what_stack_config_declares() -> None:
    from_config = evaluate(FULL_LOOP, aws_region=REGION)
    args = ReputationAlarmsArgs(
        region=REGION,
        subscriptions=[
            SubscriptionArgs(protocol=SubscriptionProtocol.EMAIL, endpoint="oncall@example.com")
        ],
        dashboard=True,
        name_prefix="ses",  # the harness parses stack config without a stack name
        tags={"project": "ses"},
    )
    from_props = declare(lambda: ReputationAlarms(f"reputation-{REGION}", args))
    expected = subtree(from_config.declared, f"reputation-{REGION}")
    assert len(expected) > 4
    assert subtree(from_props.declared, f"reputation-{REGION}") == expected


def test_configuration_set_defaults_are_safe() -> None:
    result = declare(lambda: ConfigurationSet("s", ConfigurationSetArgs(name="s1", region=REGION)))
    (configuration_set,) = result.of_type(SET)
    assert configuration_set.inputs["deliveryOptions"] == {"tlsPolicy": "REQUIRE"}
    assert configuration_set.inputs["suppressionOptions"] == {
        "suppressedReasons": ["BOUNCE", "COMPLAINT"]
    }
    assert configuration_set.inputs["reputationOptions"] == {"reputationMetricsEnabled": True}
    topics = {r.inputs["name"] for r in result.of_type("aws:sns/topic:Topic")}
    assert topics == {"s1-bounce", "s1-complaint", "s1-delivery"}


def test_feedback_topics_alone() -> None:
    arn = f"arn:aws:ses:{REGION}:123456789012:configuration-set/s1"
    result = declare(
        lambda: FeedbackTopics(
            "t",
            FeedbackTopicsArgs(
                set_name="s1",
                region=REGION,
                source_arn=arn,
                topics=[TopicArgs(kind="bounce"), TopicArgs(kind="complaint")],
                kms=KmsArgs(deletion_window_in_days=7),
            ),
        )
    )
    topics = result.of_type("aws:sns/topic:Topic")
    assert {t.inputs["name"] for t in topics} == {"s1-bounce", "s1-complaint"}
    assert all(t.inputs["region"] == REGION for t in topics)
    (key,) = result.of_type("aws:kms/key:Key")
    assert key.inputs["deletionWindowInDays"] == 7
    assert arn in str(result.of_type("aws:sns/topicPolicy:TopicPolicy")[0].inputs)


def refused(build: Callable[[], object]) -> tuple[ConfigError, list[DeclaredResource]]:
    monitor = use_mocks()
    with pytest.raises(ConfigError) as raised:
        build()
    return raised.value, monitor.declared


def test_configuration_set_problems_at_once_named_as_props() -> None:
    args = ConfigurationSetArgs(
        name="bad name",
        region="mars-1",
        tls_policy="MAYBE",  # type: ignore[arg-type]
        max_delivery_seconds=10,
        suppressed_reasons=[SuppressionReason.BOUNCE, "SPAM"],  # type: ignore[list-item]
        topics=[
            TopicArgs(kind="Bounce!"),
            TopicArgs(
                kind="complaint",
                subscriptions=[
                    SubscriptionArgs(protocol=SubscriptionProtocol.HTTPS, endpoint="http://x")
                ],
                queue=QueueArgs(max_receive_count=0),
            ),
            TopicArgs(kind="complaint"),
            TopicArgs(kind="custom"),
        ],
        kms=KmsArgs(deletion_window_in_days=3),
        tags={"aws:x": "y"},
    )
    error, declared = refused(lambda: ConfigurationSet("s", args))
    keys = {problem.key for problem in error.problems}
    assert {
        "ConfigurationSetArgs.name",
        "ConfigurationSetArgs.region",
        "ConfigurationSetArgs.tls_policy",
        "ConfigurationSetArgs.max_delivery_seconds",
        "ConfigurationSetArgs.suppressed_reasons[1]",
        "ConfigurationSetArgs.topics.Bounce!",
        "ConfigurationSetArgs.topics.complaint.subscriptions[0].endpoint",
        "ConfigurationSetArgs.topics.complaint.queue.max_receive_count",
        "ConfigurationSetArgs.topics[2].kind",
        "ConfigurationSetArgs.topics.custom.events",
        "ConfigurationSetArgs.kms.deletion_window_in_days",
        "ConfigurationSetArgs.tags.aws:x",
    } <= keys, keys
    assert all(key.startswith("ConfigurationSetArgs.") for key in keys), keys
    assert declared == []


def test_topics_and_alarms_problems_named_as_props() -> None:
    error, declared = refused(
        lambda: FeedbackTopics(
            "t",
            FeedbackTopicsArgs(
                set_name="",
                source_arn="arn:x",
                region=REGION,
                topics=[TopicArgs(kind="bounce", events=[])],
            ),
        )
    )
    keys = {problem.key for problem in error.problems}
    assert keys == {"FeedbackTopicsArgs.set_name", "FeedbackTopicsArgs.topics.bounce.events"}
    assert declared == []
    error, declared = refused(
        lambda: ReputationAlarms(
            "a",
            ReputationAlarmsArgs(
                region="nowhere-1",
                bounce_rate_threshold=2.0,
                period_seconds=61,
                evaluation_periods=0,
                name_prefix="bad prefix",
                subscriptions=[
                    SubscriptionArgs(protocol=SubscriptionProtocol.EMAIL, endpoint="nobody")
                ],
                tags={"aws:x": "y"},
            ),
        )
    )
    keys = {problem.key for problem in error.problems}
    assert keys == {
        "ReputationAlarmsArgs.region",
        "ReputationAlarmsArgs.bounce_rate_threshold",
        "ReputationAlarmsArgs.period_seconds",
        "ReputationAlarmsArgs.evaluation_periods",
        "ReputationAlarmsArgs.name_prefix",
        "ReputationAlarmsArgs.subscriptions[0].endpoint",
        "ReputationAlarmsArgs.tags.aws:x",
    }
    assert declared == []


def test_alarm_names_default_to_the_stack_prefix() -> None:
    result = declare(lambda: ReputationAlarms("a", ReputationAlarmsArgs(region=REGION)))
    (topic,) = result.of_type("aws:sns/topic:Topic")
    assert topic.inputs["name"] == "ses-test-reputation-alerts"


def test_tls_policy_optional_reaches_the_set() -> None:
    result = declare(
        lambda: ConfigurationSet(
            "s", ConfigurationSetArgs(name="s1", region=REGION, tls_policy=TlsPolicy.OPTIONAL)
        )
    )
    assert result.of_type(SET)[0].inputs["deliveryOptions"] == {"tlsPolicy": "OPTIONAL"}


def test_subscription_endpoints_may_be_outputs_used_once_known() -> None:
    def build() -> pulumi.Resource:
        queue = pulumi.Output.from_input(EXTERNAL_QUEUE)
        function = pulumi.Output.from_input(LAMBDA_ARN)
        return ConfigurationSet(
            "s",
            ConfigurationSetArgs(
                name="s1",
                region=REGION,
                topics=[
                    TopicArgs(
                        kind="bounce",
                        subscriptions=[
                            SubscriptionArgs(protocol=SubscriptionProtocol.SQS, endpoint=queue),
                            SubscriptionArgs(
                                protocol=SubscriptionProtocol.LAMBDA, endpoint=function
                            ),
                        ],
                    )
                ],
            ),
        )

    result = declare(build)
    subscriptions = result.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s.inputs["endpoint"] for s in subscriptions) == sorted(
        [EXTERNAL_QUEUE, LAMBDA_ARN]
    )
    (permission,) = result.of_type("aws:lambda/permission:Permission")
    assert permission.inputs["function"] == LAMBDA_ARN
    assert permission.inputs["region"] == LAMBDA_ARN.split(":")[3]


def test_an_output_endpoint_is_checked_for_its_protocol_once_known() -> None:
    def build() -> pulumi.Resource:
        wrong = pulumi.Output.from_input("ops@example.com")
        return ReputationAlarms(
            "r",
            ReputationAlarmsArgs(
                region=REGION,
                subscriptions=[SubscriptionArgs(protocol=SubscriptionProtocol.SQS, endpoint=wrong)],
            ),
        )

    with pytest.raises(ConfigError) as raised:
        declare(build)
    assert str(raised.value.problems[0]).startswith(
        "SubscriptionArgs.endpoint = 'ops@example.com': must be an SQS queue ARN for sqs"
    )
