package org.creativebridge.inference.audio.voice;

/**
 * In-place radix-2 FFT of one power-of-two size, with its twiddles and bit-reversal table
 * precomputed, for the short-time analysis the voice engines run thousands of times per take.
 *
 * <p>Thread-safety: immutable after construction; one instance may serve any number of threads,
 * since every call works only on the arrays it is given.
 */
final class RealFft {
  private final int size;
  private final int[] bitReversed;
  private final double[] cos;
  private final double[] sin;

  RealFft(int size) {
    if (size < 2 || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("FFT size must be a power of two: " + size);
    }
    this.size = size;
    int bits = Integer.numberOfTrailingZeros(size);
    bitReversed = new int[size];
    for (int i = 0; i < size; i++) {
      bitReversed[i] = Integer.reverse(i) >>> (32 - bits);
    }
    cos = new double[size / 2];
    sin = new double[size / 2];
    for (int i = 0; i < size / 2; i++) {
      double angle = -2 * Math.PI * i / size;
      cos[i] = Math.cos(angle);
      sin[i] = Math.sin(angle);
    }
  }

  int size() {
    return size;
  }

  /** Forward transform of ({@code re}, {@code im}) in place: X[k] = sum x[n] e^{-2 pi i k n / N}. */
  void forward(double[] re, double[] im) {
    transform(re, im, false);
  }

  /** Inverse transform in place, scaled by 1/N so that inverse(forward(x)) == x. */
  void inverse(double[] re, double[] im) {
    transform(re, im, true);
    double scale = 1.0 / size;
    for (int i = 0; i < size; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }

  private void transform(double[] re, double[] im, boolean inverse) {
    for (int i = 0; i < size; i++) {
      int j = bitReversed[i];
      if (j > i) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    double sign = inverse ? -1 : 1;
    for (int length = 2; length <= size; length <<= 1) {
      int half = length >> 1;
      int stride = size / length;
      for (int start = 0; start < size; start += length) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * stride];
          double wi = sign * sin[k * stride];
          int a = start + k;
          int b = a + half;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }

  /** The smallest power of two at least {@code n}. */
  static int atLeast(int n) {
    int size = 1;
    while (size < n) {
      size <<= 1;
    }
    return size;
  }
}
