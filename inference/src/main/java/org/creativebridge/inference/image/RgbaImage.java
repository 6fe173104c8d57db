package org.creativebridge.inference.image;

import java.util.Arrays;

/**
 * A straight-alpha RGBA image, samples interleaved as floats in 0..1 (float inputs may exceed it),
 * remembering the {@link SampleDepth} it came in at. Integer samples survive the trip exactly:
 * {@code round(v / scale * scale) == v} for every 8- and 16-bit code value.
 *
 * <p>Not thread-safe for writes; engines that split work across threads write disjoint rows.
 */
public final class RgbaImage {
  public static final int CHANNELS = 4;

  private final int width;
  private final int height;
  private final SampleDepth depth;
  private final float[] samples;

  public RgbaImage(int width, int height, SampleDepth depth) {
    this(width, height, depth, new float[checkedSampleCount(width, height)]);
  }

  /** Wraps {@code samples} (not copied), which must hold {@code width * height * 4} values. */
  public RgbaImage(int width, int height, SampleDepth depth, float[] samples) {
    if (samples.length != checkedSampleCount(width, height)) {
      throw new IllegalArgumentException(
          "expected " + checkedSampleCount(width, height) + " samples, got " + samples.length);
    }
    this.width = width;
    this.height = height;
    this.depth = depth;
    this.samples = samples;
  }

  private static int checkedSampleCount(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    long count = (long) width * height * CHANNELS;
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("image too large: " + width + "x" + height);
    }
    return (int) count;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public SampleDepth depth() {
    return depth;
  }

  /** The backing array, interleaved RGBA rows top to bottom; writes go through. */
  public float[] samples() {
    return samples;
  }

  public int index(int x, int y) {
    return (y * width + x) * CHANNELS;
  }

  public float get(int x, int y, int channel) {
    return samples[index(x, y) + channel];
  }

  public void set(int x, int y, int channel, float value) {
    samples[index(x, y) + channel] = value;
  }

  public RgbaImage copy() {
    return new RgbaImage(width, height, depth, samples.clone());
  }

  public boolean sameSize(RgbaImage other) {
    return width == other.width && height == other.height;
  }

  /** Same size, depth and samples, bit for bit. */
  public boolean contentEquals(RgbaImage other) {
    return sameSize(other) && depth == other.depth && Arrays.equals(samples, other.samples);
  }

  @Override
  public String toString() {
    return "RgbaImage[" + width + "x" + height + " " + depth + "]";
  }
}
