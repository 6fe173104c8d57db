package org.creativebridge.inference.image.inpaint;

import java.util.Arrays;

/**
 * The starting estimate at the coarsest level: the hole is peeled from its edge inwards, each pixel
 * taking the mean of its already-known neighbours, then relaxed towards the harmonic (membrane)
 * interpolant of its boundary. PatchMatch needs a plausible target to match against; a smooth guess
 * carries the colours of the surroundings without inventing structure. Runs on one thread: the
 * coarsest level is small.
 */
final class SmoothInitialFill {
  private static final int CHANNELS = PyramidLevel.CHANNELS;
  private static final int RELAXATION_SWEEPS = (int) Knob.d("sw", 60);

  private static final int COARSEST_SWEEPS = (int) Knob.d("swc", 200);
  private static final int CASCADE_SWEEPS = (int) Knob.d("swf", 20);

  private SmoothInitialFill() {}

  /**
   * Fills the hole of every level, coarsest first: the coarsest is peeled and relaxed to
   * convergence, each finer one starts from the bilinear upsampling of the one below and needs only
   * a few sweeps, because only fine detail of the membrane is left to settle (a multigrid cascade).
   */
  static void fillCascade(java.util.List<PyramidLevel> levels) {
    int coarsest = levels.size() - 1;
    fill(levels.get(coarsest), COARSEST_SWEEPS);
    for (int index = coarsest - 1; index >= 0; index--) {
      PyramidLevel level = levels.get(index);
      level.seedHoleFrom(levels.get(index + 1));
      int[] order = holePixelsByDepth(level);
      boolean[] all = new boolean[level.hole.length];
      Arrays.fill(all, true);
      for (int sweep = 0; sweep < CASCADE_SWEEPS; sweep++) {
        for (int pixel : order) {
          averageNeighbours(level, pixel, all);
        }
      }
    }
  }

  static void fill(PyramidLevel level) {
    fill(level, RELAXATION_SWEEPS);
  }

  static void fill(PyramidLevel level, int sweeps) {
    int[] order = holePixelsByDepth(level);
    if (order.length == 0) {
      return;
    }
    boolean[] settled = new boolean[level.hole.length];
    for (int i = 0; i < settled.length; i++) {
      settled[i] = !level.hole[i];
    }
    for (int pixel : order) {
      averageNeighbours(level, pixel, settled);
      settled[pixel] = true;
    }
    Arrays.fill(settled, true);
    for (int sweep = 0; sweep < sweeps; sweep++) {
      for (int pixel : order) {
        averageNeighbours(level, pixel, settled);
      }
    }
  }

  /** Hole pixels nearest the known area first, ties in row-major order. */
  private static int[] holePixelsByDepth(PyramidLevel level) {
    float[] depth = level.distanceToKnown();
    int count = level.holeCount();
    long[] keyed = new long[count];
    int n = 0;
    for (int i = 0; i < level.hole.length; i++) {
      if (level.hole[i]) {
        // Non-negative floats order like their bit patterns, so one long sort does both keys.
        keyed[n++] = ((long) Float.floatToIntBits(depth[i]) << 32) | i;
      }
    }
    Arrays.sort(keyed);
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = (int) keyed[i];
    }
    return order;
  }

  private static void averageNeighbours(PyramidLevel level, int pixel, boolean[] usable) {
    int x = pixel % level.width;
    int y = pixel / level.width;
    float[] sum = new float[CHANNELS];
    float total = 0;
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        int nx = x + dx;
        int ny = y + dy;
        if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= level.width || ny >= level.height) {
          continue;
        }
        int neighbour = ny * level.width + nx;
        if (!usable[neighbour]) {
          continue;
        }
        // Edge neighbours count twice the diagonal ones, a cheap isotropic stencil.
        float weight = (dx == 0 || dy == 0) ? 2f : 1f;
        for (int c = 0; c < CHANNELS; c++) {
          sum[c] += weight * level.rgba[neighbour * CHANNELS + c];
        }
        total += weight;
      }
    }
    if (total > 0) {
      for (int c = 0; c < CHANNELS; c++) {
        level.rgba[pixel * CHANNELS + c] = sum[c] / total;
      }
    }
  }
}
