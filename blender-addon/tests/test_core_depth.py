"""Unit tests of the bpy-free depth handling."""

import pytest

from creative_bridge.core import depth


def test_background_values_are_recognised():
    for z in (1e10, 65504.0, float("inf"), float("nan"), 0.0, -1.0):
        assert depth.is_background(z), z
    assert not depth.is_background(12.5)


def test_disparity_is_near_bright_normalised_over_foreground_background_zero():
    out = depth.disparity([2.0, 4.0, 1e10, 65504.0, 3.0], floor=0.0)
    assert out[0] == pytest.approx(1.0)
    assert out[1] == pytest.approx(0.0)
    assert out[2] == out[3] == 0.0
    # 1/z, not z: 3 m sits nearer the 2 m end than linear depth would put it.
    assert out[4] == pytest.approx((1 / 3 - 1 / 4) / (1 / 2 - 1 / 4))


def test_floor_keeps_farthest_foreground_distinct_from_background():
    out = depth.disparity([2.0, 4.0, 1e10])
    assert out[1] == pytest.approx(depth.DEFAULT_FLOOR) and out[2] == 0.0


def test_degenerate_frames():
    assert depth.disparity([1e10, 1e10]) == [0.0, 0.0]
    assert depth.disparity([5.0, 5.0, 1e10]) == [1.0, 1.0, 0.0]
    with pytest.raises(ValueError):
        depth.disparity([1.0], floor=1.0)


def test_rgba16_round_trip_and_layout():
    data = depth.to_rgba16([0.0, 1.0, 0.5])
    assert len(data) == 24
    assert data[8:16] == b"\xff\xff" * 4  # depth 1 in R, G, B and opaque alpha
    assert data[0:8] == b"\x00\x00" * 3 + b"\xff\xff"
    back = depth.from_rgba16(data)
    assert back[0] == 0.0 and back[1] == 1.0 and back[2] == pytest.approx(0.5, abs=1 / 65535)


def test_resize_upscales_and_keeps_background_edges_hard():
    grid = [0.0, 1.0,
            0.0, 1.0]
    out = depth.resize(grid, (2, 2), (4, 4))
    assert len(out) == 16
    # No invented in-between values next to the background.
    assert set(out) <= {0.0, 1.0}
    smooth = depth.resize([0.2, 0.4, 0.2, 0.4], (2, 2), (4, 2))
    assert smooth[0] == pytest.approx(0.2) and 0.2 < smooth[1] < 0.4
    with pytest.raises(ValueError):
        depth.resize([1.0], (2, 2), (4, 4))


def test_flip_rows():
    assert depth.flip_rows([1, 2, 3, 4, 5, 6], 2) == [5, 6, 3, 4, 1, 2]
