"""``plan --check-adopted``: the adopted resources read in SES, against moto_server on
127.0.0.1 (its sesv2 GetEmailIdentity and GetConfigurationSet)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from components.plan import make_plan
from components.plan.__main__ import main
from components.plan.existing import CONFIGURATION_SET, IDENTITY, check_adopted
from components.plan.run import Plan
from tests.support.moto_server import FAKE_ENV, moto_server


@pytest.fixture(scope="module")
def adopt_plan() -> Plan:
    return make_plan("adopt")


@pytest.fixture
def ses(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    with moto_server() as url:
        yield url


def _sesv2(url: str, region: str) -> Any:
    return boto3.client("sesv2", region_name=region, endpoint_url=url)


def _make_as_the_console_did(url: str, *, key_length: str = "RSA_2048_BIT") -> None:
    """The adopt stack's identities and sets, made outside any stack."""
    for region, domain in (
        ("eu-west-1", "shop.example.net"),
        ("eu-west-1", "news.example.net"),
        ("us-east-1", "news.example.net"),
    ):
        client = _sesv2(url, region)
        set_name = domain.replace(".", "-")
        client.create_configuration_set(ConfigurationSetName=set_name)
        client.create_email_identity(
            EmailIdentity=domain,
            DkimSigningAttributes={"NextSigningKeyLength": key_length},
            ConfigurationSetName=set_name,
        )


def _identities_and_sets(plan: Plan) -> list[dict[str, Any]]:
    return [r for r in plan.resources if r["type"] in (IDENTITY, CONFIGURATION_SET)]


def test_what_exists_as_declared_is_confirmed(adopt_plan: Plan, ses: str) -> None:
    _make_as_the_console_did(ses)
    confirmation = check_adopted(_identities_and_sets(adopt_plan), ses)
    assert confirmation.failure is None
    assert confirmation.findings == ()
    assert confirmation.checked == 6


def test_a_missing_identity_and_another_key_length_are_named(adopt_plan: Plan, ses: str) -> None:
    _make_as_the_console_did(ses, key_length="RSA_1024_BIT")
    _sesv2(ses, "us-east-1").delete_email_identity(EmailIdentity="news.example.net")
    confirmation = check_adopted(_identities_and_sets(adopt_plan), ses)
    messages = {f"{f.resource} ({f.region})": f.message for f in confirmation.findings}
    assert (
        "does not exist in SES (sesv2 GetEmailIdentity: NotFoundException)"
        in (messages["news.example.net-identity-us-east-1 (us-east-1)"])
    )
    assert messages["shop.example.net-identity (eu-west-1)"].startswith(
        "the DKIM key length is RSA_1024_BIT in SES but RSA_2048_BIT in the stack"
    )
    assert len(confirmation.findings) == 3


def test_the_cli_names_each_difference_and_exits_2(
    ses: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _make_as_the_console_did(ses)
    status = main(["--stack", "adopt", "--check-adopted", "--aws-endpoint-url", ses])
    err = capsys.readouterr().err
    assert status == 2
    # moto keeps no MAIL FROM setting: the three adopted MAIL FROM resources differ
    assert err.count("the MAIL FROM domain is (none) in SES but mail") == 3
    assert "plan: adopted shop.example.net-mail-from (eu-west-1):" in err


def test_unreachable_ses_stops_the_check_with_one_line(
    adopt_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    confirmation = check_adopted(adopt_plan.resources, "http://127.0.0.1:9")
    assert confirmation.failure is not None
    assert "could not reach AWS" in confirmation.failure.message


def test_a_bad_endpoint_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "adopt", "--check-adopted", "--aws-endpoint-url", "ftp://x"]) == 2
    assert "--aws-endpoint-url" in capsys.readouterr().err
