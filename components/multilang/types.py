"""The outputs of the components for other languages, as keyword-only dataclasses (their
inputs are the components' typed props: ``SesDomainArgs``, ``SmtpUserArgs``, ...), and the
reasons (``metadata[KNOWN]``) a plain input gives for being plain.

The package schema is derived from these (``schema.py``): each field is a property named in
camelCase, described by the docstring under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema import SECRET

RECORDS = (
    "the DNS records are built from it before any resource exists, and exported as `dnsRecords`."
)
RESOURCES = "it decides which resources the component declares and what they are named."
CHECKED = "it is checked, with every other input, before any resource is declared."
POLICY = "the send-only IAM policy document is built from it before any resource is declared."


SECRET_FIELD = {SECRET: True}
"""The metadata of a secret field: ``secret: true`` in the schema."""


@dataclass(frozen=True, kw_only=True)
class DnsRecord:
    """One DNS record the domain needs (the ``dns_records`` contract)."""

    domain: str
    """The SES domain the record belongs to."""
    name: str
    """Absolute owner name, lowercase, no trailing dot."""
    type: str
    """CNAME, MX or TXT."""
    value: str
    """CNAME target, ``"<priority> <host>"`` for MX, the whole unsplit text for TXT."""
    ttl: int
    """TTL in seconds."""
    purpose: str
    """dkim, mail_from_mx, mail_from_spf or dmarc."""


@dataclass(frozen=True, kw_only=True)
class SesDomainRegion:
    """The domain's identity in one of its regions."""

    arn: str
    """The identity's ARN in this region."""
    dkim_status: str
    """SES's DKIM status of this region's identity (PENDING, SUCCESS, ...)."""
    verified_for_sending: bool
    """Whether SES lets this region's identity send."""
    dkim_tokens: list[str]
    """This region's Easy DKIM tokens (empty for BYODKIM)."""
    dns_records: list[DnsRecord]
    """The records this region's identity needs: its DKIM records (Easy DKIM's three CNAMEs,
    or the BYODKIM key record all regions share) and its MAIL FROM MX and SPF."""
    mail_from_domain: str | None = None
    """This region's custom MAIL FROM domain, when enabled."""
    configuration_set_name: str | None = None
    """This region's default configuration set, when one is given."""
    email_identity_arns: dict[str, str]
    """ARN of each email address identity in this region, by address."""


@dataclass(frozen=True, kw_only=True)
class SesDomainOutputs:
    """The outputs of ``SesDomain``."""

    arn: str
    """The identity's ARN."""
    dns_records: list[DnsRecord]
    """Every DNS record the domain needs."""
    dkim_status: str
    """SES's DKIM status (PENDING, SUCCESS, ...)."""
    verified_for_sending: bool
    """Whether SES lets the identity send."""
    mail_from_domain: str | None = None
    """The custom MAIL FROM domain, when enabled."""
    email_identity_arns: dict[str, str]
    """ARN of each email address identity, by address."""
    region: str
    """The primary region (the one of `arn`, `dkimStatus` and `mailFromDomain`)."""
    regions: dict[str, SesDomainRegion]
    """The identity in each of the domain's regions, the primary one included."""
    configuration_set_name: str | None = None
    """The primary region's default configuration set, when one is given."""
    global_endpoint_id: str | None = None
    """The global endpoint's id (what `SendEmail`'s `EndpointId` takes), when configured."""
    authorization_policies: list[str]
    """The names of the identity's sending authorization policies."""


@dataclass(frozen=True, kw_only=True)
class SmtpEndpoint:
    """The SES SMTP interface of one region."""

    host: str
    """``email-smtp.<region>.amazonaws.com``."""
    starttls_ports: list[int]
    """Ports for STARTTLS."""
    tls_wrapper_ports: list[int]
    """Ports for implicit TLS."""


@dataclass(frozen=True, kw_only=True)
class SmtpUserOutputs:
    """The outputs of ``SmtpUser``."""

    user_name: str
    """The IAM user name."""
    user_arn: str
    """The IAM user's ARN."""
    username: str = field(metadata=SECRET_FIELD)
    """SMTP username (the access key id)."""
    password: str = field(metadata=SECRET_FIELD)
    """SMTP password for the primary region."""
    passwords: dict[str, str] = field(metadata=SECRET_FIELD)
    """SMTP password by region."""
    endpoints: dict[str, SmtpEndpoint]
    """SMTP endpoint by region."""
    secret_arn: str | None = None
    """ARN of the Secrets Manager secret, when enabled."""
    policy: str | None = None
    """The inline IAM policy document."""


@dataclass(frozen=True, kw_only=True)
class SmtpGroupOutputs:
    """The outputs of ``SmtpGroup``."""

    group_name: str
    """The IAM group name: give it to an `SmtpUser`'s `group`."""
    arn: str
    """The IAM group's ARN."""
    policy: str
    """The group's IAM policy document."""


@dataclass(frozen=True, kw_only=True)
class ConfigurationSetOutputs:
    """The outputs of ``ConfigurationSet``."""

    name: str
    """The configuration set's name: give it to `SesDomain`'s `configurationSetName`."""
    arn: str
    """The configuration set's ARN."""
    region: str
    """The set's region."""
    topic_arns: dict[str, str]
    """ARN of each feedback topic, by kind (``bounce``, ``complaint``, ...)."""
    queue_urls: dict[str, str]
    """URL of each topic's SQS queue, by kind (the topics that have one)."""
    key_arn: str | None = None
    """The topics' customer-managed KMS key, when ``kms`` is given."""


@dataclass(frozen=True, kw_only=True)
class FeedbackTopicsOutputs:
    """The outputs of ``FeedbackTopics``."""

    topic_arns: dict[str, str]
    """ARN of each topic, by kind: give them to the set's SNS event destinations."""
    queue_urls: dict[str, str]
    """URL of each topic's SQS queue, by kind (the topics that have one)."""
    dead_letter_queue_urls: dict[str, str]
    """URL of each queue's dead-letter queue, by kind."""
    key_arn: str | None = None
    """The topics' customer-managed KMS key, when ``kms`` is given."""


@dataclass(frozen=True, kw_only=True)
class ReputationAlarmsOutputs:
    """The outputs of ``ReputationAlarms``."""

    alarm_names: list[str]
    """The bounce-rate and complaint-rate alarms."""
    alerts_topic_arn: str
    """The SNS topic the alarms notify."""
    dashboard_name: str | None = None
    """The CloudWatch dashboard, when ``dashboard`` is true."""


@dataclass(frozen=True, kw_only=True)
class ApiSenderOutputs:
    """The outputs of ``ApiSender``."""

    kind: str
    """``role`` or ``user``."""
    name: str
    """The IAM role or user name."""
    arn: str
    """The IAM role's or user's ARN (a workload assumes the role by it)."""
    policy: str
    """The inline send-only IAM policy document."""
    access_key_id: str | None = field(default=None, metadata=SECRET_FIELD)
    """A user's access key id, when ``accessKey`` is true."""
    secret_access_key: str | None = field(default=None, metadata=SECRET_FIELD)
    """A user's secret access key, when ``accessKey`` is true."""


@dataclass(frozen=True, kw_only=True)
class ContactListOutputs:
    """The outputs of ``ContactList``."""

    name: str
    """The list's name: what senders give as the list in list-management options."""
    arn: str
    """The list's ARN (what a `Tenant`'s `resources` takes)."""
    region: str
    """The list's region."""


@dataclass(frozen=True, kw_only=True)
class DedicatedIpPoolOutputs:
    """The outputs of ``DedicatedIpPool``."""

    name: str
    """The pool's name: give it to a `ConfigurationSet`'s `sendingPoolName`."""
    arn: str
    """The pool's ARN."""
    region: str
    """The pool's region."""
    scaling_mode: str
    """STANDARD or MANAGED."""


@dataclass(frozen=True, kw_only=True)
class AccountVdmOutputs:
    """The outputs of ``AccountVdm``."""

    regions: list[str]
    """The regions the account's VDM settings are set in."""
    enabled: str
    """ENABLED or DISABLED."""


@dataclass(frozen=True, kw_only=True)
class TenantOutputs:
    """The outputs of ``Tenant``."""

    name: str
    """The tenant's name (what `SendEmail`'s `TenantName` takes)."""
    arn: str
    """The tenant's ARN."""
