"""Physical names: computed in one place, within AWS's limits, unique per scope across the
stack, and apart between two stacks of the project in one account."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.feedback.model import SubscriptionProtocol
from components.physical_names import (
    MAX_SQS_QUEUE_NAME,
    STATEMENT_ID,
    alerts_topic_name,
    dead_letter_queue_name,
    fit,
    lambda_statement_id,
    queue_name,
    smtp_secret_name,
    stack_prefix,
    topic_name,
)
from components.plan import make_plan
from components.smtp.parse import AMBIGUOUS_SECRET_SUFFIX
from components.stack_config import StackConfig, parse_stack_config
from components.validation import ConfigError

REGION = "eu-west-1"
LAMBDA = f"arn:aws:lambda:{REGION}:123456789012:function:bounce-processor"
BOUNCES = {"events": ["BOUNCE"]}
ALERTS = {"subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"}]}


def parse(stack: str | None = None, **values: Any) -> StackConfig:
    values.setdefault("alarms", ALERTS)
    return parse_stack_config(values, namespace="ses", aws_region=REGION, stack=stack)


def problems(**values: Any) -> list[tuple[str, object, str]]:
    with pytest.raises(ConfigError) as caught:
        parse(**values)
    return [(p.key, p.value, p.allowed) for p in caught.value.problems]


def test_fit_keeps_short_names_and_shortens_long_ones_deterministically() -> None:
    assert fit("short", 80) == "short"
    long = "x" * 100
    assert len(fit(long, 80)) == 80
    assert fit(long, 80) == fit(long, 80) != fit("y" * 100, 80)
    assert fit("x" * 99 + "a", 80) != fit("x" * 99 + "b", 80)


def test_queue_names_stay_within_sqs_limit_and_distinct() -> None:
    set_name = "s" * 64
    kind = "k" * 30  # the longest kind the parser takes
    names = {queue_name(set_name, kind), dead_letter_queue_name(set_name, kind)}
    assert len(names) == 2
    assert all(len(n) <= MAX_SQS_QUEUE_NAME for n in names)
    assert dead_letter_queue_name(set_name, kind).endswith("-dlq")


def test_a_long_set_and_kind_plan_queues_sqs_accepts() -> None:
    kind = "k" * 30
    config = parse(
        domains=[{"name": "d" * 63 + ".example.com"}],
        feedback={"topics": {kind: {"events": ["BOUNCE"], "queue": {"enabled": True}}}},
    )
    (item,) = config.feedback.configuration_sets
    assert len(item.name) == 64
    assert len(f"{item.name}-{kind}-dlq") > MAX_SQS_QUEUE_NAME  # what the old names were
    assert len(dead_letter_queue_name(item.name, kind)) <= MAX_SQS_QUEUE_NAME


def test_statement_ids_are_derived_from_the_topic_and_valid_for_lambda_and_iam() -> None:
    first = lambda_statement_id(REGION, "a-bounce")
    assert first == lambda_statement_id(REGION, "a-bounce")
    assert first != lambda_statement_id(REGION, "b-bounce")
    assert first != lambda_statement_id("us-east-1", "a-bounce")
    assert STATEMENT_ID.problem(first) is None
    assert first.isalnum()


def test_two_domains_subscribing_one_function_get_two_statements() -> None:
    topics = {"bounce": {"subscriptions": [{"protocol": "lambda", "endpoint": LAMBDA}]}}
    config = parse(
        domains=[{"name": "a.example.com"}, {"name": "b.example.com"}],
        feedback={"topics": topics},
    )
    ids = {
        lambda_statement_id(item.region, topic_name(item.name, topic.kind))
        for item in config.feedback.configuration_sets
        for topic in item.topics
        if any(s.protocol is SubscriptionProtocol.LAMBDA for s in topic.subscriptions)
    }
    assert len(ids) == 2


def test_a_topic_name_two_sets_would_share_is_refused_naming_both_keys() -> None:
    found = problems(
        domains=[{"name": "a.example.com"}],
        feedback={"topics": {"bounce": {}}},
        configurationSets=[{"name": "a-example", "topics": {"com-bounce": BOUNCES}}],
    )
    assert found == [
        (
            "ses:feedback.topics.bounce (set a-example-com)",
            "a-example-com-bounce",
            "would name a SNS topic that ses:configurationSets[0].topics.com-bounce (set "
            "a-example) already names in eu-west-1; rename one of them (physical names must be "
            "unique)",
        )
    ]


def test_queue_names_two_sets_would_share_are_refused() -> None:
    found = problems(
        domains=[{"name": "a.example.com"}],
        feedback={"topics": {"bounce": {"queue": {"enabled": True}}}},
        configurationSets=[
            {"name": "a-example", "topics": {"com-bounce": {**BOUNCES, "queue": {"enabled": True}}}}
        ],
    )
    kinds = [allowed.split(" that ")[0] for _, _, allowed in found]
    assert kinds == ["would name a SNS topic", "would name a SQS queue", "would name a SQS queue"]


def test_a_feedback_topic_may_not_take_the_alerts_topic_name() -> None:
    found = problems(
        domains=[{"name": "example.com", "configurationSet": "ses"}],
        configurationSets=[{"name": "ses", "topics": {"reputation-alerts": BOUNCES}}],
    )
    assert [(key, value) for key, value, _ in found] == [
        ("ses:alarms.namePrefix", alerts_topic_name("ses"))
    ]


def test_the_default_prefix_carries_the_stack() -> None:
    assert stack_prefix(None) == "ses"
    assert stack_prefix("prod") == "ses-prod"
    assert stack_prefix("team.prod") == "ses-team-prod"
    assert len(stack_prefix("s" * 100)) == 32
    config = parse(stack="dev", domains=[{"name": "example.com"}])
    assert config.feedback.alarms.name_prefix == "ses-dev"
    explicit = parse(
        stack="dev", domains=[{"name": "example.com"}], alarms={**ALERTS, "namePrefix": "mail"}
    )
    assert explicit.feedback.alarms.name_prefix == "mail"


def _account_scoped_names(stack: str) -> set[tuple[str, str | None, str]]:
    plan = make_plan(stack)
    named: set[tuple[str, str | None, str]] = set()
    for resource in plan.resources:
        inputs = resource["inputs"]
        for key in ("name", "dashboardName"):
            value = inputs.get(key)
            if isinstance(value, str) and resource["type"].startswith(
                ("aws:sns/", "aws:sqs/", "aws:cloudwatch/")
            ):
                scope = None if key == "dashboardName" else inputs.get("region")
                named.add((resource["type"], scope, value))
    return named


def test_dev_and_prod_in_one_account_declare_no_shared_alarm_topic_queue_or_dashboard() -> None:
    dev, prod = _account_scoped_names("dev"), _account_scoped_names("prod")
    assert dev and prod
    assert dev & prod == set()


@given(st.from_regex(r"[A-Za-z0-9_+=,.@-]{1,64}", fullmatch=True))
def test_default_secret_names_never_end_like_a_secret_arn_suffix(user: str) -> None:
    name = smtp_secret_name(user)
    assert not AMBIGUOUS_SECRET_SUFFIX.search(name)
    assert name.startswith(f"ses-smtp/{user}/")


def test_the_dev_stacks_user_once_had_an_ambiguous_secret_name() -> None:
    assert AMBIGUOUS_SECRET_SUFFIX.search("ses-smtp/dev-app-mailer")
    assert smtp_secret_name("dev-app-mailer") == "ses-smtp/dev-app-mailer/credentials"


def test_a_given_secret_name_ending_in_a_hyphen_and_six_characters_is_refused() -> None:
    found = problems(
        domains=[{"name": "example.com"}],
        smtpUsers=[
            {"name": "app", "domains": ["example.com"], "secret": {"name": "smtp/app-mailer"}}
        ],
    )
    assert found == [
        (
            "ses:smtpUsers[0].secret.name",
            "smtp/app-mailer",
            "must not end in a hyphen and six characters: Secrets Manager appends exactly that "
            "to every secret's ARN, so partial-ARN lookups of this name would be ambiguous",
        )
    ]
