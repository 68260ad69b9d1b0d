"""The SES SMTP password derivation: published vectors and an independent implementation."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.regions import partition_of, ses_regions
from components.smtp.credentials import (
    API_ACTIONS,
    STARTTLS_PORTS,
    TLS_WRAPPER_PORTS,
    SmtpEndpoint,
    configuration_set_arn,
    identity_arn,
    send_policy,
    smtp_endpoint,
    smtp_host,
    smtp_password_v4,
    smtp_passwords,
)

# Published expectations, not computed here:
# - terraform-provider-aws, internal/service/iam/access_key_test.go,
#   TestSESSMTPPasswordFromSecretKeySigV4 (the provider behind pulumi-aws's
#   AccessKey.ses_smtp_password_v4);
# - aws/aws-sdk-php, tests/Ses/SesClientTest.php, testCanGenerateSmtpPasswordV4FromCredentials
#   (AWS's own SDK, "created using sample code" from the SES developer guide).
TF = "terraform-provider-aws"
PUBLISHED = [
    (TF, "eu-central-1", "some+secret+key", "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"),
    (TF, "eu-central-1", "another+secret+key", "BBbphbrQmrKMx42d1N6+C7VINYEBGI5v9VsZeTxwskfh"),
    (TF, "us-west-1", "some+secret+key", "BH+jbMzper5WwlwUar9E1ySBqHa9whi0GPo+sJ0mVYJj"),
    (TF, "us-west-1", "another+secret+key", "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF"),
    (
        "aws-sdk-php",
        "us-east-2",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS",
    ),
]


@pytest.mark.parametrize(("source", "region", "secret", "expected"), PUBLISHED)
def test_matches_published_examples(source: str, region: str, secret: str, expected: str) -> None:
    assert smtp_password_v4(secret, region) == expected, source


def _documented_steps(secret: str, region: str) -> str:
    """A second implementation written from AWS's numbered steps (SES Developer Guide, "Obtaining
    Amazon SES SMTP credentials"), kept deliberately literal and separate from the code under test:
    kDate = HMAC("AWS4" + key, "11111111"); kRegion = HMAC(kDate, region);
    kService = HMAC(kRegion, "ses"); kTerminal = HMAC(kService, "aws4_request");
    kMessage = HMAC(kTerminal, "SendRawEmail"); password = base64(0x04 || kMessage)."""
    k_date = hmac.digest(b"AWS4" + secret.encode(), b"11111111", "sha256")
    k_region = hmac.digest(k_date, region.encode(), "sha256")
    k_service = hmac.digest(k_region, b"ses", "sha256")
    k_terminal = hmac.digest(k_service, b"aws4_request", "sha256")
    k_message = hmac.digest(k_terminal, b"SendRawEmail", "sha256")
    return base64.standard_b64encode(b"\x04" + k_message).decode()


def test_second_implementation_agrees_with_published_examples() -> None:
    # The reference implementation itself is checked against the published values first.
    for _, region, secret, expected in PUBLISHED:
        assert _documented_steps(secret, region) == expected


@settings(max_examples=200, deadline=None)
@given(
    secret=st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        min_size=40,
        max_size=40,
    ),
    region=st.sampled_from(sorted(ses_regions())),
)
def test_agrees_with_documented_steps(secret: str, region: str) -> None:
    password = smtp_password_v4(secret, region)
    assert password == _documented_steps(secret, region)
    raw = base64.b64decode(password, validate=True)
    assert len(raw) == 1 + hashlib.sha256().digest_size
    assert raw[0] == 0x04


def test_password_differs_per_region() -> None:
    passwords = smtp_passwords("some+secret+key", sorted(ses_regions()))
    assert len(set(passwords.values())) == len(ses_regions())


def test_endpoint_host_and_ports() -> None:
    endpoint = smtp_endpoint("eu-west-1")
    assert endpoint.host == "email-smtp.eu-west-1.amazonaws.com"
    assert STARTTLS_PORTS == (25, 587, 2587)
    assert TLS_WRAPPER_PORTS == (465, 2465)
    assert endpoint.as_output() == {
        "host": "email-smtp.eu-west-1.amazonaws.com",
        "starttls_ports": [25, 587, 2587],
        "tls_wrapper_ports": [465, 2465],
    }


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-central-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-east-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eusc-de-east-1", "aws-eusc"),
    ],
)
def test_partition_of_each_region_family(region: str, partition: str) -> None:
    assert partition_of(region) == partition


@pytest.mark.parametrize(
    ("region", "identity", "configuration_set"),
    [
        (
            "cn-north-1",
            "arn:aws-cn:ses:cn-north-1:123456789012:identity/example.cn",
            "arn:aws-cn:ses:cn-north-1:123456789012:configuration-set/main",
        ),
        (
            "us-gov-west-1",
            "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/example.cn",
            "arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/main",
        ),
        (
            "us-iso-east-1",
            "arn:aws-iso:ses:us-iso-east-1:123456789012:identity/example.cn",
            "arn:aws-iso:ses:us-iso-east-1:123456789012:configuration-set/main",
        ),
        (
            "us-isob-east-1",
            "arn:aws-iso-b:ses:us-isob-east-1:123456789012:identity/example.cn",
            "arn:aws-iso-b:ses:us-isob-east-1:123456789012:configuration-set/main",
        ),
    ],
)
def test_send_policy_arns_in_other_partitions(
    region: str, identity: str, configuration_set: str
) -> None:
    partition = partition_of(region)
    assert identity_arn(partition, region, "123456789012", "example.cn") == identity
    assert configuration_set_arn(partition, region, "123456789012", "main") == configuration_set
    assert send_policy([identity], [configuration_set]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SendRawEmailFromOwnIdentities",
                "Effect": "Allow",
                "Action": "ses:SendRawEmail",
                "Resource": [identity, configuration_set],
            }
        ],
    }


IDENTITY = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
OTHER = "arn:aws:ses:eu-west-1:123456789012:identity/example.org"
CONFIG_SET = "arn:aws:ses:eu-west-1:123456789012:configuration-set/main"


def test_send_policy_with_conditions_whole_document() -> None:
    policy = send_policy(
        [IDENTITY, OTHER, IDENTITY],
        [CONFIG_SET, CONFIG_SET, IDENTITY],
        from_addresses=["a@example.com", "*@example.org", "a@example.com"],
        recipients=["*@example.net", "*@example.net", "x@example.com"],
    )
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SendRawEmailFromOwnIdentities",
                "Effect": "Allow",
                "Action": "ses:SendRawEmail",
                "Resource": [IDENTITY, OTHER, CONFIG_SET],
                "Condition": {
                    "StringLike": {"ses:FromAddress": ["a@example.com", "*@example.org"]},
                    "ForAllValues:StringLike": {
                        "ses:Recipients": ["*@example.net", "x@example.com"]
                    },
                    "Null": {"ses:Recipients": "false"},
                },
            }
        ],
    }


def test_send_policy_without_conditions_or_configuration_sets() -> None:
    assert send_policy([IDENTITY], None, [], []) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SendRawEmailFromOwnIdentities",
                "Effect": "Allow",
                "Action": "ses:SendRawEmail",
                "Resource": [IDENTITY],
            }
        ],
    }


def test_send_policy_from_addresses_alone_needs_no_recipient_condition() -> None:
    statement = send_policy([IDENTITY], from_addresses=["a@example.com"])["Statement"][0]
    assert statement["Condition"] == {"StringLike": {"ses:FromAddress": ["a@example.com"]}}


def test_send_policy_needs_an_identity() -> None:
    with pytest.raises(ValueError) as raised:
        send_policy([], [CONFIG_SET])
    assert str(raised.value) == "an SMTP policy needs at least one identity ARN"


@pytest.mark.parametrize(
    ("identities", "configuration_sets", "bad"),
    [
        (["*"], None, "*"),
        (["arn:aws:ses:eu-west-1:123456789012:identity/*"], None, None),
        (["identity/example.com"], None, None),
        ([IDENTITY], ["arn:aws:ses:eu-west-1:123456789012:configuration-set/*"], None),
        ([IDENTITY], ["configuration-set/main"], None),
    ],
)
def test_send_policy_refuses_wildcards_and_non_arns(
    identities: list[str], configuration_sets: list[str] | None, bad: str | None
) -> None:
    offending = bad or [*identities, *(configuration_sets or [])][-1]
    with pytest.raises(ValueError) as raised:
        send_policy(identities, configuration_sets)
    assert str(raised.value) == f"{offending!r} is not a single SES resource ARN"


def test_smtp_host_and_endpoint_of_another_region() -> None:
    assert smtp_host("cn-north-1") == "email-smtp.cn-north-1.amazonaws.com"
    assert smtp_endpoint("cn-north-1") == SmtpEndpoint(
        region="cn-north-1", host="email-smtp.cn-north-1.amazonaws.com"
    )


def test_smtp_passwords_are_keyed_by_region() -> None:
    assert smtp_passwords("some+secret+key", ["us-west-1", "eu-central-1"]) == {
        "us-west-1": "BH+jbMzper5WwlwUar9E1ySBqHa9whi0GPo+sJ0mVYJj",
        "eu-central-1": "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2",
    }


@pytest.mark.parametrize(
    ("secret", "region", "message"),
    [("", "us-east-1", "the secret access key is empty"), ("key", "", "the region is empty")],
)
def test_empty_inputs_are_refused(secret: str, region: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        smtp_password_v4(secret, region)
    assert str(raised.value) == message


def test_an_api_senders_policy_whole_document() -> None:
    assert send_policy([IDENTITY], [CONFIG_SET], actions=API_ACTIONS) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SendEmailThroughTheApi",
                "Effect": "Allow",
                "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                "Resource": [IDENTITY, CONFIG_SET],
            }
        ],
    }
    statement = send_policy([IDENTITY], actions=("ses:SendEmail", "ses:SendEmail"))["Statement"]
    assert statement == [
        {
            "Sid": "SendEmailThroughTheApi",
            "Effect": "Allow",
            "Action": "ses:SendEmail",
            "Resource": [IDENTITY],
        }
    ]


@pytest.mark.parametrize(
    ("actions", "shown"),
    [
        ((), "[]"),
        (("ses:*",), "['ses:*']"),
        (
            ("ses:SendRawEmail", "ses:DeleteEmailIdentity"),
            "['ses:SendRawEmail', 'ses:DeleteEmailIdentity']",
        ),
    ],
)
def test_a_send_policy_refuses_other_actions(actions: tuple[str, ...], shown: str) -> None:
    with pytest.raises(ValueError) as raised:
        send_policy([IDENTITY], actions=actions)
    assert str(raised.value) == (
        f"a send policy allows only ses:SendEmail, ses:SendRawEmail, not {shown}"
    )
