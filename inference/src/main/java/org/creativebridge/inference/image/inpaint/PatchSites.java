package org.creativebridge.inference.image.inpaint;

/**
 * Where patches may sit at one level: the target centres (patches that overlap the hole and so need
 * a match) and the source centres (patches lying wholly on known pixels, the only ones allowed as
 * matches so that the fill never copies its own unfinished estimate). Patches never cross the level
 * border; a pixel near the border is still covered by the patch centred {@code radius} inside.
 * Immutable after construction.
 */
final class PatchSites {
  final int patchSize;
  final int radius;
  final int width;
  final int height;
  /** Target centres as pixel indices, in row-major order. */
  final int[] targets;
  /** {@code targets[rowStart[y] .. rowStart[y + 1])} are the targets of row y. */
  final int[] rowStart;
  final boolean[] isSource;
  /** Source centres as pixel indices, for uniform random picks. */
  final int[] sources;

  private PatchSites(PyramidLevel level, int patchSize, int[] holeCounts) {
    this.patchSize = patchSize;
    this.radius = patchSize / 2;
    this.width = level.width;
    this.height = level.height;
    this.isSource = new boolean[width * height];
    this.rowStart = new int[height + 1];
    int[] targetBuffer = new int[width * height];
    int[] sourceBuffer = new int[width * height];
    int targetCount = 0;
    int sourceCount = 0;
    for (int y = 0; y < height; y++) {
      rowStart[y] = targetCount;
      if (y < radius || y >= height - radius) {
        continue;
      }
      for (int x = radius; x < width - radius; x++) {
        int holePixels = countInWindow(holeCounts, x, y);
        int index = y * width + x;
        if (holePixels > 0) {
          targetBuffer[targetCount++] = index;
        } else {
          isSource[index] = true;
          sourceBuffer[sourceCount++] = index;
        }
      }
    }
    rowStart[height] = targetCount;
    this.targets = java.util.Arrays.copyOf(targetBuffer, targetCount);
    this.sources = java.util.Arrays.copyOf(sourceBuffer, sourceCount);
  }

  /**
   * The sites for {@code level} with the largest odd patch size up to {@code requestedPatchSize}
   * that fits the level and leaves at least one source patch; tiny images and holes that leave
   * only slivers of known pixels fall back to smaller patches, down to single pixels.
   */
  static PatchSites forLevel(PyramidLevel level, int requestedPatchSize) {
    int[] holeCounts = holeIntegral(level);
    int patchSize = requestedPatchSize;
    while (patchSize > 1) {
      if (patchSize <= Math.min(level.width, level.height)
          && anySource(level, patchSize, holeCounts)) {
        break;
      }
      patchSize -= 2;
    }
    return new PatchSites(level, patchSize, holeCounts);
  }

  static boolean hasAnySource(PyramidLevel level, int patchSize) {
    return patchSize <= Math.min(level.width, level.height)
        && anySource(level, patchSize, holeIntegral(level));
  }

  boolean hasSources() {
    return sources.length > 0;
  }

  private static boolean anySource(PyramidLevel level, int patchSize, int[] holeCounts) {
    int radius = patchSize / 2;
    for (int y = radius; y < level.height - radius; y++) {
      for (int x = radius; x < level.width - radius; x++) {
        if (countInWindow(holeCounts, level.width, new Window(x, y, radius)) == 0) {
          return true;
        }
      }
    }
    return false;
  }

  private int countInWindow(int[] holeCounts, int x, int y) {
    return countInWindow(holeCounts, width, new Window(x, y, radius));
  }

  private record Window(int centreX, int centreY, int radius) {}

  private static int countInWindow(int[] holeCounts, int width, Window window) {
    int stride = width + 1;
    int left = window.centreX() - window.radius();
    int top = window.centreY() - window.radius();
    int right = window.centreX() + window.radius() + 1;
    int bottom = window.centreY() + window.radius() + 1;
    return holeCounts[bottom * stride + right]
        - holeCounts[top * stride + right]
        - holeCounts[bottom * stride + left]
        + holeCounts[top * stride + left];
  }

  /** Summed-area table of hole pixels, so a window's hole count costs four reads. */
  private static int[] holeIntegral(PyramidLevel level) {
    int stride = level.width + 1;
    int[] sums = new int[stride * (level.height + 1)];
    for (int y = 0; y < level.height; y++) {
      int rowSum = 0;
      for (int x = 0; x < level.width; x++) {
        rowSum += level.hole[y * level.width + x] ? 1 : 0;
        sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + rowSum;
      }
    }
    return sums;
  }
}
