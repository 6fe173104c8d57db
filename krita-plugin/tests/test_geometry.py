"""Bounds, context margins and expansion amounts."""

import pytest

from creative_bridge.geometry import Expansion, Rect, auto_margin, context_box


def test_auto_margin_scales_with_selection_within_limits():
    assert auto_margin(Rect(0, 0, 10, 10)) == 32
    assert auto_margin(Rect(0, 0, 512, 100)) == 256
    assert auto_margin(Rect(0, 0, 2000, 10)) == 256
    assert auto_margin(Rect(0, 0, 200, 100)) == 100


def test_context_box_is_clipped_to_the_image():
    image = Rect(0, 0, 4096, 4096)
    assert context_box(Rect(1792, 1792, 512, 512), image) == Rect(1536, 1536, 1024, 1024)
    assert context_box(Rect(0, 10, 64, 64), image) == Rect(0, 0, 96, 106)
    assert context_box(Rect(10, 10, 20, 20), Rect(0, 0, 40, 40), margin=5) == Rect(5, 5, 30, 30)


def test_selection_outside_image_is_refused():
    with pytest.raises(ValueError):
        context_box(Rect(100, 100, 5, 5), Rect(0, 0, 50, 50))


def test_selection_partly_outside_is_cut_to_the_image():
    assert context_box(Rect(-10, -10, 30, 30), Rect(0, 0, 100, 100), margin=4) == Rect(0, 0, 24, 24)


def test_expansion_sizes_and_validation():
    amounts = Expansion(10, 20, 30, 40)
    assert amounts.new_size(100, 50) == Rect(0, 0, 140, 110)
    assert amounts.old_area(100, 50) == Rect(10, 20, 100, 50)
    with pytest.raises(ValueError, match="negative"):
        Expansion(-1, 0, 0, 0).validate()
    with pytest.raises(ValueError, match="nothing"):
        Expansion(0, 0, 0, 0).validate()
    with pytest.raises(ValueError):
        Expansion(10000, 0, 10000, 0).validate()


def test_rect_helpers():
    r = Rect(5, 6, 10, 20)
    assert (r.right, r.bottom) == (15, 26)
    assert r.relative_to(Rect(1, 1, 0, 0)) == Rect(4, 5, 10, 20)
    assert Rect(0, 0, 5, 5).intersected(Rect(10, 10, 5, 5)).is_empty
