"""``AccountVdm`` (type token ``ses:index:AccountVdm``): the account's Virtual Deliverability
Manager settings, one ``aws.sesv2.AccountVdmAttributes`` per region (VDM is set per account and
region, so one ``AccountVdm`` per account may name a region).

Programs give :class:`AccountVdmArgs`, checked by the stack config's own parser (``ses:vdm``)
with problems named as props; the stack passes the validated :class:`AccountVdmSettings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..feedback.model import FeatureStatus
from ..validation import Fields, Problems, camel_case, props_key_path
from .ip_pool import aws_region, enum_value
from .model import AccountVdmConfig
from .parse import parse_account_vdm

TYPE_TOKEN = "ses:index:AccountVdm"
PROPS = "AccountVdmArgs"
_SECTIONS = {"engagement_metrics": "dashboard", "optimized_shared_delivery": "guardian"}


@dataclass(frozen=True, kw_only=True)
class AccountVdmArgs:
    """Typed props of an :class:`AccountVdm`."""

    enabled: FeatureStatus = FeatureStatus.ENABLED
    """VDM on (ENABLED) or off (DISABLED) for the account in each region."""
    engagement_metrics: FeatureStatus | None = None
    """Engagement metrics (opens, clicks) on the VDM dashboard (``None``: SES's default)."""
    optimized_shared_delivery: FeatureStatus | None = None
    """Guardian's optimized shared delivery (``None``: SES's default)."""
    regions: Sequence[str] = ()
    """The regions it is set in (empty: the provider's ``aws:region``); a region belongs to
    one ``AccountVdm`` of the account."""


@dataclass(frozen=True, kw_only=True)
class AccountVdmSettings:
    """What an :class:`AccountVdm` is built from once validated."""

    config: AccountVdmConfig
    """The validated settings and their regions."""
    was_top_level: bool = False
    """The stack declared the settings at its top level, under the children's names, before
    they were a component's: an alias to there keeps them from being replaced."""


def check_vdm_args(args: AccountVdmArgs) -> AccountVdmConfig:
    """Validate props with the stack config's parser; raises ``ConfigError`` listing every
    problem, named as props."""
    problems = Problems()
    shape: dict[str, object] = {"enabled": enum_value(args.enabled)}
    for prop, section in _SECTIONS.items():
        status = getattr(args, prop)
        if status is not None:
            shape[section] = {camel_case(prop): enum_value(status)}
    if args.regions:
        shape["regions"] = list(args.regions) if not isinstance(args.regions, str) else args.regions
    default = aws_region()
    if not args.regions and default is None:
        problems.add(f"{PROPS}.regions", [], "is required when aws:region is not set")
    top = Fields({"vdm": shape}, f"{PROPS}:", problems)
    config = parse_account_vdm(top.mapping("vdm"), (default,) if default else ())
    top.finish()
    problems.rename_keys(_props_key)
    problems.raise_if_any()
    assert config is not None  # the shape is a mapping
    return config


def _props_key(key: str) -> str:
    """``AccountVdmArgs:vdm.dashboard.engagementMetrics`` ->
    ``AccountVdmArgs.engagement_metrics``."""
    for section in _SECTIONS.values():
        key = key.replace(f":vdm.{section}.", ":vdm.")
    return props_key_path(key, f"{PROPS}:vdm", PROPS, {})


class AccountVdm(pulumi.ComponentResource):
    """The account's VDM settings in each of its regions (children ``<name>-<region>``)."""

    regions: list[str]
    """The regions it is set in."""
    enabled: FeatureStatus
    """VDM on or off."""
    attributes: dict[str, aws.sesv2.AccountVdmAttributes]
    """Region -> the provider resource."""

    def __init__(
        self,
        name: str,
        args: AccountVdmArgs | AccountVdmSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(args, AccountVdmArgs):
            args = AccountVdmSettings(config=check_vdm_args(args))
        super().__init__(TYPE_TOKEN, name, None, opts)
        vdm = args.config
        dashboard: aws.sesv2.AccountVdmAttributesDashboardAttributesArgsDict | None = None
        if vdm.engagement_metrics is not None:
            dashboard = {"engagement_metrics": vdm.engagement_metrics.value}
        guardian: aws.sesv2.AccountVdmAttributesGuardianAttributesArgsDict | None = None
        if vdm.optimized_shared_delivery is not None:
            guardian = {"optimized_shared_delivery": vdm.optimized_shared_delivery.value}
        moved = [pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)] if args.was_top_level else None
        self.attributes = {
            region: aws.sesv2.AccountVdmAttributes(
                f"{name}-{region}",
                vdm_enabled=vdm.enabled.value,
                dashboard_attributes=dashboard,
                guardian_attributes=guardian,
                region=region,
                opts=pulumi.ResourceOptions(parent=self, aliases=moved),
            )
            for region in vdm.regions
        }
        self.regions = list(vdm.regions)
        self.enabled = vdm.enabled
        self.register_outputs({"regions": self.regions, "enabled": self.enabled.value})
