"""What one sender may send: the ``domains``, ``identityArns``, ``fromAddresses``,
``recipients``, ``extraRegions`` and ``configurationSets`` keys shared by SMTP users and API
senders, parsed into one :class:`~.model.SmtpAccess`, so both get the same identity and
configuration-set ARNs and conditions from one policy builder. Pure: no Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..arns import IdentityArn, parse_identity_arn
from ..feedback.model import CONFIGURATION_SET_NAME
from ..names import DOT_ATOM_TEXT, is_subdomain, normalize_domain
from ..regions import partition_of, region_problem
from ..validation import Fields, Problems, did_you_mean
from .model import SmtpAccess, SmtpConfigurationSet, SmtpIdentity

if TYPE_CHECKING:
    from ..domain.model import DomainConfig


def _check_pattern_local(local: str) -> None:
    if not local:
        raise ValueError("has an empty local part")
    if len(local) > 64:
        raise ValueError("local part is over 64 characters")
    if not DOT_ATOM_TEXT.match(local):  # '*' and '?' are atext: IAM's wildcards fit
        raise ValueError(
            "local part may hold letters, digits, !#$%&'*+/=?^_`{|}~- and the wildcards * and ?"
        )


def _pattern_domain(domain: str) -> tuple[str, str]:
    """Split ``*.example.com`` into (``*.``, ``example.com``) and normalise the domain."""
    prefix = ""
    if domain.startswith("*."):
        prefix, domain = "*.", domain[2:]
    if "*" in domain or "?" in domain:
        raise ValueError("the domain part may only start with '*.'; no other wildcards")
    return prefix, normalize_domain(domain)


def parse_from_pattern(text: str, domains: Sequence[str]) -> str:
    """A ``ses:FromAddress`` pattern: an address or wildcard under one of ``domains``."""
    if text.count("@") != 1:
        raise ValueError("needs exactly one '@', e.g. noreply@example.com or *@example.com")
    local, domain = text.split("@")
    _check_pattern_local(local)
    prefix, name = _pattern_domain(domain)
    if not any(name == d or is_subdomain(name, d) for d in domains):
        raise ValueError(f"domain {name} is not one of this user's domains ({', '.join(domains)})")
    return f"{local}@{prefix}{name}"


def parse_recipient_pattern(text: str) -> str:
    """A ``ses:Recipients`` pattern: an address or a wildcard such as ``*@example.com``."""
    if text.count("@") != 1:
        raise ValueError("needs exactly one '@', e.g. *@example.com")
    local, domain = text.split("@")
    _check_pattern_local(local)
    prefix, name = _pattern_domain(domain)
    return f"{local}@{prefix}{name}"


def names_matching(
    fields: Fields, key: str, regex: re.Pattern[str], allowed: str, problems: Problems
) -> list[tuple[str, str]]:
    good: list[tuple[str, str]] = []
    for path, text in fields.string_list(key):
        if regex.match(text):
            good.append((path, text))
        else:
            problems.add(path, text, allowed)
    return good


def check_regions(fields: Fields, key: str) -> list[str]:
    """The SES regions listed at ``key``, each once."""
    regions: list[str] = []
    for path, region in fields.string_list(key):
        if (problem := region_problem(region)) is not None:
            fields.problems.add(path, region, problem)
        elif region in regions:
            fields.problems.add(path, region, "is listed twice")
        else:
            regions.append(region)
    return regions


def check_partitions(fields: Fields, key: str, regions: Sequence[str]) -> None:
    """One set of credentials serves one AWS partition."""
    partitions = sorted({partition_of(region) for region in regions})
    if len(partitions) > 1:
        fields.problems.add(
            fields.key_path(key),
            list(regions),
            "mixes AWS partitions (" + ", ".join(partitions) + "); one account and one set of "
            "credentials cannot span them",
        )


def _identities(
    domains: Sequence[DomainConfig], extra_regions: Sequence[str]
) -> tuple[tuple[str, ...], tuple[SmtpIdentity, ...]]:
    regions: list[str] = []
    for domain in domains:
        regions += [region for region in domain.regions if region not in regions]
    regions += [region for region in extra_regions if region not in regions]
    identities: list[SmtpIdentity] = []
    for domain in domains:
        own = [domain.name] + [
            address
            for address in domain.email_identities
            if address.split("@")[1] == domain.name
            or is_subdomain(address.split("@")[1], domain.name)
        ]
        for region in [*domain.regions, *[r for r in extra_regions if r not in domain.regions]]:
            identities += [
                SmtpIdentity(
                    region,
                    identity,
                    domain.name,
                    region in domain.regions,
                    primary=region == domain.region,
                )
                for identity in own
            ]
    return tuple(regions), tuple(identities)


def _configured_domains(
    fields: Fields, domains_by_name: Mapping[str, DomainConfig], namespace: str, needed: bool
) -> list[DomainConfig]:
    problems = fields.problems
    domain_items = fields.string_list("domains")
    configured = sorted(domains_by_name)
    listed = f" (configured: {', '.join(configured)})" if configured else ""
    if not fields.has("domains") and needed:
        problems.add(
            fields.key_path("domains"),
            None,
            "is required: the configured domains this sender may send from"
            + listed
            + " (or identityArns: identities of other accounts that authorized it)",
        )
    elif fields.has("domains") and not domain_items:
        problems.add(
            fields.key_path("domains"), fields.raw("domains"), "must list at least one domain"
        )
    found: list[DomainConfig] = []
    for path, text in domain_items:
        try:
            domain_name = normalize_domain(text)
        except ValueError as error:
            problems.add(path, text, f"must be a domain name ({error})")
            continue
        if domain_name not in domains_by_name:
            problems.add(
                path,
                text,
                f"is not a domain configured in {namespace}:domains"
                + listed
                + did_you_mean(domain_name, configured),
            )
        elif domain_name in [d.name for d in found]:
            problems.add(path, text, "is listed twice")
        else:
            found.append(domains_by_name[domain_name])
    return found


def _identity_arns(fields: Fields, partition: str | None) -> list[IdentityArn]:
    problems = fields.problems
    items = fields.string_list("identityArns")
    if fields.has("identityArns") and not items:
        problems.add(
            fields.key_path("identityArns"),
            fields.raw("identityArns"),
            "must list at least one identity ARN (or leave it out)",
        )
    found: list[IdentityArn] = []
    for path, text in items:
        try:
            arn = parse_identity_arn(text)
        except ValueError as error:
            problems.add(path, text, str(error))
            continue
        if partition is not None and partition_of(arn.region) != partition:
            problems.add(
                path,
                text,
                f"is in partition {partition_of(arn.region)}, but this stack's account is in "
                f"{partition} (aws:region); an identity of another partition cannot be used",
            )
        elif arn.arn in [item.arn for item in found]:
            problems.add(path, text, "is listed twice")
        else:
            found.append(arn)
    return found


def parse_access(
    fields: Fields,
    domains_by_name: Mapping[str, DomainConfig],
    domain_sets: Mapping[str, str | None],
    namespace: str,
    aws_region: str | None = None,
) -> SmtpAccess | None:
    """The access keys of one sender entry (``None`` when it names no usable identity: the
    problem is already in ``fields.problems``). ``domain_sets`` maps a domain to its identity's
    default configuration set, which SES authorizes on every send, so the policy names it;
    ``aws_region`` (the stack's) gives the partition other accounts' identities must be in."""
    problems = fields.problems
    foreign = _identity_arns(fields, partition_of(aws_region) if aws_region else None)
    user_domains = _configured_domains(
        fields, domains_by_name, namespace, needed=not fields.has("identityArns")
    )
    names_of_domains = [d.name for d in user_domains] + [
        arn.domain for arn in foreign if arn.domain not in [d.name for d in user_domains]
    ]
    from_addresses: list[str] = []
    for path, text in fields.string_list("fromAddresses"):
        if not names_of_domains:
            continue  # the domains problem is already reported
        try:
            from_addresses.append(parse_from_pattern(text, names_of_domains))
        except ValueError as error:
            problems.add(
                path,
                text,
                "must be an address or wildcard (* any characters, ? one) under one of the "
                f"sender's domains, e.g. noreply@{names_of_domains[0]} or "
                f"*@{names_of_domains[0]} ({error})",
            )
    recipients: list[str] = []
    for path, text in fields.string_list("recipients"):
        try:
            recipients.append(parse_recipient_pattern(text))
        except ValueError as error:
            problems.add(
                path,
                text,
                "must be an address or wildcard such as *@example.com; omit recipients to allow "
                f"any ({error})",
            )
    extra_regions = check_regions(fields, "extraRegions")
    configuration_sets = [
        text
        for _, text in names_matching(
            fields,
            "configurationSets",
            CONFIGURATION_SET_NAME,
            "must be a configuration set name: 1-64 letters, digits, _ and -",
            problems,
        )
    ]
    own_regions, identities = _identities(user_domains, extra_regions)
    # the configured domains' regions first (the first is the primary region), then those of
    # other accounts' identities, then extraRegions
    regions = tuple(
        dict.fromkeys(
            [d.region for d in user_domains] + [a.region for a in foreign] + [*own_regions]
        )
    )
    check_partitions(fields, "extraRegions", regions)
    if not user_domains and not foreign:
        return None
    sets = [
        SmtpConfigurationSet(region, set_name)
        for domain in user_domains
        if (set_name := domain_sets.get(domain.name))
        for region in domain.regions
    ]
    sets += [
        SmtpConfigurationSet(region, name) for name in configuration_sets for region in regions
    ]
    return SmtpAccess(
        domains=tuple(d.name for d in user_domains),
        regions=tuple(regions),
        identities=identities,
        from_addresses=tuple(dict.fromkeys(from_addresses)),
        recipients=tuple(dict.fromkeys(recipients)),
        configuration_sets=tuple(dict.fromkeys(sets)),
        identity_arns=tuple(arn.arn for arn in foreign),
    )
