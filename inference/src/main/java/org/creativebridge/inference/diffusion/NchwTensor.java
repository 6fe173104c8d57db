package org.creativebridge.inference.diffusion;

import java.util.Objects;

/**
 * A float32 tensor in NCHW layout (batch, channels, height, width, row-major), the form every
 * Stable Diffusion stage takes and returns: images in -1..1 and latents alike.
 *
 * <p>The values array is wrapped, not copied, so a stage's output can feed the next one without a
 * copy; treat it as read-only once handed over. Thread-safety follows from that: safe to share
 * when nobody writes the array.
 *
 * @param shape the four dims
 * @param values {@code shape.elementCount()} values
 */
public record NchwTensor(Shape shape, float[] values) {

  public NchwTensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(values, "values");
    if (values.length != shape.elementCount()) {
      throw new IllegalArgumentException(
          "shape " + shape + " holds " + shape.elementCount() + " values, got " + values.length);
    }
  }

  /** A zero tensor of {@code shape}. */
  public static NchwTensor zeros(Shape shape) {
    return new NchwTensor(shape, new float[shape.elementCount()]);
  }

  public int batch() {
    return shape.batch();
  }

  public int channels() {
    return shape.channels();
  }

  public int height() {
    return shape.height();
  }

  public int width() {
    return shape.width();
  }

  /** The flat index of an element. */
  public int index(int n, int c, int y, int x) {
    return ((n * shape.channels() + c) * shape.height() + y) * shape.width() + x;
  }

  /**
   * The dims of an NCHW tensor; immutable.
   */
  public record Shape(int batch, int channels, int height, int width) {
    public Shape {
      if (batch <= 0 || channels <= 0 || height <= 0 || width <= 0) {
        throw new IllegalArgumentException(
            "dims must be positive: " + batch + "x" + channels + "x" + height + "x" + width);
      }
      if ((long) batch * channels * height * width > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("tensor too large: " + batch + "x" + channels + "x" + height + "x" + width);
      }
    }

    /** The shape as ONNX Runtime takes it. */
    public long[] dims() {
      return new long[] {batch, channels, height, width};
    }

    public int elementCount() {
      return batch * channels * height * width;
    }

    /** The same shape with another channel count. */
    public Shape withChannels(int count) {
      return new Shape(batch, count, height, width);
    }

    /** The same shape with another batch size. */
    public Shape withBatch(int count) {
      return new Shape(count, channels, height, width);
    }

    @Override
    public String toString() {
      return "[" + batch + "," + channels + "," + height + "," + width + "]";
    }
  }
}
