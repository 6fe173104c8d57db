"""Rectangles, context boxes and expansion amounts (pure logic, no Krita)."""

from __future__ import annotations

from typing import NamedTuple, Optional

MIN_MARGIN = 32
MAX_MARGIN = 256


class Rect(NamedTuple):
    """An axis-aligned pixel rectangle; ``width``/``height`` of 0 means empty."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """One past the last column."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """One past the last row."""
        return self.y + self.height

    @property
    def is_empty(self) -> bool:
        """True when the rectangle holds no pixel."""
        return self.width <= 0 or self.height <= 0

    def intersected(self, other: "Rect") -> "Rect":
        """The common part of both rectangles (empty when they do not overlap)."""
        x, y = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(x, y, max(0, right - x), max(0, bottom - y))

    def grown(self, margin: int) -> "Rect":
        """The rectangle grown by ``margin`` on every side."""
        return Rect(self.x - margin, self.y - margin, self.width + 2 * margin, self.height + 2 * margin)

    def relative_to(self, origin: "Rect") -> "Rect":
        """This rectangle in the coordinates of ``origin``'s top-left corner."""
        return Rect(self.x - origin.x, self.y - origin.y, self.width, self.height)


def auto_margin(selection: Rect) -> int:
    """Context pixels around a selection: half its longer side, kept within 32..256.

    Engines fill a hole from what surrounds it, so a small selection still gets enough
    context, while a large one does not drag the whole canvas along (upload and engine
    time grow with the area).
    """
    return max(MIN_MARGIN, min(MAX_MARGIN, max(selection.width, selection.height) // 2))


def context_box(selection: Rect, image: Rect, margin: Optional[int] = None) -> Rect:
    """The box sent to the daemon: the selection's bounds grown by ``margin`` (automatic
    when None or 0), clipped to the image. Raises ValueError when the selection lies
    outside the image."""
    inside = selection.intersected(image)
    if inside.is_empty:
        raise ValueError("the selection {} lies outside the image {}".format(selection, image))
    grow = margin if margin else auto_margin(inside)
    return inside.grown(grow).intersected(image)


class Expansion(NamedTuple):
    """Pixels added on each side of the canvas."""

    left: int
    top: int
    right: int
    bottom: int

    def validate(self, max_side: int = 16384) -> "Expansion":
        """Return self, or raise ValueError for negative amounts, nothing to add, or a
        result larger than ``max_side`` on a side."""
        if min(self) < 0:
            raise ValueError("expansion amounts cannot be negative: {}".format(tuple(self)))
        if sum(self) == 0:
            raise ValueError("nothing to expand: all four amounts are 0")
        if max(self.left + self.right, self.top + self.bottom) > max_side:
            raise ValueError("expansion larger than {} pixels".format(max_side))
        return self

    def new_size(self, width: int, height: int) -> Rect:
        """The grown canvas as a rectangle at the origin."""
        return Rect(0, 0, width + self.left + self.right, height + self.top + self.bottom)

    def old_area(self, width: int, height: int) -> Rect:
        """Where the original canvas sits inside the grown one."""
        return Rect(self.left, self.top, width, height)
