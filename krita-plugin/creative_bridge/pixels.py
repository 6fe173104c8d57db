"""Pixel buffers: Krita's memory layouts <-> the daemon's raw formats, masks, clipping.

Pure Python on bytes. Per-pixel Python loops would take seconds on a large context box,
so whole-buffer work uses C-speed primitives: extended slice assignment for channel
shuffles, ``bytes.translate`` for per-byte maps and big-integer AND for masking.

Krita facts (checked on 5.1.5): RGBA U8 and U16 pixel data is B, G, R, A in memory; F16
and F32 are R, G, B, A. The daemon's raw formats are always R, G, B, A, little-endian.
"""

from __future__ import annotations

import struct
from array import array
from typing import NamedTuple, Tuple


class DepthFormat(NamedTuple):
    """How one Krita colour depth travels: ``raw`` is the daemon format sent,
    ``channel_bytes`` the size of one channel in Krita's memory, ``bgr`` whether Krita
    stores blue first, ``half`` whether Krita's channels are 16-bit floats (sent as
    32-bit floats, which the protocol has)."""

    raw: str
    channel_bytes: int
    bgr: bool
    half: bool = False

    @property
    def pixel_bytes(self) -> int:
        """Bytes of one pixel in Krita's memory."""
        return 4 * self.channel_bytes


DEPTHS = {
    "U8": DepthFormat("rgba8", 1, True),
    "U16": DepthFormat("rgba16", 2, True),
    "F16": DepthFormat("rgbaf32", 2, False, half=True),
    "F32": DepthFormat("rgbaf32", 4, False),
}
RAW_PIXEL_BYTES = {"rgba8": 4, "rgba16": 8, "rgbaf32": 16}


class UnsupportedFormat(ValueError):
    """The document's colour model or depth cannot be sent to the daemon."""


def depth_format(color_model: str, color_depth: str) -> DepthFormat:
    """The DepthFormat for a Krita document, or UnsupportedFormat with a hint."""
    if color_model != "RGBA":
        raise UnsupportedFormat(
            "Creative Bridge works on RGB/Alpha images; this one is {} {}. Convert it with "
            "Image > Convert Image Color Space... and try again.".format(color_model, color_depth)
        )
    if color_depth not in DEPTHS:
        raise UnsupportedFormat("unsupported colour depth {}".format(color_depth))
    return DEPTHS[color_depth]


def swap_red_blue(data: bytes, channel_bytes: int) -> bytearray:
    """Swap channels 0 and 2 of every 4-channel pixel (BGRA <-> RGBA)."""
    out = bytearray(data)
    stride = 4 * channel_bytes
    for k in range(channel_bytes):
        out[k::stride] = data[2 * channel_bytes + k :: stride]
        out[2 * channel_bytes + k :: stride] = data[k::stride]
    return out


def half_to_float(data: bytes) -> bytes:
    """16-bit little-endian floats to 32-bit little-endian floats."""
    count = len(data) // 2
    values = struct.unpack("<{}e".format(count), data)
    return _little_endian(array("f", values))


def float_to_half(data: bytes) -> bytes:
    """32-bit little-endian floats to 16-bit ones (values beyond half range saturate)."""
    floats = array("f")
    floats.frombytes(bytes(data))
    if _BIG_ENDIAN:
        floats.byteswap()
    limit = 65504.0
    return struct.pack("<{}e".format(len(floats)), *(max(-limit, min(limit, v)) for v in floats))


def to_raw(data: bytes, fmt: DepthFormat) -> bytes:
    """Krita pixel data -> the daemon's raw RGBA bytes in ``fmt.raw``."""
    if fmt.half:
        return half_to_float(data)
    if fmt.bgr:
        return bytes(swap_red_blue(data, fmt.channel_bytes))
    return bytes(data)


def from_raw(data: bytes, fmt: DepthFormat) -> bytes:
    """The daemon's raw RGBA bytes in ``fmt.raw`` -> Krita pixel data."""
    if fmt.half:
        return float_to_half(data)
    if fmt.bgr:
        return bytes(swap_red_blue(data, fmt.channel_bytes))
    return bytes(data)


def mask_from_selection(selection: bytes) -> bytes:
    """A selection (one byte per pixel, 255 = selected) as an rgba8 mask: grey levels
    equal to the selection, opaque, so white = fill as the protocol wants and soft edges
    stay soft."""
    count = len(selection)
    out = bytearray(4 * count)
    out[0::4] = selection
    out[1::4] = selection
    out[2::4] = selection
    out[3::4] = b"\xff" * count
    return bytes(out)


_BINARY = bytes([0] + [255] * 255)  # any selected amount -> keep the pixel (soft ones fixed after)
_SOFT = bytes([0] + [1] * 254 + [0])  # 1 where the selection is partial


def clip_to_selection(pixels: bytes, selection: bytes, fmt: DepthFormat) -> bytes:
    """Krita pixel data limited to the selection: fully transparent (all channels 0)
    where the selection is 0, unchanged where it is 255, alpha scaled by the selection
    where it is partial. ``selection`` has one byte per pixel of ``pixels``."""
    size = fmt.pixel_bytes
    count = len(selection)
    if len(pixels) != count * size:
        raise ValueError("{} pixel bytes for {} selection pixels".format(len(pixels), count))
    keep = selection.translate(_BINARY)
    wide = bytearray(count * size)
    for k in range(size):
        wide[k::size] = keep
    # One big-integer AND masks the whole buffer at C speed.
    masked = int.from_bytes(pixels, "little") & int.from_bytes(wide, "little")
    out = bytearray(masked.to_bytes(len(pixels), "little"))
    soft = selection.translate(_SOFT)
    index = soft.find(1)
    while index >= 0:
        _scale_alpha(out, index * size, selection[index], fmt)
        index = soft.find(1, index + 1)
    return bytes(out)


def _scale_alpha(buffer: bytearray, offset: int, amount: int, fmt: DepthFormat) -> None:
    """Multiply the alpha of the pixel at ``offset`` by ``amount``/255, in place."""
    cb = fmt.channel_bytes
    start = offset + 3 * cb
    if fmt.half:
        (value,) = struct.unpack_from("<e", buffer, start)
        struct.pack_into("<e", buffer, start, value * amount / 255.0)
    elif cb == 4:
        (value,) = struct.unpack_from("<f", buffer, start)
        struct.pack_into("<f", buffer, start, value * amount / 255.0)
    elif cb == 2:
        (value,) = struct.unpack_from("<H", buffer, start)
        struct.pack_into("<H", buffer, start, (value * amount + 127) // 255)
    else:
        buffer[start] = (buffer[start] * amount + 127) // 255


def crop(data: bytes, width: int, area: Tuple[int, int, int, int], pixel_bytes: int) -> bytes:
    """The sub-rectangle ``area`` = (x, y, w, h) of an image ``width`` pixels wide."""
    x, y, w, h = area
    row = width * pixel_bytes
    out = bytearray()
    for line in range(y, y + h):
        start = line * row + x * pixel_bytes
        out += data[start : start + w * pixel_bytes]
    return bytes(out)


def pad(data: bytes, size: Tuple[int, int], border: Tuple[int, int, int, int], pixel_bytes: int) -> bytes:
    """An image of ``size`` = (w, h) placed in a larger zero (transparent) canvas with
    ``border`` = (left, top, right, bottom) pixels added around it."""
    width, height = size
    left, top, right, bottom = border
    new_width = width + left + right
    row = width * pixel_bytes
    out = bytearray(new_width * (height + top + bottom) * pixel_bytes)
    for line in range(height):
        start = ((line + top) * new_width + left) * pixel_bytes
        out[start : start + row] = data[line * row : (line + 1) * row]
    return bytes(out)


def border_selection(size: Tuple[int, int], inner: Tuple[int, int, int, int]) -> bytes:
    """A one-byte-per-pixel selection of a ``size`` canvas: 255 everywhere except the
    ``inner`` = (x, y, w, h) rectangle, which is 0 (the area outpainting must keep)."""
    width, height = size
    x, y, w, h = inner
    out = bytearray(b"\xff" * (width * height))
    hole = bytes(w)
    for line in range(y, y + h):
        start = line * width + x
        out[start : start + w] = hole
    return bytes(out)


def _little_endian(values: array) -> bytes:
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


_BIG_ENDIAN = struct.pack("=H", 1) == b"\x00\x01"
