package org.creativebridge.inference.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * Resizes interleaved float rasters with a separable filter chosen per axis: an <em>area</em>
 * (box-coverage) filter where the axis shrinks, so every source pixel contributes in proportion to
 * how much of it an output pixel covers and nothing aliases; Catmull-Rom (the bicubic with {@code a
 * = -0.5}, which reproduces linear ramps exactly) where it grows; a plain copy where its size is
 * unchanged, so a resize to the same size returns the samples bit for bit.
 *
 * <p>Pixel centres are aligned (a source pixel {@code i} covers {@code [i, i + 1)}), so a constant
 * image stays constant at any size, up to float rounding. Edges repeat their outermost pixel.
 * Catmull-Rom overshoots at steps by up to about 7% of the step; results are not clamped, callers
 * that need a range clamp themselves.
 *
 * <p>Stateless; thread-safe.
 */
public final class Resampler {

  private Resampler() {}

  /**
   * A raster of {@code channels} interleaved float samples per pixel, rows top to bottom. The
   * samples are wrapped, not copied.
   */
  public record Raster(int width, int height, int channels, float[] samples) {
    public Raster {
      Objects.requireNonNull(samples, "samples");
      if (width <= 0 || height <= 0 || channels <= 0) {
        throw new IllegalArgumentException(
            "raster dimensions must be positive: " + width + "x" + height + "x" + channels);
      }
      if ((long) width * height * channels != samples.length) {
        throw new IllegalArgumentException(
            "expected " + (long) width * height * channels + " samples, got " + samples.length);
      }
    }

    /** A zeroed raster. */
    public static Raster blank(int width, int height, int channels) {
      int samples = Math.multiplyExact(Math.multiplyExact(width, height), channels);
      return new Raster(width, height, channels, new float[samples]);
    }

    public float get(int x, int y, int channel) {
      return samples[(y * width + x) * channels + channel];
    }
  }

  /** {@code source} resized to {@code width x height}; a new raster unless nothing changes. */
  public static Raster resize(Raster source, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
    }
    Raster horizontal =
        width == source.width()
            ? source
            : resizeRows(source, AxisFilter.between(source.width(), width));
    return height == source.height()
        ? horizontal
        : resizeColumns(horizontal, AxisFilter.between(source.height(), height));
  }

  private static Raster resizeRows(Raster source, AxisFilter filter) {
    int channels = source.channels();
    Raster out = Raster.blank(filter.outputs, source.height(), channels);
    float[] in = source.samples();
    float[] dst = out.samples();
    float[] sum = new float[channels];
    for (int y = 0; y < source.height(); y++) {
      int rowIn = y * source.width() * channels;
      int rowOut = y * filter.outputs * channels;
      for (int x = 0; x < filter.outputs; x++) {
        Arrays.fill(sum, 0f);
        int tapBase = x * filter.taps;
        for (int k = 0; k < filter.taps; k++) {
          float weight = filter.weights[tapBase + k];
          int at = rowIn + filter.indices[tapBase + k] * channels;
          for (int c = 0; c < channels; c++) {
            sum[c] += weight * in[at + c];
          }
        }
        System.arraycopy(sum, 0, dst, rowOut + x * channels, channels);
      }
    }
    return out;
  }

  private static Raster resizeColumns(Raster source, AxisFilter filter) {
    int channels = source.channels();
    int rowLength = source.width() * channels;
    Raster out = Raster.blank(source.width(), filter.outputs, channels);
    float[] in = source.samples();
    float[] dst = out.samples();
    // Whole rows at a time: the inner loop walks memory in order.
    for (int y = 0; y < filter.outputs; y++) {
      int rowOut = y * rowLength;
      int tapBase = y * filter.taps;
      for (int k = 0; k < filter.taps; k++) {
        float weight = filter.weights[tapBase + k];
        if (weight == 0f) {
          continue;
        }
        int rowIn = filter.indices[tapBase + k] * rowLength;
        for (int i = 0; i < rowLength; i++) {
          dst[rowOut + i] += weight * in[rowIn + i];
        }
      }
    }
    return out;
  }

  /**
   * The taps of one axis: output pixel {@code o} is {@code sum_k weights[o*taps+k] *
   * source[indices[o*taps+k]]}. Unused taps have weight 0.
   */
  static final class AxisFilter {
    final int outputs;
    final int taps;
    final int[] indices;
    final float[] weights;

    private AxisFilter(int outputs, int taps) {
      this.outputs = outputs;
      this.taps = taps;
      this.indices = new int[outputs * taps];
      this.weights = new float[outputs * taps];
    }

    static AxisFilter between(int inputs, int outputs) {
      return outputs < inputs ? area(inputs, outputs) : catmullRom(inputs, outputs);
    }

    /** Each output pixel averages the source interval it covers, weighted by overlap. */
    static AxisFilter area(int inputs, int outputs) {
      double step = (double) inputs / outputs;
      AxisFilter filter = new AxisFilter(outputs, (int) Math.ceil(step) + 1);
      for (int o = 0; o < outputs; o++) {
        double start = o * step;
        double end = Math.min(inputs, (o + 1) * step);
        int first = (int) Math.floor(start);
        int k = 0;
        for (int i = first; i < end && k < filter.taps; i++, k++) {
          double overlap = Math.min(end, i + 1.0) - Math.max(start, i);
          filter.indices[o * filter.taps + k] = i;
          filter.weights[o * filter.taps + k] = (float) (overlap / step);
        }
        for (; k < filter.taps; k++) {
          filter.indices[o * filter.taps + k] = first;
        }
        filter.normalise(o);
      }
      return filter;
    }

    /** Catmull-Rom over the four source pixels around each output centre, edges repeated. */
    static AxisFilter catmullRom(int inputs, int outputs) {
      double step = (double) inputs / outputs;
      AxisFilter filter = new AxisFilter(outputs, 4);
      for (int o = 0; o < outputs; o++) {
        double centre = (o + 0.5) * step - 0.5;
        int base = (int) Math.floor(centre);
        double t = centre - base;
        double[] weights = catmullRomWeights(t);
        for (int k = 0; k < 4; k++) {
          int i = Math.max(0, Math.min(inputs - 1, base - 1 + k));
          filter.indices[o * 4 + k] = i;
          filter.weights[o * 4 + k] = (float) weights[k];
        }
        filter.normalise(o);
      }
      return filter;
    }

    /** Weights of the pixels at offsets -1, 0, 1, 2 from the one left of a point {@code t} in. */
    static double[] catmullRomWeights(double t) {
      double t2 = t * t;
      double t3 = t2 * t;
      return new double[] {
        (-t3 + 2 * t2 - t) / 2,
        (3 * t3 - 5 * t2 + 2) / 2,
        (-3 * t3 + 4 * t2 + t) / 2,
        (t3 - t2) / 2,
      };
    }

    /**
     * Scales output {@code o}'s weights to sum to exactly 1 in float where rounding allows, so flat
     * areas stay flat; the largest weight absorbs the residue.
     */
    private void normalise(int o) {
      int from = o * taps;
      double total = 0;
      for (int k = 0; k < taps; k++) {
        total += weights[from + k];
      }
      int largest = from;
      float sum = 0f;
      for (int k = 0; k < taps; k++) {
        weights[from + k] = (float) (weights[from + k] / total);
        if (weights[from + k] > weights[largest]) {
          largest = from + k;
        }
        sum += weights[from + k];
      }
      weights[largest] += 1f - sum;
    }
  }
}
