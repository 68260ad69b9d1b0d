"""Contact lists, tenants, dedicated IP pools and account VDM: defaults, enums against botocore,
cross-references between sections, and every bad input named with its key."""

from __future__ import annotations

from typing import Any

import pytest

from components.api_limits import shape_limits
from components.deliverability.model import (
    AccountVdmConfig,
    ContactListConfig,
    DedicatedIpPoolConfig,
    ScalingMode,
    SubscriptionStatus,
    TenantConfig,
    TopicConfig,
)
from components.feedback.model import FeatureStatus
from components.stack_config import StackConfig, parse_stack_config
from components.validation import ConfigError

ALARMS_OK = {"subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"}]}
TOPIC = {"name": "news", "displayName": "News", "defaultSubscriptionStatus": "OPT_OUT"}


def parse(**values: Any) -> StackConfig:
    values.setdefault("domains", [{"name": "example.com", "emailIdentities": ["ops@example.com"]}])
    values.setdefault("alarms", ALARMS_OK)
    return parse_stack_config(values, namespace="ses", aws_region="eu-west-1")


def problems_of(**values: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse(**values)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("enum", "shape"), [(SubscriptionStatus, "SubscriptionStatus"), (ScalingMode, "ScalingMode")]
)
def test_enums_equal_botocore(enum: type[SubscriptionStatus | ScalingMode], shape: str) -> None:
    assert {member.value for member in enum} == set(shape_limits("sesv2", shape).enum)


def test_nothing_declared_by_default() -> None:
    config = parse().deliverability
    assert (config.contact_lists, config.tenants, config.dedicated_ip_pools, config.vdm) == (
        (),
        (),
        (),
        None,
    )


def test_a_full_configuration_is_read() -> None:
    config = parse(
        contactLists=[
            {
                "name": "customers",
                "description": "All customers",
                "topics": [TOPIC],
                "tags": {"team": "mail"},
            }
        ],
        dedicatedIpPools=[
            {"name": "marketing", "scalingMode": "MANAGED"},
            {"name": "legacy", "existing": True},
        ],
        configurationSets=[
            {
                "name": "bulk",
                "sendingPoolName": "marketing",
                "vdm": {"engagementMetrics": "ENABLED"},
            }
        ],
        vdm={
            "dashboard": {"engagementMetrics": "ENABLED"},
            "guardian": {"optimizedSharedDelivery": "DISABLED"},
        },
        tenants=[
            {
                "name": "acme",
                "identities": ["Example.com", "ops@example.com"],
                "configurationSets": ["bulk"],
                "contactLists": ["customers"],
            }
        ],
    )
    deliverability = config.deliverability
    assert deliverability.contact_lists == (
        ContactListConfig(
            name="customers",
            region="eu-west-1",
            description="All customers",
            topics=(
                TopicConfig(
                    name="news",
                    display_name="News",
                    default_subscription_status=SubscriptionStatus.OPT_OUT,
                ),
            ),
            tags={"team": "mail"},
        ),
    )
    assert deliverability.dedicated_ip_pools == (
        DedicatedIpPoolConfig(
            name="marketing", region="eu-west-1", scaling_mode=ScalingMode.MANAGED
        ),
        DedicatedIpPoolConfig(name="legacy", region="eu-west-1", existing=True),
    )
    assert deliverability.vdm == AccountVdmConfig(
        engagement_metrics=FeatureStatus.ENABLED,
        optimized_shared_delivery=FeatureStatus.DISABLED,
        regions=("eu-west-1",),
    )
    assert deliverability.tenants == (
        TenantConfig(
            name="acme",
            region="eu-west-1",
            identities=("example.com", "ops@example.com"),
            configuration_sets=("bulk",),
            contact_lists=("customers",),
        ),
    )
    assert config.feedback.set_named("bulk").sending_pool_name == "marketing"
    assert not [w for w in config.warnings if "vdm" in w]


def test_a_second_contact_list_in_one_region_is_refused_and_another_region_is_not() -> None:
    lists = [{"name": "a"}, {"name": "b"}, {"name": "c", "region": "us-east-1"}]
    assert problems_of(contactLists=lists) == [
        "ses:contactLists[1].region = 'eu-west-1': ses:contactLists[0] already declares the "
        "contact list of eu-west-1; SES allows one contact list per account and region: put "
        "these topics in that list"
    ]


def test_every_bad_contact_list_value_is_named_at_once() -> None:
    found = problems_of(
        contactLists=[
            {
                "name": "no spaces",
                "description": "x" * 501,
                "topics": [
                    {"name": "t", "displayName": "", "defaultSubscriptionStatus": "OPTIN"},
                    {"name": "u", "displayName": "U"},
                    {
                        "name": "t;x",
                        "displayName": "T",
                        "defaultSubscriptionStatus": "OPT_IN",
                        "colour": 1,
                    },
                ],
            }
        ]
    )
    joined = "\n".join(found)
    assert "ses:contactLists[0].name = 'no spaces': must be 1-64 letters" in joined
    assert (
        "ses:contactLists[0].description = 'xxx" in joined and "must be 1-500 characters" in joined
    )
    assert "ses:contactLists[0].topics[0].displayName = '': must be 1-128 characters" in joined
    assert (
        "ses:contactLists[0].topics[0].defaultSubscriptionStatus = 'OPTIN': must be one of "
        "OPT_IN, OPT_OUT" in joined
    )
    assert "ses:contactLists[1]" not in joined
    assert (
        "ses:contactLists[0].topics[1].defaultSubscriptionStatus = (missing): is required" in joined
    )
    assert "ses:contactLists[0].topics[2].name = 't;x'" in joined
    assert "ses:contactLists[0].topics[2].colour: is not a known key" in joined
    assert len(found) == 7, found


def test_more_than_twenty_topics_are_refused() -> None:
    topics = [{**TOPIC, "name": f"t{index}"} for index in range(21)]
    assert problems_of(contactLists=[{"name": "a", "topics": topics}]) == [
        "ses:contactLists[0].topics = '21 topics': a contact list has at most 20 topics"
    ]


def test_a_sending_pool_must_be_declared_in_the_sets_region() -> None:
    found = problems_of(
        dedicatedIpPools=[{"name": "marketing", "region": "us-east-1"}],
        configurationSets=[{"name": "bulk", "sendingPoolName": "marketing"}],
        feedback={"sendingPoolName": "marketting"},
    )
    assert found == [
        "ses:configurationSets[0].sendingPoolName = 'marketing': names no pool of "
        "ses:dedicatedIpPools in eu-west-1 (declared there: none); declare it, or list it with "
        "existing: true when it was made elsewhere",
        "ses:feedback.sendingPoolName = 'marketting': names no pool of ses:dedicatedIpPools in "
        "eu-west-1 (declared there: none); declare it, or list it with existing: true when it "
        "was made elsewhere",
    ]


def test_bad_pools_are_named() -> None:
    found = problems_of(
        dedicatedIpPools=[
            {"name": "Marketing", "scalingMode": "AUTO"},
            {"name": "old", "existing": True, "scalingMode": "MANAGED"},
            {"name": "p"},
            {"name": "p"},
        ]
    )
    assert found == [
        "ses:dedicatedIpPools[0].name = 'Marketing': must be 1-64 lowercase letters, digits, "
        "'_' and '-'",
        "ses:dedicatedIpPools[0].scalingMode = 'AUTO': must be one of STANDARD, MANAGED",
        "ses:dedicatedIpPools[1].scalingMode = 'MANAGED': applies to pools the stack declares; "
        "an existing pool keeps its own",
        "ses:dedicatedIpPools[3].name = 'p': duplicates ses:dedicatedIpPools[2].name in "
        "eu-west-1; names are unique per account and region",
    ]


def test_tenant_references_must_name_resources_of_the_stack_in_its_region() -> None:
    found = problems_of(
        configurationSets=[{"name": "east", "region": "us-east-1"}],
        tenants=[
            {
                "name": "acme",
                "identities": ["example.org", "example.com", "example.com"],
                "configurationSets": ["east"],
                "contactLists": ["customers"],
            },
            {"name": "acme"},
            {"name": "bad name"},
        ],
    )
    assert found == [
        "ses:tenants[0].identities[0] = 'example.org': names no identity of this stack (declared: "
        "example.com, ops@example.com); did you mean 'example.com'?",
        "ses:tenants[0].identities[2] = 'example.com': is listed twice",
        "ses:tenants[0].configurationSets[0] = 'east': is in region us-east-1 but the tenant is in "
        "eu-west-1; a tenant groups resources of its own region",
        "ses:tenants[0].contactLists[0] = 'customers': names no contact list of this stack "
        "(declared: none)",
        "ses:tenants[1].name = 'acme': duplicates ses:tenants[0].name in eu-west-1; names are "
        "unique per account and region",
        "ses:tenants[2].name = 'bad name': must be 1-64 letters, digits, '_' and '-'",
    ]


@pytest.mark.parametrize(
    ("vdm", "expected"),
    [
        (None, "is not declared in this stack"),
        ({"enabled": "DISABLED"}, "is DISABLED"),
        ({"regions": ["us-east-1"]}, "is not set in eu-west-1"),
    ],
)
def test_set_level_vdm_without_account_vdm_is_a_warning(
    vdm: dict[str, Any] | None, expected: str
) -> None:
    values: dict[str, Any] = {
        "configurationSets": [{"name": "bulk", "vdm": {"optimizedSharedDelivery": "ENABLED"}}]
    }
    if vdm is not None:
        values["vdm"] = vdm
    warnings = [w for w in parse(**values).warnings if ".vdm:" in w]
    assert warnings == [
        f"ses:configurationSets[0].vdm: configuration set 'bulk' turns VDM options on but the "
        f"account's VDM (ses:vdm) {expected}; the set's options take effect only while VDM is "
        "enabled for the account in that region"
    ]


def test_set_level_vdm_turned_off_needs_no_account_vdm() -> None:
    config = parse(configurationSets=[{"name": "bulk", "vdm": {"engagementMetrics": "DISABLED"}}])
    assert not [w for w in config.warnings if ".vdm:" in w]


def test_bad_vdm_values_are_named() -> None:
    assert problems_of(
        vdm={"enabled": "on", "dashboard": {"engagementMetric": "ENABLED"}, "regions": ["mars-1"]}
    )[:2] == [
        "ses:vdm.enabled = 'on': must be one of ENABLED, DISABLED",
        "ses:vdm.dashboard.engagementMetric: is not a known key; known keys here: engagementMetrics"
        "; did you mean 'engagementMetrics'?",
    ]


def test_a_missing_pool_of_the_domains_own_sets_is_named_once_per_region() -> None:
    found = problems_of(
        domains=[
            {"name": "example.com"},
            {"name": "example.org"},
            {"name": "example.net", "region": "us-east-1"},
        ],
        feedback={"sendingPoolName": "bulk"},
        dedicatedIpPools=[{"name": "other"}],
    )
    assert [problem.split(" (declared")[0] for problem in found] == [
        "ses:feedback.sendingPoolName = 'bulk': names no pool of ses:dedicatedIpPools in eu-west-1",
        "ses:feedback.sendingPoolName = 'bulk': names no pool of ses:dedicatedIpPools in us-east-1",
    ]


def test_tenant_identities_match_as_ses_matches_them() -> None:
    config = parse(
        domains=[{"name": "example.com", "emailIdentities": ["Ops@Example.COM"]}],
        tenants=[{"name": "t", "identities": ["EXAMPLE.com.", "ops@example.com"]}],
    )
    assert config.deliverability.tenants[0].identities == ("example.com", "Ops@example.com")
