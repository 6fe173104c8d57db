package org.creativebridge.inference.diffusion;

/**
 * Euler ancestral ("euler_a", k-diffusion's {@code sample_euler_ancestral}) as diffusers'
 * {@code EulerAncestralDiscreteScheduler} runs it with its defaults: "linspace" timesteps
 * ({@code linspace(0, 999, steps)} reversed, fractional, in float32), noise levels
 * {@code sigma = sqrt((1 - a) / a)} interpolated at those timesteps and a final 0.
 *
 * <p>The UNet input is {@code x / sqrt(sigma^2 + 1)}; the initial noise is scaled by the largest
 * sigma (about 14.6146 for SD 1.5; diffusers uses {@code sigma_max} itself, not
 * {@code sqrt(sigma_max^2 + 1)}, for linspace spacing). A step from {@code s} to {@code s'}
 * splits {@code s'} into a deterministic part {@code s_down} and fresh noise {@code s_up}:
 * {@code s_up = sqrt(s'^2 (s^2 - s'^2) / s^2)}, {@code s_down = sqrt(s'^2 - s_up^2)},
 * {@code x' = x + eps * (s_down - s) + s_up * noise}. Noise is drawn on every step, the last
 * included (where {@code s_up} is 0), so the stream stays aligned with diffusers' use of it.
 *
 * <p>Immutable and <b>thread-safe</b> (the noise source passed in is not).
 */
public final class EulerAncestralScheduler implements Scheduler {
  private final float[] timesteps;
  /** One per timestep plus the final 0. */
  private final double[] sigmas;

  public EulerAncestralScheduler(NoiseSchedule schedule, int steps) {
    Spacing.checkSteps(steps, schedule.trainSteps());
    double[] spaced = Spacing.linspace(0, schedule.trainSteps() - 1, steps, true);
    timesteps = new float[steps];
    sigmas = new double[steps + 1];
    for (int i = 0; i < steps; i++) {
      // float32 first, as diffusers' linspace(..., dtype=np.float32); sigma at that value.
      timesteps[i] = (float) spaced[steps - 1 - i];
      sigmas[i] = schedule.sigmaAt(timesteps[i]);
    }
    sigmas[steps] = 0;
  }

  @Override
  public String name() {
    return "euler_a";
  }

  @Override
  public float[] timesteps() {
    return timesteps.clone();
  }

  @Override
  public int steps() {
    return timesteps.length;
  }

  /** The noise level at a step; index {@code steps()} is the final 0. */
  public double sigma(int stepIndex) {
    return sigmas[stepIndex];
  }

  @Override
  public float initNoiseSigma() {
    double max = 0;
    for (double s : sigmas) {
      max = Math.max(max, s);
    }
    return (float) max;
  }

  @Override
  public float[] scaleModelInput(float[] latents, int stepIndex) {
    Spacing.checkIndex(stepIndex, timesteps.length);
    double s = sigmas[stepIndex];
    return Spacing.scale(latents, 1.0 / Math.sqrt(s * s + 1));
  }

  @Override
  public float[] step(StepInput in) {
    int i = in.stepIndex();
    Spacing.checkIndex(i, timesteps.length);
    if (in.noise() == null) {
      throw new IllegalArgumentException("Euler ancestral needs a noise source");
    }
    double from = sigmas[i];
    double to = sigmas[i + 1];
    double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
    double down = Math.sqrt(to * to - up * up);
    // x0 = x - s * eps, derivative = (x - x0) / s = eps, so x + derivative * dt = x + eps * dt.
    float[] out = Spacing.combine(1.0, in.latents(), down - from, in.modelOutput());
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) (out[k] + up * in.noise().nextGaussian());
    }
    return out;
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    Spacing.checkIndex(stepIndex, timesteps.length);
    // Variance-exploding form: the sample lives at x0 + sigma * noise, unscaled.
    return Spacing.combine(1.0, original, sigmas[stepIndex], noise);
  }
}
