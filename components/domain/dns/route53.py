"""Amazon Route 53: records in a hosted zone given by id or found by name."""

from __future__ import annotations

import pulumi
from pulumi_aws import route53

from ..model import DomainConfig
from ..records import DnsRecord, RecordType
from .base import RecordInput, RecordWriter, record_field


def route53_value(record: DnsRecord) -> str:
    """The value as the AWS provider takes it: a long TXT value is split into 255-octet
    strings joined by ``""`` (the provider turns that into separate character-strings)."""
    if record.type is RecordType.TXT:
        return '""'.join(record.txt_strings)
    return record.value


class Route53Writer(RecordWriter):
    """One ``aws.route53.Record`` per record. Route 53 is global: no region argument. A record
    never overwrites one it did not create, unless the domain's ``adopt.records`` lists its
    kind: then it takes the existing record over (``allow_overwrite``)."""

    def __init__(
        self,
        domain: DomainConfig,
        parent: pulumi.Resource,
        zone_id: pulumi.Input[str] | None = None,
    ) -> None:
        super().__init__(domain, parent, zone_id)
        if self.zone_id is None:
            zone = route53.get_zone_output(
                name=domain.dns.zone_name or domain.name,
                private_zone=False,
                opts=pulumi.InvokeOutputOptions(parent=parent),
            )
            self.zone_id = zone.zone_id

    def write(
        self, resource_name: str, slot: DnsRecord, record: RecordInput
    ) -> pulumi.Resource | None:
        adopt = self.domain.adopt
        return route53.Record(
            resource_name,
            zone_id=self.zone_id,
            name=record_field(record, lambda r: r.name),
            type=slot.type.value,
            ttl=slot.ttl,
            records=record_field(record, lambda r: [route53_value(r)]),
            allow_overwrite=adopt is not None and adopt.takes_over(slot.purpose.value),
            opts=pulumi.ResourceOptions(parent=self.parent),
        )
