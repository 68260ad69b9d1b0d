"""Typed props of ``DedicatedIpPool``, ``AccountVdm`` and ``Tenant``, and a configuration set's
``sending_pool_name``, in a program of one's own under the SDK's mocks: what they declare, every
problem named as props before anything is declared, the constraints layer, and the stack path
going through the same components (aliases keep deployed pools and VDM settings in place)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi.runtime import config as runtime_config

from components import (
    AccountVdm,
    AccountVdmArgs,
    ConfigurationSet,
    ConfigurationSetArgs,
    ContactList,
    ContactListArgs,
    DedicatedIpPool,
    DedicatedIpPoolArgs,
    ExternalDns,
    FeatureStatus,
    ScalingMode,
    SesDomain,
    SesDomainArgs,
    Tenant,
    TenantArgs,
)
from components.constraints import check_resources
from components.feedback.account import AccountContext
from components.plan.mocks import DeclaredResource, RecordingMonitor
from components.stack import build_stack
from components.validation import ConfigError
from tests.support.harness import parse, use_mocks

POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
VDM = "aws:sesv2/accountVdmAttributes:AccountVdmAttributes"
SET = "aws:sesv2/configurationSet:ConfigurationSet"
ASSOCIATION = "aws:sesv2/tenantResourceAssociation:TenantResourceAssociation"
ACCOUNT = AccountContext(account_id="123456789012", partition="aws")


class AliasMonitor(RecordingMonitor):
    """Also remembers which resources were registered with aliases, and their dependencies."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.aliased: set[str] = set()
        self.depends: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if list(request.aliases):
            self.aliased.add(request.name)
        self.depends[request.name] = list(request.dependencies)
        return response


def declare(program_body: Callable[[], object]) -> AliasMonitor:
    monitor = use_mocks(monitor_type=AliasMonitor)

    @pulumi.runtime.test
    def program() -> None:
        program_body()

    program()
    return monitor


def refused(make: Callable[[], object]) -> list[str]:
    use_mocks()
    with pytest.raises(ConfigError) as caught:
        make()
    return [str(problem) for problem in caught.value.problems]


def of_type(monitor: RecordingMonitor, type_token: str) -> list[DeclaredResource]:
    return [r for r in monitor.declared if r.type == type_token]


def test_a_pool_from_props_and_a_set_sending_through_it() -> None:
    def body() -> None:
        pool = DedicatedIpPool(
            "bulk",
            DedicatedIpPoolArgs(
                name="bulk",
                region="eu-west-1",
                scaling_mode=ScalingMode.MANAGED,
                tags={"team": "mail", "owner": pulumi.Output.from_input("ops")},
            ),
        )
        ConfigurationSet(
            "news",
            ConfigurationSetArgs(
                name="news", region="eu-west-1", sending_pool_name=pool, account=ACCOUNT
            ),
        )

    monitor = declare(body)
    (pool,) = of_type(monitor, POOL)
    assert pool.inputs == {
        "poolName": "bulk",
        "scalingMode": "MANAGED",
        "region": "eu-west-1",
        "tags": {"team": "mail", "owner": "ops"},
    }
    assert pool.parent == "bulk" and "bulk" not in monitor.aliased  # nothing to adopt
    (declared_set,) = of_type(monitor, SET)
    assert declared_set.inputs["deliveryOptions"]["sendingPoolName"] == "bulk"
    assert any(":DedicatedIpPool::bulk" in urn for urn in monitor.depends["news-set"])
    assert check_resources([r.__dict__ for r in monitor.declared]) == []


def test_a_set_takes_a_pool_by_name_or_output_and_refuses_another_regions_pool() -> None:
    monitor = declare(
        lambda: ConfigurationSet(
            "by-name",
            ConfigurationSetArgs(
                name="by-name", region="eu-west-1", sending_pool_name="bulk", account=ACCOUNT
            ),
        )
    )
    assert of_type(monitor, SET)[0].inputs["deliveryOptions"]["sendingPoolName"] == "bulk"

    def other_region() -> None:
        pool = DedicatedIpPool("us", DedicatedIpPoolArgs(name="us", region="us-east-1"))
        ConfigurationSet(
            "s",
            ConfigurationSetArgs(
                name="s", region="eu-west-1", sending_pool_name=pool, account=ACCOUNT
            ),
        )

    assert refused(other_region) == [
        "ConfigurationSetArgs.sending_pool_name = 'DedicatedIpPool us of us-east-1': must be a "
        "pool of the set's region eu-west-1: a set sends through a pool of its own region"
    ]
    assert refused(
        lambda: ConfigurationSet(
            "s",
            ConfigurationSetArgs(
                name="s", region="eu-west-1", sending_pool_name="Bulk Pool", account=ACCOUNT
            ),
        )
    ) == [
        "ConfigurationSetArgs.sending_pool_name = 'Bulk Pool': must be a dedicated IP pool "
        "name: 1-64 lowercase letters, digits, '_' and '-'"
    ]


def test_bad_pool_props_are_every_one_named_before_anything_is_declared() -> None:
    problems = refused(
        lambda: DedicatedIpPool(
            "bad",
            DedicatedIpPoolArgs(
                name="Bulk",
                region="mars-1",
                scaling_mode="FAST",  # pyright: ignore[reportArgumentType]
                tags={"aws:x": "y"},
            ),
        )
    )
    expected = [
        "DedicatedIpPoolArgs.name = 'Bulk': must be 1-64 lowercase letters, digits, '_' and '-'",
        "DedicatedIpPoolArgs.region = 'mars-1': is not a region where SES runs; SES regions: ",
        "DedicatedIpPoolArgs.scaling_mode = 'FAST': must be one of STANDARD, MANAGED",
        "DedicatedIpPoolArgs.tags.aws:x = 'y': tag keys are 1-128 letters, digits, spaces and "
        "_.:/=+-@, not starting with aws:",
    ]
    assert len(problems) == len(expected)
    assert all(p.startswith(e) for p, e in zip(problems, expected, strict=True)), problems


def test_account_vdm_from_props_in_each_region_or_the_programs_own() -> None:
    monitor = declare(
        lambda: AccountVdm(
            "vdm",
            AccountVdmArgs(
                engagement_metrics=FeatureStatus.ENABLED, regions=["eu-west-1", "us-east-1"]
            ),
        )
    )
    assert sorted((r.name, r.inputs) for r in of_type(monitor, VDM)) == [
        (
            f"vdm-{region}",
            {
                "vdmEnabled": "ENABLED",
                "dashboardAttributes": {"engagementMetrics": "ENABLED"},
                "region": region,
            },
        )
        for region in ("eu-west-1", "us-east-1")
    ]
    runtime_config.set_all_config({"aws:region": "eu-central-1"}, [])
    try:
        own = declare(lambda: AccountVdm("vdm", AccountVdmArgs(enabled=FeatureStatus.DISABLED)))
    finally:
        runtime_config.set_all_config({}, [])
    assert [r.inputs for r in of_type(own, VDM)] == [
        {"vdmEnabled": "DISABLED", "region": "eu-central-1"}
    ]
    assert refused(
        lambda: AccountVdm(
            "bad",
            AccountVdmArgs(
                enabled="ON",  # pyright: ignore[reportArgumentType]
                optimized_shared_delivery="YES",  # pyright: ignore[reportArgumentType]
            ),
        )
    ) == [
        "AccountVdmArgs.regions = []: is required when aws:region is not set",
        "AccountVdmArgs.enabled = 'ON': must be one of ENABLED, DISABLED",
        "AccountVdmArgs.optimized_shared_delivery = 'YES': must be one of ENABLED, DISABLED",
    ]


def test_a_tenant_groups_other_components_by_their_arn_outputs() -> None:
    def body() -> None:
        domain = SesDomain(
            "shop", SesDomainArgs(name="shop.example.net", region="eu-west-1", dns=ExternalDns())
        )
        events = ConfigurationSet(
            "events", ConfigurationSetArgs(name="events", region="eu-west-1", account=ACCOUNT)
        )
        customers = ContactList("customers", ContactListArgs(name="customers", region="eu-west-1"))
        Tenant(
            "acme",
            TenantArgs(
                name="acme",
                region="eu-west-1",
                resources={"shop": domain.arn, "events": events.arn, "list": customers.arn},
                tags={"customer": "acme"},
            ),
        )

    monitor = declare(body)
    associations = {r.name: r.inputs["resourceArn"] for r in of_type(monitor, ASSOCIATION)}
    assert associations == {
        "acme-shop": "arn:aws:ses:eu-west-1:123456789012:identity/shop.example.net",
        "acme-events": "arn:aws:ses:eu-west-1:123456789012:configuration-set/events",
        "acme-list": "arn:aws:ses:eu-west-1:123456789012:contact-list/customers",
    }
    # created after, so deleted before, the resource it holds
    assert any("EmailIdentity::shop-identity" in urn for urn in monitor.depends["acme-shop"])
    assert check_resources([r.__dict__ for r in monitor.declared]) == []


def test_bad_tenant_props_are_every_one_named() -> None:
    assert refused(
        lambda: Tenant(
            "bad",
            TenantArgs(
                name="acme corp",
                region="eu-west-1",
                resources={
                    "a b": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
                    "other": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
                    "bucket": "arn:aws:s3:::bucket",
                },
            ),
        )
    ) == [
        "TenantArgs.name = 'acme corp': must be 1-64 letters, digits, '_' and '-'",
        "TenantArgs.resources.a b = 'a b': labels are 1-64 letters, digits, '_' and '-'",
        "TenantArgs.resources.other = 'arn:aws:ses:us-east-1:123456789012:identity/example.com':"
        " is in us-east-1 but the tenant is in eu-west-1; a tenant groups resources of its own"
        " region",
        "TenantArgs.resources.bucket = 'arn:aws:s3:::bucket': must be the ARN of an SES "
        "identity, configuration set or contact list (or an output such as an SesDomain's arn)",
    ]


def test_tenant_resources_given_as_a_list_are_a_problem_not_a_crash() -> None:
    assert refused(
        lambda: Tenant(
            "t",
            TenantArgs(name="t", region="eu-west-1", resources=["arn"]),  # pyright: ignore[reportArgumentType]
        )
    ) == ["TenantArgs.resources = ['arn']: must be a mapping of label to ARN"]


def test_the_stack_declares_pools_and_vdm_through_the_same_components() -> None:
    config = parse(
        {
            "domains": [{"name": "example.com", "region": "eu-west-1"}],
            "alarms": {"subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"}]},
            "dedicatedIpPools": [{"name": "bulk", "region": "eu-west-1"}],
            "configurationSets": [
                {"name": "news", "region": "eu-west-1", "sendingPoolName": "bulk"}
            ],
            "vdm": {"enabled": "ENABLED"},
        }
    )
    monitor = declare(lambda: build_stack(config))
    (pool,) = of_type(monitor, POOL)
    (vdm,) = of_type(monitor, VDM)
    assert (pool.name, pool.parent) == ("ip-pool-eu-west-1-bulk", "ip-pool-eu-west-1-bulk")
    assert (vdm.name, vdm.parent) == ("account-vdm-eu-west-1", "account-vdm")
    # the names they had at the stack's top level are aliases: a deployed one is not replaced
    assert {pool.name, vdm.name} <= monitor.aliased
    assert check_resources([r.__dict__ for r in monitor.declared]) == []


def test_the_constraints_layer_refuses_two_vdm_settings_or_pools_of_one_name_in_a_region() -> None:
    """Props see one component; the account's scopes are the constraints layer's."""

    def body() -> None:
        AccountVdm("a", AccountVdmArgs(regions=["eu-west-1"]))
        AccountVdm("b", AccountVdmArgs(regions=["eu-west-1", "us-east-1"]))
        DedicatedIpPool("p1", DedicatedIpPoolArgs(name="bulk", region="eu-west-1"))
        DedicatedIpPool("p2", DedicatedIpPoolArgs(name="bulk", region="eu-west-1"))
        DedicatedIpPool("p3", DedicatedIpPoolArgs(name="bulk", region="us-east-1"))

    monitor = declare(body)
    violations = check_resources([r.__dict__ for r in monitor.declared])
    # whichever of the two registered second is named (registration order is the runtime's)
    found = {v.resource_type: v.resource_name for v in violations}
    assert len(violations) == 2 and set(found) == {VDM, POOL}
    assert found[VDM] in ("a-eu-west-1", "b-eu-west-1") and found[POOL] in ("p1", "p2")
