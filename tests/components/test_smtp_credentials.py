"""The SES SMTP password derivation: published vectors and an independent implementation."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.regions import ses_regions
from components.smtp.credentials import (
    STARTTLS_PORTS,
    TLS_WRAPPER_PORTS,
    smtp_endpoint,
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


@pytest.mark.parametrize(("secret", "region"), [("", "us-east-1"), ("key", "")])
def test_empty_inputs_are_refused(secret: str, region: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        smtp_password_v4(secret, region)


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
