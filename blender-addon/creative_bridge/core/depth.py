"""Depth conversion: Blender's planar Z to the near-bright disparity the daemon expects.

Blender's Z pass (and our ray-cast equivalent) is the distance along the camera's view
axis: larger is farther, and pixels that hit nothing hold a huge value (1e10 from Cycles,
65504 from half-float EXR). Depth-conditioned generators were trained on relative inverse
depth (near = bright), so the add-on sends ``1/z`` normalised over the foreground, with the
background at 0.
"""

from __future__ import annotations

import math
import struct
from typing import List, Optional, Sequence

# Anything at or beyond this is "no hit": Cycles writes 1e10, half-float EXR clamps at 65504.
BACKGROUND_Z = 65000.0
# The farthest foreground pixel maps to this instead of 0, so it stays distinct from the
# background (an engine that thresholds depth > 0 to find the object must still see it).
DEFAULT_FLOOR = 0.05


def is_background(z: float) -> bool:
    """Whether a planar Z sample is the empty background (no hit, NaN, inf, 0 or less)."""
    return not (0.0 < z < BACKGROUND_Z) or math.isnan(z)


def disparity(z_values: Sequence[float], *, floor: float = DEFAULT_FLOOR) -> List[float]:
    """Planar Z (far = larger) -> near-bright disparity in 0..1.

    The foreground's ``1/z`` is stretched so its nearest sample is 1 and its farthest is
    ``floor``; background samples are 0. A frame with no foreground is all zeros; a
    foreground at one single depth is all 1.
    """
    if not 0.0 <= floor < 1.0:
        raise ValueError("floor must be in [0, 1), got {!r}".format(floor))
    inv = [0.0 if is_background(z) else 1.0 / z for z in z_values]
    fg = [d for d in inv if d > 0.0]
    if not fg:
        return [0.0] * len(inv)
    lo, hi = min(fg), max(fg)
    if hi - lo <= hi * 1e-9:
        return [1.0 if d > 0.0 else 0.0 for d in inv]
    scale = (1.0 - floor) / (hi - lo)
    return [floor + (d - lo) * scale if d > 0.0 else 0.0 for d in inv]


def resize(values: Sequence[float], size: tuple, new_size: tuple) -> List[float]:
    """Resample a row-major grid (``size`` = (width, height)) to ``new_size``.

    Bilinear inside the foreground; next to a background (0) sample it falls back to the
    nearest sample, so upscaling never invents a grey halo of fake depth between an object
    and the empty background.
    """
    width, height = size
    new_w, new_h = new_size
    if len(values) != width * height:
        raise ValueError("expected {} values for {}x{}, got {}".format(width * height, width, height, len(values)))
    if (width, height) == (new_w, new_h):
        return list(values)
    out = [0.0] * (new_w * new_h)
    sx = width / new_w
    sy = height / new_h
    for y in range(new_h):
        fy = (y + 0.5) * sy - 0.5
        y0 = min(max(int(math.floor(fy)), 0), height - 1)
        y1 = min(y0 + 1, height - 1)
        ty = min(max(fy - y0, 0.0), 1.0)
        row0 = y0 * width
        row1 = y1 * width
        base = y * new_w
        for x in range(new_w):
            fx = (x + 0.5) * sx - 0.5
            x0 = min(max(int(math.floor(fx)), 0), width - 1)
            x1 = min(x0 + 1, width - 1)
            tx = min(max(fx - x0, 0.0), 1.0)
            a, b = values[row0 + x0], values[row0 + x1]
            c, d = values[row1 + x0], values[row1 + x1]
            if a > 0.0 and b > 0.0 and c > 0.0 and d > 0.0:
                top = a + (b - a) * tx
                bottom = c + (d - c) * tx
                out[base + x] = top + (bottom - top) * ty
            else:
                near_x = x1 if tx >= 0.5 else x0
                out[base + x] = values[(row1 if ty >= 0.5 else row0) + near_x]
    return out


def to_rgba16(values: Sequence[float]) -> bytes:
    """Pack 0..1 samples as raw ``rgba16`` (little-endian): the depth in R, G and B, alpha
    opaque, as the protocol's ``image/x-raw; format=rgba16`` wants."""
    packed = bytearray(len(values) * 8)
    pack_into = struct.pack_into
    for i, v in enumerate(values):
        q = int(round(min(max(v, 0.0), 1.0) * 65535.0))
        pack_into("<4H", packed, i * 8, q, q, q, 65535)
    return bytes(packed)


def from_rgba16(data: bytes, *, channel: int = 0) -> List[float]:
    """Unpack raw little-endian ``rgba16`` to 0..1 samples of one channel (tests, previews)."""
    if len(data) % 8:
        raise ValueError("rgba16 data must be a multiple of 8 bytes, got {}".format(len(data)))
    count = len(data) // 8
    words = struct.unpack("<{}H".format(count * 4), data)
    return [words[i * 4 + channel] / 65535.0 for i in range(count)]


def flip_rows(values: Sequence[float], width: int, height: Optional[int] = None) -> List[float]:
    """Reverse the row order of a row-major grid (Blender images are bottom-up, the
    protocol's raw images top-down)."""
    height = height if height is not None else len(values) // max(width, 1)
    out: List[float] = []
    for y in range(height - 1, -1, -1):
        out.extend(values[y * width:(y + 1) * width])
    return out
