"""The AWS provider of a region other than the stack's own, for the resources adopted there.

An imported resource is read in its provider's region: the provider takes an import id's
``@<region>`` suffix as the region, then keeps the bare id in the state (terraform-provider-aws,
``importRegionInterceptor`` in internal/provider/sdkv2/region.go). A program whose ``import_``
option differs from the id in the state imports the resource again on every later update, as a
replacement (Pulumi's step generator: ``isImport := ... old.ID != goal.ID``), which would delete
what was just adopted. So the program imports by the bare id, and a resource adopted outside the
stack's region is declared with the provider of its own region. That provider is made from the
stack's ``aws:`` settings (credentials, profile, roles, default tags: secrets stay secret), only
the region differs, so it acts as the same account. Every other resource keeps the default
provider and its ``region`` input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, cast

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from .validation import snake_case

_NAMESPACE = "aws:"
_TAG_MAPS = frozenset({"tags"})
"""Maps whose keys are the user's (tag names), never renamed."""


def regional_providers(
    regions: Iterable[str],
    provider_region: str | None,
    *,
    prefix: str = "",
    parent: pulumi.Resource | None = None,
) -> dict[str, pulumi.ProviderResource]:
    """One provider per region in ``regions`` other than ``provider_region`` (every region
    when the stack names none), named ``<prefix>aws-<region>``: a component built from props
    makes its own, under ``parent``, so two components never declare the same provider."""
    settings = _stack_settings()
    opts = pulumi.ResourceOptions(parent=parent)
    return {
        region: aws.Provider(f"{prefix}aws-{region}", region=region, opts=opts, **settings)
        for region in sorted(set(regions))
        if region != provider_region
    }


def component_providers(
    component: pulumi.Resource, name: str, regions: Iterable[str]
) -> dict[str, pulumi.ProviderResource]:
    """The providers a component built from props adopts through: one per region other than
    the ``aws:region`` config, named ``<name>-aws-<region>``, under the ``component``."""
    provider_region = runtime_config.get_config("aws:region")
    return regional_providers(regions, provider_region, prefix=f"{name}-", parent=component)


def _stack_settings() -> dict[str, Any]:
    """The stack's ``aws:`` config as ``aws.Provider`` keyword arguments, ``region`` aside."""
    known = set(aws.ProviderArgs.__init__.__code__.co_varnames) - {"self", "region"}
    keys = {*runtime_config.CONFIG.get(), *runtime_config.get_config_env()}
    settings: dict[str, Any] = {}
    for key in sorted(keys):
        if not key.startswith(_NAMESPACE):
            continue
        name = snake_case(key.removeprefix(_NAMESPACE))
        raw = runtime_config.get_config(key)
        if name not in known or raw is None:
            continue
        value = _snake_keys(_decoded(raw))
        settings[name] = (
            pulumi.Output.secret(value) if runtime_config.is_config_secret(key) else value
        )
    return settings


def _decoded(raw: Any) -> Any:
    """A config value as the provider takes it: JSON objects, lists and booleans decoded."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _snake_keys(value: Any, *, rename: bool = True) -> Any:
    if isinstance(value, dict):
        items = cast(dict[str, Any], value)
        return {
            (snake_case(key) if rename else key): _snake_keys(item, rename=key not in _TAG_MAPS)
            for key, item in items.items()
        }
    if isinstance(value, list):
        return [_snake_keys(item) for item in cast(list[Any], value)]
    return value
