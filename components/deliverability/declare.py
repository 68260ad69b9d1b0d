"""``Deliverability``: the contact lists, dedicated IP pools, account VDM settings and tenants of
a stack from a validated :class:`~.model.DeliverabilityConfig`, and their stack outputs.

Build it before the feedback loop: configuration sets take :meth:`pool_names` so each set waits
for the pool it sends through; call :meth:`declare_tenants` once the identities and sets exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .contact_list import ContactList, ContactListSettings
from .ip_pool import DedicatedIpPool, DedicatedIpPoolSettings
from .model import DeliverabilityConfig
from .tenant import Tenant, TenantMember, TenantSettings
from .vdm import AccountVdm, AccountVdmSettings


class Deliverability:
    """Declares the list management, dedicated IP, VDM and tenant sections of a stack."""

    def __init__(self, config: DeliverabilityConfig, tags: Mapping[str, str]) -> None:
        self.config = config
        self.tags = dict(tags)
        self.contact_lists = {
            item.region: ContactList(
                f"contact-list-{item.region}", ContactListSettings(config=item, tags=tags)
            )
            for item in config.contact_lists
        }
        self.pools = {
            (pool.name, pool.region): DedicatedIpPool(
                f"ip-pool-{pool.region}-{pool.name}",
                DedicatedIpPoolSettings(config=pool, tags=tags, was_top_level=True),
            )
            for pool in config.dedicated_ip_pools
            if not pool.existing
        }
        self.vdm = (
            None
            if config.vdm is None
            else AccountVdm(
                "account-vdm", AccountVdmSettings(config=config.vdm, was_top_level=True)
            )
        )
        self.tenants: dict[str, Tenant] = {}
        """``<region>/<name>`` -> the tenant (names are unique per account and region)."""

    def pool_names(self) -> dict[tuple[str, str], pulumi.Output[str]]:
        """(pool name, region) -> the declared pool's name as its output (existing pools are
        not declared and not listed)."""
        return {slot: pool.name for slot, pool in self.pools.items()}

    def declare_tenants(
        self,
        identity_arns: Mapping[str, pulumi.Output[str]],
        set_arns: Mapping[str, pulumi.Output[str]],
    ) -> dict[str, Tenant]:
        """Declare each tenant with its associations; ``identity_arns`` maps domain names and
        addresses, ``set_arns`` configuration set names, to the resources' ARN outputs."""
        for tenant in self.config.tenants:
            members = [
                *(
                    TenantMember(label=f"identity-{i.replace('@', '-at-')}", arn=identity_arns[i])
                    for i in tenant.identities
                ),
                *(
                    TenantMember(label=f"set-{s}", arn=set_arns[s])
                    for s in tenant.configuration_sets
                ),
                *(
                    TenantMember(label=f"list-{c}", arn=self.contact_lists[tenant.region].arn)
                    for c in tenant.contact_lists
                ),
            ]
            self.tenants[f"{tenant.region}/{tenant.name}"] = Tenant(
                f"tenant-{tenant.region}-{tenant.name}",
                TenantSettings(config=tenant, members=members, tags=self.tags),
            )
        return self.tenants

    def outputs(self) -> dict[str, Any]:
        """Stack outputs of the sections in use: ``contact_lists`` by region,
        ``dedicated_ip_pools`` and ``tenants`` by ``<region>/<name>`` (a section not configured
        adds none)."""
        found: dict[str, Any] = {}
        if self.config.contact_lists:
            found["contact_lists"] = {
                item.region: {
                    "name": item.name,
                    "arn": self.contact_lists[item.region].arn,
                    "topics": [topic.name for topic in item.topics],
                }
                for item in self.config.contact_lists
            }
        if self.config.dedicated_ip_pools:
            found["dedicated_ip_pools"] = {
                f"{pool.region}/{pool.name}": {
                    "name": pool.name,
                    "region": pool.region,
                    "scaling_mode": pool.scaling_mode.value if not pool.existing else None,
                    "existing": pool.existing,
                }
                for pool in self.config.dedicated_ip_pools
            }
        if self.tenants:
            found["tenants"] = {
                slot: {"arn": tenant.arn, "resources": sorted(tenant.associations)}
                for slot, tenant in self.tenants.items()
            }
        return found
