"""Pixel format conversion, selection masks, clipping, crop/pad."""

import struct

import pytest

from creative_bridge import pixels
from creative_bridge.pixels import DEPTHS


def test_u8_bgra_becomes_rgba_and_back():
    krita = bytes([1, 2, 3, 4, 10, 20, 30, 40])
    raw = pixels.to_raw(krita, DEPTHS["U8"])
    assert raw == bytes([3, 2, 1, 4, 30, 20, 10, 40])
    assert pixels.from_raw(raw, DEPTHS["U8"]) == krita


def test_u16_swaps_whole_channels():
    krita = struct.pack("<4H", 0x0102, 0x0304, 0x0506, 0xFFFF)  # B, G, R, A
    raw = pixels.to_raw(krita, DEPTHS["U16"])
    assert struct.unpack("<4H", raw) == (0x0506, 0x0304, 0x0102, 0xFFFF)
    assert pixels.from_raw(raw, DEPTHS["U16"]) == krita


def test_f32_is_already_rgba():
    krita = struct.pack("<4f", 0.25, 0.5, 0.75, 1.0)
    assert pixels.to_raw(krita, DEPTHS["F32"]) == krita
    assert DEPTHS["F32"].raw == "rgbaf32"


def test_f16_travels_as_f32():
    krita = struct.pack("<4e", 0.25, 0.5, 2.0, 1.0)
    raw = pixels.to_raw(krita, DEPTHS["F16"])
    assert struct.unpack("<4f", raw) == (0.25, 0.5, 2.0, 1.0)
    assert pixels.from_raw(raw, DEPTHS["F16"]) == krita


def test_unsupported_documents_get_a_hint():
    with pytest.raises(pixels.UnsupportedFormat, match="Convert Image Color Space"):
        pixels.depth_format("CMYKA", "U8")
    with pytest.raises(pixels.UnsupportedFormat):
        pixels.depth_format("RGBA", "U32")
    assert pixels.depth_format("RGBA", "U16").raw == "rgba16"


def test_selection_to_mask_is_grey_and_opaque():
    mask = pixels.mask_from_selection(bytes([0, 128, 255]))
    assert mask == bytes([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255])


def test_clip_keeps_selected_zeroes_unselected_scales_soft_u8():
    px = bytes([10, 20, 30, 200]) * 3
    out = pixels.clip_to_selection(px, bytes([255, 0, 51]), DEPTHS["U8"])
    assert out[0:4] == bytes([10, 20, 30, 200])
    assert out[4:8] == bytes(4)
    assert out[8:12] == bytes([10, 20, 30, 40])  # 200 * 51 / 255


@pytest.mark.parametrize("depth,code,one", [("U16", "H", 65535), ("F32", "f", 1.0), ("F16", "e", 1.0)])
def test_clip_other_depths(depth, code, one):
    px = struct.pack("<8" + code, one, one, one, one, one, one, one, one)
    out = pixels.clip_to_selection(px, bytes([0, 255]), DEPTHS[depth])
    half = len(px) // 2
    assert out[:half] == bytes(half)
    assert out[half:] == px[half:]
    soft = pixels.clip_to_selection(px, bytes([255, 0x80]), DEPTHS[depth])
    alpha = struct.unpack_from("<" + code, soft, half + 3 * struct.calcsize(code))[0]
    assert alpha == pytest.approx(one * 128 / 255, rel=1e-3)


def test_clip_rejects_mismatched_sizes():
    with pytest.raises(ValueError):
        pixels.clip_to_selection(bytes(8), bytes(3), DEPTHS["U8"])


def test_crop_and_pad_are_inverse():
    image = bytes(range(4 * 3 * 2))  # 3x2 rgba8
    padded = pixels.pad(image, (3, 2), (1, 2, 0, 1), 4)
    assert len(padded) == 4 * 4 * 5
    assert pixels.crop(padded, 4, (1, 2, 3, 2), 4) == image
    assert padded[:16] == bytes(16)


def test_border_selection_marks_only_the_new_area():
    sel = pixels.border_selection((4, 3), (1, 1, 2, 1))
    assert sel == bytes([255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255])
