"""The components the provider hosts besides the domain, SMTP and feedback ones, constructed
as the engine asks (camelCase inputs, enums as strings) under the SDK's mock runtime: what they
declare, what they answer, which answers are secret, and bad inputs named by input path."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from pulumi.errors import InputPropertiesError

from components import __version__
from components.multilang.package import PACKAGE_NAME
from components.multilang.provider import COMPONENTS, SesComponentProvider
from components.plan.mocks import DeclaredResource
from tests.support.harness import resolve_outputs, use_mocks

SHOP_ARN = "arn:aws:ses:eu-west-1:123456789012:identity/shop.example.net"
POLICY = {"identityArns": [SHOP_ARN], "fromAddresses": ["app@shop.example.net"]}


def construct(
    component: str, inputs: dict[str, Any]
) -> tuple[list[DeclaredResource], dict[str, Any], set[str]]:
    """Construct through the provider; the declared resources, the resolved state and the
    names of the state's secret outputs."""
    monitor = use_mocks("provider")
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    state: dict[str, Any] = {}
    secret: dict[str, bool] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        result = provider.construct("x", f"ses:index:{component}", inputs)
        watched = {k: pulumi.Output.from_input(v) for k, v in result.state.items()}
        return resolve_outputs(watched, state, secret)

    program()
    return monitor.declared, state, {name for name, is_secret in secret.items() if is_secret}


def refused(component: str, inputs: dict[str, Any]) -> str:
    with pytest.raises(InputPropertiesError) as caught:
        construct(component, inputs)
    message = caught.value.message
    assert "Traceback" not in message and "internal error" not in message.lower()
    return message


def test_an_api_sender_role_is_trusted_only_by_the_principals_given() -> None:
    declared, state, secret = construct(
        "ApiSender",
        {
            "senderName": "orders",
            "policy": POLICY,
            "trust": {
                "principals": ["ecs-tasks.amazonaws.com"],
                "conditions": {"StringEquals": {"aws:SourceAccount": ["123456789012"]}},
            },
            "maxSessionDuration": 7200.0,
            "tags": {"team": "orders"},
        },
    )
    role = next(r for r in declared if r.type == "aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert role.inputs["maxSessionDuration"] == 7200
    assert role.inputs["tags"] == {"team": "orders"}
    grant = next(r for r in declared if r.type == "aws:iam/rolePolicy:RolePolicy")
    actions = json.loads(grant.inputs["policy"])["Statement"][0]["Action"]
    assert sorted(actions) == ["ses:SendEmail", "ses:SendRawEmail"]
    assert state["kind"] == "role" and state["name"] == "orders"
    assert state["arn"].endswith(":role/ses-api/orders")
    assert "accessKeyId" not in state and secret == set()


def test_an_api_sender_users_access_key_is_answered_only_as_secrets() -> None:
    declared, state, secret = construct(
        "ApiSender",
        {"senderName": "ci", "kind": "user", "accessKey": True, "policy": POLICY},
    )
    assert [r.name for r in declared if r.type == "aws:iam/accessKey:AccessKey"] == [
        "x-key-initial"
    ]
    assert secret == {"accessKeyId", "secretAccessKey"}
    assert state["kind"] == "user" and state["accessKeyId"]


def test_bad_api_sender_inputs_are_named_by_input_path_all_at_once() -> None:
    message = refused(
        "ApiSender",
        {
            "senderName": "no spaces allowed",
            "policy": {"identityArns": [], "fromAddresses": ["not an address"]},
            "trust": {"principals": ["*"], "conditions": {"Nope": {"aws:x": ["1"]}}},
        },
    )
    for expected in (
        "ApiSender.senderName = 'no spaces allowed'",
        "ApiSender.trust.principals[0] = '*'",
        "ApiSender.trust.conditions.Nope",
        "ApiSender.policy.identityArns",
        "ApiSender.policy.fromAddresses[0] = 'not an address'",
    ):
        assert expected in message, expected
    user_only = refused("ApiSender", {"senderName": "r", "policy": POLICY, "accessKey": True})
    assert "ApiSender.accessKey = True: applies to kind user only" in user_only
    assert "ApiSender.trust = (missing): is required for a role" in user_only


def test_a_pool_and_a_set_sending_through_it_from_another_language() -> None:
    declared, state, _ = construct(
        "DedicatedIpPool",
        {"name": "bulk", "region": "eu-west-1", "scalingMode": "MANAGED", "tags": {"t": "1"}},
    )
    (pool,) = [r for r in declared if r.type == "aws:sesv2/dedicatedIpPool:DedicatedIpPool"]
    assert pool.inputs["scalingMode"] == "MANAGED" and pool.inputs["tags"] == {"t": "1"}
    assert state == {
        "name": "bulk",
        "arn": state["arn"],
        "region": "eu-west-1",
        "scalingMode": "MANAGED",
    }
    account = {"accountId": "123456789012", "partition": "aws"}
    declared, _, _ = construct(
        "ConfigurationSet",
        {"name": "news", "region": "eu-west-1", "sendingPoolName": "bulk", "account": account},
    )
    (made,) = [r for r in declared if r.type == "aws:sesv2/configurationSet:ConfigurationSet"]
    assert made.inputs["deliveryOptions"]["sendingPoolName"] == "bulk"


def test_account_vdm_contact_list_and_tenant_from_another_language() -> None:
    declared, state, _ = construct(
        "AccountVdm",
        {"regions": ["eu-west-1"], "optimizedSharedDelivery": "ENABLED"},
    )
    (vdm,) = [r for r in declared if r.type.endswith(":AccountVdmAttributes")]
    assert vdm.inputs["guardianAttributes"] == {"optimizedSharedDelivery": "ENABLED"}
    assert state == {"regions": ["eu-west-1"], "enabled": "ENABLED"}
    declared, state, _ = construct(
        "ContactList",
        {
            "name": "customers",
            "region": "eu-west-1",
            "topics": [
                {"name": "news", "displayName": "News", "defaultSubscriptionStatus": "OPT_IN"}
            ],
        },
    )
    assert state["arn"] == "arn:aws:ses:eu-west-1:123456789012:contact-list/customers"
    list_arn = state["arn"]
    declared, state, _ = construct(
        "Tenant",
        {"name": "acme", "region": "eu-west-1", "resources": {"list": list_arn, "shop": SHOP_ARN}},
    )
    associations = {r.name: r.inputs["resourceArn"] for r in declared if "Association" in r.type}
    assert associations == {"x-list": list_arn, "x-shop": SHOP_ARN}
    assert state["name"] == "acme"


def test_bad_deliverability_inputs_are_named_by_input_path() -> None:
    pool = refused("DedicatedIpPool", {"name": "Bulk", "scalingMode": "FAST", "region": "x-1"})
    assert "DedicatedIpPool.name = 'Bulk'" in pool
    assert "DedicatedIpPool.scalingMode = 'FAST'" in pool
    assert "DedicatedIpPool.region = 'x-1'" in pool
    vdm = refused("AccountVdm", {"engagementMetrics": "ON", "regions": ["eu-west-1"]})
    assert "AccountVdm.engagementMetrics = 'ON'" in vdm
    tenant = refused(
        "Tenant", {"name": "acme", "region": "eu-west-1", "resources": {"a b": "arn:aws:s3:::b"}}
    )
    assert "Tenant.resources.a b = 'a b': labels are" in tenant
    assert "Tenant.resources.a b = 'arn:aws:s3:::b': must be the ARN of an SES" in tenant
    contact_list = refused("ContactList", {"name": "x", "topics": [{"name": "n"}]})
    assert "ContactList.topics[0].displayName" in contact_list
