"""Parsing one ``<project>:domains[i]`` object into a :class:`~.model.DomainConfig`, reporting every
problem through the shared :class:`~..validation.Problems` collector. Pure: no Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import replace
from urllib.parse import unquote, urlsplit

import idna

from ..api_limits import shape_limits
from ..feedback.parse import parse_domain_set_ref
from ..names import (
    MAX_LABEL_OCTETS,
    MAX_NAME_OCTETS,
    ascii_look_alike,
    is_subdomain,
    normalize_address,
    normalize_domain,
)
from ..regions import parse_regions
from ..validation import SECRET, Fields, Problems, bounded_text, check_each
from .adopt_parse import parse_adopt
from .authorization_parse import parse_sending_authorization
from .bimi import bimi_name, parse_bimi
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
)
from .placement import check_mail_from_domains, parse_global_endpoint, parse_mail_from
from .postmaster import parse_postmaster_tools

SELECTOR_LIMITS = shape_limits("sesv2", "Selector")
"""SES's BYODKIM ``Selector``: one DNS label of at most 63 characters."""
CLOUDFLARE_TTL_AUTOMATIC = 1
CLOUDFLARE_TTL_RANGE = (60, 86400)
"""Cloudflare's record TTLs: 1 means automatic, otherwise 60 s to one day (its DNS records API)."""
DKIM_TOKEN_LENGTH = 32
"""Length of an Easy DKIM token: SES's tokens are 32 characters."""
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
    fields: Fields | None,
    secrets: Mapping[str, str],
    namespace: str,
    problems: Problems,
    secret_keys: Collection[str] | None,
    deferred_keys: Collection[str],
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
        elif (
            problem := SELECTOR_LIMITS.problem(selector)
        ) is not None or selector != selector.lower():
            problems.add(
                fields.key_path("selector"),
                selector,
                "must be one DNS label: lowercase letters, digits and inner hyphens, at most 63 "
                f"characters; it {problem or 'has uppercase letters'}",
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
        elif private_key_config in deferred_keys:
            pass  # the key's value comes later (a secret Output) and is checked then
        elif private_key_config not in secrets:
            problems.add(
                fields.key_path("privateKeyConfig"),
                private_key_config,
                f"names config key {namespace}:{bounded_text(private_key_config)}, which is not "
                "set",
            )
        else:
            if secret_keys is not None and private_key_config not in secret_keys:
                problems.add(
                    f"{namespace}:{private_key_config}",
                    SECRET,
                    "is plain text in the stack's config; a BYODKIM private key must be a "
                    f"secret: pulumi config set --secret {namespace}:{private_key_config} "
                    "< key.pem (and rotate the key: it has been stored in the clear)",
                )
            try:
                key = load_byodkim_key(secrets[private_key_config])
            except ValueError as error:
                problems.add(
                    f"{namespace}:{private_key_config}",
                    SECRET,
                    f"must be an unencrypted RSA private key of 1024 or 2048 bits; it {error}",
                )
    else:
        for extra in ("selector", "privateKeyConfig"):
            if fields.has(extra):
                problems.add(
                    fields.key_path(extra), fields.raw(extra), "applies to mode byodkim only"
                )
    return DkimConfig(mode, key_length, selector, private_key_config, key, target_domain)


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
    if provider is DnsProviderKind.CLOUDFLARE:
        lowest, highest = CLOUDFLARE_TTL_RANGE
        ttl = fields.integer("ttl", DEFAULT_TTL, minimum=CLOUDFLARE_TTL_AUTOMATIC, maximum=highest)
        if CLOUDFLARE_TTL_AUTOMATIC < ttl < lowest:
            problems.add(
                fields.key_path("ttl"),
                ttl,
                f"must be {CLOUDFLARE_TTL_AUTOMATIC} (automatic) or a whole number from {lowest} "
                f"to {highest}: Cloudflare's limits",
            )
    else:
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
    *,
    secret_keys: Collection[str] | None = None,
    deferred_keys: Collection[str] = (),
) -> DomainConfig | None:
    """One ``domains[i]`` object as a :class:`DomainConfig` (``None`` when its name or region
    is unusable), every problem added to ``problems``. ``deferred_keys`` names BYODKIM key
    config names whose value is not known yet (a secret Output): only the name is checked."""
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
    region, secondary_regions = parse_regions(fields, default_region, problems)
    dkim = _parse_dkim(
        fields.mapping("dkim"), secrets, namespace, problems, secret_keys, deferred_keys
    )
    mail_from = parse_mail_from(
        fields.mapping("mailFrom"), name, (region, *secondary_regions) if region else (), problems
    )
    dmarc = _parse_dmarc(fields.mapping("dmarc"), problems)
    dns = _parse_dns(fields.mapping("dns"), name, problems)
    bimi = parse_bimi(fields.mapping("bimi"), dmarc, fields.key_path("dmarc"), problems)
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
    authorizations = parse_sending_authorization(
        fields.objects("sendingAuthorization"), name, region, problems
    )
    global_endpoint = parse_global_endpoint(
        fields, name, (region, *secondary_regions) if region else (), problems
    )
    postmaster_tools = parse_postmaster_tools(fields.mapping("postmasterTools"), problems)
    adopt = fields.raw("adopt")
    fields.finish()
    seen: set[str] = set()
    for path, text in address_items:
        folded = text.strip().lower()
        if folded in seen:
            problems.add(path, text, "is listed twice")
        seen.add(folded)
    if name is None or region is None:
        return None
    domain = DomainConfig(
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
        authorizations,
        bimi,
        secondary_regions,
        global_endpoint,
        postmaster_tools=postmaster_tools,
    )
    check_mail_from_domains(domain, fields, problems)
    _check_derived_names(domain, fields, problems)
    return replace(domain, adopt=parse_adopt(adopt, fields.key_path("adopt"), domain, problems))


def derived_names(domain: DomainConfig) -> dict[str, str]:
    """Every DNS name the domain's records and identity use, by what it is for. Easy DKIM
    names are shown with a token of SES's length, since the real tokens come later."""
    names: dict[str, str] = {}
    if domain.dkim.mode is DkimMode.BYODKIM and domain.dkim.selector:
        names["DKIM key record"] = f"{domain.dkim.selector}._domainkey.{domain.name}"
    elif domain.dkim.mode is DkimMode.EASY:
        names["Easy DKIM records"] = f"{'t' * DKIM_TOKEN_LENGTH}._domainkey.{domain.name}"
    if domain.mail_from.enabled:
        for region in domain.regions:
            where = "" if region == domain.region else f" in {region}"
            names[f"MAIL FROM domain{where}"] = domain.mail_from_domain_in(region)
    if domain.dmarc.enabled:
        names["DMARC record"] = f"_dmarc.{domain.name}"
    if domain.bimi is not None:
        names["BIMI record"] = bimi_name(domain.name, domain.bimi)
    return names


def _check_derived_names(domain: DomainConfig, fields: Fields, problems: Problems) -> None:
    """Names derived from a valid domain can still break DNS's limits: each is checked as a
    name (at most 253 octets, labels at most 63) before anything is declared."""
    for purpose, derived in derived_names(domain).items():
        octets = len(derived)
        longest = max(len(label) for label in derived.split("."))
        if octets > MAX_NAME_OCTETS or longest > MAX_LABEL_OCTETS:
            problems.add(
                fields.key_path("name"),
                domain.name,
                f"is too long for its {purpose}: {derived[:60]}... has {octets} octets and a "
                f"{longest}-octet label; DNS allows {MAX_NAME_OCTETS} and {MAX_LABEL_OCTETS} "
                f"(this domain may have at most {MAX_NAME_OCTETS - octets + len(domain.name)})",
            )


def domain_warnings(domain: DomainConfig, path: str) -> list[str]:
    """Settings that deploy but cannot work as the user expects."""
    warnings: list[str] = []
    if (look_alike := ascii_look_alike(domain.name)) is not None:
        warnings.append(
            f"{path}.name = {domain.name!r} ({idna.decode(domain.name)}) can pass for the ASCII "
            f"name {look_alike!r} (a Unicode UTS #39 whole-script confusable); make sure it is "
            "the domain you mean: readers of its From addresses may take it for the other"
        )
    if domain.dmarc.enabled and domain.dmarc.aspf is DmarcAlignment.STRICT:
        envelope = (
            domain.mail_from_domain if domain.mail_from.enabled else "amazonses.com (SES default)"
        )
        warnings.append(
            f"{path}.dmarc.aspf = 's': strict SPF alignment needs the MAIL FROM domain to equal "
            f"{domain.name}, but it is {envelope}; SPF can never align, so DMARC rests on DKIM "
            "alone. Use 'r' (relaxed) to let SPF align through the MAIL FROM subdomain."
        )
    if domain.dmarc.enabled and domain.dmarc.pct != 100:
        warnings.append(
            f"{path}.dmarc.pct = {domain.dmarc.pct}: RFC 9989 (DMARCbis) removed pct; receivers "
            "that follow it apply the policy to all mail. To test a policy, publish p=none first "
            "(checks verify reports pct as dmarc_obsolete_tag)"
        )
    return warnings
