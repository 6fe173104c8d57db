package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.RgbaImage;

/**
 * Which pixels get filled and how strongly: the user's mask thresholded, grown by a disc and given
 * a feathered inner edge. Immutable once built.
 *
 * @param hole true where the fill replaces or blends into the original (the grown mask)
 * @param blend share of the fill in the output: 0 outside the hole, 1 well inside it, a ramp across
 *     the feathered edge
 * @param bounds the smallest rectangle holding every hole pixel, null when the mask is empty
 */
record FillMask(int width, int height, boolean[] hole, float[] blend, PixelBounds bounds) {

  /** A mask pixel selects the fill when its luminance times its alpha exceeds this. */
  static final double SELECT_THRESHOLD = 0.5;

  boolean isEmpty() {
    return bounds == null;
  }

  /** Number of pixels that get filled (in any proportion). */
  int holeCount() {
    int count = 0;
    for (boolean inHole : hole) {
      if (inHole) {
        count++;
      }
    }
    return count;
  }

  /**
   * Thresholds {@code mask}, dilates it by a disc of radius {@code grow} and ramps the blend weight
   * over {@code feather} pixels inside the grown edge: a pixel at Euclidean distance d from the
   * nearest pixel outside the grown mask gets weight {@code min(1, d / (feather + 1))}.
   */
  static FillMask prepare(RgbaImage mask, int grow, int feather) {
    int width = mask.width();
    int height = mask.height();
    float[] samples = mask.samples();
    boolean[] selected = new boolean[width * height];
    for (int i = 0; i < selected.length; i++) {
      int at = i * RgbaImage.CHANNELS;
      double luminance =
          0.2126 * samples[at] + 0.7152 * samples[at + 1] + 0.0722 * samples[at + 2];
      selected[i] = luminance * samples[at + 3] > SELECT_THRESHOLD;
    }
    boolean[] hole = grow > 0 ? dilate(selected, width, height, grow) : selected;
    float[] blend = new float[hole.length];
    float[] insideDistance =
        feather > 0 ? SquaredDistanceTransform.toNearestSeed(invert(hole), width, height) : null;
    for (int i = 0; i < hole.length; i++) {
      if (!hole[i]) {
        continue;
      }
      if (insideDistance == null) {
        blend[i] = 1f;
      } else {
        // An all-hole image has no outside to ramp from; it is refused later, so any weight does.
        double distance = Math.sqrt(insideDistance[i]);
        blend[i] = (float) Math.min(1.0, distance / (feather + 1.0));
      }
    }
    return new FillMask(width, height, hole, blend, boundsOf(hole, width, height));
  }

  private static boolean[] dilate(boolean[] selected, int width, int height, int radius) {
    float[] squaredDistance = SquaredDistanceTransform.toNearestSeed(selected, width, height);
    long limit = (long) radius * radius;
    boolean[] grown = new boolean[selected.length];
    for (int i = 0; i < grown.length; i++) {
      grown[i] = squaredDistance[i] <= limit;
    }
    return grown;
  }

  private static boolean[] invert(boolean[] values) {
    boolean[] inverted = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      inverted[i] = !values[i];
    }
    return inverted;
  }

  private static PixelBounds boundsOf(boolean[] hole, int width, int height) {
    int left = width;
    int top = height;
    int right = -1;
    int bottom = -1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (hole[y * width + x]) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    return right < 0 ? null : new PixelBounds(left, top, right - left + 1, bottom - top + 1);
  }
}
