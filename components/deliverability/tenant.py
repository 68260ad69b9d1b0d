"""``Tenant`` (type token ``ses:index:Tenant``): an SES tenant and one
``TenantResourceAssociation`` per identity, configuration set and contact list it groups.

Each association takes its resource's ARN as an output, so Pulumi creates it after the resource
and deletes it before: a destroy never removes an identity, set or list a tenant still holds.
SES's reputation policy of a tenant (``ReputationOptions.ReputationPolicy``) has no input in
pulumi-aws 7.51's ``Tenant``: docs/deliverability.md says how to set it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .model import TenantConfig

TYPE_TOKEN = "ses:index:Tenant"


@dataclass(frozen=True, kw_only=True)
class TenantMember:
    """One resource of the stack the tenant groups."""

    label: str
    """Part of the association's logical name: ``identity-example.com``, ``set-bulk``."""
    arn: pulumi.Output[str]
    """The resource's ARN, an output of the resource itself."""


@dataclass(frozen=True, kw_only=True)
class TenantSettings:
    """What a :class:`Tenant` is built from once validated."""

    config: TenantConfig
    """The validated tenant."""
    members: Sequence[TenantMember] = ()
    """The resources to associate."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Stack-wide tags; the tenant's own are merged over them."""


class Tenant(pulumi.ComponentResource):
    """An SES tenant with its resource associations."""

    name: pulumi.Output[str]
    """The tenant's name."""
    arn: pulumi.Output[str]
    """The tenant's ARN."""
    associations: dict[str, aws.sesv2.TenantResourceAssociation]
    """Member label -> its association."""

    def __init__(
        self, name: str, args: TenantSettings, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        config = args.config
        tenant = aws.sesv2.Tenant(
            f"{name}-tenant",
            tenant_name=config.name,
            tags={**args.tags, **config.tags} or None,
            region=config.region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = tenant.tenant_name
        self.arn = tenant.tenant_arn
        self.associations = {
            member.label: aws.sesv2.TenantResourceAssociation(
                f"{name}-{member.label}",
                tenant_name=tenant.tenant_name,
                resource_arn=member.arn,
                region=config.region,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for member in args.members
        }
        self.register_outputs({"name": self.name, "arn": self.arn})
