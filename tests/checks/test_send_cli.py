"""``checks send``: one message through the SES v2 API, checked up front, against botocore's
Stubber (the request as the model defines it, each error class) and moto's SendEmail on
loopback."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from components.checks.__main__ import build_parser, main
from components.checks.exit_status import ExitStatus
from components.checks.send.api import ApiCredentials
from components.checks.send.cli import DEFAULT_RECIPIENT, run
from tests.support.moto_server import FAKE_ENV, moto_server

KEY_ID = "AKIAEXAMPLEKEYID0001"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PARTNER = "arn:aws:ses:us-east-1:444455556666:identity/partner.example"
OUTPUTS = {
    "api_senders": {
        "reports": {"kind": "user", "region": "eu-west-1"},
        "app-api": {"kind": "role", "region": "us-east-1"},
    },
    "api_sender_credentials": {
        "reports": {"access_key_id": KEY_ID, "secret_access_key": SECRET_KEY, "region": "eu-west-1"}
    },
}


class Clients:
    """A client factory handing out one stubbed sesv2 client and noting how it was asked."""

    def __init__(self) -> None:
        self.client: Any = boto3.client(
            "sesv2",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.stubber = Stubber(self.client)
        self.calls: list[tuple[str, ApiCredentials, str | None]] = []

    def __call__(
        self, region: str, credentials: ApiCredentials, endpoint: str | None, timeout: float
    ) -> Any:
        self.calls.append((region, credentials, endpoint))
        return self.client


@pytest.fixture
def clients() -> Iterator[Clients]:
    made = Clients()
    with made.stubber:
        yield made
        made.stubber.assert_no_pending_responses()


def _run(
    argv: list[str],
    clients: Clients,
    capsys: pytest.CaptureFixture[str],
    stdin: bytes = b"",
    environ: dict[str, str] | None = None,
) -> tuple[ExitStatus, str, str]:
    args = build_parser().parse_args(["send", *argv])
    status = run(
        args,
        stdin=io.BytesIO(stdin),
        environ=environ if environ is not None else {},
        client_factory=clients,
    )
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _request(**extra: Any) -> dict[str, Any]:
    return {
        "FromEmailAddress": "noreply@example.com",
        "Destination": {"ToAddresses": [DEFAULT_RECIPIENT]},
        "Content": {
            "Simple": {
                "Subject": {"Data": "SES API send test", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": ANY, "Charset": "UTF-8"}},
            }
        },
        **extra,
    }


def test_sends_to_the_simulator_by_default_and_prints_the_message_id(
    clients: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    clients.stubber.add_response("send_email", {"MessageId": "0100-abc"}, _request())
    status, out, err = _run(
        ["--from", "noreply@example.com", "--region", "us-east-1"], clients, capsys
    )
    assert status == ExitStatus.OK, err
    assert "message id: 0100-abc" in out
    assert "to success@simulator.amazonses.com" in out
    assert clients.calls == [("us-east-1", ApiCredentials(), None)]


def test_options_become_the_request_and_json_reports_it(
    clients: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _request(
        FromEmailAddress="=?utf-8?b?QsO8cm8=?= <orders@partner.example>",
        Destination={"ToAddresses": ["ops@xn--bcher-kva.example"]},
        ConfigurationSetName="partner-set",
        FromEmailAddressIdentityArn=PARTNER,
    )
    clients.stubber.add_response("send_email", {"MessageId": "id-2"}, expected)
    status, out, _ = _run(
        [
            "--from",
            "Büro <orders@partner.example>",
            "--to",
            "ops@bücher.example",
            "--configuration-set",
            "partner-set",
            "--from-arn",
            PARTNER,
            "--region",
            "us-east-1",
            "--json",
        ],
        clients,
        capsys,
    )
    assert status == ExitStatus.OK
    report = json.loads(out)
    assert report["ok"] is True and report["message_id"] == "id-2"
    assert report["from_arn"] == PARTNER and report["configuration_set"] == "partner-set"


def test_every_bad_option_is_reported_at_once_and_nothing_is_sent(
    clients: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(
        [
            "--from",
            "José@example.com",
            "--to",
            "a\r\nBcc: x@example.com",
            "--subject",
            "line\nbreak",
            "--configuration-set",
            "no spaces",
            "--from-arn",
            "arn:aws:ses:us-east-1:444455556666:identity/other.example",
            "--endpoint-url",
            "http://example.com",
            "--region",
            "mars-1",
            "--timeout",
            "0",
        ],
        clients,
        capsys,
    )
    assert status == ExitStatus.USAGE and out == ""
    for option in (
        "--from ",
        "--to ",
        "--subject ",
        "--configuration-set ",
        "--endpoint-url ",
        "--region ",
        "--timeout ",
    ):
        assert f"send: {option}" in err, option
    assert "non-ASCII local part" in err
    assert clients.calls == []


def test_from_arn_must_be_the_from_addresses_identity(
    clients: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(
        ["--from", "a@example.com", "--from-arn", PARTNER, "--region", "us-east-1"], clients, capsys
    )
    assert status == ExitStatus.USAGE
    assert "is for partner.example, but --from is under example.com" in err


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            "MessageRejected",
            "Email address is not verified. The following identities failed "
            "the check in region US-EAST-1: noreply@example.com",
            ExitStatus.SANDBOX,
        ),
        (
            "AccessDeniedException",
            "User is not authorized to perform ses:SendEmail",
            ExitStatus.DENIED,
        ),
        (
            "UnrecognizedClientException",
            "The security token included in the request is invalid",
            ExitStatus.AUTH_FAILED,
        ),
        ("MailFromDomainNotVerifiedException", "mail from not verified", ExitStatus.SANDBOX),
        ("TooManyRequestsException", "Maximum sending rate exceeded.", ExitStatus.REJECTED),
        ("NotFoundException", "Configuration set <x> does not exist.", ExitStatus.REJECTED),
    ],
)
def test_api_errors_are_classified_with_advice(
    clients: Clients,
    capsys: pytest.CaptureFixture[str],
    code: str,
    message: str,
    expected: ExitStatus,
) -> None:
    clients.stubber.add_client_error(
        "send_email", service_error_code=code, service_message=message, http_status_code=400
    )
    status, out, _ = _run(
        ["--from", "noreply@example.com", "--region", "us-east-1"], clients, capsys
    )
    assert status == expected
    assert "FAILED" in out and code in out and "what to do:" in out


def test_the_access_key_comes_from_the_outputs_and_its_secret_is_never_printed(
    clients: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    clients.stubber.add_response("send_email", {"MessageId": "id-3"}, _request())
    status, out, err = _run(
        ["--outputs", "-", "--sender", "reports", "--from", "noreply@example.com"],
        clients,
        capsys,
        stdin=json.dumps(OUTPUTS).encode(),
    )
    assert status == ExitStatus.OK, err
    [(region, credentials, _)] = clients.calls
    assert region == "eu-west-1"
    assert credentials.access_key_id == KEY_ID and credentials.secret_access_key == SECRET_KEY
    assert SECRET_KEY not in out + err and KEY_ID not in out + err
    assert "AKIA…0001" in out
    assert SECRET_KEY not in repr(credentials)


def test_a_role_sender_uses_the_sdks_credentials_in_its_region(
    clients: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    clients.stubber.add_response("send_email", {"MessageId": "id-4"}, _request())
    status, out, _ = _run(
        ["--outputs", "-", "--sender", "app-api", "--from", "noreply@example.com"],
        clients,
        capsys,
        stdin=json.dumps(OUTPUTS).encode(),
    )
    assert status == ExitStatus.OK
    [(region, credentials, _)] = clients.calls
    assert region == "us-east-1" and credentials.access_key_id is None
    assert "for API sender app-api" in out


@pytest.mark.parametrize(
    ("outputs", "said"),
    [
        ({"api_sender_credentials": "[secret]"}, "is hidden"),
        ({"smtp": {}}, "no api_senders"),
        ({**OUTPUTS, "api_senders": []}, "api_senders is an array"),
        (OUTPUTS, "several API senders"),
        ({"api_sender_credentials": {"x": {"access_key_id": 3}}}, "x.access_key_id is a number"),
    ],
)
def test_unusable_outputs_are_usage_errors(
    clients: Clients, capsys: pytest.CaptureFixture[str], outputs: Any, said: str
) -> None:
    status, _, err = _run(
        ["--outputs", "-", "--from", "noreply@example.com", "--region", "us-east-1"],
        clients,
        capsys,
        stdin=json.dumps(outputs).encode(),
    )
    assert status == ExitStatus.USAGE
    assert said in err


def test_no_region_anywhere_is_a_usage_error(
    clients: Clients, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(["--from", "noreply@example.com"], clients, capsys)
    assert status == ExitStatus.USAGE and "no region" in err


def test_against_motos_send_email(stack: ExitStack, tmp_path: Path) -> None:
    """moto implements SendEmail: a verified identity sends, an unverified one is refused as
    SES refuses it (the sandbox status)."""
    url = stack.enter_context(moto_server())
    stack.enter_context(pytest.MonkeyPatch.context()).setattr(
        os, "environ", {**os.environ, **FAKE_ENV}
    )
    ses: Any = boto3.client("sesv2", region_name="us-east-1", endpoint_url=url)
    ses.create_email_identity(EmailIdentity="example.com")
    base = ["send", "--region", "us-east-1", "--endpoint-url", url, "--json", "--timeout", "5"]
    sent = main([*base, "--from", "noreply@example.com"])
    assert sent == ExitStatus.OK
    refused = main([*base, "--from", "noreply@unverified.example"])
    assert refused == ExitStatus.SANDBOX
