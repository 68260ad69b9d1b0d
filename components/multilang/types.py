"""The outputs of the components for other languages, and ``SmtpUser``'s inputs, as
keyword-only dataclasses (``SesDomain``'s inputs are its typed props, ``SesDomainArgs``).

The package schema is derived from these (``schema.py``): each field is a property named in
camelCase, described by the docstring under it. ``SmtpUser``'s names are the stack
configuration's own keys (an ``smtpUsers`` entry, domains with their regions). Input types end
in ``Args`` in Python only: the schema drops the suffix and each code generator adds its own.

Inputs are plain (known when the program runs) unless annotated ``pulumi.Input[...]``; each
plain input says why in ``metadata[KNOWN]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from .schema import KNOWN, SECRET

RECORDS = (
    "the DNS records are built from it before any resource exists, and exported as `dnsRecords`."
)
RESOURCES = "it decides which resources the component declares and what they are named."
CHECKED = "it is checked, with every other input, before any resource is declared."
POLICY = "the send-only IAM policy document is built from it before any resource is declared."


def known(why: str) -> dict[str, str]:
    """The metadata of a plain input field: why it must be known when the program runs."""
    return {KNOWN: why}


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


@dataclass(frozen=True, kw_only=True)
class SmtpDomainArgs:
    """A domain identity the user may send from, and its region."""

    name: str = field(metadata=known(POLICY))
    """The domain (its email address identities are covered too)."""
    region: str = field(metadata=known(RESOURCES))
    """The region the identity lives in: the user's first domain's region is its primary."""


@dataclass(frozen=True, kw_only=True)
class SmtpSecretArgs:
    """An AWS Secrets Manager secret with host, ports, username and passwords."""

    enabled: bool | None = field(default=None, metadata=known(RESOURCES))
    """Store the credentials (default false)."""
    name: str | None = field(default=None, metadata=known(RESOURCES))
    """Secret name (default ``ses-smtp/<userName>/credentials``)."""
    kms_key_id: pulumi.Input[str] | None = None
    """KMS key that encrypts the secret (default the account's aws/secretsmanager key), or
    another resource's output such as an `aws.kms.Key`'s `arn`."""
    recovery_window_in_days: int | None = field(default=None, metadata=known(CHECKED))
    """Days a deleted secret can be restored: 0, or 7-30 (default 7)."""


@dataclass(frozen=True, kw_only=True)
class SmtpUserInputs:
    """The inputs of ``SmtpUser``: the keys of one ``smtpUsers`` entry, domains with regions."""

    user_name: str = field(metadata=known(RESOURCES))
    """The IAM user name (the SMTP username is the access key id)."""
    domains: list[SmtpDomainArgs] = field(metadata=known(RESOURCES))
    """Domains the user may send from."""
    from_addresses: list[str] | None = field(default=None, metadata=known(POLICY))
    """``ses:FromAddress`` patterns such as ``noreply@example.com`` or ``alerts-*@example.com``."""
    recipients: list[str] | None = field(default=None, metadata=known(POLICY))
    """``ses:Recipients`` patterns."""
    extra_regions: list[str] | None = field(default=None, metadata=known(RESOURCES))
    """More regions to make passwords for (the identities must be verified there too)."""
    path: str | None = field(default=None, metadata=known(CHECKED))
    """IAM path (default ``/ses-smtp/``)."""
    rotation: str | None = field(default=None, metadata=known(RESOURCES))
    """Label of the current access key; a new label rotates the key."""
    previous_rotation: str | None = field(default=None, metadata=known(RESOURCES))
    """Label of the previous key, kept until clients have moved."""
    secret: SmtpSecretArgs | None = field(default=None, metadata=known(RESOURCES))
    """Secrets Manager delivery of the credentials."""
    tags: dict[str, str] | None = field(default=None, metadata=known(CHECKED))
    """Tags of the IAM user and the secret."""


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
class ReputationAlarmsOutputs:
    """The outputs of ``ReputationAlarms``."""

    alarm_names: list[str]
    """The bounce-rate and complaint-rate alarms."""
    alerts_topic_arn: str
    """The SNS topic the alarms notify."""
    dashboard_name: str | None = None
    """The CloudWatch dashboard, when ``dashboard`` is true."""
