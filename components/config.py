"""The typed configuration model and its parser.

``parse_stack_config`` turns the project's raw stack configuration (plain JSON values, as Pulumi
stores them) into frozen dataclasses, reporting every problem at once through
:class:`~components.validation.ConfigError` before anything is declared. No Pulumi import: the
offline plan, the checks and the tests parse configuration without a Pulumi runtime.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import unquote, urlsplit

from .dkim_keys import ByodkimKey, load_byodkim_key
from .feedback_config import FeedbackConfig, parse_domain_set_ref, parse_feedback
from .names import is_subdomain, normalize_address, normalize_domain
from .regions import dkim_domain, region_problem
from .smtp_config import SmtpUserConfig, parse_smtp_users
from .validation import Fields, Problems, as_mapping, check_each

DEFAULT_TTL = 1800
DEFAULT_MAIL_FROM_LABEL = "mail"

_SELECTOR = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_ROUTE53_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_CLOUDFLARE_ZONE_ID = re.compile(r"^[0-9a-f]{32}$")
_CONFIG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class DkimMode(StrEnum):
    """How the domain's DKIM keys are made."""

    EASY = "easy"
    """SES makes and rotates the key pair; three CNAMEs delegate the key records to SES."""
    BYODKIM = "byodkim"
    """You bring the private key; the stack publishes its public key as a TXT record."""


class DkimKeyLength(StrEnum):
    """Easy DKIM key size (SES's ``NextSigningKeyLength``)."""

    RSA_2048_BIT = "RSA_2048_BIT"
    RSA_1024_BIT = "RSA_1024_BIT"


class MxFailureBehavior(StrEnum):
    """What SES does when the custom MAIL FROM domain's MX record is missing."""

    USE_DEFAULT_VALUE = "USE_DEFAULT_VALUE"
    """Fall back to ``amazonses.com`` as MAIL FROM (mail still goes out, SPF alignment is lost)."""
    REJECT_MESSAGE = "REJECT_MESSAGE"
    """Refuse to send (``MailFromDomainNotVerified``) until the MX record is back."""


class DmarcPolicy(StrEnum):
    """DMARC ``p=`` / ``sp=`` values (RFC 7489 section 6.3)."""

    NONE = "none"
    QUARANTINE = "quarantine"
    REJECT = "reject"


class DmarcAlignment(StrEnum):
    """DMARC ``adkim=`` / ``aspf=`` values: relaxed or strict identifier alignment."""

    RELAXED = "r"
    STRICT = "s"


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


@dataclass(frozen=True)
class DomainConfig:
    """One SES sending domain and everything that belongs to it."""

    name: str
    """The domain, lowercase A-labels, no trailing dot."""
    region: str
    """The AWS region the identity lives in."""
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

    @property
    def dkim_target_domain(self) -> str:
        """Where Easy DKIM CNAMEs point: the override, or the region's DKIM domain."""
        return self.dkim.target_domain or dkim_domain(self.region)

    @property
    def mail_from_domain(self) -> str:
        """The custom MAIL FROM domain (``mail.<domain>`` unless configured)."""
        return self.mail_from.domain or f"{DEFAULT_MAIL_FROM_LABEL}.{self.name}"


@dataclass(frozen=True)
class StackConfig:
    """Everything the stack program needs, validated."""

    domains: tuple[DomainConfig, ...]
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags applied to every taggable resource."""
    protect: bool = False
    """Default for each domain's ``protect``."""
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)
    """Configuration sets, feedback topics, alarms (see ``components/feedback_config.py``)."""
    warnings: tuple[str, ...] = ()
    """Findings that do not stop the stack; the program logs them, the plan prints them."""
    smtp_users: tuple[SmtpUserConfig, ...] = ()
    """``smtpUsers``: IAM users with SES SMTP credentials (see ``components/smtp_config.py``)."""
    provider_region: str | None = None
    """The ``aws:region`` provider setting: where resources that name no region go."""


def _parse_mailto(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme.lower() != "mailto" or not parts.path:
        raise ValueError("has no mailto: scheme")
    address, _, size = unquote(parts.path).partition("!")
    if size and not re.fullmatch(r"\d+[kmgt]?", size):
        raise ValueError("size limit after '!' must be digits with an optional k, m, g or t unit")
    if "," in text or ";" in text:
        raise ValueError("give one URI per list entry")
    normalized = normalize_address(address)
    return f"mailto:{normalized}" + (f"!{size}" if size else "")


def _parse_dkim(
    fields: Fields | None, secrets: Mapping[str, str], namespace: str, problems: Problems
) -> DkimConfig:
    if fields is None:
        return DkimConfig()
    mode = fields.choice("mode", DkimMode, DkimMode.EASY)
    key_length = fields.choice("keyLength", DkimKeyLength, DkimKeyLength.RSA_2048_BIT)
    selector = fields.string("selector")
    private_key_config = fields.string("privateKeyConfig")
    target_domain = fields.string("targetDomain")
    fields.finish()
    key: ByodkimKey | None = None
    if target_domain is not None:
        try:
            target_domain = normalize_domain(target_domain)
        except ValueError as error:
            problems.add(
                fields.key_path("targetDomain"), target_domain, f"must be a domain name ({error})"
            )
    if mode is DkimMode.BYODKIM:
        if fields.has("keyLength"):
            problems.add(
                fields.key_path("keyLength"),
                key_length.value,
                "applies to Easy DKIM only; BYODKIM takes the key's own size",
            )
        if selector is None:
            problems.add(
                fields.key_path("selector"), None, "is required with mode byodkim (e.g. ses2026)"
            )
        elif not _SELECTOR.match(selector):
            problems.add(
                fields.key_path("selector"),
                selector,
                "must be lowercase letters, digits and inner hyphens, in dot-separated labels",
            )
        if private_key_config is None:
            problems.add(
                fields.key_path("privateKeyConfig"),
                None,
                "is required with mode byodkim: the name of a secret config key holding the PEM "
                f"private key (pulumi config set --secret {namespace}:dkimKey < key.pem)",
            )
        elif not _CONFIG_KEY.match(private_key_config):
            problems.add(
                fields.key_path("privateKeyConfig"),
                private_key_config,
                "must be a config key name such as dkimKey",
            )
        elif private_key_config not in secrets:
            problems.add(
                fields.key_path("privateKeyConfig"),
                private_key_config,
                f"names config key {namespace}:{private_key_config}, which is not set",
            )
        else:
            try:
                key = load_byodkim_key(secrets[private_key_config])
            except ValueError as error:
                problems.add(
                    f"{namespace}:{private_key_config}",
                    "(secret, not shown)",
                    f"must be an unencrypted RSA private key of 1024 or 2048 bits; it {error}",
                )
    else:
        for extra in ("selector", "privateKeyConfig"):
            if fields.has(extra):
                problems.add(
                    fields.key_path(extra), fields.raw(extra), "applies to mode byodkim only"
                )
    return DkimConfig(mode, key_length, selector, private_key_config, key, target_domain)


def _parse_mail_from(
    fields: Fields | None, domain: str | None, problems: Problems
) -> MailFromConfig:
    if fields is None:
        return MailFromConfig()
    enabled = fields.boolean("enabled", True)
    subdomain = fields.string("subdomain")
    behavior = fields.choice(
        "behaviorOnMxFailure", MxFailureBehavior, MxFailureBehavior.USE_DEFAULT_VALUE
    )
    fields.finish()
    mail_from: str | None = None
    if subdomain is not None and domain:
        candidate = subdomain if "." in subdomain.rstrip(".") else f"{subdomain}.{domain}"
        try:
            mail_from = normalize_domain(candidate)
        except ValueError as error:
            problems.add(
                fields.key_path("subdomain"),
                subdomain,
                f"must be a label or a domain name ({error})",
            )
        else:
            if not is_subdomain(mail_from, domain):
                what = "equals the domain" if mail_from == domain else f"is not under {domain}"
                problems.add(
                    fields.key_path("subdomain"),
                    subdomain,
                    f"{what}; give a label such as 'mail' or a name under it such as mail.{domain}",
                )
    return MailFromConfig(enabled, mail_from, behavior)


def _parse_dmarc(fields: Fields | None, problems: Problems) -> DmarcConfig:
    if fields is None:
        return DmarcConfig()
    enabled = fields.boolean("enabled", True)
    policy = fields.choice("policy", DmarcPolicy, DmarcPolicy.NONE)
    subdomain_policy = (
        fields.choice("subdomainPolicy", DmarcPolicy, DmarcPolicy.NONE)
        if fields.has("subdomainPolicy")
        else None
    )
    allowed_uri = "must be a mailto: URI such as mailto:dmarc-reports@example.com"
    rua = check_each(fields.string_list("rua"), problems, _parse_mailto, allowed_uri)
    ruf = check_each(fields.string_list("ruf"), problems, _parse_mailto, allowed_uri)
    pct = fields.integer("pct", 100, minimum=0, maximum=100)
    adkim = fields.choice("adkim", DmarcAlignment, DmarcAlignment.RELAXED)
    aspf = fields.choice("aspf", DmarcAlignment, DmarcAlignment.RELAXED)
    fields.finish()
    return DmarcConfig(enabled, policy, subdomain_policy, tuple(rua), tuple(ruf), pct, adkim, aspf)


def _parse_dns(fields: Fields | None, domain: str | None, problems: Problems) -> DnsConfig:
    if fields is None:
        return DnsConfig()
    provider = fields.choice("provider", DnsProviderKind, DnsProviderKind.ROUTE53)
    zone_id = fields.string("zoneId")
    zone_name = fields.string("zoneName")
    ttl = fields.integer("ttl", DEFAULT_TTL, minimum=60, maximum=172800)
    fields.finish()
    if zone_name is not None:
        try:
            zone_name = normalize_domain(zone_name)
        except ValueError as error:
            problems.add(fields.key_path("zoneName"), zone_name, f"must be a domain name ({error})")
            zone_name = None
        else:
            if domain and zone_name != domain and not is_subdomain(domain, zone_name):
                problems.add(
                    fields.key_path("zoneName"), zone_name, f"must be {domain} or a parent of it"
                )
    if provider is DnsProviderKind.ROUTE53:
        if zone_id is not None and not _ROUTE53_ZONE_ID.match(zone_id):
            problems.add(
                fields.key_path("zoneId"),
                zone_id,
                "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
            )
    elif provider is DnsProviderKind.CLOUDFLARE:
        if zone_id is None:
            problems.add(
                fields.key_path("zoneId"),
                None,
                "is required with provider cloudflare (the zone's 32-hex-digit id)",
            )
        elif not _CLOUDFLARE_ZONE_ID.match(zone_id):
            problems.add(
                fields.key_path("zoneId"),
                zone_id,
                "must be a Cloudflare zone id: 32 lowercase hex digits",
            )
        if zone_name is not None:
            problems.add(
                fields.key_path("zoneName"),
                zone_name,
                "applies to provider route53 only; give zoneId",
            )
    else:
        for extra, value in (("zoneId", zone_id), ("zoneName", zone_name)):
            if value is not None and fields.has(extra):
                problems.add(
                    fields.key_path(extra),
                    value,
                    "applies to route53 and cloudflare only; external writes no records",
                )
    return DnsConfig(provider, zone_id, zone_name, ttl)


def _parse_domain(
    fields: Fields,
    default_region: str | None,
    default_protect: bool,
    secrets: Mapping[str, str],
    namespace: str,
    problems: Problems,
) -> DomainConfig | None:
    raw_name = fields.string("name", required=True)
    name: str | None = None
    if raw_name is not None:
        try:
            name = normalize_domain(raw_name)
        except ValueError as error:
            problems.add(
                fields.key_path("name"),
                raw_name,
                f"must be a domain name such as example.com; it {error}",
            )
    region = fields.string("region", default_region)
    if region is None:
        problems.add(
            fields.key_path("region"),
            None,
            "is required when aws:region is not set (e.g. us-east-1)",
        )
    elif (problem := region_problem(region)) is not None:
        problems.add(fields.key_path("region"), region, problem)
    dkim = _parse_dkim(fields.mapping("dkim"), secrets, namespace, problems)
    mail_from = _parse_mail_from(fields.mapping("mailFrom"), name, problems)
    dmarc = _parse_dmarc(fields.mapping("dmarc"), problems)
    dns = _parse_dns(fields.mapping("dns"), name, problems)
    address_items = fields.string_list("emailIdentities")
    addresses = check_each(
        address_items,
        problems,
        normalize_address,
        "must be an email address such as test@example.com",
    )
    tags = fields.tags("tags")
    protect = fields.boolean("protect", default_protect)
    configuration_set = parse_domain_set_ref(fields)
    fields.finish()
    seen: set[str] = set()
    for path, text in address_items:
        folded = text.strip().lower()
        if folded in seen:
            problems.add(path, text, "is listed twice")
        seen.add(folded)
    if name is None or region is None:
        return None
    return DomainConfig(
        name,
        region,
        dkim,
        mail_from,
        dmarc,
        dns,
        tuple(addresses),
        tags,
        protect,
        configuration_set,
    )


def parse_stack_config(
    values: Mapping[str, object],
    *,
    namespace: str,
    aws_region: str | None = None,
) -> StackConfig:
    """Validate the project's stack configuration.

    ``values`` maps the project's config keys (without the ``<namespace>:`` prefix) to their
    JSON-decoded values; secret values are plain strings here and only BYODKIM key config keys
    named by a domain are read as secrets. Raises ``ConfigError`` listing every problem.
    """
    problems = Problems()
    top = Fields(dict(values), f"{namespace}:", problems)
    domain_fields = top.objects("domains")
    tags = top.tags("tags")
    protect = top.boolean("protect", False)
    secrets = {key: value for key, value in values.items() if isinstance(value, str)}
    if not top.has("domains"):
        problems.add(
            f"{namespace}:domains", None, "is required: a list of objects, each with a name"
        )
    elif not domain_fields:
        problems.add(f"{namespace}:domains", values.get("domains"), "must list at least one domain")
    domains: list[DomainConfig] = []
    secret_keys_named: set[str] = set()
    for fields in domain_fields:
        domain = _parse_domain(fields, aws_region, protect, secrets, namespace, problems)
        if domain is not None:
            domains.append(domain)
        named = (as_mapping(fields.raw("dkim")) or {}).get("privateKeyConfig")
        if isinstance(named, str):
            secret_keys_named.add(named)
    _report_duplicates(domains, namespace, problems)
    feedback = parse_feedback(top, domains, aws_region, problems)
    smtp_users = parse_smtp_users(
        top, domains, namespace, problems, domain_sets=feedback.domain_sets
    )
    for key in secret_keys_named:
        top.raw(key)
    top.finish()
    problems.raise_if_any()
    return StackConfig(
        tuple(domains),
        tags,
        protect,
        feedback,
        feedback.warnings,
        smtp_users=smtp_users,
        provider_region=aws_region,
    )


def _report_duplicates(domains: list[DomainConfig], namespace: str, problems: Problems) -> None:
    seen: dict[str, int] = {}
    for index, domain in enumerate(domains):
        if domain.name in seen:
            problems.add(
                f"{namespace}:domains[{index}].name",
                domain.name,
                f"duplicates domains[{seen[domain.name]}]; each domain may appear once",
            )
        else:
            seen[domain.name] = index
