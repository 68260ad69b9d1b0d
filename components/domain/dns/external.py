"""DNS that lives elsewhere: nothing is written; the records are only exported."""

from __future__ import annotations

import pulumi

from ..records import DnsRecord
from .base import RecordInput, RecordWriter


class ExternalWriter(RecordWriter):
    """Declares nothing: publish the ``dns_records`` output (or the plan's zone file) yourself."""

    def write(
        self, resource_name: str, slot: DnsRecord, record: RecordInput
    ) -> pulumi.Resource | None:
        return None
