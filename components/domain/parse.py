"""Parsing one ``<project>:domains[i]`` object into a :class:`~.model.DomainConfig`, reporting every
problem through the shared :class:`~..validation.Problems` collector. Pure: no Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from ..feedback.parse import parse_domain_set_ref
from ..names import is_subdomain, normalize_address, normalize_domain
from ..regions import region_problem
from ..validation import Fields, Problems, check_each
from .dkim_keys import ByodkimKey, load_byodkim_key
from .model import (
    DEFAULT_TTL,
    DkimConfig,
    DkimKeyLength,
    DkimMode,
    DmarcAlignment,
    DmarcConfig,
    DmarcPolicy,
    DnsConfig,
    DnsProviderKind,
    DomainConfig,
    MailFromConfig,
    MxFailureBehavior,
)

_SELECTOR = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_ROUTE53_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_CLOUDFLARE_ZONE_ID = re.compile(r"^[0-9a-f]{32}$")
_CONFIG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


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


def parse_domain(
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
