"""SOA serial comparison with RFC 1982 serial number arithmetic (SERIAL_BITS = 32)."""

from __future__ import annotations

from collections.abc import Iterable

_HALF = 2**31


def serial_lt(a: int, b: int) -> bool:
    """``a`` is older than ``b`` (RFC 1982 3.2). Pairs exactly 2**31 apart are incomparable."""
    a, b = a % 2**32, b % 2**32
    return (a < b and b - a < _HALF) or (a > b and a - b > _HALF)


def newest(serials: Iterable[int]) -> int | None:
    """The serial no other one is newer than (the first such one), or None for no serials."""
    values = list(serials)
    for candidate in values:
        if not any(serial_lt(candidate, other) for other in values):
            return candidate
    return values[0] if values else None
