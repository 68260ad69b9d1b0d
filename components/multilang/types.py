"""The inputs and outputs of the components for other languages, as keyword-only dataclasses.

The package schema is derived from these (``schema.py``): each field is a property named in
camelCase, described by the docstring under it. The camelCase names are the stack
configuration's own keys, so a TypeScript, Go, C# or YAML program passes what a
``Pulumi.<stack>.yaml`` holds. Input types end in ``Args`` in Python only: the schema drops the
suffix and each language's code generator adds its own.

Inputs are plain (known when the program runs) unless annotated ``pulumi.Input[...]``; each
plain input says why in ``metadata[KNOWN]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from ..domain.model import (
    DkimKeyLength,
    DmarcAlignment,
    DmarcPolicy,
    DnsProviderKind,
    MxFailureBehavior,
)
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
class DkimArgs:
    """Easy DKIM settings (SES makes and rotates the keys)."""

    key_length: DkimKeyLength | None = field(default=None, metadata=known(RECORDS))
    """Key size of the next key SES makes (default RSA_2048_BIT)."""
    target_domain: str | None = field(default=None, metadata=known(RECORDS))
    """Override of the region's DKIM CNAME target domain."""


@dataclass(frozen=True, kw_only=True)
class MailFromArgs:
    """Custom MAIL FROM domain: SPF alignment for DMARC."""

    enabled: bool | None = field(default=None, metadata=known(RESOURCES))
    """Set up the custom MAIL FROM domain (default true)."""
    subdomain: str | None = field(default=None, metadata=known(RECORDS))
    """A label (``bounce``) or a name under the domain (default ``mail``)."""
    behavior_on_mx_failure: MxFailureBehavior | None = field(default=None, metadata=known(CHECKED))
    """What SES does when the MX record is missing (default USE_DEFAULT_VALUE)."""


@dataclass(frozen=True, kw_only=True)
class DmarcArgs:
    """The ``_dmarc`` TXT record."""

    enabled: bool | None = field(default=None, metadata=known(RESOURCES))
    """Publish a DMARC record (default true)."""
    policy: DmarcPolicy | None = field(default=None, metadata=known(RECORDS))
    """``p=`` (default none)."""
    subdomain_policy: DmarcPolicy | None = field(default=None, metadata=known(RECORDS))
    """``sp=`` (omitted by default)."""
    rua: list[str] | None = field(default=None, metadata=known(RECORDS))
    """Aggregate report destinations, ``mailto:`` URIs."""
    ruf: list[str] | None = field(default=None, metadata=known(RECORDS))
    """Failure report destinations, ``mailto:`` URIs."""
    pct: int | None = field(default=None, metadata=known(RECORDS))
    """Percentage the policy applies to, 0-100 (default 100)."""
    adkim: DmarcAlignment | None = field(default=None, metadata=known(RECORDS))
    """DKIM alignment (default r)."""
    aspf: DmarcAlignment | None = field(default=None, metadata=known(RECORDS))
    """SPF alignment (default r)."""


@dataclass(frozen=True, kw_only=True)
class DnsArgs:
    """Where the records are written."""

    provider: DnsProviderKind | None = field(default=None, metadata=known(RESOURCES))
    """route53 (default), cloudflare or external (records only exported)."""
    zone_id: str | None = field(default=None, metadata=known(CHECKED))
    """Route 53 hosted zone id or Cloudflare zone id."""
    zone_name: str | None = field(default=None, metadata=known(RESOURCES))
    """Route 53: find the public hosted zone by this name (default the domain)."""
    ttl: int | None = field(default=None, metadata=known(RECORDS))
    """TTL of every record, 60-172800 (default 1800)."""


@dataclass(frozen=True, kw_only=True)
class SesDomainInputs:
    """The inputs of ``SesDomain``: the keys of one ``domains`` entry of the stack config."""

    name: str = field(metadata=known(RECORDS))
    """The sending domain."""
    region: str = field(metadata=known(RESOURCES))
    """The SES region of the identity."""
    dkim: DkimArgs | None = field(default=None, metadata=known(RECORDS))
    """Easy DKIM (2048-bit by default)."""
    mail_from: MailFromArgs | None = field(default=None, metadata=known(RECORDS))
    """Custom MAIL FROM domain (on, ``mail.<domain>``, by default)."""
    dmarc: DmarcArgs | None = field(default=None, metadata=known(RECORDS))
    """The DMARC record (on, ``p=none``, by default)."""
    dns: DnsArgs | None = field(default=None, metadata=known(RESOURCES))
    """DNS provider (Route 53 zone named after the domain by default)."""
    email_identities: list[str] | None = field(default=None, metadata=known(RESOURCES))
    """Email address identities to verify (the sandbox's senders and recipients)."""
    tags: dict[str, str] | None = field(default=None, metadata=known(CHECKED))
    """Tags of every taggable child."""
    protect: bool | None = field(
        default=None, metadata=known("it is a resource option of the identity.")
    )
    """Protect the identity from deletion."""
    configuration_set_name: pulumi.Input[str] | None = None
    """Default configuration set of the identity and the address identities (for example
    another resource's output: a `ConfigurationSet`'s name)."""


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
    kms_key_id: str | None = field(default=None, metadata=known(CHECKED))
    """KMS key that encrypts the secret (default the account's aws/secretsmanager key)."""
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
