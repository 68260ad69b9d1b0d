"""A domain's ``adopt`` -> :class:`~.adopt.AdoptConfig`, checked against what the domain
declares, and the configuration sets a stack adopts. Pure: no Pulumi.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..validation import Fields, Problems, as_boolean, as_mapping, did_you_mean
from .adopt import AdoptConfig, AdoptedRecord
from .model import DkimMode, DnsProviderKind, DomainConfig

_SHAPE = "must be true, false or an object with identity, mailFrom, configurationSet and records"


def parse_adopt(
    value: object, key: str, domain: DomainConfig, problems: Problems
) -> AdoptConfig | None:
    """``adopt`` (its raw ``value`` at ``key``) of an otherwise parsed ``domain``: ``true``
    adopts the identity and whatever MAIL FROM and configuration set the domain declares; an
    object chooses. Every choice the domain cannot honour is added to ``problems``."""
    if value is None or value is False or value == "false":
        return None
    if value is True or value == "true":
        fields = Fields({}, key, problems)
        adopt = AdoptConfig(
            mail_from=domain.mail_from.enabled,
            configuration_set=domain.configuration_set is not False,
        )
    elif as_mapping(value) is None:
        problems.add(key, value, _SHAPE)
        return None
    else:
        fields = Fields(value, key, problems)
        adopt = AdoptConfig(
            identity=fields.boolean("identity", True),
            mail_from=fields.boolean("mailFrom", False),
            configuration_set=_set_choice(fields, problems),
            records=_records(fields, problems),
        )
        fields.finish()
        if not (adopt.identity or adopt.mail_from or adopt.configuration_set or adopt.records):
            problems.add(key, value, "adopts nothing; remove it (or set adopt: false)")
    _check_against_domain(adopt, fields, domain, problems)
    return adopt


def _set_choice(fields: Fields, problems: Problems) -> bool | str:
    value = fields.raw("configurationSet")
    if value is None:
        return False
    found = as_boolean(value)
    if found is not None:
        return found
    if isinstance(value, str) and value:
        return value
    problems.add(
        fields.key_path("configurationSet"),
        value,
        "must be true, false or the name of the configuration set the domain uses",
    )
    return False


def _records(fields: Fields, problems: Problems) -> tuple[AdoptedRecord, ...]:
    allowed = [record.value for record in AdoptedRecord]
    chosen: list[AdoptedRecord] = []
    for path, text in fields.string_list("records"):
        if text not in allowed:
            problems.add(
                path, text, f"must be one of {', '.join(allowed)}{did_you_mean(text, allowed)}"
            )
        elif AdoptedRecord(text) in chosen:
            problems.add(path, text, "is listed twice")
        else:
            chosen.append(AdoptedRecord(text))
    return tuple(chosen)


def _check_against_domain(
    adopt: AdoptConfig, fields: Fields, domain: DomainConfig, problems: Problems
) -> None:
    if adopt.identity and domain.dkim.mode is DkimMode.BYODKIM:
        problems.add(
            fields.key_path("identity"),
            True,
            "cannot be true with dkim.mode byodkim: SES never returns an identity's private key, "
            "so the identity read from SES never matches the one declared and Pulumi refuses "
            "the import (and changing the signing mode of an adopted identity in the same "
            "update would replace it). Adopt it with Easy DKIM, as the console made it, and "
            "move to BYODKIM in a later update",
        )
    if adopt.mail_from and not domain.mail_from.enabled:
        problems.add(
            fields.key_path("mailFrom"),
            True,
            "has nothing to adopt: the domain declares no MAIL FROM (mailFrom.enabled is false)",
        )
    elif adopt.mail_from and not adopt.identity:
        problems.add(
            fields.key_path("mailFrom"),
            True,
            "needs adopt.identity: a MAIL FROM setting exists only on an existing identity, and "
            "an identity the stack creates has none yet",
        )
    if adopt.configuration_set is not False and domain.configuration_set is False:
        problems.add(
            fields.key_path("configurationSet"),
            adopt.configuration_set,
            "has nothing to adopt: the domain uses no configuration set (configurationSet is "
            "false)",
        )
    if adopt.records and domain.dns.provider is not DnsProviderKind.ROUTE53:
        problems.add(
            fields.key_path("records"),
            [record.value for record in adopt.records],
            _NOT_ROUTE53[domain.dns.provider],
        )
        return
    declared = {
        AdoptedRecord.DKIM: True,
        AdoptedRecord.MAIL_FROM_MX: domain.mail_from.enabled,
        AdoptedRecord.MAIL_FROM_SPF: domain.mail_from.enabled,
        AdoptedRecord.DMARC: domain.dmarc.enabled,
        AdoptedRecord.BIMI: domain.bimi is not None,
    }
    for index, record in enumerate(adopt.records):
        if not declared[record]:
            problems.add(
                f"{fields.key_path('records')}[{index}]",
                record.value,
                "names a record the domain does not declare (its mailFrom, dmarc or bimi is "
                "off); list only records the stack writes",
            )


_NOT_ROUTE53 = {
    DnsProviderKind.CLOUDFLARE: (
        "applies to dns.provider route53 only: a Cloudflare record cannot be overwritten by "
        "the provider; delete the old record first, or import it with pulumi import "
        "cloudflare:index/dnsRecord:DnsRecord NAME ZONE_ID/RECORD_ID"
    ),
    DnsProviderKind.EXTERNAL: (
        "applies to dns.provider route53 only: external DNS writes no records, so there is "
        "nothing to take over"
    ),
}


def adopted_sets(
    domains: Iterable[DomainConfig], domain_sets: Mapping[str, str | None]
) -> frozenset[tuple[str, str]]:
    """The configuration sets the domains adopt: (set name, region) in each domain's regions."""
    return frozenset(
        (set_name, region)
        for domain in domains
        if domain.adopt is not None
        and domain.adopt.configuration_set is not False
        and (set_name := domain_sets.get(domain.name)) is not None
        for region in domain.regions
    )


def check_adopted_set_names(
    domains: Iterable[DomainConfig],
    domain_sets: Mapping[str, str | None],
    keys: Mapping[str, str],
    problems: Problems,
) -> None:
    """An ``adopt.configurationSet`` given as a name must be the set the domain uses (its own
    or a named one): a set of another name would be created beside the adopted one, never
    adopted. ``keys`` maps each domain to its config key (``ses:domains[i]``)."""
    for domain in domains:
        chosen = None if domain.adopt is None else domain.adopt.configuration_set
        if not isinstance(chosen, str):
            continue
        used = domain_sets.get(domain.name)
        if used is not None and chosen != used:
            problems.add(
                f"{keys[domain.name]}.adopt.configurationSet",
                chosen,
                f"must be the configuration set the domain uses, {used!r}; to adopt a set of "
                f"another name, declare it under configurationSets and give the domain "
                f"configurationSet: {chosen}",
            )
