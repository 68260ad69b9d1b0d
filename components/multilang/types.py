"""The inputs and outputs of the components for other languages, as ``TypedDict``s.

Their keys are the stack configuration's own camelCase keys, so a TypeScript, Go, C# or YAML
program passes exactly what a ``Pulumi.<stack>.yaml`` holds; the SDK infers the package schema's
types from these annotations. No ``from __future__ import annotations``: the analyzer reads
annotations at run time.
"""

from typing import NotRequired, TypedDict

import pulumi

from ..domain.model import (
    DkimKeyLength,
    DmarcAlignment,
    DmarcPolicy,
    DnsProviderKind,
    MxFailureBehavior,
)


class DkimArgs(TypedDict, total=False):
    """Easy DKIM settings (SES makes and rotates the keys)."""

    keyLength: DkimKeyLength
    """Key size of the next key SES makes (default RSA_2048_BIT)."""
    targetDomain: str
    """Override of the region's DKIM CNAME target domain."""


class MailFromArgs(TypedDict, total=False):
    """Custom MAIL FROM domain: SPF alignment for DMARC."""

    enabled: bool
    """Set up the custom MAIL FROM domain (default true)."""
    subdomain: str
    """A label (``bounce``) or a name under the domain (default ``mail``)."""
    behaviorOnMxFailure: MxFailureBehavior
    """What SES does when the MX record is missing (default USE_DEFAULT_VALUE)."""


class DmarcArgs(TypedDict, total=False):
    """The ``_dmarc`` TXT record."""

    enabled: bool
    """Publish a DMARC record (default true)."""
    policy: DmarcPolicy
    """``p=`` (default none)."""
    subdomainPolicy: DmarcPolicy
    """``sp=`` (omitted by default)."""
    rua: list[str]
    """Aggregate report destinations, ``mailto:`` URIs."""
    ruf: list[str]
    """Failure report destinations, ``mailto:`` URIs."""
    pct: int
    """Percentage the policy applies to, 0-100 (default 100)."""
    adkim: DmarcAlignment
    """DKIM alignment (default r)."""
    aspf: DmarcAlignment
    """SPF alignment (default r)."""


class DnsArgs(TypedDict, total=False):
    """Where the records are written."""

    provider: DnsProviderKind
    """route53 (default), cloudflare or external (records only exported)."""
    zoneId: str
    """Route 53 hosted zone id or Cloudflare zone id."""
    zoneName: str
    """Route 53: find the public hosted zone by this name (default the domain)."""
    ttl: int
    """TTL of every record, 60-172800 (default 1800)."""


class SesDomainInputs(TypedDict):
    """The inputs of ``SesDomain``: the keys of one ``domains`` entry of the stack config."""

    name: str
    """The sending domain."""
    region: str
    """The SES region of the identity."""
    dkim: NotRequired[DkimArgs]
    """Easy DKIM (2048-bit by default)."""
    mailFrom: NotRequired[MailFromArgs]
    """Custom MAIL FROM domain (on, ``mail.<domain>``, by default)."""
    dmarc: NotRequired[DmarcArgs]
    """The DMARC record (on, ``p=none``, by default)."""
    dns: NotRequired[DnsArgs]
    """DNS provider (Route 53 zone named after the domain by default)."""
    emailIdentities: NotRequired[list[str]]
    """Email address identities to verify (the sandbox's senders and recipients)."""
    tags: NotRequired[dict[str, str]]
    """Tags of every taggable child."""
    protect: NotRequired[bool]
    """Protect the identity from deletion."""
    configurationSetName: NotRequired[pulumi.Input[str]]
    """Default configuration set of the identity and the address identities."""


class DnsRecord(TypedDict):
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


class SmtpDomainArgs(TypedDict):
    """A domain identity the user may send from, and its region."""

    name: str
    """The domain (its email address identities are covered too)."""
    region: str
    """The region the identity lives in: the user's first domain's region is its primary."""


class SmtpSecretArgs(TypedDict, total=False):
    """An AWS Secrets Manager secret with host, ports, username and passwords."""

    enabled: bool
    """Store the credentials (default false)."""
    name: str
    """Secret name (default ``ses-smtp/<userName>/credentials``)."""
    kmsKeyId: str
    """KMS key that encrypts the secret (default the account's aws/secretsmanager key)."""
    recoveryWindowInDays: int
    """Days a deleted secret can be restored: 0, or 7-30 (default 7)."""


class SmtpUserInputs(TypedDict):
    """The inputs of ``SmtpUser``: the keys of one ``smtpUsers`` entry, domains with regions."""

    userName: str
    """The IAM user name (the SMTP username is the access key id)."""
    domains: list[SmtpDomainArgs]
    """Domains the user may send from."""
    fromAddresses: NotRequired[list[str]]
    """``ses:FromAddress`` patterns such as ``noreply@example.com`` or ``alerts-*@example.com``."""
    recipients: NotRequired[list[str]]
    """``ses:Recipients`` patterns."""
    extraRegions: NotRequired[list[str]]
    """More regions to make passwords for (the identities must be verified there too)."""
    path: NotRequired[str]
    """IAM path (default ``/ses-smtp/``)."""
    rotation: NotRequired[str]
    """Label of the current access key; a new label rotates the key."""
    previousRotation: NotRequired[str]
    """Label of the previous key, kept until clients have moved."""
    secret: NotRequired[SmtpSecretArgs]
    """Secrets Manager delivery of the credentials."""
    tags: NotRequired[dict[str, str]]
    """Tags of the IAM user and the secret."""


class SmtpEndpoint(TypedDict):
    """The SES SMTP interface of one region."""

    host: str
    """``email-smtp.<region>.amazonaws.com``."""
    starttlsPorts: list[int]
    """Ports for STARTTLS."""
    tlsWrapperPorts: list[int]
    """Ports for implicit TLS."""
