"""SES sending domains as Pulumi components: the public API.

Installed with pip this package is ``ses_domains`` (the repository keeps the folder
``components/``; see docs/reuse.md). The top level holds the components, their typed props
(keyword-only frozen dataclasses, validated by the stack config's own checks), the enums the
props take and ``ConfigError``. Stack-level helpers (``build_stack``, ``read_stack_config``,
``parse_stack_config``, ``StackConfig``) live in ``ses_domains.stack``. Names are imported
lazily, so the pure modules (``ses_domains.domain.model``, ``ses_domains.domain.records``, ...)
stay usable without loading Pulumi::

    from ses_domains import DmarcArgs, DmarcPolicy, ExternalDns, SesDomain, SesDomainArgs
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "ConfigError": "validation",
    # the domain component and its props
    "SesDomain": "domain.component",
    "SesDomainArgs": "domain.args",
    "EasyDkim": "domain.args",
    "Byodkim": "domain.args",
    "MailFromArgs": "domain.args",
    "DmarcArgs": "domain.args",
    "BimiArgs": "domain.extra_args",
    "Route53Dns": "domain.args",
    "CloudflareDns": "domain.args",
    "ExternalDns": "domain.args",
    "GlobalEndpointArgs": "domain.extra_args",
    "PostmasterToolsArgs": "domain.extra_args",
    "AdoptArgs": "domain.extra_args",
    "AdoptedRecord": "domain.adopt",
    "DkimKeyLength": "domain.model",
    "DmarcAlignment": "domain.model",
    "DmarcPolicy": "domain.model",
    "MxFailureBehavior": "domain.model",
    # the feedback loop's components
    "AccountContext": "feedback.account",
    "ConfigurationSet": "feedback.configuration_set",
    "ConfigurationSetArgs": "feedback.args",
    "FeedbackTopics": "feedback.topics",
    "FeedbackTopicsArgs": "feedback.args",
    "ReputationAlarms": "feedback.alarms",
    "ReputationAlarmsArgs": "feedback.args",
    "SubscriptionArgs": "feedback.args",
    "QueueArgs": "feedback.args",
    "TopicArgs": "feedback.args",
    "KmsArgs": "feedback.args",
    "DimensionArgs": "feedback.args",
    "CloudWatchArgs": "feedback.args",
    "EventBridgeArgs": "feedback.args",
    "TrackingArgs": "feedback.args",
    "VdmArgs": "feedback.args",
    "EventType": "feedback.model",
    "TlsPolicy": "feedback.model",
    "SuppressionReason": "feedback.model",
    "HttpsPolicy": "feedback.model",
    "FeatureStatus": "feedback.model",
    "DimensionValueSource": "feedback.model",
    "SubscriptionProtocol": "feedback.model",
    # list management
    "ContactList": "deliverability.contact_list",
    "ContactListArgs": "deliverability.contact_list",
    "ContactListTopicArgs": "deliverability.contact_list",
    "SubscriptionStatus": "deliverability.model",
    # tenants, dedicated IPs and the account's VDM
    "Tenant": "deliverability.tenant",
    "TenantArgs": "deliverability.tenant",
    "DedicatedIpPool": "deliverability.ip_pool",
    "DedicatedIpPoolArgs": "deliverability.ip_pool",
    "ScalingMode": "deliverability.model",
    "AccountVdm": "deliverability.vdm",
    "AccountVdmArgs": "deliverability.vdm",
    # SMTP users
    "SmtpUser": "smtp.user",
    "SmtpUserArgs": "smtp.user",
    "SmtpGroup": "smtp.group",
    "SmtpGroupArgs": "smtp.group",
    "SmtpPolicyArgs": "smtp.policy",
    "SmtpSecretArgs": "smtp.args",
    # other accounts and API senders
    "SendingAuthorizationArgs": "domain.extra_args",
    "SendAction": "domain.authorization",
    "ApiSender": "api_senders.sender",
    "ApiSenderArgs": "api_senders.args",
    "TrustArgs": "api_senders.args",
    "ApiSenderKind": "api_senders.model",
}

__all__ = [  # the _EXPORTS keys; tests/integration/test_package.py keeps them equal
    "AccountContext",
    "AccountVdm",
    "AccountVdmArgs",
    "AdoptArgs",
    "AdoptedRecord",
    "ApiSender",
    "ApiSenderArgs",
    "ApiSenderKind",
    "BimiArgs",
    "Byodkim",
    "CloudWatchArgs",
    "CloudflareDns",
    "ConfigError",
    "ConfigurationSet",
    "ConfigurationSetArgs",
    "ContactList",
    "ContactListArgs",
    "ContactListTopicArgs",
    "DedicatedIpPool",
    "DedicatedIpPoolArgs",
    "DimensionArgs",
    "DimensionValueSource",
    "DkimKeyLength",
    "DmarcAlignment",
    "DmarcArgs",
    "DmarcPolicy",
    "EasyDkim",
    "EventBridgeArgs",
    "EventType",
    "ExternalDns",
    "FeatureStatus",
    "FeedbackTopics",
    "FeedbackTopicsArgs",
    "GlobalEndpointArgs",
    "HttpsPolicy",
    "KmsArgs",
    "MailFromArgs",
    "MxFailureBehavior",
    "PostmasterToolsArgs",
    "QueueArgs",
    "ReputationAlarms",
    "ReputationAlarmsArgs",
    "Route53Dns",
    "ScalingMode",
    "SendAction",
    "SendingAuthorizationArgs",
    "SesDomain",
    "SesDomainArgs",
    "SmtpGroup",
    "SmtpGroupArgs",
    "SmtpPolicyArgs",
    "SmtpSecretArgs",
    "SmtpUser",
    "SmtpUserArgs",
    "SubscriptionArgs",
    "SubscriptionProtocol",
    "SubscriptionStatus",
    "SuppressionReason",
    "Tenant",
    "TenantArgs",
    "TlsPolicy",
    "TopicArgs",
    "TrackingArgs",
    "TrustArgs",
    "VdmArgs",
    "__version__",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


if TYPE_CHECKING:
    from .api_senders.args import ApiSenderArgs, TrustArgs
    from .api_senders.model import ApiSenderKind
    from .api_senders.sender import ApiSender
    from .deliverability.contact_list import ContactList, ContactListArgs, ContactListTopicArgs
    from .deliverability.ip_pool import DedicatedIpPool, DedicatedIpPoolArgs
    from .deliverability.model import ScalingMode, SubscriptionStatus
    from .deliverability.tenant import Tenant, TenantArgs
    from .deliverability.vdm import AccountVdm, AccountVdmArgs
    from .domain.adopt import AdoptedRecord
    from .domain.args import (
        AdoptArgs,
        BimiArgs,
        Byodkim,
        CloudflareDns,
        DmarcArgs,
        EasyDkim,
        ExternalDns,
        GlobalEndpointArgs,
        MailFromArgs,
        PostmasterToolsArgs,
        Route53Dns,
        SendingAuthorizationArgs,
        SesDomainArgs,
    )
    from .domain.authorization import SendAction
    from .domain.component import SesDomain
    from .domain.model import DkimKeyLength, DmarcAlignment, DmarcPolicy, MxFailureBehavior
    from .feedback.account import AccountContext
    from .feedback.alarms import ReputationAlarms
    from .feedback.args import (
        CloudWatchArgs,
        ConfigurationSetArgs,
        DimensionArgs,
        EventBridgeArgs,
        FeedbackTopicsArgs,
        KmsArgs,
        QueueArgs,
        ReputationAlarmsArgs,
        SubscriptionArgs,
        TopicArgs,
        TrackingArgs,
        VdmArgs,
    )
    from .feedback.configuration_set import ConfigurationSet
    from .feedback.model import (
        DimensionValueSource,
        EventType,
        FeatureStatus,
        HttpsPolicy,
        SubscriptionProtocol,
        SuppressionReason,
        TlsPolicy,
    )
    from .feedback.topics import FeedbackTopics
    from .smtp.args import SmtpSecretArgs
    from .smtp.group import SmtpGroup, SmtpGroupArgs
    from .smtp.policy import SmtpPolicyArgs
    from .smtp.user import SmtpUser, SmtpUserArgs
    from .validation import ConfigError
