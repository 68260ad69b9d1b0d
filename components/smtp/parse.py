"""Parsing the ``smtpUsers`` section into :mod:`.model`, after the domains, so every user can be
checked against the configured domains; every problem reported at once. No Pulumi import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..feedback.model import CONFIGURATION_SET_NAME
from ..names import DOT_ATOM_TEXT, is_subdomain, normalize_domain
from ..regions import partition_of, region_problem
from ..validation import Fields, Problems, did_you_mean
from .model import (
    DEFAULT_PATH,
    DEFAULT_RECOVERY_WINDOW_DAYS,
    DEFAULT_ROTATION,
    SmtpAccess,
    SmtpConfigurationSet,
    SmtpIdentity,
    SmtpSecretConfig,
    SmtpUserConfig,
)

if TYPE_CHECKING:
    from ..domain.model import DomainConfig

_IAM_USER_NAME = re.compile(r"^[A-Za-z0-9_+=,.@-]{1,64}$")
_IAM_GROUP_NAME = re.compile(r"^[A-Za-z0-9_+=,.@-]{1,128}$")
_IAM_PATH = re.compile(r"^/(?:[\x21-\x7e]*/)?$")
_ROTATION_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
AMBIGUOUS_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
"""Secrets Manager ends each secret ARN with ``-`` and six random characters; AWS advises
against names that end the same way (Secrets Manager User Guide, "Troubleshoot")."""
_KMS_KEY = re.compile(
    r"^(?:arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):\d{12}:(?:key|alias)/[A-Za-z0-9/_+=,.@-]+"
    r"|alias/[A-Za-z0-9/_+=,.@-]+"
    r"|(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))$"
)


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


def _names(
    fields: Fields, key: str, regex: re.Pattern[str], allowed: str, problems: Problems
) -> list[tuple[str, str]]:
    good: list[tuple[str, str]] = []
    for path, text in fields.string_list(key):
        if regex.match(text):
            good.append((path, text))
        else:
            problems.add(path, text, allowed)
    return good


def parse_secret(
    fields: Fields | None, regions: Sequence[str], problems: Problems
) -> SmtpSecretConfig:
    if fields is None:
        return SmtpSecretConfig()
    enabled = fields.boolean("enabled", True)
    name = fields.string("name")
    kms_key_id = fields.string("kmsKeyId")
    window = fields.integer(
        "recoveryWindowInDays", DEFAULT_RECOVERY_WINDOW_DAYS, minimum=0, maximum=30
    )
    fields.finish()
    if 0 < window < 7:
        problems.add(fields.key_path("recoveryWindowInDays"), window, "must be 0 or from 7 to 30")
    if name is not None and (not _SECRET_NAME.match(name) or name.startswith("aws")):
        problems.add(
            fields.key_path("name"),
            name,
            "must be 1-512 letters, digits and /_+=.@-, not starting with 'aws'",
        )
    elif name is not None and AMBIGUOUS_SECRET_SUFFIX.search(name):
        problems.add(
            fields.key_path("name"),
            name,
            "must not end in a hyphen and six characters: Secrets Manager appends exactly that "
            "to every secret's ARN, so partial-ARN lookups of this name would be ambiguous",
        )
    if kms_key_id is not None:
        match = _KMS_KEY.match(kms_key_id)
        if not match:
            problems.add(
                fields.key_path("kmsKeyId"),
                kms_key_id,
                "must be a KMS key id, key ARN, alias/NAME or alias ARN",
            )
        elif match.group("region") and regions and match.group("region") != regions[0]:
            problems.add(
                fields.key_path("kmsKeyId"),
                kms_key_id,
                f"is in {match.group('region')}, but the secret is stored in the user's primary "
                f"region {regions[0]}; a secret can only use a KMS key in its own region",
            )
    return SmtpSecretConfig(enabled, name, kms_key_id, window)


def check_iam_name(fields: Fields, key: str, *, group: bool) -> str | None:
    """An IAM user (or group) name at ``key``; ``None`` when missing or malformed."""
    name = fields.string(key, required=True)
    regex, limit, what = (
        (_IAM_GROUP_NAME, 128, "IAM group") if group else (_IAM_USER_NAME, 64, "IAM user")
    )
    if name is not None and not regex.match(name):
        fields.problems.add(
            fields.key_path(key),
            name,
            f"must be an {what} name: 1-{limit} letters, digits and _+=,.@-",
        )
        return None
    return name


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


def parse_key_settings(fields: Fields) -> tuple[str, str, str | None]:
    """``path``, ``rotation`` and ``previousRotation`` of a user's IAM entities and keys."""
    problems = fields.problems
    path_value = fields.string("path", DEFAULT_PATH) or DEFAULT_PATH
    if len(path_value) > 512 or not _IAM_PATH.match(path_value):
        problems.add(
            fields.key_path("path"),
            path_value,
            "must be an IAM path: starts and ends with '/', printable ASCII, at most 512 chars",
        )
    rotation = fields.string("rotation", DEFAULT_ROTATION) or DEFAULT_ROTATION
    previous = fields.string("previousRotation")
    for key, label in (("rotation", rotation), ("previousRotation", previous)):
        if label is not None and not _ROTATION_LABEL.match(label):
            problems.add(
                fields.key_path(key),
                label,
                "must be a label of 1-32 letters, digits, '.', '_' and '-' such as 2026-11",
            )
    if previous is not None and previous == rotation:
        problems.add(
            fields.key_path("previousRotation"),
            previous,
            "equals rotation; give the label of the key being replaced",
        )
    return path_value, rotation, previous


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


@dataclass(frozen=True)
class _Entry:
    names: list[tuple[str, str]]
    """(key path, IAM user name) of every user the entry declares, valid or not."""
    group: tuple[str, str] | None
    """(key path, group name) in group mode."""
    users: list[SmtpUserConfig]
    """The parsed users (empty when the entry's access settings are unusable)."""


def _parse_entry(
    fields: Fields,
    domains_by_name: Mapping[str, DomainConfig],
    domain_sets: Mapping[str, str | None],
    namespace: str,
    problems: Problems,
) -> _Entry:
    member_items = fields.string_list("users")
    group_mode = fields.has("users")
    name = check_iam_name(fields, "name", group=group_mode)
    members = _names(
        fields,
        "users",
        _IAM_USER_NAME,
        "must be an IAM user name: 1-64 letters, digits and _+=,.@-",
        problems,
    )
    if group_mode and not member_items:
        problems.add(fields.key_path("users"), fields.raw("users"), "must list at least one user")

    domain_items = fields.string_list("domains")
    configured = sorted(domains_by_name)
    if not fields.has("domains"):
        problems.add(
            fields.key_path("domains"),
            None,
            "is required: the configured domains this user may send from"
            + (f" (configured: {', '.join(configured)})" if configured else ""),
        )
    elif not domain_items:
        problems.add(
            fields.key_path("domains"), fields.raw("domains"), "must list at least one domain"
        )
    user_domains: list[DomainConfig] = []
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
                + (f" (configured: {', '.join(configured)})" if configured else "")
                + did_you_mean(domain_name, configured),
            )
        elif domain_name in [d.name for d in user_domains]:
            problems.add(path, text, "is listed twice")
        else:
            user_domains.append(domains_by_name[domain_name])
    names_of_domains = [d.name for d in user_domains]

    from_addresses: list[str] = []
    for path, text in fields.string_list("fromAddresses"):
        if not user_domains:
            continue  # the domains problem is already reported
        try:
            from_addresses.append(parse_from_pattern(text, names_of_domains))
        except ValueError as error:
            problems.add(
                path,
                text,
                "must be an address or wildcard (* any characters, ? one) under one of the "
                f"user's domains, e.g. noreply@{names_of_domains[0]} or *@{names_of_domains[0]} "
                f"({error})",
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
    if fields.has("globalEndpoint"):
        problems.add(
            fields.key_path("globalEndpoint"),
            fields.raw("globalEndpoint"),
            "is refused: SES global endpoints serve the v2 API (SendEmail with EndpointId) only, "
            "not SMTP; an SMTP user sends through the SMTP endpoint of each of its regions "
            "(email-smtp.<region>.amazonaws.com), or send through the endpoint with the API",
        )
    configuration_sets = [
        text
        for _, text in _names(
            fields,
            "configurationSets",
            CONFIGURATION_SET_NAME,
            "must be a configuration set name: 1-64 letters, digits, _ and -",
            problems,
        )
    ]
    path_value, rotation, previous = parse_key_settings(fields)

    regions, identities = _identities(user_domains, extra_regions)
    check_partitions(fields, "extraRegions", regions)
    secret = parse_secret(fields.mapping("secret"), regions, problems)
    tag_values = fields.tags("tags")
    fields.finish()

    user_names = (
        members if group_mode else ([(fields.key_path("name"), name)] if name is not None else [])
    )
    group = (fields.key_path("name"), name) if group_mode and name is not None else None
    if name is None or not user_domains:
        return _Entry(user_names, group, [])
    sets = [
        SmtpConfigurationSet(region, set_name)
        for domain in user_domains
        if (set_name := domain_sets.get(domain.name))
        for region in domain.regions
    ]
    sets += [
        SmtpConfigurationSet(region, name) for name in configuration_sets for region in regions
    ]
    access = SmtpAccess(
        domains=tuple(names_of_domains),
        regions=regions,
        identities=identities,
        from_addresses=tuple(dict.fromkeys(from_addresses)),
        recipients=tuple(dict.fromkeys(recipients)),
        configuration_sets=tuple(dict.fromkeys(sets)),
    )
    if secret.name is not None and group_mode and len(members) > 1:
        problems.add(
            fields.key_path("secret.name"),
            secret.name,
            "cannot be one name for several users; leave it out (ses-smtp/<user>/credentials "
            "is used)",
        )
    users = [
        SmtpUserConfig(
            name=user_name,
            access=access,
            group=name if group_mode else None,
            path=path_value,
            rotation=rotation,
            previous_rotation=previous,
            secret=secret,
            tags=tag_values,
        )
        for _, user_name in user_names
    ]
    return _Entry(user_names, group, users)


def parse_smtp_users(
    top: Fields,
    domains: Sequence[DomainConfig],
    namespace: str,
    problems: Problems,
    *,
    domain_sets: Mapping[str, str | None] | None = None,
) -> tuple[SmtpUserConfig, ...]:
    """Parse ``<namespace>:smtpUsers`` against the parsed domains; problems go to ``problems``.

    ``domain_sets`` maps a domain to the configuration set its identity uses by default (from
    the feedback configuration); SES authorizes that set on every send, so the policy names it.
    """
    domains_by_name = {domain.name: domain for domain in domains}
    users: list[SmtpUserConfig] = []
    seen_users: dict[str, str] = {}
    seen_groups: dict[str, str] = {}
    seen_secrets: dict[str, str] = {}
    for fields in top.objects("smtpUsers"):
        entry = _parse_entry(fields, domains_by_name, domain_sets or {}, namespace, problems)
        duplicates: set[str] = set()
        for path, user_name in entry.names:
            if user_name.lower() in seen_users:
                duplicates.add(user_name)
                problems.add(
                    path,
                    user_name,
                    f"duplicates the user at {seen_users[user_name.lower()]}; IAM user names are "
                    "unique regardless of case",
                )
            else:
                seen_users[user_name.lower()] = path
        if entry.group is not None:
            path, group = entry.group
            if group.lower() in seen_groups:
                problems.add(
                    path,
                    group,
                    f"duplicates the group at {seen_groups[group.lower()]}; IAM group names are "
                    "unique regardless of case",
                )
            seen_groups.setdefault(group.lower(), path)
        for user in entry.users:
            if user.name in duplicates:
                continue
            if user.secret.enabled:
                secret_key = f"{user.access.primary_region}/{user.secret_name}"
                if secret_key in seen_secrets:
                    problems.add(
                        fields.key_path("secret.name"),
                        user.secret_name,
                        f"is also the secret of user {seen_secrets[secret_key]}",
                    )
                seen_secrets[secret_key] = user.name
            users.append(user)
    return tuple(users)


def smtp_groups(users: Sequence[SmtpUserConfig]) -> dict[str, list[SmtpUserConfig]]:
    """Group-mode users by group name, in configuration order."""
    groups: dict[str, list[SmtpUserConfig]] = {}
    for user in users:
        if user.group is not None:
            groups.setdefault(user.group, []).append(user)
    return groups
