"""Small charts of ``checks stats`` (pure, no dependency): a terminal sparkline per series, and
with ``--plot FILE`` a PNG of bar panels written by a tiny encoder (RGB, zlib, CRC-checked
chunks). The PNG holds no text: the command prints its legend."""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

BLOCKS = "▁▂▃▄▅▆▇█"
ASCII_RAMP = "_.-:=+*#"
"""For a terminal whose encoding has no block characters."""

Colour = tuple[int, int, int]
BACKGROUND: Colour = (255, 255, 255)
AXIS: Colour = (200, 200, 200)
REVIEW: Colour = (230, 140, 0)
PAUSE: Colour = (200, 0, 0)
THRESHOLD: Colour = (90, 90, 220)

PANEL_HEIGHT = 60
MARGIN = 8
MAX_BAR = 16


def sparkline(
    values: Sequence[float | None], top: float | None = None, *, ascii_only: bool = False
) -> str:
    """One character per value, scaled from 0 to ``top`` (default: the largest value); any value
    above 0 gets at least the second step, ``None`` a space."""
    ramp = ASCII_RAMP if ascii_only else BLOCKS
    scale = top if top is not None else max((v for v in values if v is not None), default=0.0)
    steps = len(ramp) - 1
    out: list[str] = []
    for value in values:
        if value is None:
            out.append(" ")
        elif value <= 0 or scale <= 0:
            out.append(ramp[0])
        else:
            out.append(ramp[min(steps, max(1, math.ceil(value / scale * steps)))])
    return "".join(out)


@dataclass(frozen=True, kw_only=True)
class Panel:
    """One series as bars, with horizontal lines at given levels."""

    values: Sequence[float | None]
    colour: Colour
    top: float | None = None
    """The value at the panel's full height (default: the largest value or line)."""
    lines: Sequence[tuple[float, Colour]] = field(default_factory=tuple[tuple[float, Colour]])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(width: int, height: int, rgb: bytes | bytearray) -> bytes:
    """An 8-bit RGB PNG of ``rgb`` (rows top to bottom, 3 bytes a pixel)."""
    stride = width * 3
    raw = b"".join(b"\x00" + bytes(rgb[y * stride : (y + 1) * stride]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def chart_png(panels: Sequence[Panel]) -> bytes:
    """The panels stacked top to bottom, one bar per value, as PNG bytes."""
    count = max((len(p.values) for p in panels), default=1) or 1
    bar = max(2, min(MAX_BAR, 640 // count))
    width = 2 * MARGIN + count * (bar + 1)
    height = MARGIN + len(panels) * (PANEL_HEIGHT + MARGIN)
    pixels = bytearray(BACKGROUND * (width * height))

    def paint(x0: int, x1: int, y0: int, y1: int, colour: Colour) -> None:
        for y in range(max(0, y0), min(height, y1)):
            start, stop = (y * width + max(0, x0)) * 3, (y * width + min(width, x1)) * 3
            pixels[start:stop] = bytes(colour) * ((stop - start) // 3)

    for index, panel in enumerate(panels):
        base = MARGIN + index * (PANEL_HEIGHT + MARGIN) + PANEL_HEIGHT  # the panel's bottom row
        known = [v for v in panel.values if v is not None]
        top = panel.top or max([*known, *(level for level, _ in panel.lines), 0.0]) or 1.0
        paint(MARGIN, width - MARGIN, base, base + 1, AXIS)
        for i, value in enumerate(panel.values):
            if value is None or value <= 0:
                continue
            tall = max(1, min(PANEL_HEIGHT, round(value / top * PANEL_HEIGHT)))
            x = MARGIN + i * (bar + 1)
            paint(x, x + bar, base - tall, base, panel.colour)
        for level, colour in panel.lines:
            if 0 < level <= top:
                y = base - round(level / top * PANEL_HEIGHT)
                for x in range(MARGIN, width - MARGIN, 6):  # dashed
                    paint(x, x + 4, y, y + 1, colour)
    return encode_png(width, height, pixels)
