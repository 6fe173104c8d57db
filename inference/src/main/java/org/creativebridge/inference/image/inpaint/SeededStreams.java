package org.creativebridge.inference.image.inpaint;

import java.util.SplittableRandom;

/**
 * Derives the independent random stream of one unit of work (a band of one pass at one level) from
 * the job's seed, so results do not depend on which thread ran which band or in what order.
 */
record SeededStreams(long seed) {

  /** The stream of band {@code band} in step {@code step} of level {@code level}. */
  SplittableRandom forBand(int level, int step, int band) {
    long key = seed;
    key = mix(key ^ (0x9E3779B97F4A7C15L * (level + 1)));
    key = mix(key ^ (0xC2B2AE3D27D4EB4FL * (step + 1)));
    key = mix(key ^ (0x165667B19E3779F9L * (band + 1)));
    return new SplittableRandom(key);
  }

  /** The SplitMix64 finaliser: spreads small differences in the key over all bits. */
  private static long mix(long value) {
    long z = value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
