package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.RgbaImage;

/**
 * One scale of the working region: RGBA samples (known pixels plus the current estimate inside the
 * hole) and the hole itself. The samples of hole pixels are rewritten as the fill improves; known
 * pixels never change. Writes happen in disjoint row bands or from one thread.
 */
final class PyramidLevel {
  static final int CHANNELS = RgbaImage.CHANNELS;

  final int width;
  final int height;
  final float[] rgba;
  final boolean[] hole;

  PyramidLevel(int width, int height, float[] rgba, boolean[] hole) {
    this.width = width;
    this.height = height;
    this.rgba = rgba;
    this.hole = hole;
  }

  /** Copies {@code region} of {@code image} and of the hole into a new level. */
  static PyramidLevel cropOf(RgbaImage image, FillMask mask, PixelBounds region) {
    int width = region.width();
    int height = region.height();
    float[] rgba = new float[width * height * CHANNELS];
    boolean[] hole = new boolean[width * height];
    for (int y = 0; y < height; y++) {
      int source = image.index(region.x0(), region.y0() + y);
      System.arraycopy(image.samples(), source, rgba, y * width * CHANNELS, width * CHANNELS);
      System.arraycopy(
          mask.hole(), (region.y0() + y) * mask.width() + region.x0(), hole, y * width, width);
    }
    return new PyramidLevel(width, height, rgba, hole);
  }

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
   * Half the size. A coarse pixel is known when any of its fine pixels is, and then holds the mean
   * of its known fine pixels only: marking it a hole instead would widen the hole by a pixel per
   * level and throw away exactly the boundary data the fill depends on most (measured: about 1.5 dB
   * worse inside the hole).
   */
  PyramidLevel halved() {
    int coarseWidth = (width + 1) / 2;
    int coarseHeight = (height + 1) / 2;
    float[] coarse = new float[coarseWidth * coarseHeight * CHANNELS];
    boolean[] coarseHole = new boolean[coarseWidth * coarseHeight];
    for (int cy = 0; cy < coarseHeight; cy++) {
      for (int cx = 0; cx < coarseWidth; cx++) {
        int coarseIndex = cy * coarseWidth + cx;
        float[] sum = new float[CHANNELS];
        int known = 0;
        for (int fy = 2 * cy; fy < Math.min(height, 2 * cy + 2); fy++) {
          for (int fx = 2 * cx; fx < Math.min(width, 2 * cx + 2); fx++) {
            int fine = fy * width + fx;
            if (hole[fine]) {
              continue;
            }
            known++;
            for (int c = 0; c < CHANNELS; c++) {
              sum[c] += rgba[fine * CHANNELS + c];
            }
          }
        }
        coarseHole[coarseIndex] = known == 0;
        for (int c = 0; c < CHANNELS; c++) {
          coarse[coarseIndex * CHANNELS + c] = known > 0 ? sum[c] / known : 0f;
        }
      }
    }
    return new PyramidLevel(coarseWidth, coarseHeight, coarse, coarseHole);
  }

  /**
   * Seeds this level's hole pixels from the filled coarser level by bilinear interpolation, the
   * smooth starting point the first EM iteration at this level refines.
   */
  void seedHoleFrom(PyramidLevel coarser) {
    for (int y = 0; y < height; y++) {
      float cy = Math.max(0f, Math.min(coarser.height - 1f, (y + 0.5f) / 2f - 0.5f));
      int y0 = (int) cy;
      int y1 = Math.min(coarser.height - 1, y0 + 1);
      float wy = cy - y0;
      for (int x = 0; x < width; x++) {
        int index = y * width + x;
        if (!hole[index]) {
          continue;
        }
        float cx = Math.max(0f, Math.min(coarser.width - 1f, (x + 0.5f) / 2f - 0.5f));
        int x0 = (int) cx;
        int x1 = Math.min(coarser.width - 1, x0 + 1);
        float wx = cx - x0;
        for (int c = 0; c < CHANNELS; c++) {
          float top =
              coarser.sample(x0, y0, c) * (1 - wx) + coarser.sample(x1, y0, c) * wx;
          float bottom =
              coarser.sample(x0, y1, c) * (1 - wx) + coarser.sample(x1, y1, c) * wx;
          rgba[index * CHANNELS + c] = top * (1 - wy) + bottom * wy;
        }
      }
    }
  }

  /** Euclidean distance from each pixel to the nearest known pixel: 0 outside the hole. */
  float[] distanceToKnown() {
    boolean[] known = new boolean[hole.length];
    for (int i = 0; i < hole.length; i++) {
      known[i] = !hole[i];
    }
    float[] squared = SquaredDistanceTransform.toNearestSeed(known, width, height);
    for (int i = 0; i < squared.length; i++) {
      squared[i] = (float) Math.sqrt(squared[i]);
    }
    return squared;
  }

  float sample(int x, int y, int channel) {
    return rgba[(y * width + x) * CHANNELS + channel];
  }
}
