package org.creativebridge.inference.diffusion;

import java.util.Arrays;

/** The tests' own scalar re-statement of SD 1.5's schedule, independent of {@link NoiseSchedule}. */
final class Sd15 {
  private Sd15() {}

  /** alphas_cumprod[t] = prod_{s<=t} (1 - (sqrt(0.00085) + (sqrt(0.012) - sqrt(0.00085)) s / 999)^2). */
  static double alphaBar(int t) {
    double product = 1;
    for (int s = 0; s <= t; s++) {
      double root = Math.sqrt(0.00085) + (Math.sqrt(0.012) - Math.sqrt(0.00085)) * s / 999.0;
      product *= 1 - root * root;
    }
    return product;
  }

  static float[] constant(int n, double value) {
    float[] a = new float[n];
    Arrays.fill(a, (float) value);
    return a;
  }

  /** Asserts every element equals the expected scalar within a float32-sized tolerance. */
  static void assertAll(double expected, float[] actual) {
    double tol = 2e-6 * Math.max(1, Math.abs(expected));
    for (int i = 0; i < actual.length; i++) {
      if (Math.abs(actual[i] - expected) > tol) {
        throw new AssertionError("element " + i + ": expected " + expected + " but was " + actual[i]);
      }
    }
  }
}
