"""DNS providers behind one interface. Adding one: a module with a ``RecordWriter`` subclass,
a member in ``DnsProviderKind`` and an entry in ``WRITERS``."""

from __future__ import annotations

import pulumi

from ..model import DnsProviderKind, DomainConfig
from .base import RecordWriter
from .cloudflare import CloudflareWriter
from .external import ExternalWriter
from .route53 import Route53Writer

WRITERS: dict[DnsProviderKind, type[RecordWriter]] = {
    DnsProviderKind.ROUTE53: Route53Writer,
    DnsProviderKind.CLOUDFLARE: CloudflareWriter,
    DnsProviderKind.EXTERNAL: ExternalWriter,
}


def writer_for(
    domain: DomainConfig, parent: pulumi.Resource, zone_id: pulumi.Input[str] | None = None
) -> RecordWriter:
    """The record writer for the domain's configured DNS provider (``zone_id``: a zone id known
    only as an Output, in place of ``domain.dns.zone_id``)."""
    return WRITERS[domain.dns.provider](domain, parent, zone_id)


__all__ = ["WRITERS", "RecordWriter", "writer_for"]
