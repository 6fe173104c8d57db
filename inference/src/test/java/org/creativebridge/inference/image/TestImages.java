package org.creativebridge.inference.image;

import java.util.SplittableRandom;

/** Image fixtures shared by the codec tests and benchmark. */
final class TestImages {
  private TestImages() {}

  /** An image whose samples are the given integer codes (interleaved RGBA), at that depth. */
  static RgbaImage fromCodes(int width, int height, SampleDepth depth, int[] codes) {
    float[] table = depth == SampleDepth.U8 ? SampleCodes.U8_TO_FLOAT : SampleCodes.U16_TO_FLOAT;
    float[] samples = new float[codes.length];
    for (int i = 0; i < codes.length; i++) {
      samples[i] = table[codes[i]];
    }
    return new RgbaImage(width, height, depth, samples);
  }

  /** The integer codes of an image, by exact rounding (the RgbaImage contract). */
  static int[] codes(RgbaImage image) {
    float scale = image.depth().scale();
    float[] samples = image.samples();
    int[] codes = new int[samples.length];
    for (int i = 0; i < samples.length; i++) {
      codes[i] = Math.round(samples[i] * scale);
    }
    return codes;
  }

  /**
   * Every code value of the depth appears in every channel: channel c of sample i holds
   * {@code (i * step + c * shift) mod (max + 1)}, so the channels are not identical and neighbours
   * differ, which exercises all filters.
   */
  static int[] everyCode(int pixels, int maxCode) {
    int[] codes = new int[pixels * 4];
    for (int p = 0; p < pixels; p++) {
      for (int c = 0; c < 4; c++) {
        codes[4 * p + c] = (int) (((long) p * 7 + c * 61L) % (maxCode + 1));
      }
    }
    return codes;
  }

  /** A photo-like image: smooth gradients, a soft blob, and a little sensor-style noise. */
  static RgbaImage photoLike(int width, int height, SampleDepth depth, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    RgbaImage image = new RgbaImage(width, height, depth);
    float[] samples = image.samples();
    float noiseStep = depth == SampleDepth.U8 ? 3f / 255f : 3f / 255f;
    float quantum = depth.scale();
    int i = 0;
    for (int y = 0; y < height; y++) {
      float v = y / (float) height;
      for (int x = 0; x < width; x++) {
        float u = x / (float) width;
        float dx = u - 0.6f;
        float dy = v - 0.4f;
        float blob = (float) Math.exp(-(dx * dx + dy * dy) * 12f);
        float r = 0.15f + 0.6f * u + 0.25f * blob;
        float g = 0.2f + 0.5f * v + 0.2f * blob;
        float b = 0.5f + 0.3f * (float) Math.sin(6 * u + 3 * v) * 0.5f;
        samples[i++] = quantise(r + noiseStep * (float) random.nextGaussian(), quantum);
        samples[i++] = quantise(g + noiseStep * (float) random.nextGaussian(), quantum);
        samples[i++] = quantise(b + noiseStep * (float) random.nextGaussian(), quantum);
        samples[i++] = 1f;
      }
    }
    return image;
  }

  private static float quantise(float value, float scale) {
    float clamped = Math.max(0f, Math.min(1f, value));
    return scale == 1f ? clamped : Math.round(clamped * scale) / scale;
  }

  /**
   * Bands of noisy, flat transparent and smoothly graded rows, so the PNG writer switches its
   * deflate strategy many times within one image.
   */
  static RgbaImage mixedContent(int width, int height, long seed) {
    RgbaImage noisy = photoLike(width, height, SampleDepth.U8, seed);
    float[] samples = noisy.samples();
    for (int y = 0; y < height; y++) {
      int band = (y / 5) % 3;
      for (int x = 0; x < width && band != 0; x++) {
        int i = noisy.index(x, y);
        for (int c = 0; c < 4; c++) {
          samples[i + c] = band == 1 ? 0f : SampleCodes.U8_TO_FLOAT[(x * (c + 1) + y) & 0xff];
        }
      }
    }
    return noisy;
  }
}
