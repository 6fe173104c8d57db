package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.RgbaImage;

/**
 * The part of the image the fill works on: the hole's bounding box plus a margin of context. Work
 * then grows with the hole, not the image, and nearby texture (the likeliest continuation of what
 * the hole covered) is all the search looks at.
 */
final class WorkingRegion {
  /** The margin is at least this many patches wide, so small holes still see varied texture. */
  private static final int MIN_MARGIN_PATCHES = 4;
  /** And at least this share of the hole's larger side: big holes need context from farther off. */
  private static final double MARGIN_PER_HOLE_SIDE = 0.5;

  private WorkingRegion() {}

  static PixelBounds around(PixelBounds hole, RgbaImage image, int patchSize) {
    int margin =
        Math.max(
            MIN_MARGIN_PATCHES * patchSize,
            (int) Math.ceil(MARGIN_PER_HOLE_SIDE * Math.max(hole.width(), hole.height())));
    return hole.expandedWithin(margin, image.width(), image.height());
  }
}
