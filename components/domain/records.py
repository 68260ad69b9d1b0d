"""The DNS records an SES sending domain needs, as plain data (contract 1 in ARCHITECTURE.md).

Pure functions with no Pulumi import: the component declares resources from them, the offline
plan prints them, and the checks and tests compare against them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..regions import mail_from_mx_host
from .bimi import bimi_name, bimi_value
from .model import DkimMode, DmarcAlignment, DmarcConfig, DomainConfig

EASY_DKIM_TOKEN_COUNT = 3
"""SES always hands out three Easy DKIM tokens per domain."""
MAIL_FROM_MX_PRIORITY = 10
MAIL_FROM_SPF = "v=spf1 include:amazonses.com ~all"
"""The SPF record AWS documents for a custom MAIL FROM domain."""
TXT_STRING_MAX_OCTETS = 255


class RecordType(StrEnum):
    CNAME = "CNAME"
    MX = "MX"
    TXT = "TXT"


class Purpose(StrEnum):
    """Why a record exists (the ``purpose`` field of contract 1)."""

    DKIM = "dkim"
    MAIL_FROM_MX = "mail_from_mx"
    MAIL_FROM_SPF = "mail_from_spf"
    DMARC = "dmarc"
    BIMI = "bimi"
    TRACKING = "tracking"
    POSTMASTER_TOOLS = "postmaster_tools"


@dataclass(frozen=True)
class DnsRecord:
    """One record, in the shape of contract 1."""

    domain: str
    """The SES domain the record belongs to."""
    name: str
    """Absolute owner name, lowercase A-labels, no trailing dot."""
    type: RecordType
    value: str
    """CNAME: target; MX: ``"<priority> <host>"``; TXT: the whole text, unquoted and unsplit."""
    ttl: int
    purpose: Purpose
    slot: str
    """Stable identifier within the domain (``dkim-1``, ``mail-from-mx``...), used for resource
    names; not part of the contract output."""

    def to_json(self) -> dict[str, str | int]:
        return {
            "domain": self.domain,
            "name": self.name,
            "type": self.type.value,
            "value": self.value,
            "ttl": self.ttl,
            "purpose": self.purpose.value,
        }

    @property
    def txt_strings(self) -> list[str]:
        """The TXT value as DNS character-strings of at most 255 octets."""
        return split_txt(self.value)

    @property
    def mx_priority(self) -> int:
        return int(self.value.split(" ", 1)[0])

    @property
    def mx_host(self) -> str:
        return self.value.split(" ", 1)[1]


def split_txt(value: str, limit: int = TXT_STRING_MAX_OCTETS) -> list[str]:
    """Split ``value`` into strings of at most ``limit`` UTF-8 octets, never inside a character.

    Joining the pieces without separators gives ``value`` back (RFC 7208 section 3.3).
    """
    pieces: list[str] = []
    current = ""
    size = 0
    for char in value:
        width = len(char.encode())
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    if current or not pieces:
        pieces.append(current)
    return pieces


def dmarc_value(dmarc: DmarcConfig) -> str:
    """The ``_dmarc`` TXT value; tags at their RFC 7489 defaults are left out."""
    tags = ["v=DMARC1", f"p={dmarc.policy.value}"]
    if dmarc.subdomain_policy is not None:
        tags.append(f"sp={dmarc.subdomain_policy.value}")
    if dmarc.pct != 100:
        tags.append(f"pct={dmarc.pct}")
    if dmarc.adkim is not DmarcAlignment.RELAXED:
        tags.append(f"adkim={dmarc.adkim.value}")
    if dmarc.aspf is not DmarcAlignment.RELAXED:
        tags.append(f"aspf={dmarc.aspf.value}")
    if dmarc.rua:
        tags.append("rua=" + ",".join(dmarc.rua))
    if dmarc.ruf:
        tags.append("ruf=" + ",".join(dmarc.ruf))
    return "; ".join(tags)


def dkim_key_value(public_key_base64: str) -> str:
    """The DKIM key record (RFC 6376 section 3.6.1) for a BYODKIM public key."""
    return f"v=DKIM1; k=rsa; p={public_key_base64}"


def required_records(
    domain: DomainConfig,
    dkim_tokens: Sequence[str] = (),
    regional_tokens: Mapping[str, Sequence[str]] | None = None,
) -> list[DnsRecord]:
    """Every record ``domain`` needs, in a stable order: DKIM, MAIL FROM, DMARC, BIMI, the
    Postmaster Tools verification.

    ``dkim_tokens`` are the Easy DKIM tokens SES returned for the identity in the primary
    region, ``regional_tokens`` those of each secondary region (both ignored for BYODKIM, whose
    one key record serves every region). A secondary region's records have slots suffixed with
    the region; the primary region's are those of a single-region domain.
    """
    ttl = domain.dns.ttl
    tokens = {domain.region: dkim_tokens, **(regional_tokens or {})}
    records: list[DnsRecord] = []
    if domain.dkim.mode is DkimMode.EASY:
        for region in domain.regions:
            target_domain = domain.dkim_target_domain_in(region)
            records += [
                DnsRecord(
                    domain.name,
                    f"{token.lower()}._domainkey.{domain.name}",
                    RecordType.CNAME,
                    f"{token.lower()}.{target_domain}",
                    ttl,
                    Purpose.DKIM,
                    f"dkim-{index}{_suffix(domain, region)}",
                )
                for index, token in enumerate(tokens.get(region, ()), start=1)
            ]
    elif domain.dkim.key is not None and domain.dkim.selector is not None:
        records.append(
            DnsRecord(
                domain.name,
                f"{domain.dkim.selector}._domainkey.{domain.name}",
                RecordType.TXT,
                dkim_key_value(domain.dkim.key.public_key_base64),
                ttl,
                Purpose.DKIM,
                "dkim-key",
            )
        )
    if domain.mail_from.enabled:
        for region in domain.regions:
            mail_from = domain.mail_from_domain_in(region)
            suffix = _suffix(domain, region)
            records += [
                DnsRecord(
                    domain.name,
                    mail_from,
                    RecordType.MX,
                    f"{MAIL_FROM_MX_PRIORITY} {mail_from_mx_host(region)}",
                    ttl,
                    Purpose.MAIL_FROM_MX,
                    f"mail-from-mx{suffix}",
                ),
                DnsRecord(
                    domain.name,
                    mail_from,
                    RecordType.TXT,
                    MAIL_FROM_SPF,
                    ttl,
                    Purpose.MAIL_FROM_SPF,
                    f"mail-from-spf{suffix}",
                ),
            ]
    if domain.dmarc.enabled:
        records.append(
            DnsRecord(
                domain.name,
                f"_dmarc.{domain.name}",
                RecordType.TXT,
                dmarc_value(domain.dmarc),
                ttl,
                Purpose.DMARC,
                "dmarc",
            )
        )
    if domain.bimi is not None:
        records.append(
            DnsRecord(
                domain.name,
                bimi_name(domain.name, domain.bimi),
                RecordType.TXT,
                bimi_value(domain.bimi),
                ttl,
                Purpose.BIMI,
                "bimi",
            )
        )
    if domain.postmaster_tools is not None:
        records.append(
            DnsRecord(
                domain.name,
                domain.name,
                RecordType.TXT,
                domain.postmaster_tools.verification,
                ttl,
                Purpose.POSTMASTER_TOOLS,
                "postmaster-tools",
            )
        )
    return records


def _suffix(domain: DomainConfig, region: str) -> str:
    return "" if region == domain.region else f"-{region}"


def records_in_region(
    domain: DomainConfig, records: Iterable[DnsRecord], region: str
) -> list[DnsRecord]:
    """Of the domain's ``records``, those its identity in ``region`` needs: that region's Easy
    DKIM CNAMEs (or the BYODKIM key record every region shares) and its MAIL FROM MX and SPF."""
    suffix = _suffix(domain, region)
    slots = {f"dkim-{index}{suffix}" for index in range(1, EASY_DKIM_TOKEN_COUNT + 1)}
    slots |= {"dkim-key", f"mail-from-mx{suffix}", f"mail-from-spf{suffix}"}
    return [record for record in records if record.slot in slots]


def needs_dkim_tokens(record: DnsRecord) -> bool:
    """Whether the record's name and value come from SES's Easy DKIM tokens."""
    return record.purpose is Purpose.DKIM and record.type is RecordType.CNAME


def record_slots(domain: DomainConfig) -> list[DnsRecord]:
    """The records ``domain`` needs with placeholder DKIM tokens: their slots, types and TTLs
    are known before SES hands out the tokens, which is what declaring resources needs."""
    placeholders = [f"token{index}" for index in range(1, EASY_DKIM_TOKEN_COUNT + 1)]
    regional = {
        region: [f"{region}-{token}" for token in placeholders]
        for region in domain.secondary_regions
    }
    return required_records(domain, placeholders, regional)


def quote_character_string(text: str) -> str:
    """``text`` as one RFC 1035 character-string in zone-file syntax, quotes and backslashes
    escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def zone_file(records: Iterable[DnsRecord]) -> str:
    """The records as a BIND zone-file fragment (absolute names, TXT split into strings)."""
    lines: list[str] = []
    for record in records:
        if record.type is RecordType.TXT:
            rdata = " ".join(quote_character_string(part) for part in record.txt_strings)
        elif record.type is RecordType.MX:
            rdata = f"{record.mx_priority} {record.mx_host}."
        else:
            rdata = f"{record.value}."
        lines.append(f"{record.name}.\t{record.ttl}\tIN\t{record.type.value}\t{rdata}")
    return "\n".join(lines) + ("\n" if lines else "")
