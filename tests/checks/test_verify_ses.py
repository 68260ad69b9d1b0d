"""``verify --aws``: SES identity and account status, against moto_server and botocore's Stubber.

moto 5.2.5 implements sesv2 GetEmailIdentity (without MAIL FROM attributes) but not GetAccount,
so the account checks and the MAIL FROM status use the Stubber. Every endpoint is loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from components.checks.verify import ses
from components.checks.verify.expected import Expected
from components.checks.verify.stack_context import StackContext, stack_context
from tests.support.checks_support import make_world
from tests.support.knot_server import free_port
from tests.support.moto_server import FAKE_ENV, moto_server


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in FAKE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def moto_url(aws_env: None) -> Iterator[str]:
    with moto_server() as url:
        yield url


def client(url: str | None = None) -> Any:
    return boto3.client("sesv2", region_name="us-east-1", endpoint_url=url or "http://127.0.0.1:9")


def test_identity_status_from_moto(moto_url: str) -> None:
    sesv2 = client(moto_url)
    sesv2.create_email_identity(
        EmailIdentity="example.com",
        DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"},
    )
    info, findings = ses.identity_status("example.com", False, sesv2)
    assert info is not None
    assert info["verification_status"] == "SUCCESS"
    assert info["dkim_status"] == "SUCCESS"
    assert findings == []
    info, findings = ses.identity_status("example.com", True, sesv2)
    assert [f.code for f in findings] == ["ses_mail_from_not_set"]  # moto has no MAIL FROM


def test_missing_identity_from_moto(moto_url: str) -> None:
    info, findings = ses.identity_status("nope.example.com", False, client(moto_url))
    assert info is None
    assert [f.code for f in findings] == ["ses_identity_missing"]
    assert findings[0].severity == "error"


def test_verify_aws_end_to_end_against_moto(
    moto_url: str, stack: ExitStack, tmp_path: Path
) -> None:
    client(moto_url).create_email_identity(EmailIdentity="example.com")
    world = make_world(stack, tmp_path, servers=1)
    result = world.verify("--aws", "--aws-endpoint-url", moto_url)
    ses_info = result.doc["domains"][0]["ses"]
    assert ses_info["region"] == "us-east-1"  # from the MAIL FROM MX host
    assert ses_info["verification_status"] == "SUCCESS"
    codes = result.codes()
    assert "ses_dkim_status" in codes  # moto: NOT_STARTED without signing attributes
    assert "ses_mail_from_not_set" in codes
    # moto does not implement GetAccount: reported as "could not check", not as a crash.
    account_codes = [f["code"] for f in result.doc["account"]["findings"]]
    assert account_codes == ["could_not_check"]
    assert result.rc == 1  # the MAIL FROM error wins over "could not check"


def _identity(mail_from_status: str = "SUCCESS", dkim: str = "SUCCESS") -> dict[str, Any]:
    return {
        "IdentityType": "DOMAIN",
        "VerificationStatus": "SUCCESS",
        "VerifiedForSendingStatus": True,
        "DkimAttributes": {"Status": dkim, "SigningAttributesOrigin": "AWS_SES"},
        "MailFromAttributes": {
            "MailFromDomain": "mail.example.com",
            "MailFromDomainStatus": mail_from_status,
            "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
        },
    }


def _account(production: bool) -> dict[str, Any]:
    return {
        "ProductionAccessEnabled": production,
        "SendingEnabled": True,
        "EnforcementStatus": "HEALTHY",
        "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 12.0},
    }


@pytest.mark.parametrize(
    ("mail_from", "dkim", "codes"),
    [
        ("SUCCESS", "SUCCESS", []),
        ("PENDING", "SUCCESS", [("ses_mail_from_status", "warning")]),
        (
            "FAILED",
            "TEMPORARY_FAILURE",
            [("ses_dkim_status", "error"), ("ses_mail_from_status", "error")],
        ),
    ],
)
def test_identity_status_with_stubber(
    aws_env: None, mail_from: str, dkim: str, codes: list[tuple[str, str]]
) -> None:
    sesv2 = client()
    with Stubber(sesv2) as stub:
        stub.add_response(
            "get_email_identity", _identity(mail_from, dkim), {"EmailIdentity": "example.com"}
        )
        info, findings = ses.identity_status("example.com", True, sesv2)
        stub.assert_no_pending_responses()
    assert info is not None and info["mail_from_status"] == mail_from
    assert [(f.code, f.severity) for f in findings] == codes


@pytest.mark.parametrize("production", [True, False])
def test_account_status_with_stubber(aws_env: None, production: bool) -> None:
    sesv2 = client()
    with Stubber(sesv2) as stub:
        stub.add_response("get_account", _account(production), {})
        info, findings = ses.account_status("us-east-1", sesv2)
    assert info is not None
    assert info["mode"] == ("production" if production else "sandbox")
    assert (info["max_24_hour_send"], info["max_send_rate"], info["sent_last_24_hours"]) == (
        50000.0,
        14.0,
        12.0,
    )
    assert [f.code for f in findings] == ([] if production else ["ses_sandbox"])


def test_attach_status_all_good_with_stubber(aws_env: None) -> None:
    from components.checks.dns.client import Stats
    from components.checks.verify.findings import DomainResult
    from components.checks.verify.report import Report, to_json

    sesv2 = client()
    stub = Stubber(sesv2)
    stub.add_response("get_email_identity", _identity(), {"EmailIdentity": "example.com"})
    stub.add_response("get_account", _account(True), {})
    records = [
        Expected(
            "example.com",
            "mail.example.com",
            "MX",
            "10 feedback-smtp.eu-west-1.amazonses.com",
            "mail_from_mx",
        )
    ]
    report = Report([DomainResult("example.com")], Stats(), 0.0)
    regions: list[str] = []

    def factory(region: str) -> Any:
        regions.append(region)
        return sesv2

    with stub:
        ses.attach_status(report, records, factory=factory)
    assert regions == ["eu-west-1"]
    assert report.exit_status() == 0
    doc = to_json(report)
    assert doc["account"]["eu-west-1"]["mode"] == "production"
    assert doc["domains"][0]["ses"]["mail_from_status"] == "SUCCESS"


def test_unreachable_ses_endpoint_is_could_not_check(
    aws_env: None, stack: ExitStack, tmp_path: Path
) -> None:
    world = make_world(stack, tmp_path, servers=1)
    port = free_port("127.0.0.1")
    result = world.verify("--aws", "--aws-endpoint-url", f"http://127.0.0.1:{port}")
    assert result.rc == 3, result.out
    assert "Traceback" not in result.err
    assert result.findings("could_not_check")


EU_CENTRAL_2_ZONE = "dkim.eu-central-2.amazonses.com"
TOKENS = ["aaaa1111", "bbbb2222", "cccc3333"]


def _dkim_records(zone: str, tokens: list[str] = TOKENS) -> list[Expected]:
    return [
        Expected("example.com", f"{t}._domainkey.example.com", "CNAME", f"{t}.{zone}", "dkim", 1800)
        for t in tokens
    ]


def _easy_dkim_identity(zone: str, tokens: list[str] = TOKENS) -> dict[str, Any]:
    identity = _identity()
    identity["DkimAttributes"] = {
        "SigningEnabled": True,
        "Status": "SUCCESS",
        "Tokens": tokens,
        "SigningHostedZone": zone,
        "SigningAttributesOrigin": "AWS_SES_EU_CENTRAL_2",
    }
    return identity


@pytest.mark.parametrize(
    ("published_zone", "ses_tokens", "expected"),
    [
        (EU_CENTRAL_2_ZONE, TOKENS, []),
        (
            "dkim.amazonses.com",
            TOKENS,
            [
                (
                    f"{t}._domainkey.example.com",
                    f"{t}._domainkey.example.com. 1800 IN CNAME {t}.{EU_CENTRAL_2_ZONE}.",
                )
                for t in TOKENS
            ],
        ),
        (EU_CENTRAL_2_ZONE, ["aaaa1111", "bbbb2222", "dddd4444"], [("example.com", None)]),
    ],
)
def test_dkim_cname_targets_against_signing_hosted_zone(
    aws_env: None,
    published_zone: str,
    ses_tokens: list[str],
    expected: list[tuple[str, str | None]],
) -> None:
    sesv2 = client()
    with Stubber(sesv2) as stub:
        stub.add_response(
            "get_email_identity",
            _easy_dkim_identity(EU_CENTRAL_2_ZONE, ses_tokens),
            {"EmailIdentity": "example.com"},
        )
        info, findings = ses.identity_status(
            "example.com", False, sesv2, _dkim_records(published_zone)
        )
        stub.assert_no_pending_responses()
    assert info is not None and info["dkim_signing_hosted_zone"] == EU_CENTRAL_2_ZONE
    assert [(f.name, f.fix) for f in findings] == expected
    assert {f.code for f in findings} <= {"ses_dkim_target"}
    assert all(f.severity == "error" for f in findings)


def test_byodkim_identities_are_not_compared(aws_env: None) -> None:
    identity = _easy_dkim_identity(EU_CENTRAL_2_ZONE)
    identity["DkimAttributes"]["SigningAttributesOrigin"] = "EXTERNAL"
    findings = ses.dkim_target_findings(
        "example.com", identity["DkimAttributes"], _dkim_records("dkim.amazonses.com")
    )
    assert findings == []


@pytest.mark.parametrize(
    ("review", "words"),
    [
        (None, "request production access: checks account request-production --region eu-west-1"),
        ("PENDING", "under review (case 5551234): wait for AWS's answer"),
        ("DENIED", "was denied (case 5551234): answer in that case in the AWS Support Center"),
    ],
)
def test_account_review_status_and_case_with_stubber(
    aws_env: None, review: str | None, words: str
) -> None:
    data = _account(False)
    if review is not None:
        data["Details"] = {"ReviewDetails": {"Status": review, "CaseId": "5551234"}}
    sesv2 = client()
    with Stubber(sesv2) as stub:
        stub.add_response("get_account", data, {})
        info, findings = ses.account_status("eu-west-1", sesv2)
    assert info is not None
    assert (info["review_status"], info["review_case_id"]) == (
        (review, "5551234") if review else (None, None)
    )
    assert info["enforcement_status"] == "HEALTHY"
    assert [f.code for f in findings] == ["ses_sandbox"]
    assert words in findings[0].message


def test_account_and_dkim_in_both_reports_and_the_schema(aws_env: None) -> None:
    import jsonschema

    from components.checks.dns.client import Stats
    from components.checks.verify.findings import DomainResult
    from components.checks.verify.report import Report, render_human, to_json
    from tests.support.paths import load_schema

    sesv2 = client()
    data = _account(False)
    data["Details"] = {"ReviewDetails": {"Status": "PENDING", "CaseId": "5551234"}}
    records = _dkim_records("dkim.amazonses.com", TOKENS[:1])
    report = Report([DomainResult("example.com")], Stats(), 0.0)
    with Stubber(sesv2) as stub:
        stub.add_response(
            "get_email_identity",
            _easy_dkim_identity(EU_CENTRAL_2_ZONE, TOKENS[:1]),
            {"EmailIdentity": "example.com"},
        )
        stub.add_response("get_account", data, {})
        ses.attach_status(report, records, region="eu-central-2", factory=lambda _: sesv2)
    doc = to_json(report)
    jsonschema.Draft202012Validator(load_schema("checks_report.schema.json")).validate(doc)
    assert doc["account"]["eu-central-2"]["review_case_id"] == "5551234"
    assert [f["code"] for f in doc["domains"][0]["findings"]] == ["ses_dkim_target"]
    human = render_human(report)
    assert (
        "SES account (eu-central-2): mode sandbox, sending_enabled True, enforcement_status "
        "HEALTHY, review_status PENDING, review_case_id 5551234, max_24_hour_send 50000.0"
    ) in human
    assert f"fix: aaaa1111._domainkey.example.com. 1800 IN CNAME aaaa1111.{EU_CENTRAL_2_ZONE}." in (
        human
    )
    assert report.exit_status() == 1


# --- several regions and global endpoints (sesv2 GetMultiRegionEndpoint, Stubber) ----------

TWO_REGION_OUTPUTS = {
    "dns_records": [
        {
            "domain": "example.com",
            "name": "mail.example.com",
            "type": "MX",
            "value": "10 feedback-smtp.eu-west-1.amazonses.com",
            "ttl": 1800,
            "purpose": "mail_from_mx",
        },
        {
            "domain": "example.com",
            "name": "mail-us-east-1.example.com",
            "type": "MX",
            "value": "10 feedback-smtp.us-east-1.amazonses.com",
            "ttl": 1800,
            "purpose": "mail_from_mx",
        },
    ],
    "identities": {
        "example.com": {
            "region": "eu-west-1",
            "regions": {"eu-west-1": {}, "us-east-1": {}},
        }
    },
    "global_endpoints": {
        "example-com": {"id": "abc", "domain": "example.com", "regions": ["eu-west-1", "us-east-1"]}
    },
}


def _endpoint(status: str, routes: list[str]) -> dict[str, Any]:
    return {
        "EndpointName": "example-com",
        "EndpointId": "abc123.xyz",
        "Status": status,
        "Routes": [{"Region": region} for region in routes],
    }


def _stubbed_regions(
    endpoint: dict[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, Stubber], list[str]]:
    """One stubbed sesv2 client per region: each answers GetEmailIdentity and GetAccount, the
    primary also GetMultiRegionEndpoint (``None``: NotFoundException)."""
    clients: dict[str, Any] = {}
    stubs: dict[str, Stubber] = {}
    for region in ("eu-west-1", "us-east-1"):
        sesv2 = boto3.client("sesv2", region_name=region, endpoint_url="http://127.0.0.1:9")
        stub = Stubber(sesv2)
        stub.add_response("get_email_identity", _identity(), {"EmailIdentity": "example.com"})
        if region == "eu-west-1":
            if endpoint is None:
                stub.add_client_error(
                    "get_multi_region_endpoint",
                    service_error_code="NotFoundException",
                    http_status_code=404,
                    expected_params={"EndpointName": "example-com"},
                )
            else:
                stub.add_response(
                    "get_multi_region_endpoint", endpoint, {"EndpointName": "example-com"}
                )
        stub.add_response("get_account", _account(True), {})
        stub.activate()
        clients[region], stubs[region] = sesv2, stub
    asked: list[str] = []
    return clients, stubs, asked


def _attach(endpoint: dict[str, Any] | None) -> Any:
    import json

    from components.checks.dns.client import Stats
    from components.checks.verify.expected import parse_records
    from components.checks.verify.findings import DomainResult
    from components.checks.verify.report import Report

    text = json.dumps(TWO_REGION_OUTPUTS)
    clients, stubs, asked = _stubbed_regions(endpoint)

    def factory(region: str) -> Any:
        asked.append(region)
        return clients[region]

    report = Report([DomainResult("example.com")], Stats(), 0.0)
    ses.attach_status(
        report,
        parse_records(text, "outputs"),
        factory=factory,
        context=stack_context(text),
    )
    for stub in stubs.values():
        stub.assert_no_pending_responses()
        stub.deactivate()
    return report, asked


def test_stack_context_reads_regions_and_endpoints() -> None:
    import json

    context = stack_context(json.dumps({"outputs": TWO_REGION_OUTPUTS}))
    assert context.regions == {"example.com": ["eu-west-1", "us-east-1"]}
    assert context.endpoints == {"example-com": ["eu-west-1", "us-east-1"]}
    assert stack_context('[{"domain": "x"}]') == StackContext()
    assert stack_context('{"identities": "[secret]", "global_endpoints": [1]}') == (StackContext())


def test_every_region_and_the_endpoint_are_asked(aws_env: None) -> None:
    from components.checks.verify.report import render_human, to_json
    from tests.support.paths import load_schema

    report, asked = _attach(_endpoint("READY", ["eu-west-1", "us-east-1"]))
    assert asked == ["eu-west-1", "us-east-1"]
    assert report.exit_status() == 0
    doc = to_json(report)
    ses_info = doc["domains"][0]["ses"]
    assert ses_info["region"] == "eu-west-1"
    assert set(ses_info["regions"]) == {"eu-west-1", "us-east-1"}
    assert doc["global_endpoints"]["example-com"] == {
        "id": "abc123.xyz",
        "status": "READY",
        "routes": ["eu-west-1", "us-east-1"],
    }
    assert set(doc["account"]) == {"eu-west-1", "us-east-1", "findings"}
    import jsonschema

    jsonschema.validate(doc, load_schema("checks_report.schema.json"))
    assert "SES global endpoint example-com: id abc123.xyz, status READY" in render_human(report)


@pytest.mark.parametrize(
    ("endpoint", "codes"),
    [
        (None, [("ses_endpoint_missing", "error")]),
        (_endpoint("CREATING", ["eu-west-1", "us-east-1"]), [("ses_endpoint_status", "warning")]),
        (_endpoint("FAILED", ["eu-west-1", "us-east-1"]), [("ses_endpoint_status", "error")]),
        (_endpoint("READY", ["eu-west-1", "us-west-2"]), [("ses_endpoint_routes", "error")]),
    ],
)
def test_endpoint_problems_are_findings(
    aws_env: None, endpoint: dict[str, Any] | None, codes: list[tuple[str, str]]
) -> None:
    report, _ = _attach(endpoint)
    found = [(f.code, f.severity) for f in report.account_findings]
    assert found == codes
    assert all(f.name == "global endpoint example-com" for f in report.account_findings)


def test_a_secondary_regions_identity_problem_names_its_region(aws_env: None) -> None:
    from components.checks.dns.client import Stats
    from components.checks.verify.findings import DomainResult
    from components.checks.verify.report import Report

    clients: dict[str, Any] = {}
    for region in ("eu-west-1", "us-east-1"):
        sesv2 = boto3.client("sesv2", region_name=region, endpoint_url="http://127.0.0.1:9")
        stub = Stubber(sesv2)
        if region == "eu-west-1":
            stub.add_response("get_email_identity", _identity(), {"EmailIdentity": "example.com"})
        else:
            stub.add_client_error("get_email_identity", service_error_code="NotFoundException")
        stub.add_response("get_account", _account(True), {})
        stub.activate()
        clients[region] = sesv2
    records = [
        Expected(
            "example.com",
            "mail.example.com",
            "MX",
            f"10 feedback-smtp.{r}.amazonses.com",
            "mail_from_mx",
        )
        for r in ("eu-west-1", "us-east-1")
    ]
    report = Report([DomainResult("example.com")], Stats(), 0.0)
    ses.attach_status(report, records, factory=lambda region: clients[region])
    [finding] = report.domains[0].findings
    assert finding.code == "ses_identity_missing"
    assert finding.nameserver == "SES API (us-east-1)"
