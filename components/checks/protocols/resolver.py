"""What the protocol checks need from a pass's recursive lookups (``verify.discovery``'s view)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol

from ..dns.client import Answer


class Resolver(Protocol):
    """Recursive lookups through the resolvers, shared by everything in one pass."""

    @property
    def label(self) -> str:
        """The resolvers' names, for messages."""
        ...

    def query(self, name: str, rdtype: str) -> Awaitable[Answer]:
        """The (single-flight) answer for ``name``/``rdtype`` through the resolvers."""
        ...
