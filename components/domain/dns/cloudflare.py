"""Cloudflare: records in a zone given by id (provider config ``cloudflare:apiToken``)."""

from __future__ import annotations

import pulumi

from ..records import DnsRecord, RecordType, quote_character_string
from .base import RecordInput, RecordWriter, record_field


def cloudflare_content(record: DnsRecord) -> str:
    """The ``content`` Cloudflare takes: the MX host without its priority; TXT as quoted
    RFC 1035 character-strings of at most 255 octets (Cloudflare's API asks for that form)."""
    if record.type is RecordType.MX:
        return record.mx_host
    if record.type is RecordType.TXT:
        return " ".join(quote_character_string(part) for part in record.txt_strings)
    return record.value


class CloudflareWriter(RecordWriter):
    """One ``cloudflare.DnsRecord`` per record, never proxied (mail records must not be)."""

    def write(
        self, resource_name: str, slot: DnsRecord, record: RecordInput
    ) -> pulumi.Resource | None:
        # pulumi_cloudflare imports its whole SDK at once (seconds); only stacks using it pay.
        from pulumi_cloudflare import DnsRecord as CloudflareRecord

        return CloudflareRecord(
            resource_name,
            zone_id=self.zone_id,
            name=record_field(record, lambda r: r.name),
            type=slot.type.value,
            ttl=slot.ttl,
            content=record_field(record, cloudflare_content),
            priority=slot.mx_priority if slot.type is RecordType.MX else None,
            proxied=False if slot.type is RecordType.CNAME else None,
            comment=f"SES {slot.purpose.value} for {self.domain.name}",
            opts=pulumi.ResourceOptions(parent=self.parent),
        )
