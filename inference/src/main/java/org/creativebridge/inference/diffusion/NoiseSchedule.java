package org.creativebridge.inference.diffusion;

/**
 * The training noise schedule of a DDPM-trained model: betas, and the cumulative products of
 * {@code 1 - beta} ({@code alphas_cumprod}) that every scheduler here derives its coefficients
 * from. Stable Diffusion 1.x uses the "scaled_linear" schedule: betas are the squares of a linear
 * ramp from {@code sqrt(0.00085)} to {@code sqrt(0.012)} over 1000 training steps.
 *
 * <p>Computed in double. Diffusers computes it in float32, so its values differ from these in
 * the seventh significant digit (e.g. {@code alphas_cumprod[999]} is 0.0046600895 there and
 * 0.0046600985 here); that is far below what a float32 UNet resolves.
 *
 * <p>Immutable and <b>thread-safe</b>.
 */
public final class NoiseSchedule {
  /** SD 1.5's scheduler config: scaled_linear, beta_start 0.00085, beta_end 0.012, 1000 steps. */
  public static final NoiseSchedule SD15 = scaledLinear(0.00085, 0.012, 1000);

  private final double[] alphasCumprod;
  private final double[] sigmas;

  private NoiseSchedule(double[] betas) {
    alphasCumprod = new double[betas.length];
    sigmas = new double[betas.length];
    double product = 1.0;
    for (int t = 0; t < betas.length; t++) {
      product *= 1.0 - betas[t];
      alphasCumprod[t] = product;
      sigmas[t] = Math.sqrt((1.0 - product) / product);
    }
  }

  /** Betas {@code = linspace(sqrt(betaStart), sqrt(betaEnd), trainSteps)^2}. */
  public static NoiseSchedule scaledLinear(double betaStart, double betaEnd, int trainSteps) {
    if (trainSteps < 2 || !(betaStart > 0) || !(betaEnd < 1) || betaStart > betaEnd) {
      throw new IllegalArgumentException("bad schedule: " + betaStart + ".." + betaEnd + " over " + trainSteps);
    }
    double lo = Math.sqrt(betaStart);
    double hi = Math.sqrt(betaEnd);
    double[] betas = new double[trainSteps];
    for (int t = 0; t < trainSteps; t++) {
      double root = lo + (hi - lo) * t / (trainSteps - 1);
      betas[t] = root * root;
    }
    return new NoiseSchedule(betas);
  }

  public int trainSteps() {
    return alphasCumprod.length;
  }

  /** {@code alphas_cumprod[t]}, the share of signal variance left at training step {@code t}. */
  public double alphaCumprod(int t) {
    return alphasCumprod[t];
  }

  /** A copy of all {@code alphas_cumprod}. */
  public double[] alphasCumprod() {
    return alphasCumprod.clone();
  }

  /** The variance-exploding noise level {@code sqrt((1 - a) / a)} at training step {@code t}. */
  public double sigma(int t) {
    return sigmas[t];
  }

  /**
   * The noise level at a fractional timestep, linearly interpolated between the integer ones
   * (what {@code np.interp(t, arange(1000), sigmas)} gives; clamped at both ends like it).
   */
  public double sigmaAt(double t) {
    if (t <= 0) {
      return sigmas[0];
    }
    int last = sigmas.length - 1;
    if (t >= last) {
      return sigmas[last];
    }
    int low = (int) Math.floor(t);
    double w = t - low;
    return w == 0 ? sigmas[low] : sigmas[low] + (sigmas[low + 1] - sigmas[low]) * w;
  }
}
