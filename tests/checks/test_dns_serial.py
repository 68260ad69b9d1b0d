"""RFC 1982 serial arithmetic at its edges: date-style serials, wrap-around, the half-way point,
serials beyond 32 bits, and which serial of a set is the newest."""

from __future__ import annotations

import pytest

from components.checks.dns.serial import newest, serial_lt

HALF = 2**31


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        (2026010100, 2026010101),  # date-style: YYYYMMDDnn, one edit later
        (2025123199, 2026010100),
        (1, 2),
        (0, HALF - 1),  # the farthest a newer serial can be
        (4294967295, 0),  # wraps
        (4294967000, 5),
        (HALF + 1, 0),  # just past the half-way point, 0 counts as newer
    ],
)
def test_serial_lt_orders_newer_after_older(older: int, newer: int) -> None:
    assert serial_lt(older, newer)
    assert not serial_lt(newer, older)


@pytest.mark.parametrize("serial", [0, 1, 2026010100, HALF, 4294967295])
def test_a_serial_is_not_older_than_itself(serial: int) -> None:
    assert not serial_lt(serial, serial)


@pytest.mark.parametrize(("a", "b"), [(0, HALF), (1, HALF + 1), (2026010100, 2026010100 - HALF)])
def test_serials_exactly_half_apart_are_incomparable(a: int, b: int) -> None:
    assert not serial_lt(a, b)
    assert not serial_lt(b, a)


def test_serials_are_compared_modulo_2_to_the_32() -> None:
    # 2**32 + 2**31 + 10 is 2**31 + 10: 2**31 - 10 ahead of 20, so 20 is the older one
    assert not serial_lt(2**32 + HALF + 10, 20)
    assert serial_lt(20, 2**32 + HALF + 10)
    assert serial_lt(2**32 + 1, 2)
    assert not serial_lt(2, 2**32 + 1)


@pytest.mark.parametrize(
    ("serials", "expected"),
    [
        ([2026010100, 2026010101], 2026010101),
        ([2026010101, 2026010100], 2026010101),
        ([2026010100, 2026010102, 2026010101], 2026010102),
        ([4294967295, 3], 3),  # after the wrap
        ([7], 7),
        ([5, 5], 5),
        # every one has a newer one (0 < 1.5e9 < 3e9 < 0): the first is taken
        ([0, 1_500_000_000, 3_000_000_000], 0),
        ([1_500_000_000, 3_000_000_000, 0], 1_500_000_000),
    ],
)
def test_newest(serials: list[int], expected: int) -> None:
    assert newest(serials) == expected
    assert newest(iter(serials)) == expected  # any iterable, read once


def test_newest_of_no_serials_is_none() -> None:
    assert newest([]) is None
