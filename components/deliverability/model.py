"""Configuration model of list management, tenants, dedicated IP pools and account VDM.

Frozen keyword-only dataclasses and enums, built by ``deliverability/parse.py``; no Pulumi
import. The keys:

- ``ses:contactLists`` (list): SES contact lists with their topics, the base of SES's
  subscription management (``List-Unsubscribe`` and ``List-Unsubscribe-Post``, RFC 8058). SES
  allows one contact list per account and region.
- ``ses:tenants`` (list): SES tenants, each grouping identities, configuration sets and contact
  lists of the stack.
- ``ses:dedicatedIpPools`` (list): dedicated IP pools a configuration set's ``sendingPoolName``
  may name; ``existing: true`` names a pool made elsewhere without declaring it.
- ``ses:vdm`` (object): the account's Virtual Deliverability Manager settings, per region.

Limits come from botocore's sesv2 model where it has them (the enums) and otherwise from AWS's
CloudFormation reference, cited at each constant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..feedback.model import FeatureStatus

CONTACT_LIST_DOC = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ses-contactlist.html"
TOPIC_DOC = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ses-contactlist-topic.html"
POOL_DOC = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ses-dedicatedippool.html"
TENANT_DOC = "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateTenant.html"

CONTACT_LIST_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""Contact list names (``ContactListName``: CloudFormation's pattern; botocore has none)."""
TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""Topic names (``TopicName``: CloudFormation's pattern for a contact list topic)."""
MAX_TOPICS = 20
"""Topics per contact list (SES developer guide, list management; CloudFormation's maximum)."""
MAX_DESCRIPTION = 500
"""A contact list's or topic's description (CloudFormation's maximum)."""
MAX_DISPLAY_NAME = 128
"""A topic's display name, the name contacts see (CloudFormation's maximum)."""
POOL_NAME = re.compile(r"[a-z0-9_-]{1,64}")
"""Dedicated IP pool names: lowercase letters, digits, ``_`` and ``-`` (CloudFormation)."""
TENANT_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""Tenant names: up to 64 letters, digits, ``-`` and ``_`` (CreateTenant API reference)."""


class SubscriptionStatus(StrEnum):
    """A topic's default subscription status (botocore's ``SubscriptionStatus``)."""

    OPT_IN = "OPT_IN"
    """Contacts who said nothing receive the topic's mail."""
    OPT_OUT = "OPT_OUT"
    """Contacts who said nothing do not receive it until they subscribe."""


class ScalingMode(StrEnum):
    """How a dedicated IP pool grows (botocore's ``ScalingMode``)."""

    STANDARD = "STANDARD"
    """You lease and warm up the pool's IP addresses yourself."""
    MANAGED = "MANAGED"
    """SES leases, warms up and scales the pool's IP addresses (dedicated IPs, managed)."""


@dataclass(frozen=True, kw_only=True)
class TopicConfig:
    """One topic of a contact list: an interest contacts subscribe to or leave."""

    name: str
    """``TopicName``: what senders name in ``X-SES-LIST-MANAGEMENT-OPTIONS``."""
    display_name: str
    """The name contacts see on SES's unsubscribe page."""
    default_subscription_status: SubscriptionStatus
    """Whether a contact who said nothing gets the topic's mail."""
    description: str | None = None
    """What the topic is about, shown to contacts."""


@dataclass(frozen=True, kw_only=True)
class ContactListConfig:
    """An SES contact list (one per account and region)."""

    name: str
    """``ContactListName``."""
    region: str
    """Where the list lives: mail sent in this region may name it."""
    description: str | None = None
    """What the list is about."""
    topics: tuple[TopicConfig, ...] = ()
    """Its topics (at most 20)."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of the list (merged over the stack's)."""


@dataclass(frozen=True, kw_only=True)
class DedicatedIpPoolConfig:
    """A dedicated IP pool, declared by the stack or named as existing."""

    name: str
    """``PoolName``."""
    region: str
    """The pool's region; configuration sets of that region may send through it."""
    scaling_mode: ScalingMode = ScalingMode.STANDARD
    """STANDARD (you manage the IPs) or MANAGED (SES does)."""
    existing: bool = False
    """The pool exists already (made elsewhere): configuration sets may name it, nothing is
    declared."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of the pool (merged over the stack's)."""


@dataclass(frozen=True, kw_only=True)
class AccountVdmConfig:
    """The account's Virtual Deliverability Manager, set in each of ``regions``."""

    enabled: FeatureStatus = FeatureStatus.ENABLED
    """VDM on or off for the account."""
    engagement_metrics: FeatureStatus | None = None
    """Dashboard engagement metrics (opens, clicks) for the account."""
    optimized_shared_delivery: FeatureStatus | None = None
    """Guardian's optimized shared delivery for the account."""
    regions: tuple[str, ...] = ()
    """Regions it is set in (default: every region a domain uses)."""


@dataclass(frozen=True, kw_only=True)
class TenantConfig:
    """An SES tenant and the stack's resources associated with it."""

    name: str
    """``TenantName``: unique per account and region."""
    region: str
    """The tenant's region: the resources it groups live there."""
    identities: tuple[str, ...] = ()
    """Domain and email address identities of the stack."""
    configuration_sets: tuple[str, ...] = ()
    """Configuration sets of the stack, by name."""
    contact_lists: tuple[str, ...] = ()
    """Contact lists of the stack, by name."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of the tenant (merged over the stack's)."""


@dataclass(frozen=True, kw_only=True)
class DeliverabilityConfig:
    """The list management, tenants, dedicated IP and VDM sections, validated."""

    contact_lists: tuple[ContactListConfig, ...] = ()
    """``ses:contactLists``."""
    tenants: tuple[TenantConfig, ...] = ()
    """``ses:tenants``."""
    dedicated_ip_pools: tuple[DedicatedIpPoolConfig, ...] = ()
    """``ses:dedicatedIpPools`` (existing ones included, marked)."""
    vdm: AccountVdmConfig | None = None
    """``ses:vdm``, only when configured."""
    warnings: tuple[str, ...] = ()
    """Things worth knowing that do not stop the stack."""
