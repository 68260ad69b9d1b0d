"""Contact lists, dedicated IP pools, account VDM and tenants under the SDK's mocks: the inputs
sent, the dependencies Pulumi orders creation and deletion by, the outputs, and the typed props
of ``ContactList``."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from components.deliverability.contact_list import (
    ContactList,
    ContactListArgs,
    ContactListTopicArgs,
)
from components.deliverability.model import SubscriptionStatus
from components.plan.mocks import RecordingMonitor
from components.stack import build_stack
from components.validation import ConfigError
from tests.support.harness import Evaluation, parse, resolve_outputs, use_mocks

ALARMS_OK = {"subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"}]}
VALUES: dict[str, Any] = {
    "domains": [{"name": "example.com", "emailIdentities": ["ops@example.com"]}],
    "alarms": ALARMS_OK,
    "configurationSets": [
        {"name": "bulk", "sendingPoolName": "marketing", "vdm": {"engagementMetrics": "ENABLED"}},
        {"name": "legacy-set", "sendingPoolName": "legacy"},
    ],
    "contactLists": [
        {
            "name": "customers",
            "description": "Everyone who bought",
            "topics": [
                {"name": "news", "displayName": "News", "defaultSubscriptionStatus": "OPT_IN"},
                {
                    "name": "offers",
                    "displayName": "Offers",
                    "description": "Discounts",
                    "defaultSubscriptionStatus": "OPT_OUT",
                },
            ],
        }
    ],
    "dedicatedIpPools": [
        {"name": "marketing", "scalingMode": "MANAGED"},
        {"name": "legacy", "existing": True},
    ],
    "vdm": {"dashboard": {"engagementMetrics": "ENABLED"}},
    "tenants": [
        {
            "name": "acme",
            "identities": ["example.com", "ops@example.com"],
            "configurationSets": ["bulk"],
            "contactLists": ["customers"],
        }
    ],
    "tags": {"team": "mail"},
}


class DependencyMonitor(RecordingMonitor):
    """Also remembers, per resource, the logical names of the resources it depends on."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.urns: dict[str, str] = {}
        self.dependencies: dict[str, set[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.urns[response.urn] = request.name
        urns: list[str] = list(request.dependencies)
        self.dependencies[request.name] = {self.urns.get(urn, urn) for urn in urns}
        return response


@pytest.fixture(scope="module")
def stack() -> tuple[Evaluation, DependencyMonitor]:
    config = parse(VALUES)
    monitor = use_mocks(monitor_type=DependencyMonitor)
    result = Evaluation(monitor.declared)

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        outputs = {name: pulumi.Output.from_input(v) for name, v in build_stack(config).items()}
        return resolve_outputs(outputs, result.outputs, result.secret)

    program()
    return result, monitor


def test_the_contact_list_is_declared_with_its_topics(
    stack: tuple[Evaluation, DependencyMonitor],
) -> None:
    (contact_list,) = stack[0].of_type("aws:sesv2/contactList:ContactList")
    assert contact_list.parent == "contact-list-us-east-1"
    assert contact_list.inputs == {
        "contactListName": "customers",
        "description": "Everyone who bought",
        "region": "us-east-1",
        "tags": {"team": "mail"},
        "topics": [
            {"topicName": "news", "displayName": "News", "defaultSubscriptionStatus": "OPT_IN"},
            {
                "topicName": "offers",
                "displayName": "Offers",
                "defaultSubscriptionStatus": "OPT_OUT",
                "description": "Discounts",
            },
        ],
    }


def test_only_the_declared_pool_is_created_and_the_set_waits_for_it(
    stack: tuple[Evaluation, DependencyMonitor],
) -> None:
    evaluation, monitor = stack
    (pool,) = evaluation.of_type("aws:sesv2/dedicatedIpPool:DedicatedIpPool")
    assert (pool.name, pool.inputs) == (
        "ip-pool-us-east-1-marketing",
        {
            "poolName": "marketing",
            "scalingMode": "MANAGED",
            "region": "us-east-1",
            "tags": {"team": "mail"},
        },
    )
    sets = {
        s.inputs["configurationSetName"]: s
        for s in evaluation.of_type("aws:sesv2/configurationSet:ConfigurationSet")
    }
    assert sets["bulk"].inputs["deliveryOptions"]["sendingPoolName"] == "marketing"
    assert "ip-pool-us-east-1-marketing" in monitor.dependencies[sets["bulk"].name]
    assert sets["legacy-set"].inputs["deliveryOptions"]["sendingPoolName"] == "legacy"


def test_account_vdm_is_set_in_each_region_in_use(
    stack: tuple[Evaluation, DependencyMonitor],
) -> None:
    (vdm,) = stack[0].of_type("aws:sesv2/accountVdmAttributes:AccountVdmAttributes")
    assert (vdm.name, vdm.inputs) == (
        "account-vdm-us-east-1",
        {
            "vdmEnabled": "ENABLED",
            "dashboardAttributes": {"engagementMetrics": "ENABLED"},
            "region": "us-east-1",
        },
    )


def test_each_association_depends_on_its_resource_and_the_tenant(
    stack: tuple[Evaluation, DependencyMonitor],
) -> None:
    """Pulumi deletes a resource's dependents first: associations go before the identities,
    sets and list they name, and before the tenant."""
    evaluation, monitor = stack
    (tenant,) = evaluation.of_type("aws:sesv2/tenant:Tenant")
    assert tenant.inputs == {"tenantName": "acme", "region": "us-east-1", "tags": {"team": "mail"}}
    associations = {
        a.name: a
        for a in evaluation.of_type("aws:sesv2/tenantResourceAssociation:TenantResourceAssociation")
    }
    expected = {
        "tenant-us-east-1-acme-identity-example.com": "example.com-identity",
        "tenant-us-east-1-acme-identity-ops-at-example.com": "example.com-ops-at-example.com",
        "tenant-us-east-1-acme-set-bulk": "cs-bulk-set",
        "tenant-us-east-1-acme-list-customers": "contact-list-us-east-1-list",
    }
    assert set(associations) == set(expected)
    for name, resource in expected.items():
        assert associations[name].parent == "tenant-us-east-1-acme"
        assert {resource, tenant.name} <= monitor.dependencies[name], (
            name,
            monitor.dependencies[name],
        )
    arns = {a.inputs["resourceArn"] for a in associations.values()}
    assert "arn:aws:ses:us-east-1:123456789012:contact-list/customers" in arns


def test_outputs_name_the_lists_pools_and_tenants(
    stack: tuple[Evaluation, DependencyMonitor],
) -> None:
    outputs = stack[0].outputs
    assert outputs["contact_lists"] == {
        "us-east-1": {
            "name": "customers",
            "arn": "arn:aws:ses:us-east-1:123456789012:contact-list/customers",
            "topics": ["news", "offers"],
        }
    }
    assert outputs["dedicated_ip_pools"] == {
        "us-east-1/marketing": {
            "name": "marketing",
            "region": "us-east-1",
            "scaling_mode": "MANAGED",
            "existing": False,
        },
        "us-east-1/legacy": {
            "name": "legacy",
            "region": "us-east-1",
            "scaling_mode": None,
            "existing": True,
        },
    }
    assert outputs["tenants"]["us-east-1/acme"]["resources"] == [
        "identity-example.com",
        "identity-ops-at-example.com",
        "list-customers",
        "set-bulk",
    ]


def test_a_stack_without_these_sections_adds_no_output() -> None:
    config = parse({"domains": [{"name": "example.com"}], "alarms": ALARMS_OK})
    use_mocks()
    names: list[str] = []

    @pulumi.runtime.test
    def program() -> None:
        names.extend(build_stack(config))

    program()
    assert not {"contact_lists", "dedicated_ip_pools", "tenants"} & set(names)


def test_contact_list_props_declare_the_list() -> None:
    monitor = use_mocks()

    @pulumi.runtime.test
    def program() -> None:
        ContactList(
            "newsletter",
            ContactListArgs(
                name="newsletter",
                region="eu-west-1",
                topics=[
                    ContactListTopicArgs(
                        name="weekly",
                        display_name="Weekly",
                        default_subscription_status=SubscriptionStatus.OPT_OUT,
                    )
                ],
            ),
        )

    program()
    (declared,) = [r for r in monitor.declared if r.type == "aws:sesv2/contactList:ContactList"]
    assert declared.inputs["topics"] == [
        {"topicName": "weekly", "displayName": "Weekly", "defaultSubscriptionStatus": "OPT_OUT"}
    ]


def test_bad_contact_list_props_are_named_as_props() -> None:
    use_mocks()
    with pytest.raises(ConfigError) as caught:
        ContactList(
            "bad",
            ContactListArgs(
                name="bad name",
                region="eu-west-1",
                topics=[
                    ContactListTopicArgs(
                        name="weekly",
                        display_name="",
                        default_subscription_status=SubscriptionStatus.OPT_IN,
                    )
                ],
                tags={"aws:x": "y"},
            ),
        )
    assert [str(p) for p in caught.value.problems] == [
        "ContactListArgs.name = 'bad name': must be 1-64 letters, digits, '_' and '-'",
        "ContactListArgs.topics[0].display_name = '': must be 1-128 characters",
        "ContactListArgs.tags.aws:x = 'y': tag keys are 1-128 letters, digits, spaces and "
        "_.:/=+-@, not starting with aws:",
    ]
