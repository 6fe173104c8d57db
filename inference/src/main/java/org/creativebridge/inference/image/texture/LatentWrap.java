package org.creativebridge.inference.image.texture;

import org.creativebridge.inference.diffusion.NchwTensor;

/**
 * Circular shifts, circular padding and crops of NCHW tensors: how the generative texture engines
 * make a fixed ONNX graph (whose convolutions pad with zeros) produce a result that tiles.
 *
 * <p>Stateless; thread-safe. Every method returns a new tensor and never writes its input.
 */
final class LatentWrap {

  private LatentWrap() {}

  /**
   * {@code tensor} shifted circularly by {@code dx} columns and {@code dy} rows: the value at
   * {@code (y, x)} moves to {@code ((y + dy) mod h, (x + dx) mod w)}. Exact (a permutation), so
   * {@code roll(roll(t, dx, dy), -dx, -dy)} is {@code t} bit for bit.
   */
  static NchwTensor roll(NchwTensor tensor, int dx, int dy) {
    int h = tensor.height();
    int w = tensor.width();
    int sx = Math.floorMod(dx, w);
    int sy = Math.floorMod(dy, h);
    float[] in = tensor.values();
    if (sx == 0 && sy == 0) {
      return new NchwTensor(tensor.shape(), in.clone());
    }
    float[] out = new float[in.length];
    int planes = tensor.batch() * tensor.channels();
    for (int p = 0; p < planes; p++) {
      int base = p * h * w;
      for (int y = 0; y < h; y++) {
        int from = base + y * w;
        int to = base + ((y + sy) % h) * w;
        // Two block copies per row: the row's tail wraps to the front.
        System.arraycopy(in, from, out, to + sx, w - sx);
        System.arraycopy(in, from + w - sx, out, to, sx);
      }
    }
    return new NchwTensor(tensor.shape(), out);
  }

  /** {@code tensor} padded circularly by {@code mx} columns and {@code my} rows on each side. */
  static NchwTensor padCircular(NchwTensor tensor, int mx, int my) {
    int h = tensor.height();
    int w = tensor.width();
    NchwTensor.Shape shape =
        new NchwTensor.Shape(tensor.batch(), tensor.channels(), h + 2 * my, w + 2 * mx);
    float[] out = new float[shape.elementCount()];
    float[] in = tensor.values();
    int planes = tensor.batch() * tensor.channels();
    for (int p = 0; p < planes; p++) {
      for (int y = 0; y < shape.height(); y++) {
        int sourceRow = p * h * w + Math.floorMod(y - my, h) * w;
        int targetRow = (p * shape.height() + y) * shape.width();
        for (int x = 0; x < shape.width(); x++) {
          out[targetRow + x] = in[sourceRow + Math.floorMod(x - mx, w)];
        }
      }
    }
    return new NchwTensor(shape, out);
  }

  /** The inner part of {@code tensor} without {@code mx} columns and {@code my} rows on each side. */
  static NchwTensor crop(NchwTensor tensor, int mx, int my) {
    NchwTensor.Shape shape =
        new NchwTensor.Shape(
            tensor.batch(), tensor.channels(), tensor.height() - 2 * my, tensor.width() - 2 * mx);
    float[] out = new float[shape.elementCount()];
    int planes = tensor.batch() * tensor.channels();
    for (int p = 0; p < planes; p++) {
      for (int y = 0; y < shape.height(); y++) {
        int from = (p * tensor.height() + y + my) * tensor.width() + mx;
        System.arraycopy(tensor.values(), from, out, (p * shape.height() + y) * shape.width(), shape.width());
      }
    }
    return new NchwTensor(shape, out);
  }

  /**
   * The shift of one denoising step along an axis of {@code size} latent pixels: the golden-ratio
   * sequence, so successive steps put the graph's zero-padded border at well spread places and no
   * column is the border twice in a short run. 0 for the first step, so step 0 matches a plain run.
   */
  static int offset(int stepNumber, int size) {
    double golden = 0.6180339887498949;
    double fraction = (stepNumber * golden) % 1.0;
    return (int) Math.floor(fraction * size) % size;
  }
}
