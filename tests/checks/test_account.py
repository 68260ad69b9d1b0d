"""``checks account status|request-production``: options checked up front, the request printed
and sent only with --yes, AWS's answers (botocore's Stubber against the sesv2 model: GetAccount,
PutAccountDetails with ConflictException) and failures (no credentials, an unreachable endpoint)
classified into exit statuses. moto 5.2.5 implements neither call. Nothing leaves loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.checks.account.request import parse_request
from components.checks.exit_status import ExitStatus
from tests.support.aws_stubs import fake_aws_env, stubbed
from tests.support.checks_support import run_cli
from tests.support.knot_server import free_port

REQUEST = [
    "account",
    "request-production",
    "--region",
    "eu-west-1",
    "--mail-type",
    "transactional",
    "--website-url",
    "https://www.example.com/about",
    "--contact",
    "ops@bücher.example",
    "--use-case",
    "Password resets and receipts for signed-up customers; bounces suppressed.",
]
SENT = {
    "MailType": "TRANSACTIONAL",
    "WebsiteURL": "https://www.example.com/about",
    "ProductionAccessEnabled": True,
    "UseCaseDescription": "Password resets and receipts for signed-up customers; bounces "
    "suppressed.",
    "AdditionalContactEmailAddresses": ["ops@xn--bcher-kva.example"],
}


def account(production: bool = False, review: str | None = None) -> dict[str, Any]:
    """A GetAccount answer."""
    data: dict[str, Any] = {
        "ProductionAccessEnabled": production,
        "SendingEnabled": True,
        "EnforcementStatus": "HEALTHY",
        "SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 3.0},
    }
    if review is not None:
        data["Details"] = {
            "MailType": "TRANSACTIONAL",
            "WebsiteURL": "https://www.example.com",
            "ReviewDetails": {"Status": review, "CaseId": "173245678900"},
        }
    return data


def test_every_bad_option_is_named_at_once_with_a_bounded_value() -> None:
    long_url = "https://" + "x" * 5000
    result = run_cli(
        "account",
        "request-production",
        "--region",
        "eu-west-9",
        "--mail-type",
        "SPAM",
        "--website-url",
        long_url,
        "--contact",
        "Ops <ops@example.com>",
        "--contact",
        "nobody",
        "--use-case",
        "line\x07",
        "--language",
        "FR",
        "--endpoint-url",
        "ftp://127.0.0.1",
    )
    assert result.rc == ExitStatus.USAGE
    for option in (
        "--region eu-west-9 is not a region where SES runs; did you mean 'eu-west-3'?",
        "--mail-type SPAM: allowed: TRANSACTIONAL or MARKETING",
        "--language FR: allowed: EN or JA",
        "--website-url https://xxx",
        "is 5008 characters long; at most 1000",
        "--contact Ops <ops@example.com>: give the bare address",
        "--contact nobody: needs exactly one '@'",
        "--use-case 'line\\x07': holds the control character U+0007",
        "--endpoint-url ftp://127.0.0.1: allowed: an http:// or https:// URL",
    ):
        assert option in result.err, option
    assert max(len(line) for line in result.err.splitlines() if "--website-url" in line) < 300
    assert "Traceback" not in result.err and result.out == ""


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("www.example.com", "allowed: an http:// or https:// URL"),
        ("https://localhost/", "names no public host"),
        ("https://me:secret@www.example.com/", "holds a user name or password"),
        ("https://www.example.com:99999/", "is not a URL"),
        ("https://www.example.com/a b", "holds white space"),
    ],
)
def test_website_urls_refused(url: str, why: str) -> None:
    request, problems = parse_request(
        region="eu-west-1",
        mail_type="MARKETING",
        website_url=url,
        contacts=[],
        use_case=None,
        language=None,
    )
    assert request is None
    assert len(problems) == 1 and why in problems[0], problems
    assert "secret" not in problems[0] or "user name" in problems[0]


def test_more_than_four_contacts_and_a_repeated_one_are_refused() -> None:
    contacts = ["a@example.com", "b@example.com", "A@EXAMPLE.com", "a@example.com", "c@x.example"]
    _, problems = parse_request(
        region="eu-west-1",
        mail_type="MARKETING",
        website_url="https://www.example.com",
        contacts=contacts,
        use_case=None,
        language=None,
    )
    assert problems == [
        "--contact a@example.com: given twice",
        "--contact given 5 times; allowed: at most 4 addresses",
    ]


def test_without_yes_the_request_is_printed_and_nothing_is_called(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with stubbed(monkeypatch, "sesv2"):  # no response queued: any call would fail the test
        result = run_cli(*REQUEST, "--language", "ja")
    assert result.rc == ExitStatus.OK, result.err
    printed = result.out.split("\n", 1)[1].rsplit("}", 1)[0] + "}"
    assert json.loads(printed) == {**SENT, "ContactLanguage": "JA"}
    assert result.out.rstrip().endswith("not sent: add --yes to send this request")
    assert "note:" not in result.out  # the use case is given


def test_yes_sends_put_account_details_after_get_account(monkeypatch: pytest.MonkeyPatch) -> None:
    with stubbed(monkeypatch, "sesv2") as stubs:
        stubs["sesv2"].add_response("get_account", account(), {})
        stubs["sesv2"].add_response("put_account_details", {}, SENT)
        result = run_cli(*REQUEST, "--yes")
    assert result.rc == ExitStatus.OK, result.err
    assert "sent: AWS is reviewing the request for eu-west-1" in result.out


def test_yes_sends_nothing_when_production_access_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with stubbed(monkeypatch, "sesv2") as stubs:
        stubs["sesv2"].add_response("get_account", account(production=True, review="GRANTED"), {})
        result = run_cli(*REQUEST, "--yes")
    assert result.rc == ExitStatus.OK
    assert "not sent: the account in eu-west-1 has production access already" in result.out


@pytest.mark.parametrize("review", ["PENDING", "DENIED"])
def test_a_pending_or_denied_review_sends_nothing_and_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, review: str
) -> None:
    with stubbed(monkeypatch, "sesv2") as stubs:
        stubs["sesv2"].add_response("get_account", account(review=review), {})
        result = run_cli(*REQUEST, "--yes")
    assert result.rc == ExitStatus.REVIEW_CONFLICT == 10
    assert f"production-access review {review} (case 173245678900)" in result.err
    assert "Nothing was sent" in result.err and "AWS Support Center" in result.err


def test_conflict_exception_from_put_account_details(monkeypatch: pytest.MonkeyPatch) -> None:
    with stubbed(monkeypatch, "sesv2") as stubs:
        stubs["sesv2"].add_response("get_account", account(review="FAILED"), {})
        stubs["sesv2"].add_client_error(
            "put_account_details",
            service_error_code="ConflictException",
            service_message="A review is pending.",
            http_status_code=409,
            expected_params=SENT,
        )
        result = run_cli(*REQUEST, "--yes")
    assert result.rc == ExitStatus.REVIEW_CONFLICT
    assert "ConflictException: a review is pending or was denied (A review is pending.)" in (
        result.err
    )


@pytest.mark.parametrize(
    ("operation", "code", "status", "words"),
    [
        ("get_account", "AccessDeniedException", ExitStatus.DENIED, "allow ses:GetAccount"),
        ("put_account_details", "AccessDeniedException", ExitStatus.DENIED, "PutAccountDetails"),
        ("put_account_details", "TooManyRequestsException", ExitStatus.REJECTED, "throttled"),
        ("put_account_details", "BadRequestException", ExitStatus.REJECTED, "AWS refused"),
        ("get_account", "UnrecognizedClientException", ExitStatus.USAGE, "rejected the cred"),
    ],
)
def test_aws_errors_are_classified(
    monkeypatch: pytest.MonkeyPatch, operation: str, code: str, status: ExitStatus, words: str
) -> None:
    with stubbed(monkeypatch, "sesv2") as stubs:
        if operation == "put_account_details":
            stubs["sesv2"].add_response("get_account", account(), {})
        stubs["sesv2"].add_client_error(operation, service_error_code=code, http_status_code=400)
        result = run_cli(*REQUEST, "--yes")
    assert result.rc == status, result.err
    assert words in result.err and "Traceback" not in result.err


def test_no_credentials_is_a_usage_error_before_anything_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_aws_env(monkeypatch, credentials=False)
    port = free_port("127.0.0.1")
    result = run_cli(*REQUEST, "--yes", "--endpoint-url", f"http://127.0.0.1:{port}")
    assert result.rc == ExitStatus.USAGE
    assert "sesv2 GetAccount: no AWS credentials found" in result.err


def test_an_unreachable_endpoint_is_could_not_check(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_env(monkeypatch)
    port = free_port("127.0.0.1")
    result = run_cli(
        "account", "status", "--region", "eu-west-1", "--endpoint-url", f"http://127.0.0.1:{port}"
    )
    assert result.rc == ExitStatus.UNCHECKED
    assert "sesv2 GetAccount: could not reach AWS" in result.err
    assert "testing" not in result.err  # the (fake) keys are never shown


def test_status_shows_review_case_and_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    with stubbed(monkeypatch, "sesv2") as stubs:
        stubs["sesv2"].add_response("get_account", account(review="PENDING"), {})
        stubs["sesv2"].add_response("get_account", account(review="PENDING"), {})
        human = run_cli("account", "status", "--region", "eu-west-1")
        doc = run_cli("account", "status", "--region", "eu-west-1", "--json")
    assert human.rc == doc.rc == ExitStatus.OK
    assert human.out.splitlines() == [
        "SES account in eu-west-1: sandbox (the request for production access is under review "
        "(case 173245678900): wait for AWS's answer)",
        "  review: production-access review PENDING (case 173245678900), mail type TRANSACTIONAL",
        "  quota: 200 messages per 24 h, 3 sent in the last 24 h, at most 1 per second",
        "  sending enabled: True, enforcement status: HEALTHY",
    ]
    assert doc.doc["review_status"] == "PENDING"
    assert doc.doc["review_case_id"] == "173245678900"
    assert doc.doc["mode"] == "sandbox"
