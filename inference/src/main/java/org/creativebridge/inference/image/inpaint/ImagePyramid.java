package org.creativebridge.inference.image.inpaint;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses how many scales the fill runs at and builds them. The coarsest scale is reached when the
 * hole is only a few patch radii deep, so that a smooth initial fill there is already a fair guess
 * and every hole patch still overlaps known pixels that anchor the search.
 */
final class ImagePyramid {
  /** Coarsening stops before a side would drop below this many patches. */
  private static final int MIN_PATCHES_PER_SIDE = 3;

  private ImagePyramid() {}

  /**
   * The levels from finest (index 0, {@code finest} itself) to coarsest.
   *
   * @param holeDepth the largest distance from a hole pixel to the nearest known pixel at the
   *     finest level
   */
  static List<PyramidLevel> build(PyramidLevel finest, int patchSize, double holeDepth) {
    List<PyramidLevel> levels = new ArrayList<>();
    levels.add(finest);
    double depth = holeDepth;
    int radius = patchSize / 2;
    PyramidLevel current = finest;
    while (depth > Math.max(2, radius)
        && Math.min(current.width, current.height) / 2 >= MIN_PATCHES_PER_SIDE * patchSize) {
      PyramidLevel coarser = current.halved();
      if (!PatchSites.hasAnySource(coarser, patchSize)) {
        break;
      }
      levels.add(coarser);
      current = coarser;
      depth /= 2;
    }
    return levels;
  }
}
