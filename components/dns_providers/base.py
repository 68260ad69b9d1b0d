"""The one interface every DNS provider implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

import pulumi

from ..config import DomainConfig
from ..records import DnsRecord


class RecordWriter(ABC):
    """Writes a domain's records to one DNS service.

    ``slot`` is the record as known before deployment (type, TTL, purpose, slot name);
    ``record`` resolves to the final record once SES has handed out the DKIM tokens.
    Implementations declare at most one resource per record, named ``resource_name``.
    """

    def __init__(self, domain: DomainConfig, parent: pulumi.Resource) -> None:
        self.domain = domain
        self.parent = parent

    @abstractmethod
    def write(
        self, resource_name: str, slot: DnsRecord, record: pulumi.Output[DnsRecord]
    ) -> pulumi.Resource | None:
        """Declare the resource that publishes ``record`` (``None`` when nothing is written)."""
