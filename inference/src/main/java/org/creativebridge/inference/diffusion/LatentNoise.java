package org.creativebridge.inference.diffusion;

/**
 * A seeded source of standard normal samples that gives the same numbers for the same seed on
 * every machine and JVM: the initial latents and the noise stochastic schedulers inject.
 *
 * <p>Uniforms come from SplitMix64 (the generator behind {@link java.util.SplittableRandom}),
 * written out here so the sequence is fixed by this code rather than by a JDK release; each
 * double takes the top 53 bits of a 64-bit output. Normals come from the Box-Muller transform,
 * {@code sqrt(-2 ln u1) * cos(2 pi u2)} then {@code * sin(2 pi u2)}, with {@code u1} in (0, 1]
 * so the log is finite. {@link StrictMath} is used because {@code Math.log/sin/cos} may differ
 * in the last bit between CPUs and JIT intrinsics, which would break "same seed, same image".
 *
 * <p>These are not the numbers {@code torch.randn} gives for the same seed, so images match
 * diffusers' only in distribution, not pixel for pixel.
 *
 * <p><b>Not thread-safe</b>: a stream of numbers, one per job.
 */
public final class LatentNoise {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long state;
  private double spare;
  private boolean hasSpare;

  public LatentNoise(long seed) {
    this.state = seed;
  }

  /** The next 64 bits of SplitMix64: the state advances by the golden gamma, then is mixed. */
  long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  double nextUniform() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** The next standard normal sample. */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u1 = 1.0 - nextUniform();
    double u2 = nextUniform();
    double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    double angle = 2.0 * StrictMath.PI * u2;
    spare = r * StrictMath.sin(angle);
    hasSpare = true;
    return r * StrictMath.cos(angle);
  }

  /** {@code count} fresh standard normal samples. */
  public float[] next(int count) {
    float[] out = new float[count];
    fill(out);
    return out;
  }

  /** Overwrites {@code out} with fresh standard normal samples, in index order. */
  public void fill(float[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) nextGaussian();
    }
  }
}
