"""Render a report in a headless Chromium and check that its pictures were drawn.

From the command line::

    coherence demo --report demo.html
    coherence report demo.html --check-rendering demo.png

prints the number of pixels drawn in the pump colour and exits 0 when the pictures are
visible (1 when not, 2 when no Chromium is installed); :func:`check_rendering` does the same
in Python. The PNG decoder below handles the 8-bit RGB/RGBA, non-interlaced images Chromium
writes, so no imaging library is needed.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

__all__ = ["check_rendering", "count_colour", "decode_png", "find_chromium", "screenshot"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable on ``PATH``, or ``None``.

    >>> import os
    >>> path = find_chromium()
    >>> path is None or os.access(path, os.X_OK)
    True
    """
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html: str | Path, png: str | Path, *, width: int = 1200, height: int = 2400,
               timeout: float = 60.0) -> Path:
    """Render ``html`` headlessly into ``png`` (raises ``RuntimeError`` without a browser).

    Runs ``chromium --headless --no-sandbox --disable-gpu --screenshot`` with a fresh
    profile; returns the PNG's path.

    >>> png = screenshot("report.html", "report.png")  # doctest: +SKIP
    >>> decode_png(png.read_bytes())[:2]  # doctest: +SKIP
    (1200, 2400)
    """
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
    r"""``(width, height, channels, pixels)`` of an 8-bit RGB or RGBA non-interlaced PNG.

    O(pixels). A one-pixel red image:

    >>> import struct, zlib
    >>> def chunk(kind, body):
    ...     crc = struct.pack(">I", zlib.crc32(kind + body))
    ...     return struct.pack(">I", len(body)) + kind + body + crc
    >>> png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    ...        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    >>> decode_png(png)
    (1, 1, 3, b'\xff\x00\x00')
    """
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
    r"""Number of pixels within ``tolerance`` (per channel) of the colour ``rgb``. O(pixels).

    >>> import pathlib, struct, tempfile, zlib
    >>> def chunk(kind, body):
    ...     crc = struct.pack(">I", zlib.crc32(kind + body))
    ...     return struct.pack(">I", len(body)) + kind + body + crc
    >>> rows = b"\x00" + bytes([214, 39, 40, 255, 255, 255])  # one pump-red, one white pixel
    >>> png = pathlib.Path(tempfile.mkdtemp()) / "two.png"
    >>> _ = png.write_bytes(b"\x89PNG\r\n\x1a\n"
    ...                     + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
    ...                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    >>> count_colour(png, (0xD6, 0x27, 0x28))
    1
    """
    _, _, channels, px = decode_png(Path(png).read_bytes())
    r0, g0, b0 = rgb
    n = 0
    for k in range(0, len(px), channels):
        if (abs(px[k] - r0) <= tolerance and abs(px[k + 1] - g0) <= tolerance
                and abs(px[k + 2] - b0) <= tolerance):
            n += 1
    return n


def check_rendering(html: str | Path, png: str | Path, *, width: int = 1200,
                    height: int = 2400) -> dict[str, int]:
    """Screenshot ``html`` into ``png`` and count the pixels drawn in the pictures' colours.

    Returns ``{"pump": n, "coherent": m}``: pixels in the pump colour (arrows of paid trades,
    exploit badges, votes against) and in the coherent colour (badges, votes for). Both are 0
    when nothing was drawn. Raises ``RuntimeError`` when no Chromium is on ``PATH``.
    O(pixels), plus one browser run (a few seconds).

    >>> check_rendering("demo.html", "demo.png")  # doctest: +SKIP
    {'pump': 25528, 'coherent': 0}
    """
    from coherence.reporting._svg import PUMP, YES

    shot = screenshot(html, png, width=width, height=height)
    out = {}
    for name, colour in (("pump", PUMP), ("coherent", YES)):
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        out[name] = count_colour(shot, (r, g, b))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m coherence.reporting._browser REPORT.html OUT.png`` (kept for old scripts;
    ``coherence report REPORT.html --check-rendering OUT.png`` is the documented command)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: coherence report REPORT.html --check-rendering OUT.png", file=sys.stderr)
        return 2
    if find_chromium() is None:
        print("no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    drawn = check_rendering(args[0], args[1])
    print(f"{args[1]}: {drawn['pump']} pixels in the pump colour, {drawn['coherent']} in the "
          "coherent colour")
    return 0 if drawn["pump"] + drawn["coherent"] > 0 else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
