"""Where a domain lives: each of its regions' MAIL FROM domain (``mailFrom``) and its global
endpoint (``globalEndpoint``), parsed from one ``domains[i]`` object; its regions themselves
(``region`` or ``regions``) are read by :func:`..regions.parse_regions`. Pure: no Pulumi.
"""

from __future__ import annotations

from ..names import is_subdomain, normalize_domain
from ..physical_names import ENDPOINT_NAME, global_endpoint_name
from ..validation import Fields, Problems, as_mapping
from .model import DomainConfig, GlobalEndpointConfig, MailFromConfig, MxFailureBehavior


def parse_global_endpoint(
    fields: Fields, name: str | None, regions: tuple[str, ...], problems: Problems
) -> GlobalEndpointConfig | None:
    """``globalEndpoint``: ``true`` (over the domain's two regions, named after the domain) or
    an object with ``name`` and ``regions`` (two of the domain's regions, the primary first)."""
    value = fields.raw("globalEndpoint")
    if value is None or value is False or value == "false":
        return None
    key = fields.key_path("globalEndpoint")
    if value is True or value == "true":
        endpoint = Fields({}, key, problems)
    elif as_mapping(value) is not None:
        endpoint = Fields(as_mapping(value), key, problems)
    else:
        problems.add(key, value, "must be true, false or an object with name and regions")
        return None
    endpoint_name = endpoint.string("name")
    chosen_items = endpoint.string_list("regions")
    endpoint.finish()
    if endpoint_name is not None and (problem := ENDPOINT_NAME.problem(endpoint_name)):
        problems.add(
            endpoint.key_path("name"),
            endpoint_name,
            f"must be 1-64 letters, digits, '_' and '-' (SES's EndpointName); it {problem}",
        )
        return None
    if not name or not regions:
        return None
    if not endpoint.has("regions"):
        if len(regions) != 2:
            problems.add(
                endpoint.key_path("regions"),
                None,
                f"is required: a global endpoint spans exactly two regions and the domain has "
                f"{len(regions)} ({', '.join(regions)}); give the domain regions: [primary, "
                "secondary] or list two of them here",
            )
            return None
        chosen = list(regions)
    else:
        chosen = [text for _, text in chosen_items]
        wrong = [text for text in chosen if text not in regions]
        if wrong:
            problems.add(
                endpoint.key_path("regions"),
                chosen,
                f"names {', '.join(wrong)}, where the domain has no identity; a global endpoint "
                f"routes to regions the domain is set up in ({', '.join(regions)}): add them to "
                "the domain's regions",
            )
            return None
        if len(chosen) != 2 or chosen[0] == chosen[1]:
            problems.add(
                endpoint.key_path("regions"),
                chosen,
                "must list exactly two different regions (the endpoint's primary region, then "
                "its one secondary region: SES's RoutesDetails takes exactly one route)",
            )
            return None
    return GlobalEndpointConfig(endpoint_name or global_endpoint_name(name), chosen[0], chosen[1])


def _mail_from_name(
    fields: Fields, key: str, subdomain: str, domain: str, problems: Problems
) -> str | None:
    """A MAIL FROM ``subdomain`` (a label or a name) as a name strictly under ``domain``."""
    candidate = subdomain if "." in subdomain.rstrip(".") else f"{subdomain}.{domain}"
    try:
        mail_from = normalize_domain(candidate)
    except ValueError as error:
        problems.add(key, subdomain, f"must be a label or a domain name ({error})")
        return None
    if not is_subdomain(mail_from, domain):
        what = "equals the domain" if mail_from == domain else f"is not under {domain}"
        problems.add(
            key,
            subdomain,
            f"{what}; give a label such as 'mail' or a name under it such as mail.{domain}",
        )
        return None
    return mail_from


def parse_mail_from(
    fields: Fields | None, domain: str | None, regions: tuple[str, ...], problems: Problems
) -> MailFromConfig:
    """``mailFrom``: the primary region's MAIL FROM domain (``subdomain``) and those given for
    secondary regions (``subdomains``, by region)."""
    if fields is None:
        return MailFromConfig()
    enabled = fields.boolean("enabled", True)
    subdomain = fields.string("subdomain")
    behavior = fields.choice(
        "behaviorOnMxFailure", MxFailureBehavior, MxFailureBehavior.USE_DEFAULT_VALUE
    )
    regional = fields.string_map("subdomains")
    fields.finish()
    mail_from: str | None = None
    if subdomain is not None and domain:
        mail_from = _mail_from_name(
            fields, fields.key_path("subdomain"), subdomain, domain, problems
        )
    regional_domains: dict[str, str] = {}
    for region, text in regional.items():
        key = f"{fields.key_path('subdomains')}.{region}"
        if regions and region not in regions[1:]:
            primary = region == regions[0]
            problems.add(
                key,
                text,
                "is the primary region's; give it as mailFrom.subdomain"
                if primary
                else f"names a region the domain is not in; its secondary regions: "
                f"{', '.join(regions[1:]) or 'none'}",
            )
        elif domain and (name := _mail_from_name(fields, key, text, domain, problems)):
            regional_domains[region] = name
    return MailFromConfig(enabled, mail_from, behavior, regional_domains)


def check_mail_from_domains(domain: DomainConfig, fields: Fields, problems: Problems) -> None:
    """Each region needs a MAIL FROM domain of its own: its MX points at its region's host."""
    if not domain.mail_from.enabled:
        return
    seen: dict[str, str] = {}
    for region in domain.regions:
        name = domain.mail_from_domain_in(region)
        if name in seen:
            problems.add(
                fields.key_path("mailFrom.subdomains"),
                dict(domain.mail_from.regional_domains),
                f"gives {region} the MAIL FROM domain {name} of {seen[name]}; each region needs "
                "its own (its MX points at feedback-smtp.<region>.amazonses.com)",
            )
        seen.setdefault(name, region)
