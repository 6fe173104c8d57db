"""PNG recipe reader and raw media type helpers (no network)."""

from __future__ import annotations

import json
import zlib

import pytest

from bridge_client import (
    PNG_RECIPE_KEYWORD,
    parse_raw_image_type,
    png_size,
    raw_image_size,
    raw_image_type,
    read_png_recipe,
)
from pngutil import chunk, decode_png, encode_png, itxt, pattern_image

RECIPE = {
    "task": "image.inpaint",
    "engine": {"id": "builtin.patchmatch", "kind": "builtin", "version": "1"},
    "params": {"seed": 42, "grow": 0, "feather": 0, "patch_size": 7, "prompt": "ciel \u00e9toil\u00e9"},
    "inputs": {"image": "sha256:" + "a" * 64, "mask": "sha256:" + "b" * 64},
    "output_format": "png",
    "bridge_version": "0.1.0",
}


def png_with(*extra):
    return encode_png(3, 2, pattern_image(3, 2), extra=list(extra))


def test_uncompressed_itxt():
    assert read_png_recipe(png_with(itxt(PNG_RECIPE_KEYWORD, json.dumps(RECIPE)))) == RECIPE


def test_compressed_itxt():
    assert read_png_recipe(png_with(itxt(PNG_RECIPE_KEYWORD, json.dumps(RECIPE), compressed=True))) == RECIPE


def test_itxt_with_language_and_translated_keyword():
    body = PNG_RECIPE_KEYWORD.encode() + b"\x00\x00\x00en\x00recette\x00" + json.dumps(RECIPE).encode()
    assert read_png_recipe(png_with(chunk(b"iTXt", body))) == RECIPE


def test_other_text_chunks_are_skipped():
    png = png_with(
        itxt("Comment", "hello"),
        chunk(b"tEXt", b"Software\x00test"),
        itxt(PNG_RECIPE_KEYWORD, json.dumps(RECIPE), compressed=True),
    )
    assert read_png_recipe(png) == RECIPE


def test_text_and_ztxt_fallbacks():
    text = json.dumps({"task": "t", "engine": "e"})
    assert read_png_recipe(png_with(chunk(b"tEXt", PNG_RECIPE_KEYWORD.encode() + b"\x00" + text.encode()))) == json.loads(text)
    ztxt = PNG_RECIPE_KEYWORD.encode() + b"\x00\x00" + zlib.compress(text.encode())
    assert read_png_recipe(png_with(chunk(b"zTXt", ztxt))) == json.loads(text)


def test_recipe_after_idat_is_found():
    png = encode_png(2, 2, pattern_image(2, 2))
    iend = png.rindex(b"IEND") - 4
    png = png[:iend] + itxt(PNG_RECIPE_KEYWORD, json.dumps(RECIPE)) + png[iend:]
    assert read_png_recipe(png) == RECIPE


def test_no_recipe_gives_none():
    assert read_png_recipe(png_with()) is None
    assert read_png_recipe(png_with(itxt("creative-bridge.other", "{}"))) is None


def test_not_a_png():
    with pytest.raises(ValueError):
        read_png_recipe(b"GIF89a....")
    with pytest.raises(ValueError):
        read_png_recipe(b"")


def test_truncated_png():
    png = png_with(itxt(PNG_RECIPE_KEYWORD, json.dumps(RECIPE)))
    with pytest.raises(ValueError):
        read_png_recipe(png[:40])


def test_bad_crc_on_recipe_chunk():
    good = itxt(PNG_RECIPE_KEYWORD, json.dumps(RECIPE))
    bad = good[:-1] + bytes([good[-1] ^ 1])
    with pytest.raises(ValueError):
        read_png_recipe(png_with(bad))


def test_damaged_compressed_data():
    body = PNG_RECIPE_KEYWORD.encode() + b"\x00\x01\x00\x00\x00" + b"not zlib"
    with pytest.raises(ValueError):
        read_png_recipe(png_with(chunk(b"iTXt", body)))


def test_recipe_that_is_not_a_json_object():
    with pytest.raises(ValueError):
        read_png_recipe(png_with(itxt(PNG_RECIPE_KEYWORD, "[1, 2]")))
    with pytest.raises(ValueError):
        read_png_recipe(png_with(itxt(PNG_RECIPE_KEYWORD, "{broken")))


def test_accepts_memoryview_and_bytearray():
    png = png_with(itxt(PNG_RECIPE_KEYWORD, json.dumps(RECIPE)))
    assert read_png_recipe(memoryview(png)) == RECIPE
    assert read_png_recipe(bytearray(png)) == RECIPE


def test_png_size():
    assert png_size(encode_png(7, 5, pattern_image(7, 5))) == (7, 5)
    with pytest.raises(ValueError):
        png_size(b"nope")


def test_test_png_codec_round_trip():
    pixels = pattern_image(9, 7)
    assert decode_png(encode_png(9, 7, pixels)) == (9, 7, 4, 8, pixels)


def test_raw_image_type_and_size():
    assert raw_image_type(64, 32) == "image/x-raw; width=64; height=32; format=rgba8"
    assert raw_image_type(2, 3, "rgbaf32").endswith("format=rgbaf32")
    assert raw_image_size(4, 2, "rgba8") == 32
    assert raw_image_size(4, 2, "rgba16") == 64
    assert raw_image_size(4, 2, "rgbaf32") == 128
    with pytest.raises(ValueError):
        raw_image_type(0, 3)
    with pytest.raises(ValueError):
        raw_image_type(3, 3, "rgb8")


@pytest.mark.parametrize(
    "text,expect",
    [
        ("image/x-raw; width=64; height=32; format=rgba8", (64, 32, "rgba8")),
        ("image/x-raw;format=rgba16;height=2;width=1", (1, 2, "rgba16")),
        ('IMAGE/X-RAW; Width="3"; Height=4; Format=RGBAF32', (3, 4, "rgbaf32")),
        ("image/png", None),
        ("image/x-raw; width=64; height=32", None),
        ("image/x-raw; width=a; height=32; format=rgba8", None),
        ("image/x-raw; width=0; height=32; format=rgba8", None),
    ],
)
def test_parse_raw_image_type(text, expect):
    assert parse_raw_image_type(text) == expect
