"""The typed configuration model of one sending domain: choices as enums, settings as frozen
dataclasses with safe defaults. Pure: no Pulumi, no parsing (``domain/parse.py`` builds these from
stack config; code that reuses the components may build them directly).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..regions import dkim_domain
from .adopt import AdoptConfig
from .authorization import SendingAuthorization
from .dkim_keys import ByodkimKey

DEFAULT_TTL = 1800
DEFAULT_MAIL_FROM_LABEL = "mail"
DEFAULT_BIMI_SELECTOR = "default"


class DkimMode(StrEnum):
    """How the domain's DKIM keys are made."""

    EASY = "easy"
    """SES makes and rotates the key pair; three CNAMEs delegate the key records to SES."""
    BYODKIM = "byodkim"
    """You bring the private key; the stack publishes its public key as a TXT record."""


class DkimKeyLength(StrEnum):
    """Easy DKIM key size (SES's ``NextSigningKeyLength``)."""

    RSA_2048_BIT = "RSA_2048_BIT"
    """A 2048-bit RSA key (the default)."""
    RSA_1024_BIT = "RSA_1024_BIT"
    """A 1024-bit RSA key, for DNS hosts that cannot serve longer keys."""


class MxFailureBehavior(StrEnum):
    """What SES does when the custom MAIL FROM domain's MX record is missing."""

    USE_DEFAULT_VALUE = "USE_DEFAULT_VALUE"
    """Fall back to ``amazonses.com`` as MAIL FROM (mail still goes out, SPF alignment is lost)."""
    REJECT_MESSAGE = "REJECT_MESSAGE"
    """Refuse to send (``MailFromDomainNotVerified``) until the MX record is back."""


class DmarcPolicy(StrEnum):
    """DMARC ``p=`` / ``sp=`` values (RFC 7489 section 6.3)."""

    NONE = "none"
    """Monitor only: receivers deliver failing mail and send reports."""
    QUARANTINE = "quarantine"
    """Receivers treat failing mail as suspicious (the spam folder)."""
    REJECT = "reject"
    """Receivers refuse failing mail."""


class DmarcAlignment(StrEnum):
    """DMARC ``adkim=`` / ``aspf=`` values: relaxed or strict identifier alignment."""

    RELAXED = "r"
    """Relaxed: the organizational domains must match."""
    STRICT = "s"
    """Strict: the domains must match exactly."""


class DnsProviderKind(StrEnum):
    """Where the domain's DNS records are written."""

    ROUTE53 = "route53"
    """An Amazon Route 53 hosted zone, by id or found by name."""
    CLOUDFLARE = "cloudflare"
    """A Cloudflare zone, by id (needs the ``cloudflare:apiToken`` provider config)."""
    EXTERNAL = "external"
    """Nothing is written; the records are only exported (``dns_records``) for you to publish."""


@dataclass(frozen=True)
class MailFromConfig:
    """Custom MAIL FROM domain: gives SPF alignment for DMARC and a bounce domain of your own."""

    enabled: bool = True
    """Set up a custom MAIL FROM domain (MX + SPF records, ``EmailIdentityMailFromAttributes``)."""
    domain: str | None = None
    """The MAIL FROM domain, a strict subdomain of the identity (``None``: ``mail.<domain>``)."""
    behavior_on_mx_failure: MxFailureBehavior = MxFailureBehavior.USE_DEFAULT_VALUE
    """What SES does if the MX record goes missing."""
    regional_domains: Mapping[str, str] = field(default_factory=dict[str, str])
    """Secondary region -> its MAIL FROM domain, where given (``subdomains``); the others get
    the primary's first label suffixed with the region."""


@dataclass(frozen=True)
class DmarcConfig:
    """The ``_dmarc`` TXT record, built from structured settings."""

    enabled: bool = True
    """Publish a DMARC record. Turn off when the domain's owner already manages one."""
    policy: DmarcPolicy = DmarcPolicy.NONE
    """``p=``: start with ``none`` and reports, then tighten to quarantine/reject."""
    subdomain_policy: DmarcPolicy | None = None
    """``sp=``: policy for subdomains (default: same as ``p``, so omitted)."""
    rua: tuple[str, ...] = ()
    """Aggregate report destinations, ``mailto:`` URIs."""
    ruf: tuple[str, ...] = ()
    """Failure report destinations, ``mailto:`` URIs."""
    pct: int = 100
    """Percentage of failing mail the policy applies to (omitted when 100)."""
    adkim: DmarcAlignment = DmarcAlignment.RELAXED
    """DKIM alignment mode (omitted when relaxed, the default)."""
    aspf: DmarcAlignment = DmarcAlignment.RELAXED
    """SPF alignment mode (omitted when relaxed, the default)."""


@dataclass(frozen=True)
class BimiConfig:
    """The BIMI assertion record ``<selector>._bimi.<domain>``: the brand logo mail clients may
    show beside authenticated mail (draft-brand-indicators-for-message-identification)."""

    logo_url: str
    """``l=``: an https URL of the logo, an SVG Tiny Portable/Secure file (``.svg``)."""
    authority_url: str | None = None
    """``a=``: an https URL of the mark certificate (VMC or CMC, ``.pem``); ``None``: empty."""
    selector: str = DEFAULT_BIMI_SELECTOR
    """One DNS label: the record is published at ``<selector>._bimi.<domain>``."""


@dataclass(frozen=True, kw_only=True)
class PostmasterToolsConfig:
    """The Google Postmaster Tools verification record, a TXT record at the domain itself."""

    verification: str
    """The whole TXT value Postmaster Tools shows: ``google-site-verification=<token>``."""


@dataclass(frozen=True)
class DkimConfig:
    """DKIM signing for the domain identity. Easy DKIM with 2048-bit keys by default."""

    mode: DkimMode = DkimMode.EASY
    """Easy DKIM (SES-managed keys) or BYODKIM (your key)."""
    key_length: DkimKeyLength = DkimKeyLength.RSA_2048_BIT
    """Easy DKIM key size."""
    selector: str | None = None
    """BYODKIM selector: the key record is published at ``<selector>._domainkey.<domain>``."""
    private_key_config: str | None = None
    """BYODKIM: name of the secret config key holding the RSA private key (PEM)."""
    key: ByodkimKey | None = field(default=None, repr=False)
    """BYODKIM: the parsed key (filled by the parser, never printed)."""
    target_domain: str | None = None
    """Easy DKIM: override of the region's DKIM CNAME target domain."""


@dataclass(frozen=True)
class DnsConfig:
    """Where and how the records are written."""

    provider: DnsProviderKind = DnsProviderKind.ROUTE53
    """Route 53, Cloudflare or external (export only)."""
    zone_id: str | None = None
    """Hosted zone id (Route 53 ``Z...``) or Cloudflare zone id (32 hex digits)."""
    zone_name: str | None = None
    """Route 53: find the public hosted zone by this name (``None``: the domain itself)."""
    ttl: int = DEFAULT_TTL
    """TTL of every record, seconds."""

    def zone_for(self, domain: str) -> str:
        """Where the records go, in words: the zone id, the zone found by name, or nowhere."""
        if self.provider is DnsProviderKind.EXTERNAL:
            return "(not written: publish them yourself)"
        if self.zone_id is not None:
            return self.zone_id
        return f"{self.zone_name or domain} (looked up by name)"


@dataclass(frozen=True)
class GlobalEndpointConfig:
    """An SES global endpoint (``aws.sesv2.MultiRegionEndpoint``) over two of the domain's
    regions: API sends through it are split between them, and shift to one if the other fails.
    It serves the SES v2 API only, not SMTP."""

    name: str
    """The endpoint's name (``EndpointName``: 1-64 letters, digits, ``_`` and ``-``)."""
    primary_region: str
    """Where the endpoint is created and managed (the first of its two regions)."""
    secondary_region: str
    """The other region traffic is routed to (its ``RoutesDetails``)."""

    @property
    def regions(self) -> tuple[str, str]:
        """Both regions, primary first."""
        return (self.primary_region, self.secondary_region)


@dataclass(frozen=True)
class DomainConfig:
    """One SES sending domain and everything that belongs to it."""

    name: str
    """The domain, lowercase A-labels, no trailing dot."""
    region: str
    """The AWS region the identity lives in (with ``secondary_regions``: the primary one)."""
    dkim: DkimConfig = field(default_factory=DkimConfig)
    """DKIM signing (Easy DKIM, 2048-bit, by default)."""
    mail_from: MailFromConfig = field(default_factory=MailFromConfig)
    """Custom MAIL FROM (on, ``mail.<domain>``, by default)."""
    dmarc: DmarcConfig = field(default_factory=DmarcConfig)
    """The DMARC record (on, ``p=none``, by default)."""
    dns: DnsConfig = field(default_factory=DnsConfig)
    """Where the records are written (Route 53 zone named after the domain by default)."""
    email_identities: tuple[str, ...] = ()
    """Email address identities (the sandbox's verified senders and recipients)."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags for this domain's taggable resources (merged over the stack's ``tags``)."""
    protect: bool = False
    """Protect the identity from deletion (``pulumi destroy`` refuses)."""
    configuration_set: str | bool = True
    """``configurationSet``: a name from ``configurationSets``, ``True`` (the domain's own set,
    built from ``feedback``) or ``False`` (none); resolved in ``StackConfig.feedback``."""
    sending_authorization: tuple[SendingAuthorization, ...] = ()
    """``sendingAuthorization``: other accounts' principals that may send from the identity."""
    bimi: BimiConfig | None = None
    """The BIMI record (``None``: none); needs DMARC at enforcement."""
    secondary_regions: tuple[str, ...] = ()
    """More regions with an identity of their own (``regions`` after the first): each gets its
    DKIM, MAIL FROM, configuration set and feedback; DMARC is published once."""
    global_endpoint: GlobalEndpointConfig | None = None
    """A global endpoint over two of the domain's regions (``None``: none)."""
    postmaster_tools: PostmasterToolsConfig | None = None
    """The Google Postmaster Tools verification record (``None``: none)."""
    adopt: AdoptConfig | None = None
    """What of the domain already exists and is imported instead of created (``None``: all is
    created)."""

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region the domain has an identity in, the primary region first."""
        return (self.region, *self.secondary_regions)

    @property
    def dkim_target_domain(self) -> str:
        """Where the primary region's Easy DKIM CNAMEs point."""
        return self.dkim_target_domain_in(self.region)

    def dkim_target_domain_in(self, region: str) -> str:
        """Where Easy DKIM CNAMEs of ``region`` point: the override, or the region's DKIM
        domain."""
        return self.dkim.target_domain or dkim_domain(region)

    @property
    def mail_from_domain(self) -> str:
        """The primary region's custom MAIL FROM domain (``mail.<domain>`` unless configured)."""
        return self.mail_from.domain or f"{DEFAULT_MAIL_FROM_LABEL}.{self.name}"

    def mail_from_domain_in(self, region: str) -> str:
        """The MAIL FROM domain of ``region``: the primary region's; for a secondary region the
        one given, else the primary's first label suffixed with the region
        (``mail-us-east-1.<domain>``), since each region's MX must point at that region's
        feedback host."""
        primary = self.mail_from_domain
        if region == self.region:
            return primary
        if region in self.mail_from.regional_domains:
            return self.mail_from.regional_domains[region]
        label, _, rest = primary.partition(".")
        return f"{label}-{region}.{rest}"
