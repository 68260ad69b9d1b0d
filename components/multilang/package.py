"""The ``ses`` Pulumi package: its name, its description, the generated SDKs' names, its schema.

The language names all derive from :data:`REPOSITORY`, the project's home: change it (and
nothing else) when the repository lives elsewhere. docs/reuse.md lists what each SDK is called.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..api_senders.args import ApiSenderArgs
from ..deliverability.contact_list import ContactListArgs
from ..deliverability.ip_pool import DedicatedIpPoolArgs
from ..deliverability.tenant import TenantArgs
from ..deliverability.vdm import AccountVdmArgs
from ..domain.args import SesDomainArgs
from ..feedback.args import ConfigurationSetArgs, FeedbackTopicsArgs, ReputationAlarmsArgs
from ..smtp.group import SmtpGroupArgs
from ..smtp.user import SmtpUserArgs
from .schema import KNOWN, SECRET, Component, PackageInfo, package_schema
from .types import (
    CHECKED,
    POLICY,
    RECORDS,
    RESOURCES,
    AccountVdmOutputs,
    ApiSenderOutputs,
    ConfigurationSetOutputs,
    ContactListOutputs,
    DedicatedIpPoolOutputs,
    FeedbackTopicsOutputs,
    ReputationAlarmsOutputs,
    SesDomainOutputs,
    SmtpGroupOutputs,
    SmtpUserOutputs,
    TenantOutputs,
)

PACKAGE_NAME = "ses"
"""The Pulumi package name: type tokens are ``ses:index:<Component>``."""
REPOSITORY = "https://github.com/ses-domains/ses-domains"
"""Where the project lives: the schema's homepage and repository, the Go import path's root."""

SES_DOMAIN = Component(
    name="SesDomain",
    description=(
        "An SES v2 domain identity with Easy DKIM (2048-bit), a custom MAIL FROM domain, DMARC "
        "and its DNS records in Route 53 or Cloudflare, or exported for DNS elsewhere."
    ),
    inputs=SesDomainArgs,
    outputs=SesDomainOutputs,
)
SMTP_USER = Component(
    name="SmtpUser",
    description=(
        "An IAM user allowed only `ses:SendRawEmail` from its domains, with SES SMTP "
        "credentials for each of its regions (username and passwords as secrets), optionally "
        "in Secrets Manager."
    ),
    inputs=SmtpUserArgs,
    outputs=SmtpUserOutputs,
)
SMTP_GROUP = Component(
    name="SmtpGroup",
    description=(
        "An IAM group whose one policy allows only `ses:SendRawEmail` from its identities, for "
        "several `SmtpUser` members (give its `groupName` to each user's `group`)."
    ),
    inputs=SmtpGroupArgs,
    outputs=SmtpGroupOutputs,
)

_WHY_PLAIN = {
    "SesDomainArgs": {
        "name": RECORDS,
        "region": RESOURCES,
        "regions": RESOURCES,
        "global_endpoint": RESOURCES,
        "dkim": RECORDS,
        "mail_from": RECORDS,
        "dmarc": RECORDS,
        "dns": RESOURCES,
        "email_identities": RESOURCES,
        "tags": CHECKED,
        "protect": "it is a resource option of the identity.",
        "sending_authorization": RESOURCES,
    },
    "SendingAuthorizationArgs": {"name": RESOURCES}
    | dict.fromkeys(("principals", "actions", "from_addresses", "recipients"), CHECKED),
    "GlobalEndpointArgs": {"name": RESOURCES, "regions": RESOURCES},
    "EasyDkim": {"key_length": CHECKED, "target_domain": RECORDS},
    "Byodkim": {"selector": RECORDS},
    "MailFromArgs": {
        "subdomain": RECORDS,
        "behavior_on_mx_failure": CHECKED,
        "subdomains": RECORDS,
    },
    "DmarcArgs": dict.fromkeys(
        ("policy", "subdomain_policy", "rua", "ruf", "pct", "adkim", "aspf"), RECORDS
    ),
    "Route53Dns": {"zone_name": RESOURCES, "ttl": RECORDS},
    "CloudflareDns": {"ttl": RECORDS},
    "ExternalDns": {"ttl": RECORDS},
    "SmtpUserArgs": {
        "user_name": RESOURCES,
        "regions": RESOURCES,
        "policy": POLICY,
        "path": CHECKED,
        "rotation": RESOURCES,
        "previous_rotation": RESOURCES,
        "secret": RESOURCES,
        "provider_region": RESOURCES,
        "tags": CHECKED,
    },
    "SmtpGroupArgs": {"group_name": RESOURCES, "policy": POLICY, "path": CHECKED},
    "ApiSenderArgs": {
        "sender_name": RESOURCES,
        "policy": POLICY,
        "kind": RESOURCES,
        "trust": "the role's trust policy document is built from it before any resource is"
        " declared.",
        "path": CHECKED,
        "max_session_duration": CHECKED,
        "access_key": RESOURCES,
        "rotation": RESOURCES,
        "previous_rotation": RESOURCES,
        "tags": CHECKED,
    },
    "TrustArgs": dict.fromkeys(("principals", "conditions"), CHECKED),
    "ContactListArgs": dict.fromkeys(("name", "region"), RESOURCES)
    | dict.fromkeys(("description", "topics", "tags"), CHECKED),
    "ContactListTopicArgs": dict.fromkeys(
        ("name", "display_name", "default_subscription_status", "description"), CHECKED
    ),
    "DedicatedIpPoolArgs": dict.fromkeys(("name", "region"), RESOURCES)
    | dict.fromkeys(("scaling_mode", "tags"), CHECKED),
    "AccountVdmArgs": {"regions": RESOURCES}
    | dict.fromkeys(("enabled", "engagement_metrics", "optimized_shared_delivery"), CHECKED),
    "TenantArgs": dict.fromkeys(("name", "region"), RESOURCES)
    | {
        "resources": "its labels decide which associations are declared and what they are named.",
        "tags": CHECKED,
    },
    "SmtpPolicyArgs": dict.fromkeys(
        (
            "identity_arns",
            "identities",
            "configuration_set_arns",
            "configuration_sets",
            "from_addresses",
            "recipients",
        ),
        POLICY,
    ),
    "SmtpIdentity": dict.fromkeys(("region", "identity", "domain", "home"), POLICY),
    "SmtpConfigurationSet": dict.fromkeys(("region", "name"), POLICY),
    "SmtpSecretArgs": {"name": RESOURCES, "recovery_window_days": CHECKED},
    "ConfigurationSetArgs": dict.fromkeys(
        (
            "tls_policy",
            "reputation_metrics",
            "sending_enabled",
            "suppressed_reasons",
            "max_delivery_seconds",
            "vdm",
            "allow_unrouted_feedback",
            "email_forwarding",
            "tags",
        ),
        CHECKED,
    )
    | dict.fromkeys(
        ("name", "region", "tracking", "topics", "kms", "cloud_watch", "event_bridge", "account"),
        RESOURCES,
    ),
    "FeedbackTopicsArgs": dict.fromkeys(
        ("set_name", "region", "topics", "kms", "account"), RESOURCES
    )
    | {"tags": CHECKED},
    "ReputationAlarmsArgs": dict.fromkeys(
        ("region", "subscriptions", "dashboard", "name_prefix", "account"), RESOURCES
    )
    | dict.fromkeys(
        (
            "bounce_rate_threshold",
            "complaint_rate_threshold",
            "period_seconds",
            "evaluation_periods",
            "tags",
        ),
        CHECKED,
    ),
    "TopicArgs": dict.fromkeys(("kind", "subscriptions", "queue"), RESOURCES) | {"events": CHECKED},
    "SubscriptionArgs": {"protocol": RESOURCES, "raw_message_delivery": CHECKED},
    "QueueArgs": dict.fromkeys(
        ("max_receive_count", "message_retention_seconds", "visibility_timeout_seconds"), CHECKED
    ),
    "KmsArgs": {"deletion_window_in_days": CHECKED},
    "CloudWatchArgs": {"events": CHECKED, "dimensions": CHECKED},
    "DimensionArgs": dict.fromkeys(("name", "source", "default_value"), CHECKED),
    "EventBridgeArgs": {"events": CHECKED},
    "TrackingArgs": {"custom_redirect_domain": CHECKED, "https_policy": CHECKED},
    "VdmArgs": {"engagement_metrics": CHECKED, "optimized_shared_delivery": CHECKED},
}
NOTES: Mapping[str, Mapping[str, object]] = {
    f"{cls}.{name}": {KNOWN: why}
    for cls, fields in _WHY_PLAIN.items()
    for name, why in fields.items()
} | {"Byodkim.private_key": {SECRET: True}}
"""Schema metadata of the typed props' fields (``SesDomainArgs`` and its parts live with the
component and know nothing of the schema): why each plain input must be known, what is secret."""
CONFIGURATION_SET = Component(
    name="ConfigurationSet",
    description=(
        "An SES configuration set (TLS required, bounces and complaints suppressed) with its "
        "SNS feedback topics (least-privilege policies, optionally KMS-encrypted), queues, "
        "subscriptions and event destinations."
    ),
    inputs=ConfigurationSetArgs,
    outputs=ConfigurationSetOutputs,
)
FEEDBACK_TOPICS = Component(
    name="FeedbackTopics",
    description=(
        "The SNS topics one configuration set publishes feedback to (least-privilege policies "
        "that let only that set publish, optionally KMS-encrypted), their subscriptions and "
        "queues; `ConfigurationSet` declares these itself, this is for a set managed elsewhere."
    ),
    inputs=FeedbackTopicsArgs,
    outputs=FeedbackTopicsOutputs,
)
REPUTATION_ALARMS = Component(
    name="ReputationAlarms",
    description=(
        "CloudWatch alarms on one region's account bounce and complaint rates, an alerts topic "
        "with its subscriptions, and optionally a dashboard."
    ),
    inputs=ReputationAlarmsArgs,
    outputs=ReputationAlarmsOutputs,
)
API_SENDER = Component(
    name="ApiSender",
    description=(
        "An IAM role (trusted only by the principals given) or user allowed only "
        "`ses:SendEmail` and `ses:SendRawEmail` through the SES v2 API from its identities, "
        "optionally with an access key (exported as secrets)."
    ),
    inputs=ApiSenderArgs,
    outputs=ApiSenderOutputs,
)
CONTACT_LIST = Component(
    name="ContactList",
    description=(
        "An SES contact list with its topics (one list per account and region): what SES's "
        "subscription management needs to add one-click `List-Unsubscribe` (RFC 8058) headers."
    ),
    inputs=ContactListArgs,
    outputs=ContactListOutputs,
)
DEDICATED_IP_POOL = Component(
    name="DedicatedIpPool",
    description=(
        "An SES dedicated IP pool (STANDARD or MANAGED scaling) that configuration sets send "
        "through (`sendingPoolName`)."
    ),
    inputs=DedicatedIpPoolArgs,
    outputs=DedicatedIpPoolOutputs,
)
ACCOUNT_VDM = Component(
    name="AccountVdm",
    description=(
        "The account's Virtual Deliverability Manager settings (on or off, dashboard "
        "engagement metrics, optimized shared delivery) in each of its regions."
    ),
    inputs=AccountVdmArgs,
    outputs=AccountVdmOutputs,
)
TENANT = Component(
    name="Tenant",
    description=(
        "An SES tenant grouping identities, configuration sets and contact lists (one "
        "association per resource, deleted before the resource)."
    ),
    inputs=TenantArgs,
    outputs=TenantOutputs,
)
COMPONENTS = (
    SES_DOMAIN,
    SMTP_USER,
    SMTP_GROUP,
    API_SENDER,
    CONFIGURATION_SET,
    FEEDBACK_TOPICS,
    REPUTATION_ALARMS,
    CONTACT_LIST,
    DEDICATED_IP_POOL,
    ACCOUNT_VDM,
    TENANT,
)
"""Every component of the package, in schema order."""

PACKAGE = PackageInfo(
    name=PACKAGE_NAME,
    version=__version__,
    display_name="SES domains",
    description=(
        "Amazon SES sending domains, ready to send: the domain identity with DKIM, custom MAIL "
        "FROM and DMARC records written to Route 53 or Cloudflare (or exported), configuration "
        "sets with their feedback topics, reputation alarms, and send-only SMTP users with "
        "their credentials."
    ),
    homepage=REPOSITORY,
    repository=REPOSITORY,
    license="Apache-2.0",
    publisher="ses-domains",
    keywords=("pulumi", "aws", "ses", "email", "dkim", "dmarc", "smtp", "kind/component"),
    language={
        "nodejs": {"packageName": "@ses-domains/ses", "respectSchemaVersion": True},
        "python": {"packageName": "pulumi_ses_domains", "respectSchemaVersion": True},
        "csharp": {"rootNamespace": "SesDomains", "respectSchemaVersion": True},
        "go": {
            "importBasePath": f"{REPOSITORY.removeprefix('https://')}/sdk/go/ses",
            "respectSchemaVersion": True,
        },
        "java": {"basePackage": "io.github.sesdomains", "respectSchemaVersion": True},
    },
)


@functools.cache
def schema() -> Mapping[str, Any]:
    """The package schema the provider serves (GetSchema) and checks inputs against."""
    return package_schema(PACKAGE, COMPONENTS, NOTES)
