"""The adopt stack's plan replayed against one moto account that already holds what the console
made: each adopted resource is read where the provider's import reads it, never created, and
what is created beside it is accepted. (moto 5.2.5 accepts a second CreateEmailIdentity
silently, where SES answers AlreadyExistsException, so the collision adopting avoids cannot be
shown here.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from components.plan.run import make_plan, read_stack_files
from tests.support.moto_replay import IMPORTS, MotoAccount, Outcome, Status
from tests.support.moto_server import moto_server

CONSOLE_MADE = (
    ("eu-west-1", "shop.example.net"),
    ("eu-west-1", "news.example.net"),
    ("us-east-1", "news.example.net"),
)


def _console(account: MotoAccount) -> None:
    for region, domain in CONSOLE_MADE:
        sesv2 = account.client("sesv2", region)
        sesv2.create_configuration_set(ConfigurationSetName=domain.replace(".", "-"))
        sesv2.create_email_identity(EmailIdentity=domain)


@pytest.fixture(scope="module")
def resources() -> list[dict[str, Any]]:
    return make_plan("adopt").resources


@pytest.fixture(scope="module")
def replayed(resources: list[dict[str, Any]]) -> Iterator[list[Outcome]]:
    with moto_server() as url:
        account = MotoAccount(url)
        _console(account)
        region = read_stack_files("adopt").config["aws:region"]
        yield account.replay("adopt", resources, region)


def test_every_adopted_resource_is_read_where_it_lives_and_none_is_created(
    replayed: list[Outcome], resources: list[dict[str, Any]]
) -> None:
    adopted = {r["name"] for r in resources if "import_id" in r}
    reads = {o.name: o for o in replayed if o.name in adopted}
    assert len(reads) == 9
    for outcome in reads.values():
        assert outcome.status is Status.ACCEPTED, outcome
        assert outcome.calls in (("ses:GetEmailIdentity",), ("ses:GetConfigurationSet",))
    assert reads["news.example.net-identity-us-east-1"].physical == (
        "arn:aws:ses:us-east-1:123456789012:identity/news.example.net"
    )
    creates = {call for o in replayed for call in o.calls}
    assert not creates & {"ses:CreateEmailIdentity", "ses:CreateConfigurationSet"}
    assert set(IMPORTS) == {r["type"] for r in resources if "import_id" in r}


def test_what_is_created_beside_the_adopted_is_accepted(replayed: list[Outcome]) -> None:
    refused = [o for o in replayed if o.status is Status.REFUSED]
    assert refused == []
    assert any(o.calls == ("route53:ChangeResourceRecordSets",) for o in replayed)
