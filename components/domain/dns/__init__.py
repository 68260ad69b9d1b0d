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


def writer_for(domain: DomainConfig, parent: pulumi.Resource) -> RecordWriter:
    """The record writer for the domain's configured DNS provider."""
    return WRITERS[domain.dns.provider](domain, parent)


__all__ = ["WRITERS", "RecordWriter", "writer_for"]
