"""``DedicatedIpPool`` (type token ``ses:index:DedicatedIpPool``): an SES dedicated IP pool, which
configuration sets send through (``ConfigurationSetArgs.sending_pool_name``).

Programs give :class:`DedicatedIpPoolArgs`, checked by the stack config's own parser
(``ses:dedicatedIpPools``) with problems named as props; the stack passes the validated
:class:`DedicatedIpPoolSettings` (a pool listed there with ``existing: true`` is not declared).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from ..tag_values import checkable_tags, tag_outputs
from ..validation import Fields, Problems, props_key_path
from .model import DedicatedIpPoolConfig, ScalingMode
from .parse import parse_dedicated_ip_pools

TYPE_TOKEN = "ses:index:DedicatedIpPool"
PROPS = "DedicatedIpPoolArgs"


@dataclass(frozen=True, kw_only=True)
class DedicatedIpPoolArgs:
    """Typed props of a :class:`DedicatedIpPool`."""

    name: str
    """The pool's name: 1-64 lowercase letters, digits, ``_`` and ``-``, unique per account and
    region."""
    region: str | None = None
    """Its region (``None``: the provider's ``aws:region``); sets of that region may use it."""
    scaling_mode: ScalingMode = ScalingMode.STANDARD
    """STANDARD (you lease and warm up the IPs) or MANAGED (SES does, as volume needs)."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of the pool (a value may be an output: checked once known)."""


@dataclass(frozen=True, kw_only=True)
class DedicatedIpPoolSettings:
    """What a :class:`DedicatedIpPool` is built from once validated."""

    config: DedicatedIpPoolConfig
    """The validated pool (declared: not ``existing``)."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Stack-wide tags; the pool's own are merged over them."""
    tag_outputs: Mapping[str, pulumi.Output[str]] = field(
        default_factory=dict[str, pulumi.Output[str]]
    )
    """The props' tags given as outputs (checked once known), over the pool's own."""
    was_top_level: bool = False
    """The stack declared the pool at its top level, under the child's name, before pools were
    components: an alias to there keeps a deployed pool from being replaced."""


def enum_value(value: object) -> object:
    """A choice as the config parser reads it: an enum member's value, anything else as given
    (the parser names what is allowed)."""
    return value.value if isinstance(value, Enum) else value


def aws_region() -> str | None:
    """The program's ``aws:region``, when set."""
    region = runtime_config.get_config("aws:region")
    return region if isinstance(region, str) else None


def check_pool_args(args: DedicatedIpPoolArgs) -> DedicatedIpPoolConfig:
    """Validate props with the stack config's parser; raises ``ConfigError`` listing every
    problem, named as props."""
    problems = Problems()
    shape: dict[str, object] = {
        "name": args.name,
        "scalingMode": enum_value(args.scaling_mode),
        "tags": checkable_tags(args.tags),
    }
    if args.region is not None:
        shape["region"] = args.region
    top = Fields({"dedicatedIpPools": [shape]}, f"{PROPS}:", problems)
    pools = parse_dedicated_ip_pools(top, aws_region())
    top.finish()
    problems.rename_keys(lambda key: props_key_path(key, f"{PROPS}:dedicatedIpPools[0]", PROPS, {}))
    problems.raise_if_any()
    return pools[0]


def pool_settings(
    props: DedicatedIpPoolArgs, config: DedicatedIpPoolConfig, tags_key: str
) -> DedicatedIpPoolSettings:
    """What checked props build (``config`` is :func:`check_pool_args`'s); ``tags_key`` names
    the tags in the messages about their output values."""
    return DedicatedIpPoolSettings(config=config, tag_outputs=tag_outputs(props.tags, tags_key))


class DedicatedIpPool(pulumi.ComponentResource):
    """An SES dedicated IP pool (child ``aws.sesv2.DedicatedIpPool`` named as the component)."""

    name: pulumi.Output[str]
    """The pool's name (an output, so a set sending through it waits for it)."""
    arn: pulumi.Output[str]
    """The pool's ARN."""
    region: str
    """The pool's region."""
    scaling_mode: ScalingMode
    """How the pool grows."""
    pool_name: str
    """The pool's name, known when the program runs (what a set's region check reads)."""

    def __init__(
        self,
        name: str,
        args: DedicatedIpPoolArgs | DedicatedIpPoolSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(args, DedicatedIpPoolArgs):
            args = pool_settings(args, check_pool_args(args), f"{PROPS}.tags")
        super().__init__(TYPE_TOKEN, name, None, opts)
        config = args.config
        moved = [pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)] if args.was_top_level else None
        pool = aws.sesv2.DedicatedIpPool(
            name,
            pool_name=config.name,
            scaling_mode=config.scaling_mode.value,
            tags={**args.tags, **config.tags, **args.tag_outputs} or None,
            region=config.region,
            opts=pulumi.ResourceOptions(parent=self, aliases=moved),
        )
        self.name = pool.pool_name
        self.arn = pool.arn
        self.region = config.region
        self.scaling_mode = config.scaling_mode
        self.pool_name = config.name
        self.register_outputs({"name": self.name, "arn": self.arn})
