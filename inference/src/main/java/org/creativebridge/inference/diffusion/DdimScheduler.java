package org.creativebridge.inference.diffusion;

/**
 * DDIM (Song et al. 2020) as diffusers' {@code DDIMScheduler} runs SD 1.5: "leading" timesteps
 * with {@code steps_offset} 1 (50 steps: 981, 961, ..., 1), epsilon prediction, no sample
 * clipping, and {@code set_alpha_to_one = false}, so the step after the last timestep uses
 * {@code alphas_cumprod[0]} rather than 1.
 *
 * <p>With {@code eta} 0 (the pipelines' default) a step is deterministic:
 * {@code x0 = (x - sqrt(1 - a_t) eps) / sqrt(a_t)} and
 * {@code x_prev = sqrt(a_prev) x0 + sqrt(1 - a_prev) eps}. With {@code eta > 0} part of the
 * direction term is replaced by fresh noise of standard deviation
 * {@code eta * sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))}.
 *
 * <p>Immutable and <b>thread-safe</b>.
 */
public final class DdimScheduler implements Scheduler {
  private final NoiseSchedule schedule;
  private final float[] timesteps;
  private final int stride;
  private final double eta;

  /** SD 1.5's DDIM: leading spacing, offset 1, eta 0. */
  public DdimScheduler(NoiseSchedule schedule, int steps) {
    this(schedule, steps, 1, 0.0);
  }

  public DdimScheduler(NoiseSchedule schedule, int steps, int stepsOffset, double eta) {
    Spacing.checkSteps(steps, schedule.trainSteps());
    if (!(eta >= 0)) {
      throw new IllegalArgumentException("eta must be >= 0, got " + eta);
    }
    this.schedule = schedule;
    this.timesteps = Spacing.leading(schedule.trainSteps(), steps, stepsOffset);
    this.stride = schedule.trainSteps() / steps;
    this.eta = eta;
  }

  @Override
  public String name() {
    return "ddim";
  }

  @Override
  public float[] timesteps() {
    return timesteps.clone();
  }

  @Override
  public int steps() {
    return timesteps.length;
  }

  @Override
  public float initNoiseSigma() {
    return 1f;
  }

  @Override
  public float[] scaleModelInput(float[] latents, int stepIndex) {
    Spacing.checkIndex(stepIndex, timesteps.length);
    return latents.clone();
  }

  @Override
  public float[] step(StepInput in) {
    int i = in.stepIndex();
    Spacing.checkIndex(i, timesteps.length);
    int t = (int) timesteps[i];
    // Diffusers steps to t - train/steps, not to the next listed timestep; the same thing
    // except after the last one, where it goes below zero and "final alpha" applies.
    int prev = t - stride;
    double aT = schedule.alphaCumprod(t);
    double aPrev = prev >= 0 ? schedule.alphaCumprod(prev) : schedule.alphaCumprod(0);
    double variance = (1 - aPrev) / (1 - aT) * (1 - aT / aPrev);
    double std = eta * Math.sqrt(variance);
    // x_prev = sqrt(aPrev) * (x - sqrt(1-aT) eps) / sqrt(aT) + sqrt(1 - aPrev - std^2) eps
    double cx = Math.sqrt(aPrev / aT);
    double ce = Math.sqrt(1 - aPrev - std * std) - Math.sqrt(aPrev) * Math.sqrt(1 - aT) / Math.sqrt(aT);
    float[] out = Spacing.combine(cx, in.latents(), ce, in.modelOutput());
    if (std > 0) {
      if (in.noise() == null) {
        throw new IllegalArgumentException("DDIM with eta > 0 needs a noise source");
      }
      for (int k = 0; k < out.length; k++) {
        out[k] = (float) (out[k] + std * in.noise().nextGaussian());
      }
    }
    return out;
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    Spacing.checkIndex(stepIndex, timesteps.length);
    double a = schedule.alphaCumprod((int) timesteps[stepIndex]);
    return Spacing.combine(Math.sqrt(a), original, Math.sqrt(1 - a), noise);
  }
}
