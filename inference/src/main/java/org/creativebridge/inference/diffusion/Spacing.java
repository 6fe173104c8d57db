package org.creativebridge.inference.diffusion;

/**
 * Timestep selections as diffusers computes them with numpy, reproduced to the bit where it
 * matters (numpy's {@code linspace} is {@code i * (delta / div) + start} with the end point set
 * exactly, and {@code round} is half-to-even, i.e. {@link Math#rint}).
 */
final class Spacing {
  private Spacing() {}

  /** numpy {@code linspace(start, stop, num, endpoint)} in float64. */
  static double[] linspace(double start, double stop, int num, boolean endpoint) {
    double[] y = new double[num];
    int div = endpoint ? num - 1 : num;
    if (div <= 0) {
      if (num == 1) {
        y[0] = start;
      }
      return y;
    }
    double step = (stop - start) / div;
    for (int i = 0; i < num; i++) {
      y[i] = i * step + start;
    }
    if (endpoint && num > 1) {
      y[num - 1] = stop;
    }
    return y;
  }

  /** "leading" spacing with an offset: {@code arange(0, steps) * (train // steps)}, reversed, + offset. */
  static float[] leading(int trainSteps, int steps, int offset) {
    int ratio = trainSteps / steps;
    float[] out = new float[steps];
    for (int i = 0; i < steps; i++) {
      out[i] = (steps - 1 - i) * ratio + offset;
    }
    return out;
  }

  static void checkSteps(int steps, int max) {
    if (steps < 1 || steps > max) {
      throw new IllegalArgumentException("steps must be in 1.." + max + ", got " + steps);
    }
  }

  static void checkIndex(int stepIndex, int steps) {
    if (stepIndex < 0 || stepIndex >= steps) {
      throw new IllegalArgumentException("step index " + stepIndex + " outside 0.." + (steps - 1));
    }
  }

  /** {@code a * x + b * y}, elementwise, coefficients in double. */
  static float[] combine(double a, float[] x, double b, float[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("arrays of " + x.length + " and " + y.length + " values");
    }
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (a * x[i] + b * y[i]);
    }
    return out;
  }

  static float[] scale(float[] x, double a) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (a * x[i]);
    }
    return out;
  }
}
