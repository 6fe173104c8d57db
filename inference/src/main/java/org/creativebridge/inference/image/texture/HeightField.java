package org.creativebridge.inference.image.texture;

import org.creativebridge.inference.image.RgbaImage;

/**
 * A height field in 0..1 (near = high), one float per pixel, with edge handling per axis: either
 * wrap-around (the field is treated as one tile of a periodic surface) or clamped (edges repeat).
 * Every neighbourhood operation of the derived maps samples through {@link #at}, so a field that
 * wraps produces maps that wrap too.
 *
 * <p>Not thread-safe for writes; reads from several threads are safe once built.
 */
final class HeightField {
  private final int width;
  private final int height;
  private final float[] values;
  private final Seamless edges;

  HeightField(int width, int height, float[] values, Seamless edges) {
    if (values.length != width * height) {
      throw new IllegalArgumentException("expected " + width * height + " values");
    }
    this.width = width;
    this.height = height;
    this.values = values;
    this.edges = edges;
  }

  /**
   * The depth an image carries: its luminance (Rec. 709 weights), which for the single-channel
   * images the add-ons send (R = G = B) is that channel, so a grey depth passes through unchanged
   * up to float rounding; a colour depth visualisation still reads sensibly. Clamped to 0..1.
   */
  static float[] depthOf(RgbaImage image) {
    float[] samples = image.samples();
    float[] out = new float[image.width() * image.height()];
    for (int i = 0; i < out.length; i++) {
      int at = i * RgbaImage.CHANNELS;
      float r = samples[at];
      float g = samples[at + 1];
      float b = samples[at + 2];
      // Exact for grey: the weighted sum of three equal floats can round off by an ulp.
      float v = (r == g && g == b) ? r : 0.2126f * r + 0.7152f * g + 0.0722f * b;
      out[i] = Math.min(1f, Math.max(0f, v));
    }
    return out;
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  Seamless edges() {
    return edges;
  }

  float[] values() {
    return values;
  }

  /** The height at {@code (x, y)}, which may lie outside the field: wrapped or clamped per axis. */
  float at(int x, int y) {
    return values[row(y) * width + column(x)];
  }

  int column(int x) {
    return edges.wrapX() ? Math.floorMod(x, width) : Math.min(width - 1, Math.max(0, x));
  }

  int row(int y) {
    return edges.wrapY() ? Math.floorMod(y, height) : Math.min(height - 1, Math.max(0, y));
  }

  /**
   * The mean height over the {@code (2r+1)^2} box around each pixel, sampled with this field's edge
   * handling. Separable running sums: linear in the pixel count whatever the radius.
   */
  float[] boxMean(int radius) {
    int span = 2 * radius + 1;
    float[] horizontal = new float[values.length];
    for (int y = 0; y < height; y++) {
      int base = y * width;
      double sum = 0;
      for (int i = -radius; i <= radius; i++) {
        sum += values[base + column(i)];
      }
      for (int x = 0; x < width; x++) {
        horizontal[base + x] = (float) (sum / span);
        sum += values[base + column(x + radius + 1)] - values[base + column(x - radius)];
      }
    }
    float[] out = new float[values.length];
    for (int x = 0; x < width; x++) {
      double sum = 0;
      for (int i = -radius; i <= radius; i++) {
        sum += horizontal[row(i) * width + x];
      }
      for (int y = 0; y < height; y++) {
        out[y * width + x] = (float) (sum / span);
        sum += horizontal[row(y + radius + 1) * width + x] - horizontal[row(y - radius) * width + x];
      }
    }
    return out;
  }

  /**
   * A copy of {@code field} made periodic along the axes {@code mode} wraps, so a texture derived
   * from it tiles. Why a cross-fade: a depth render's left and right edges generally differ, and
   * wrap-around sampling alone would leave a hard seam where they meet. Along each wrapped axis the
   * field is blended with itself shifted by half a period; the shifted copy takes over towards the
   * edges (fully at the edge pixels, whose shifted values are neighbours in the original) and the
   * original holds the middle, where the shifted copy's own seam lies. Features within a quarter
   * of the side from a wrapped edge are cross-faded (ghosted); the middle half is unchanged.
   */
  static float[] periodic(float[] field, int width, int height, Seamless mode) {
    float[] out = field.clone();
    if (mode.wrapX()) {
      out = crossFade(out, width, height, true);
    }
    if (mode.wrapY()) {
      out = crossFade(out, width, height, false);
    }
    return out;
  }

  private static float[] crossFade(float[] field, int width, int height, boolean alongX) {
    int length = alongX ? width : height;
    float[] weight = new float[length];
    float band = Math.max(1f, length / 4f);
    for (int i = 0; i < length; i++) {
      float t = Math.min(1f, Math.min(i, length - 1 - i) / band);
      weight[i] = t * t * (3 - 2 * t); // smoothstep: no crease where the fade starts
    }
    int shift = length / 2;
    float[] out = new float[field.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = alongX ? x : y;
        int shifted = (i + shift) % length;
        float other = alongX ? field[y * width + shifted] : field[shifted * width + x];
        float own = field[y * width + x];
        out[y * width + x] = weight[i] * own + (1 - weight[i]) * other;
      }
    }
    return out;
  }
}
