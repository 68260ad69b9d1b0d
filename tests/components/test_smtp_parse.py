"""``smtpUsers`` parsing: good configurations and every bad input reported at once."""

from __future__ import annotations

from typing import Any

import pytest

from components.smtp.access import parse_from_pattern, parse_recipient_pattern
from components.smtp.model import SmtpConfigurationSet, SmtpIdentity
from components.smtp.parse import smtp_groups
from components.stack_config import StackConfig
from components.validation import ConfigError
from tests.support.smtp_support import config_with, parse


def _problems(users: list[dict[str, Any]], **extra: Any) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        parse(config_with(users, **extra))
    return {problem.key: problem.allowed for problem in caught.value.problems}


def test_no_smtp_users_is_fine() -> None:
    assert parse({"domains": [{"name": "example.com"}]}).smtp_users == ()


def test_a_full_user() -> None:
    config: StackConfig = parse(
        config_with(
            [
                {
                    "name": "app",
                    "domains": ["Example.COM", "example.org"],
                    "fromAddresses": ["noreply@example.com", "*@*.example.org"],
                    "extraRegions": ["eu-central-1"],
                    "rotation": "2026-11",
                    "previousRotation": "2026-05",
                    "secret": {"name": "mail/app", "recoveryWindowInDays": 0},
                }
            ]
        )
    )
    [user] = config.smtp_users
    assert user.name == "app" and user.group is None
    assert user.access.domains == ("example.com", "example.org")
    assert user.access.regions == ("eu-west-1", "us-east-1", "eu-central-1")
    assert user.access.primary_region == "eu-west-1"
    assert SmtpIdentity("eu-west-1", "alerts@example.com", "example.com", True) in (
        user.access.identities
    )
    assert SmtpIdentity("eu-central-1", "example.org", "example.org", False, primary=False) in (
        user.access.identities
    )
    assert not any("gmail" in item.identity for item in user.access.identities)
    assert user.access.from_addresses == ("noreply@example.com", "*@*.example.org")
    assert user.access.configuration_sets == (
        SmtpConfigurationSet("eu-west-1", "example-com"),
        SmtpConfigurationSet("us-east-1", "example-org"),
    )
    assert (user.rotation, user.previous_rotation) == ("2026-11", "2026-05")
    assert user.secret.enabled and user.secret_name == "mail/app"
    assert user.secret.recovery_window_days == 0


def test_domain_without_configuration_set_adds_none() -> None:
    config = parse(
        {
            "domains": [{"name": "example.com", "region": "eu-west-1", "configurationSet": False}],
            "smtpUsers": [{"name": "app", "domains": ["example.com"]}],
        }
    )
    assert config.smtp_users[0].access.configuration_sets == ()


def test_group_mode() -> None:
    config = parse(
        config_with([{"name": "workers", "users": ["w1", "w2"], "domains": ["example.org"]}])
    )
    assert [(u.name, u.group) for u in config.smtp_users] == [("w1", "workers"), ("w2", "workers")]
    assert list(smtp_groups(config.smtp_users)) == ["workers"]
    assert config.smtp_users[0].access is config.smtp_users[1].access


def test_every_bad_input_at_once() -> None:
    problems = _problems(
        [
            {"name": "bad name!", "domains": ["example.cm"]},
            {"name": "x" * 65, "domains": ["example.com"]},
            {
                "name": "ok",
                "domains": ["example.com"],
                "fromAddresses": ["*@*", "noreply@other.com", "a b@example.com", "*@example.org"],
                "recipients": ["*", "*@*"],
                "extraRegions": ["eu-west-9", "us-gov-west-1"],
                "rotaton": "x",
                "rotation": "bad label!",
                "path": "no-slashes",
                "secret": {
                    "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abc",
                    "recoveryWindowInDays": 3,
                },
            },
            {"name": "OK", "domains": ["example.com"]},
            {"name": "nodomains"},
            {"name": "g", "users": ["ok", "fine"], "domains": []},
            {"name": "prev", "domains": ["example.org"], "rotation": "a", "previousRotation": "a"},
        ]
    )
    expected = {
        "ses:smtpUsers[0].name": "IAM user name",
        "ses:smtpUsers[0].domains[0]": "did you mean 'example.com'",
        "ses:smtpUsers[1].name": "1-64",
        "ses:smtpUsers[2].fromAddresses[0]": "no other wildcards",
        "ses:smtpUsers[2].fromAddresses[1]": "not one of this user's domains",
        "ses:smtpUsers[2].fromAddresses[2]": "local part",
        "ses:smtpUsers[2].fromAddresses[3]": "not one of this user's domains",
        "ses:smtpUsers[2].recipients[0]": "omit recipients",
        "ses:smtpUsers[2].recipients[1]": "no other wildcards",
        "ses:smtpUsers[2].extraRegions[0]": "did you mean 'eu-west-3'",
        "ses:smtpUsers[2].extraRegions": "mixes AWS partitions",
        "ses:smtpUsers[2].rotaton": "did you mean 'rotation'",
        "ses:smtpUsers[2].rotation": "label",
        "ses:smtpUsers[2].path": "IAM path",
        "ses:smtpUsers[2].secret.kmsKeyId": "own region",
        "ses:smtpUsers[2].secret.recoveryWindowInDays": "0 or from 7 to 30",
        "ses:smtpUsers[3].name": "duplicates the user at ses:smtpUsers[2].name",
        "ses:smtpUsers[4].domains": "is required",
        "ses:smtpUsers[5].domains": "at least one domain",
        "ses:smtpUsers[5].users[0]": "duplicates the user",
        "ses:smtpUsers[6].previousRotation": "equals rotation",
    }
    for key, text in expected.items():
        assert key in problems, f"{key} not reported; got {sorted(problems)}"
        assert text in problems[key], (key, problems[key])
    assert set(problems) == set(expected)


def test_unknown_domain_lists_the_configured_ones() -> None:
    problems = _problems([{"name": "app", "domains": ["example.net"]}])
    assert "configured: example.com, example.org" in problems["ses:smtpUsers[0].domains[0]"]


def test_smtp_users_must_be_a_list_of_objects() -> None:
    assert "list of objects" in _problems("nope")["ses:smtpUsers"]  # type: ignore[arg-type]


def test_duplicate_group_and_secret_names() -> None:
    problems = _problems(
        [
            {"name": "grp", "users": ["a"], "domains": ["example.com"]},
            {"name": "GRP", "users": ["b"], "domains": ["example.com"]},
            {"name": "c", "domains": ["example.com"], "secret": {"name": "shared"}},
            {"name": "d", "domains": ["example.com"], "secret": {"name": "shared"}},
        ]
    )
    assert "duplicates the group" in problems["ses:smtpUsers[1].name"]
    assert "also the secret of user c" in problems["ses:smtpUsers[3].secret.name"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("noreply@example.com", "noreply@example.com"),
        ("*@example.com", "*@example.com"),
        ("alert-?@Example.COM", "alert-?@example.com"),
        ("*@*.example.com", "*@*.example.com"),
        ("news@mail.example.com", "news@mail.example.com"),
    ],
)
def test_from_patterns_accepted(pattern: str, expected: str) -> None:
    assert parse_from_pattern(pattern, ["example.com"]) == expected


@pytest.mark.parametrize(
    "pattern",
    ["*", "*@*", "noreply", "a@b@example.com", "@example.com", "*@example.*", "x@notexample.com"],
)
def test_from_patterns_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        parse_from_pattern(pattern, ["example.com"])


def test_recipient_patterns() -> None:
    assert parse_recipient_pattern("*@Gmail.com") == "*@gmail.com"
    for bad in ("*", "x", "*@*"):
        with pytest.raises(ValueError):
            parse_recipient_pattern(bad)


def test_a_user_without_from_addresses_is_a_warning_and_in_production_an_error() -> None:
    users = [
        {"name": "free", "domains": ["example.com"]},
        {"name": "empty", "domains": ["example.com"], "fromAddresses": []},
        {"name": "bound", "domains": ["example.com"], "fromAddresses": ["noreply@example.com"]},
    ]
    warnings = [w for w in parse(config_with(users)).warnings if "fromAddresses" in w]
    assert [w.split(" ", 1)[0] for w in warnings] == [
        "ses:smtpUsers[0].fromAddresses",
        "ses:smtpUsers[1].fromAddresses",
    ]
    assert "may send as any address of its domains" in warnings[0]
    problems = _problems(users, production=True)
    assert set(problems) == {"ses:smtpUsers[0].fromAddresses", "ses:smtpUsers[1].fromAddresses"}
    assert problems["ses:smtpUsers[0].fromAddresses"].startswith(
        "is required in a production stack (ses:production is true)"
    )
    assert parse(config_with(users[2:], production="true")).production is True


def test_the_prod_stack_is_production_and_dev_is_not() -> None:
    from components.plan.run import read_stack_files

    assert read_stack_files("prod").config["ses:production"] == "true"
    assert read_stack_files("dev").config["ses:production"] == "false"  # Pulumi.yaml's default
