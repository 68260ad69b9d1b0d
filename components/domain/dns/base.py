"""The one interface every DNS provider implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TypeVar

import pulumi

from ..model import DomainConfig
from ..records import DnsRecord

T = TypeVar("T")

RecordInput = DnsRecord | pulumi.Output[DnsRecord]
"""A record known now, or one that needs SES's Easy DKIM tokens first."""


def record_field(record: RecordInput, read: Callable[[DnsRecord], T]) -> pulumi.Input[T]:
    """``read(record)``, at once for a known record, once the tokens are there otherwise."""
    return read(record) if isinstance(record, DnsRecord) else record.apply(read)


class RecordWriter(ABC):
    """Writes a domain's records to one DNS service.

    ``slot`` is the record as known before deployment (type, TTL, purpose, slot name);
    ``record`` is the final record, or resolves to it once SES has handed out the DKIM tokens.
    Implementations declare at most one resource per record, named ``resource_name``.
    """

    def __init__(
        self,
        domain: DomainConfig,
        parent: pulumi.Resource,
        zone_id: pulumi.Input[str] | None = None,
    ) -> None:
        self.domain = domain
        self.parent = parent
        self.zone_id: pulumi.Input[str] | None = (
            zone_id if zone_id is not None else domain.dns.zone_id
        )
        """The zone the records go to (``None``: none given, Route 53 looks it up by name)."""

    @abstractmethod
    def write(
        self, resource_name: str, slot: DnsRecord, record: RecordInput
    ) -> pulumi.Resource | None:
        """Declare the resource that publishes ``record`` (``None`` when nothing is written)."""
