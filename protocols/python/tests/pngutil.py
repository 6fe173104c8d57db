"""Minimal PNG writer/reader for the tests (stdlib zlib + struct, no PIL).

Writes 8-bit grey, RGB or RGBA images and reads back any non-interlaced 8- or 16-bit
grey/grey-alpha/RGB/RGBA PNG with all five row filters, which covers what the daemon
writes. Not part of the client: plugins use their host's image library.
"""

from __future__ import annotations

import struct
import zlib
from typing import List, Optional, Tuple

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


def chunk(ctype: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def encode_png(width: int, height: int, pixels: bytes, *, color_type: int = 6, extra: Optional[List[bytes]] = None) -> bytes:
    """An 8-bit PNG of ``pixels`` (rows top to bottom, no padding). ``extra`` chunks go
    before IDAT. Rows use filter 0 except every third row, which uses Sub, so readers
    are exercised on more than one filter."""
    channels = CHANNELS[color_type]
    stride = width * channels
    assert len(pixels) == stride * height, (len(pixels), stride * height)
    raw = bytearray()
    for y in range(height):
        row = pixels[y * stride:(y + 1) * stride]
        if y % 3 == 2:
            raw.append(1)
            raw += bytes(
                (row[i] - (row[i - channels] if i >= channels else 0)) & 0xFF for i in range(stride)
            )
        else:
            raw.append(0)
            raw += row
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    out = SIGNATURE + chunk(b"IHDR", ihdr)
    for item in extra or []:
        out += item
    out += chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b"")
    return out


def itxt(keyword: str, text: str, *, compressed: bool = False) -> bytes:
    """An iTXt chunk (optionally zlib-compressed) with empty language and translation."""
    data = text.encode("utf-8")
    if compressed:
        data = zlib.compress(data)
    body = keyword.encode("latin-1") + b"\x00" + bytes([1 if compressed else 0, 0]) + b"\x00\x00" + data
    return chunk(b"iTXt", body)


def decode_png(png: bytes) -> Tuple[int, int, int, int, bytes]:
    """(width, height, channels, bit_depth, unfiltered pixel bytes) of a PNG.

    Raises AssertionError for features the tests do not need (palette, interlace,
    bit depths below 8)."""
    assert png[:8] == SIGNATURE, "not a PNG"
    pos = 8
    idat = bytearray()
    width = height = depth = color = interlace = None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        ctype = png[pos + 4:pos + 8]
        body = png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(ctype + body) & 0xFFFFFFFF == crc, "bad CRC in " + ctype.decode()
        if ctype == b"IHDR":
            width, height, depth, color, _comp, _filt, interlace = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            break
        pos += 12 + length
    assert color in CHANNELS, "colour type {} not supported by the test reader".format(color)
    assert depth in (8, 16) and interlace == 0
    channels = CHANNELS[color]
    bpp = channels * depth // 8
    stride = width * bpp
    raw = zlib.decompress(bytes(idat))
    assert len(raw) == (stride + 1) * height, "IDAT size does not match IHDR"
    out = bytearray(stride * height)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 0:
                pred = 0
            elif ftype == 1:
                pred = a
            elif ftype == 2:
                pred = b
            elif ftype == 3:
                pred = (a + b) // 2
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            else:
                raise AssertionError("bad filter type {}".format(ftype))
            line[i] = (line[i] + pred) & 0xFF
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, depth, bytes(out)


def to_rgba8(channels: int, depth: int, pixels: bytes) -> bytes:
    """Expand decoded 8-bit grey/grey-alpha/RGB/RGBA samples to RGBA8."""
    assert depth == 8
    if channels == 4:
        return pixels
    out = bytearray()
    for i in range(0, len(pixels), channels):
        px = pixels[i:i + channels]
        if channels == 1:
            out += bytes((px[0], px[0], px[0], 255))
        elif channels == 2:
            out += bytes((px[0], px[0], px[0], px[1]))
        else:
            out += bytes((px[0], px[1], px[2], 255))
    return bytes(out)


def pattern_image(width: int, height: int, *, seed: int = 1) -> bytes:
    """Deterministic, textured RGBA8 pixels (a pattern PatchMatch can copy from)."""
    state = seed & 0xFFFFFFFF or 1
    out = bytearray()
    for y in range(height):
        for x in range(width):
            # xorshift noise on top of stripes: structured but not constant.
            state ^= (state << 13) & 0xFFFFFFFF
            state ^= state >> 17
            state ^= (state << 5) & 0xFFFFFFFF
            noise = state & 0x1F
            out += bytes((((x * 8) ^ (y * 4)) & 0xFF, (x * 3 + noise) & 0xFF, ((y * 5) + noise) & 0xFF, 255))
    return bytes(out)


def rect_mask(width: int, height: int, box: Tuple[int, int, int, int]) -> bytes:
    """8-bit grey mask: 255 inside box = (x0, y0, x1, y1) exclusive, 0 elsewhere."""
    x0, y0, x1, y1 = box
    out = bytearray(width * height)
    for y in range(y0, y1):
        out[y * width + x0:y * width + x1] = b"\xff" * (x1 - x0)
    return bytes(out)
