"""``verify --mailbox-providers --mail-type`` on knotd: what a domain sends decides whether
one-click unsubscribe applies (transactional mail is exempt), from the option (for every domain
or one) or, with ``--aws``, from the account's production-access mail type (botocore's Stubber);
the option's bad values are usage errors, all named at once."""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from components.checks.account.request import MailType
from components.checks.verify import ses
from components.checks.verify.readiness import Rule
from components.checks.verify.readiness_stack import MailTypes, parse_mail_types
from tests.checks.test_verify_readiness import document, records, verdicts, verify
from tests.support.checks_support import run_cli
from tests.support.moto_server import FAKE_ENV

UNSUBSCRIBE = Rule.ONE_CLICK_UNSUBSCRIBE.value


def no_list() -> dict[str, Any]:
    return document(records(), contact_list=False)


def test_transactional_mail_is_exempt(stack: ExitStack, tmp_path: Path) -> None:
    unknown = verdicts(verify(stack, tmp_path, doc=no_list()))[UNSUBSCRIBE]
    assert unknown[0] == "not_met" and "say so with --mail-type transactional" in unknown[1]
    result = verify(stack, tmp_path, "--mail-type", "transactional", "--strict", doc=no_list())
    state, detail = verdicts(result)[UNSUBSCRIBE]
    assert state == "met"
    assert detail.startswith("transactional mail is exempt (--mail-type transactional)")
    assert result.rc == 0  # nothing else is not met, so --strict passes


def test_one_domain_named_beats_every_domain(stack: ExitStack, tmp_path: Path) -> None:
    argv = ("--mail-type", "marketing", "--mail-type", "EXAMPLE.com.=Transactional")
    state, detail = verdicts(verify(stack, tmp_path, *argv, doc=no_list()))[UNSUBSCRIBE]
    assert state == "met" and "(--mail-type example.com=transactional)" in detail


def test_marketing_mail_without_a_list_is_not_met(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, "--mail-type", "marketing", "--strict", doc=no_list())
    state, detail = verdicts(result)[UNSUBSCRIBE]
    assert state == "not_met" and "marketing mail (--mail-type marketing) needs them" in detail
    assert result.rc == 1
    with_list = verify(stack, tmp_path, "--mail-type", "marketing")
    assert verdicts(with_list)[UNSUBSCRIBE][0] == "met"


def test_transactional_needs_no_stack_document(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, "--mail-type", "transactional", doc=records())
    assert verdicts(result)[UNSUBSCRIBE][0] == "met"
    assert verdicts(result)[Rule.TLS.value][0] == "cannot_tell"


def test_bad_mail_types_are_named_at_once(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(document(records(), plan=False)))
    long = "x" * 500
    result = run_cli(
        "verify", "--records", str(path), "--resolver", "127.0.0.1:1", "--mailbox-providers",
        "--mail-type", "bulk", "--mail-type", "a..example=marketing",
        "--mail-type", "other.example=marketing", "--mail-type", "transactional",
        "--mail-type", "marketing", "--mail-type", long,
    )  # fmt: skip
    assert result.rc == 2 and result.out == "" and "Traceback" not in result.err
    err = result.err
    assert "--mail-type 'bulk': allowed: transactional or marketing (any case), or DOMAIN=" in err
    assert "--mail-type 'a..example=marketing': the domain has an empty label" in err
    assert "other.example is not among the records' domains; allowed: one of example.com" in err
    assert "--mail-type 'marketing': every domain is given as transactional already" in err
    assert f"--mail-type '{'x' * 200}...': allowed" in err and "x" * 201 not in err


def test_a_domain_not_in_the_stacks_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --stack the records come from the Pulumi CLI (a stand-in here), after the options
    are checked: a domain named that the stack does not hold is still a usage error."""
    exe = tmp_path / "pulumi"
    exe.write_text(f"#!/bin/sh\necho '{json.dumps(records())}'\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    result = run_cli(
        "verify", "--stack", "dev", "--resolver", "127.0.0.1:1", "--mailbox-providers",
        "--mail-type", "news.example=marketing",
    )  # fmt: skip
    assert result.rc == 2 and result.out == "" and "Traceback" not in result.err
    assert result.err == (
        "verify: --mail-type 'news.example=marketing': news.example is not among the records' "
        "domains; allowed: one of example.com\n"
    )


def test_mail_type_needs_the_mailbox_providers_option(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records()))
    result = run_cli(
        "verify", "--records", str(path), "--resolver", "127.0.0.1:1",
        "--mail-type", "transactional",
    )  # fmt: skip
    assert result.rc == 2 and "--mail-type: only used with --mailbox-providers" in result.err


def _stubbed_ses(monkeypatch: pytest.MonkeyPatch, mail_type: str) -> Stubber:
    """``--aws``'s SES client, answering GetEmailIdentity and GetAccount for us-east-1."""
    for key, value in FAKE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    sesv2 = boto3.client("sesv2", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
    stub = Stubber(sesv2)
    identity = {
        "IdentityType": "DOMAIN",
        "VerificationStatus": "SUCCESS",
        "VerifiedForSendingStatus": True,
        "DkimAttributes": {"Status": "SUCCESS", "SigningAttributesOrigin": "AWS_SES"},
        "MailFromAttributes": {
            "MailFromDomain": "mail.example.com",
            "MailFromDomainStatus": "SUCCESS",
            "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
        },
    }
    stub.add_response("get_email_identity", identity, {"EmailIdentity": "example.com"})
    account = {
        "ProductionAccessEnabled": True,
        "SendingEnabled": True,
        "EnforcementStatus": "HEALTHY",
        "Details": {"MailType": mail_type, "ReviewDetails": {"Status": "GRANTED"}},
    }
    stub.add_response("get_account", account, {})
    stub.activate()
    monkeypatch.setattr(ses, "boto_factory", lambda endpoint: lambda region: sesv2)
    return stub


@pytest.mark.parametrize(
    ("mail_type", "option", "expected"),
    [
        ("TRANSACTIONAL", (), "met"),
        ("MARKETING", (), "not_met"),
        ("TRANSACTIONAL", ("--mail-type", "marketing"), "not_met"),  # the user's word first
    ],
)
def test_the_accounts_mail_type_with_aws(
    stack: ExitStack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mail_type: str,
    option: tuple[str, ...],
    expected: str,
) -> None:
    stub = _stubbed_ses(monkeypatch, mail_type)
    result = verify(stack, tmp_path, "--aws", *option, doc=no_list())
    stub.assert_no_pending_responses()
    state, detail = verdicts(result)[UNSUBSCRIBE]
    assert state == expected, detail
    assert result.doc is not None
    assert result.doc["account"]["us-east-1"]["mail_type"] == mail_type
    if not option:
        assert "production-access mail type (GetAccount) in us-east-1" in detail


def test_accounts_in_several_regions() -> None:
    accounts = {
        "us-east-1": {"mail_type": "TRANSACTIONAL"},
        "eu-west-1": {"mail_type": "MARKETING"},
        "ap-south-1": None,
    }
    types = MailTypes().with_accounts(accounts)
    assert types.of("a.example", ["us-east-1"]) == (
        MailType.TRANSACTIONAL,
        "the account's production-access mail type (GetAccount) in us-east-1",
    )
    marketing = types.of("a.example", ["us-east-1", "eu-west-1"])
    assert marketing is not None and marketing[0] is MailType.MARKETING  # one is enough
    assert types.of("a.example", ["us-east-1", "ap-south-1"]) is None  # one region unknown
    assert types.of("a.example", []) is None


def test_parse_mail_types() -> None:
    types, problems = parse_mail_types(["transactional", "b.example=MARKETING", "transactional"])
    assert problems == []
    assert types.default is MailType.TRANSACTIONAL
    assert types.domains == {"b.example": MailType.MARKETING}
    assert parse_mail_types([]) == (MailTypes(), [])
