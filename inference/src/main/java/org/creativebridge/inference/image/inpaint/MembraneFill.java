package org.creativebridge.inference.image.inpaint;

import java.util.Arrays;
import java.util.List;

/**
 * The membrane (harmonic) interpolant of the hole's boundary, at every level. It is the starting
 * estimate PatchMatch matches against (a plausible target carrying the surrounding colours without
 * inventing structure), and half of the final blend. At the coarsest level the hole is peeled from
 * its edge inwards, each pixel taking the mean of its already-known neighbours, then relaxed by
 * Gauss-Seidel sweeps; finer levels start from the upsampled coarser result. Runs on one thread, in
 * a fixed pixel order, so it is deterministic.
 */
final class MembraneFill {
  private static final int CHANNELS = PyramidLevel.CHANNELS;

  private static final int COARSEST_SWEEPS = 200;
  private static final int CASCADE_SWEEPS = 20;

  private MembraneFill() {}

  /**
   * Fills the hole of every level, coarsest first: the coarsest is peeled and relaxed to
   * convergence, each finer one starts from the bilinear upsampling of the one below and needs only
   * a few sweeps, because only fine detail of the membrane is left to settle (a multigrid cascade).
   */
  static void fillCascade(List<PyramidLevel> levels) {
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

  private static void fill(PyramidLevel level, int sweeps) {
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
    float r = 0;
    float g = 0;
    float b = 0;
    float a = 0;
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
        int at = neighbour * CHANNELS;
        r += weight * level.rgba[at];
        g += weight * level.rgba[at + 1];
        b += weight * level.rgba[at + 2];
        a += weight * level.rgba[at + 3];
        total += weight;
      }
    }
    if (total > 0) {
      int at = pixel * CHANNELS;
      level.rgba[at] = r / total;
      level.rgba[at + 1] = g / total;
      level.rgba[at + 2] = b / total;
      level.rgba[at + 3] = a / total;
    }
  }
}
