"""Render a report in a headless Chromium and check that its pictures were drawn.

Usage (documented in the agents guide)::

    coherence demo --report demo.html
    python -m coherence.reporting._browser demo.html demo.png

prints the number of pixels drawn in the pump colour and exits 0 when the pictures are
visible (1 when not, 2 when no Chromium is installed). The PNG decoder below handles the
8-bit RGB/RGBA, non-interlaced images Chromium writes, so no imaging library is needed.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

__all__ = ["count_colour", "decode_png", "find_chromium", "screenshot"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable on ``PATH``, or ``None``."""
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html: str | Path, png: str | Path, *, width: int = 1200, height: int = 2400,
               timeout: float = 60.0) -> Path:
    """Render ``html`` headlessly into ``png`` (raises ``RuntimeError`` without a browser)."""
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("no chromium executable found on PATH")
    out = Path(png).resolve()
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--hide-scrollbars",
            f"--user-data-dir={profile}", f"--window-size={width},{height}",
            f"--screenshot={out}", Path(html).resolve().as_uri(),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    if not out.is_file():
        raise RuntimeError("the browser wrote no screenshot")
    return out


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """``(width, height, channels, pixels)`` of an 8-bit RGB or RGBA non-interlaced PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if head is None:
        raise ValueError("PNG without a header")
    width, height, depth, colour, _, _, interlace = head
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("only 8-bit RGB/RGBA non-interlaced PNGs are supported")
    raw = zlib.decompress(idat)
    stride = width * channels
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(out)


def count_colour(png: str | Path, rgb: tuple[int, int, int], *, tolerance: int = 24) -> int:
    """Number of pixels within ``tolerance`` (per channel) of the colour ``rgb``."""
    _, _, channels, px = decode_png(Path(png).read_bytes())
    r0, g0, b0 = rgb
    n = 0
    for k in range(0, len(px), channels):
        if (abs(px[k] - r0) <= tolerance and abs(px[k + 1] - g0) <= tolerance
                and abs(px[k + 2] - b0) <= tolerance):
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m coherence.reporting._browser REPORT.html OUT.png", file=sys.stderr)
        return 2
    if find_chromium() is None:
        print("no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    from coherence.reporting._svg import PUMP, YES

    shot = screenshot(args[0], args[1])
    hexrgb = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (PUMP, YES)]
    red = count_colour(shot, hexrgb[0])  # type: ignore[arg-type]
    green = count_colour(shot, hexrgb[1])  # type: ignore[arg-type]
    print(f"{shot}: {red} pixels in the pump colour, {green} in the coherent colour")
    return 0 if red + green > 0 else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
