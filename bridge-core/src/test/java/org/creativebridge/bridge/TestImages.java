package org.creativebridge.bridge;

import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/** Deterministic test pictures: a textured scene and rectangular masks. */
final class TestImages {
  private TestImages() {}

  /** Smooth gradients with stripes, so a fill has real structure to continue. */
  static RgbaImage scene(int width, int height, SampleDepth depth) {
    RgbaImage image = new RgbaImage(width, height, depth);
    float scale = depth.scale();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float stripe = ((x / 4 + y / 6) % 2 == 0) ? 0.15f : 0f;
        image.set(x, y, 0, quantise((float) x / width * 0.8f + stripe, scale));
        image.set(x, y, 1, quantise((float) y / height * 0.7f + stripe, scale));
        image.set(x, y, 2, quantise(0.3f + 0.2f * (float) Math.sin(x * 0.2) * (float) Math.cos(y * 0.15), scale));
        image.set(x, y, 3, 1f);
      }
    }
    return image;
  }

  /** White (fill) inside the rectangle, black elsewhere. */
  static RgbaImage mask(int width, int height, int[] rect) {
    RgbaImage mask = new RgbaImage(width, height, SampleDepth.U8);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean hole = x >= rect[0] && x < rect[0] + rect[2] && y >= rect[1] && y < rect[1] + rect[3];
        float v = hole ? 1f : 0f;
        mask.set(x, y, 0, v);
        mask.set(x, y, 1, v);
        mask.set(x, y, 2, v);
        mask.set(x, y, 3, 1f);
      }
    }
    return mask;
  }

  /** Integer images hold code values exactly, as a decoded file would. */
  private static float quantise(float value, float scale) {
    float clamped = Math.max(0f, Math.min(1f, value));
    return scale == 1f ? clamped : Math.round(clamped * scale) / scale;
  }
}
