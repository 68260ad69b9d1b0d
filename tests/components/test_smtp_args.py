"""SmtpUser and SmtpGroup from typed props: options reach the resources, every bad value is one
ConfigError naming the prop, nothing declared on error, credentials stay secret."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from components.plan.mocks import DeclaredResource
from components.smtp.args import SmtpSecretArgs
from components.smtp.group import SmtpGroup, SmtpGroupArgs
from components.smtp.policy import SmtpPolicyArgs
from components.smtp.user import SmtpUser, SmtpUserArgs
from components.validation import ConfigError
from tests.support.harness import Evaluation, resolve_outputs, use_mocks

ARN = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
POLICY = SmtpPolicyArgs(identity_arns=[ARN], from_addresses=["noreply@example.com"])


def declare(build: Callable[[], SmtpUser | SmtpGroup]) -> Evaluation:
    monitor = use_mocks()
    result = Evaluation(monitor.declared)

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        component = build()
        watched: dict[str, pulumi.Output[Any]] = {"policy": pulumi.Output.from_input("")}
        if isinstance(component, SmtpUser):
            watched = {"username": component.username, "password": component.password}
        return resolve_outputs(watched, result.outputs, result.secret)

    program()
    return result


def refused(build: Callable[[], object]) -> tuple[ConfigError, list[DeclaredResource]]:
    monitor = use_mocks()
    with pytest.raises(ConfigError) as raised:
        build()
    return raised.value, monitor.declared


def test_user_options_reach_the_resources_and_credentials_are_secret() -> None:
    args = SmtpUserArgs(
        user_name="app-mailer",
        regions=["eu-west-1", "eu-central-1"],
        policy=POLICY,
        path="/mail/",
        rotation="2026-12",
        previous_rotation="2026-06",
        secret=SmtpSecretArgs(kms_key_id="alias/ses-smtp", recovery_window_days=0),
        tags={"team": "mail"},
    )
    result = declare(lambda: SmtpUser("u", args))
    user = result.named("u-user").inputs
    assert user == {"name": "app-mailer", "path": "/mail/", "tags": {"team": "mail"}}
    assert {r.name for r in result.of_type("aws:iam/accessKey:AccessKey")} == {
        "u-key-2026-12",
        "u-key-2026-06",
    }
    secret = result.named("u-secret").inputs
    assert secret["name"] == "ses-smtp/app-mailer/credentials"
    assert secret["kmsKeyId"] == "alias/ses-smtp" and secret["recoveryWindowInDays"] == 0
    assert secret["region"] == "eu-west-1"
    policy = json.loads(result.named("u-policy").inputs["policy"])
    assert policy["Statement"][0]["Resource"] == [ARN]
    assert result.secret_outputs == {"username", "password"}


def test_a_kms_key_output_reaches_the_secret() -> None:
    arn = "arn:aws:kms:eu-west-1:123456789012:key/made-in-this-program"
    result = declare(
        lambda: SmtpUser(
            "k",
            SmtpUserArgs(
                user_name="kms-mailer",
                regions=["eu-west-1"],
                policy=POLICY,
                secret=SmtpSecretArgs(kms_key_id=pulumi.Output.from_input(arn)),
            ),
        )
    )
    assert result.named("k-secret").inputs["kmsKeyId"] == arn


def test_user_defaults() -> None:
    result = declare(
        lambda: SmtpUser("u", SmtpUserArgs(user_name="app", regions=["eu-west-1"], policy=POLICY))
    )
    assert result.named("u-user").inputs["path"] == "/ses-smtp/"
    assert [r.name for r in result.of_type("aws:iam/accessKey:AccessKey")] == ["u-key-initial"]
    assert not result.of_type("aws:secretsmanager/secret:Secret")


def test_group_and_member() -> None:
    def build() -> SmtpUser:
        group = SmtpGroup("g", SmtpGroupArgs(group_name="senders", policy=POLICY, path="/mail/"))
        return SmtpUser("m", SmtpUserArgs(user_name="member", regions=["eu-west-1"], group=group))

    result = declare(build)
    assert result.named("g-group").inputs == {"name": "senders", "path": "/mail/"}
    assert result.named("m-membership").inputs["user"] == "member"
    assert not [r for r in result.declared if r.name == "m-policy"]


def test_user_problems_at_once_named_as_props_and_nothing_declared() -> None:
    error, declared = refused(
        lambda: SmtpUser(
            "u",
            SmtpUserArgs(
                user_name="bad name!",
                regions=["mars-1", "eu-west-1", "eu-west-1", "us-gov-west-1"],
                policy=SmtpPolicyArgs(
                    from_addresses=["no-at-sign"], recipients=["a@@b"], identity_arns=[]
                ),
                path="no-slashes",
                rotation="same",
                previous_rotation="same",
                secret=SmtpSecretArgs(
                    name="aws-reserved", kms_key_id="not a key", recovery_window_days=3
                ),
                tags={"aws:x": "y"},
            ),
        )
    )
    keys = {problem.key for problem in error.problems}
    assert keys == {
        "SmtpUserArgs.user_name",
        "SmtpUserArgs.regions[0]",
        "SmtpUserArgs.regions[2]",
        "SmtpUserArgs.regions",
        "SmtpUserArgs.path",
        "SmtpUserArgs.previous_rotation",
        "SmtpUserArgs.secret.name",
        "SmtpUserArgs.secret.kms_key_id",
        "SmtpUserArgs.secret.recovery_window_days",
        "SmtpUserArgs.tags.aws:x",
        "SmtpUserArgs.policy.identity_arns",
        "SmtpUserArgs.policy.from_addresses[0]",
        "SmtpUserArgs.policy.recipients[0]",
    }, keys
    assert declared == []


def test_policy_and_group_exactly_one() -> None:
    error, declared = refused(
        lambda: SmtpUser("u", SmtpUserArgs(user_name="u", regions=["eu-west-1"]))
    )
    assert [p.key for p in error.problems] == ["SmtpUserArgs.policy"]
    assert declared == []
    error, _ = refused(
        lambda: SmtpUser("u", SmtpUserArgs(user_name="u", regions=[], policy=POLICY))
    )
    assert [p.key for p in error.problems] == ["SmtpUserArgs.regions"]


def test_group_problems_named_as_props() -> None:
    error, declared = refused(
        lambda: SmtpGroup(
            "g",
            SmtpGroupArgs(
                group_name="",
                policy=SmtpPolicyArgs(identity_arns=[ARN], recipients=["x"]),
                path="/",
            ),
        )
    )
    assert {p.key for p in error.problems} == {
        "SmtpGroupArgs.group_name",
        "SmtpGroupArgs.policy.recipients[0]",
    }
    assert declared == []
