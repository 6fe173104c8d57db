package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatentNoiseTest {
  @Test
  void uniformsAreSplitMix64AsInSplittableRandom() {
    for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
      LatentNoise noise = new LatentNoise(seed);
      SplittableRandom reference = new SplittableRandom(seed);
      for (int i = 0; i < 100; i++) {
        assertEquals(reference.nextLong(), noise.nextLong(), "seed " + seed + " draw " + i);
      }
      noise = new LatentNoise(seed);
      reference = new SplittableRandom(seed);
      for (int i = 0; i < 100; i++) {
        assertEquals(reference.nextDouble(), noise.nextUniform(), 0.0);
      }
    }
  }

  @Test
  void normalsAreBoxMullerPairsOfTwoUniforms() {
    SplittableRandom u = new SplittableRandom(123);
    LatentNoise noise = new LatentNoise(123);
    for (int i = 0; i < 10; i++) {
      double u1 = 1.0 - u.nextDouble();
      double u2 = u.nextDouble();
      double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
      assertEquals(r * StrictMath.cos(2 * StrictMath.PI * u2), noise.nextGaussian(), 0.0);
      assertEquals(r * StrictMath.sin(2 * StrictMath.PI * u2), noise.nextGaussian(), 0.0);
    }
  }

  @Test
  void aSeedAlwaysGivesTheseNumbers() {
    // This project's own reference values, pinned so a change of generator or transform (which
    // would change every user's image for a given seed) fails here first.
    float[] first = new LatentNoise(42).next(4);
    assertArrayEquals(PINNED_SEED_42, first);
  }

  /** Recorded from this implementation when it was written (not an external reference). */
  private static final float[] PINNED_SEED_42 = {0.8822489f, 1.3884733f, -0.45084986f, 0.67071646f};

  @Test
  void sameSeedSameNoiseOtherSeedOtherNoise() {
    assertArrayEquals(new LatentNoise(7).next(1000), new LatentNoise(7).next(1000));
    assertFalse(Arrays.equals(new LatentNoise(7).next(1000), new LatentNoise(8).next(1000)));
  }

  @Test
  void samplesHaveZeroMeanAndUnitVariance() {
    LatentNoise noise = new LatentNoise(2024);
    int n = 200_000;
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double z = noise.nextGaussian();
      sum += z;
      sumSq += z * z;
    }
    double mean = sum / n;
    assertEquals(0, mean, 0.01);
    assertEquals(1, sumSq / n - mean * mean, 0.01);
  }
}
