"""``Tenant`` (type token ``ses:index:Tenant``): an SES tenant and one
``TenantResourceAssociation`` per identity, configuration set and contact list it groups.

Programs give :class:`TenantArgs` (members as ARNs, usually other components' outputs), checked
by the stack config's own parser (``ses:tenants``) with problems named as props; the stack
passes :class:`TenantSettings` with the members it names.

Each association takes its resource's ARN as an output, so Pulumi creates it after the resource
and deletes it before: a destroy never removes an identity, set or list a tenant still holds.
SES's reputation policy of a tenant (``ReputationOptions.ReputationPolicy``) has no input in
pulumi-aws 7.51's ``Tenant``: docs/deliverability.md says how to set it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import pulumi
import pulumi_aws as aws

from ..feedback.model import FeedbackConfig
from ..tag_values import checkable_tags, tag_outputs
from ..validation import Fields, Problems, props_key_path
from .ip_pool import aws_region
from .model import TenantConfig
from .parse import parse_tenants

TYPE_TOKEN = "ses:index:Tenant"
PROPS = "TenantArgs"
LABEL = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""A member's label: part of its association's logical name."""
_MEMBER_ARN = re.compile(
    r"arn:aws[a-z-]*:ses:(?P<region>[a-z0-9-]+):\d{12}:"
    r"(?:identity|configuration-set|contact-list)/\S+"
)


@dataclass(frozen=True, kw_only=True)
class TenantArgs:
    """Typed props of a :class:`Tenant`."""

    name: str
    """The tenant's name: 1-64 letters, digits, ``_`` and ``-``, unique per account and region."""
    region: str | None = None
    """Its region (``None``: the provider's ``aws:region``); its resources live there."""
    resources: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """What the tenant groups: a label of yours (1-64 letters, digits, ``_`` and ``-``; part of
    the association's name) -> the resource's ARN, an output such as an ``SesDomain``'s,
    ``ConfigurationSet``'s or ``ContactList``'s ``arn`` (the association then waits for the
    resource and is deleted before it) or a known SES identity, configuration set or contact
    list ARN of the tenant's region."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of the tenant (a value may be an output: checked once known)."""


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
    tag_outputs: Mapping[str, pulumi.Output[str]] = field(
        default_factory=dict[str, pulumi.Output[str]]
    )
    """The props' tags given as outputs (checked once known), over the tenant's own."""


def check_tenant_args(args: TenantArgs) -> TenantConfig:
    """Validate props with the stack config's parser (name, region, tags) and check each
    member's label and known ARN; raises ``ConfigError`` listing every problem, named as props."""
    problems = Problems()
    shape: dict[str, object] = {"name": args.name, "tags": checkable_tags(args.tags)}
    if args.region is not None:
        shape["region"] = args.region
    top = Fields({"tenants": [shape]}, f"{PROPS}:", problems)
    tenants = parse_tenants(top, aws_region(), [], FeedbackConfig(), ())
    top.finish()
    problems.rename_keys(lambda key: props_key_path(key, f"{PROPS}:tenants[0]", PROPS, {}))
    region = args.region if args.region is not None else aws_region()
    resources = cast(object, args.resources)
    if not isinstance(resources, Mapping):
        problems.add(f"{PROPS}.resources", resources, "must be a mapping of label to ARN")
        resources = {}
    for label, arn in cast(Mapping[object, object], resources).items():
        key = f"{PROPS}.resources.{label}"
        if not LABEL.fullmatch(str(label)):
            problems.add(key, label, "labels are 1-64 letters, digits, '_' and '-'")
        if isinstance(arn, pulumi.Output):
            continue  # AWS's to check once known
        match = _MEMBER_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None:
            problems.add(
                key,
                arn,
                "must be the ARN of an SES identity, configuration set or contact list (or an "
                "output such as an SesDomain's arn)",
            )
        elif region is not None and match["region"] != region:
            problems.add(
                key,
                arn,
                f"is in {match['region']} but the tenant is in {region}; a tenant "
                "groups resources of its own region",
            )
    problems.raise_if_any()
    return tenants[0]


def tenant_settings(props: TenantArgs, config: TenantConfig, tags_key: str) -> TenantSettings:
    """What checked props build (``config`` is :func:`check_tenant_args`'s): one member per
    resource, labelled as given; ``tags_key`` names the tags in messages about their outputs."""
    return TenantSettings(
        config=config,
        members=[
            TenantMember(label=label, arn=pulumi.Output.from_input(arn))
            for label, arn in props.resources.items()
        ],
        tag_outputs=tag_outputs(props.tags, tags_key),
    )


class Tenant(pulumi.ComponentResource):
    """An SES tenant with its resource associations."""

    name: pulumi.Output[str]
    """The tenant's name."""
    arn: pulumi.Output[str]
    """The tenant's ARN."""
    associations: dict[str, aws.sesv2.TenantResourceAssociation]
    """Member label -> its association."""

    def __init__(
        self,
        name: str,
        args: TenantArgs | TenantSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(args, TenantArgs):
            args = tenant_settings(args, check_tenant_args(args), f"{PROPS}.tags")
        super().__init__(TYPE_TOKEN, name, None, opts)
        config = args.config
        tenant = aws.sesv2.Tenant(
            f"{name}-tenant",
            tenant_name=config.name,
            tags={**args.tags, **config.tags, **args.tag_outputs} or None,
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
