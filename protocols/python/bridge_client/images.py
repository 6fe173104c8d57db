"""Image helpers that need no imaging library: raw media types and PNG metadata.

* ``image/x-raw; width=W; height=H; format=rgba8|rgba16|rgbaf32`` is the protocol's
  uncompressed image type (rows top to bottom, interleaved straight-alpha RGBA, 16-bit and
  float little-endian).
* PNG outputs carry their recipe as JSON in an ``iTXt`` chunk with keyword
  ``creative-bridge.recipe``.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any, Dict, Optional, Tuple

RAW_IMAGE_TYPE = "image/x-raw"
RAW_FORMATS = {"rgba8": 4, "rgba16": 8, "rgbaf32": 16}  # bytes per pixel
PNG_RECIPE_KEYWORD = "creative-bridge.recipe"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A recipe is a small JSON document; refusing to inflate more guards a host application
# against a crafted "zip bomb" chunk.
_MAX_RECIPE_BYTES = 16 * 1024 * 1024


def raw_image_type(width: int, height: int, fmt: str = "rgba8") -> str:
    """The media type of a raw image, e.g. ``image/x-raw; width=64; height=32; format=rgba8``.

    Raises ValueError for a non-positive size or an unknown format.
    """
    _check_raw(width, height, fmt)
    return "{}; width={}; height={}; format={}".format(RAW_IMAGE_TYPE, width, height, fmt)


def raw_image_size(width: int, height: int, fmt: str = "rgba8") -> int:
    """The byte count of a raw image of that size and format. ValueError as above."""
    _check_raw(width, height, fmt)
    return width * height * RAW_FORMATS[fmt]


def parse_raw_image_type(content_type: str) -> Optional[Tuple[int, int, str]]:
    """(width, height, format) of a raw image media type, or None when the type is not
    ``image/x-raw`` or lacks a valid width, height or format. Parameter order, case of
    names and spaces do not matter."""
    parts = [p.strip() for p in content_type.split(";")]
    if not parts or parts[0].lower() != RAW_IMAGE_TYPE:
        return None
    params: Dict[str, str] = {}
    for part in parts[1:]:
        name, sep, value = part.partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    try:
        width = int(params["width"])
        height = int(params["height"])
    except (KeyError, ValueError):
        return None
    fmt = params.get("format", "").lower()
    if fmt not in RAW_FORMATS or width <= 0 or height <= 0:
        return None
    return width, height, fmt


def png_size(png: bytes) -> Tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk. ValueError when it is not a PNG."""
    data = memoryview(png)
    if bytes(data[:8]) != PNG_SIGNATURE or len(data) < 24 or bytes(data[12:16]) != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def read_png_recipe(png: bytes) -> Optional[Dict[str, Any]]:
    """The recipe JSON embedded in a PNG, or None when the PNG carries none.

    Reads the ``iTXt`` chunk with keyword ``creative-bridge.recipe`` (compressed or not);
    ``tEXt``/``zTXt`` chunks with that keyword are accepted too. Stops at IEND and never
    decodes pixels.

    Raises:
        ValueError: the bytes are not a PNG, the chunk structure is truncated, or the
            recipe chunk is damaged (bad CRC, bad compression, not a JSON object).
    """
    data = memoryview(png)
    if bytes(data[:8]) != PNG_SIGNATURE:
        raise ValueError("not a PNG image (bad signature)")
    pos = 8
    end = len(data)
    while pos < end:
        if pos + 8 > end:
            raise ValueError("truncated PNG: chunk header cut at byte {}".format(pos))
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body_start = pos + 8
        body_end = body_start + length
        if body_end + 4 > end:
            raise ValueError("truncated PNG: {} chunk runs past the end".format(ctype.decode("latin-1")))
        if ctype in (b"iTXt", b"tEXt", b"zTXt"):
            body = bytes(data[body_start:body_end])
            keyword = body.split(b"\x00", 1)[0]
            if keyword == PNG_RECIPE_KEYWORD.encode("latin-1"):
                (crc,) = struct.unpack(">I", data[body_end:body_end + 4])
                if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
                    raise ValueError("PNG recipe chunk has a bad CRC")
                return _parse_recipe_json(_text_chunk(ctype, body))
        if ctype == b"IEND":
            return None
        pos = body_end + 4
    return None


def _text_chunk(ctype: bytes, body: bytes) -> str:
    """The text of a tEXt, zTXt or iTXt chunk body."""
    keyword, sep, rest = body.partition(b"\x00")
    if not sep:
        raise ValueError("PNG text chunk has no keyword terminator")
    if ctype == b"tEXt":
        return rest.decode("latin-1")
    if ctype == b"zTXt":
        if not rest or rest[0] != 0:
            raise ValueError("zTXt chunk with an unknown compression method")
        return _inflate(rest[1:]).decode("latin-1")
    # iTXt: compression flag, compression method, language tag\0, translated keyword\0, text
    if len(rest) < 2:
        raise ValueError("iTXt chunk too short")
    flag, method = rest[0], rest[1]
    _language, sep1, rest = rest[2:].partition(b"\x00")
    _translated, sep2, text = rest.partition(b"\x00")
    if not (sep1 and sep2):
        raise ValueError("iTXt chunk is missing its language or translated keyword")
    if flag == 1:
        if method != 0:
            raise ValueError("iTXt chunk with an unknown compression method")
        text = _inflate(text)
    elif flag != 0:
        raise ValueError("iTXt chunk with an invalid compression flag")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("iTXt recipe is not UTF-8: {}".format(exc))


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, _MAX_RECIPE_BYTES)
    except zlib.error as exc:
        raise ValueError("PNG recipe chunk is not valid zlib data: {}".format(exc))
    if inflater.unconsumed_tail:
        raise ValueError("PNG recipe chunk inflates to more than {} bytes".format(_MAX_RECIPE_BYTES))
    return out


def _parse_recipe_json(text: str) -> Dict[str, Any]:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValueError("PNG recipe is not valid JSON: {}".format(exc))
    if not isinstance(doc, dict):
        raise ValueError("PNG recipe is not a JSON object")
    return doc


def _check_raw(width: int, height: int, fmt: str) -> None:
    if fmt not in RAW_FORMATS:
        raise ValueError(
            "unknown raw image format {!r}; expected one of {}".format(fmt, ", ".join(RAW_FORMATS))
        )
    if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
        raise ValueError("raw image size must be positive integers, got {}x{}".format(width, height))
