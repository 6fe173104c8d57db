package org.creativebridge.inference.diffusion;

/**
 * Latent Consistency Model sampling (Luo et al. 2023) as diffusers' {@code LCMScheduler} runs it,
 * for LCM-distilled or LCM-LoRA-merged SD 1.5 UNets (typically 2 to 8 steps, guidance 1 to 2).
 *
 * <p>Timesteps: the distillation schedule of {@code original_inference_steps} (50) points,
 * {@code k = 1000 / 50}, {@code 19, 39, ..., 999}, reversed, then {@code steps} of them at indices
 * {@code floor(linspace(0, 50, steps, endpoint=false))}: 4 steps give 999, 759, 499, 259.
 *
 * <p>A step predicts {@code x0 = (x - sqrt(1 - a_t) eps) / sqrt(a_t)}, applies the consistency
 * boundary condition {@code denoised = c_out x0 + c_skip x} with {@code sigma_data = 0.5},
 * {@code u = 10 t} ({@code timestep_scaling} 10), {@code c_skip = 0.25 / (u^2 + 0.25)},
 * {@code c_out = u / sqrt(u^2 + 0.25)}, then re-noises to the next timestep with fresh noise,
 * {@code sqrt(a_next) denoised + sqrt(1 - a_next) noise}; the last step returns {@code denoised}
 * and draws nothing.
 *
 * <p>Immutable and <b>thread-safe</b> (the noise source passed in is not).
 */
public final class LcmScheduler implements Scheduler {
  /** diffusers' default {@code original_inference_steps}. */
  public static final int ORIGINAL_INFERENCE_STEPS = 50;
  /** diffusers' default {@code timestep_scaling}. */
  public static final double TIMESTEP_SCALING = 10.0;
  private static final double SIGMA_DATA = 0.5;

  private final NoiseSchedule schedule;
  private final float[] timesteps;

  public LcmScheduler(NoiseSchedule schedule, int steps) {
    this(schedule, steps, ORIGINAL_INFERENCE_STEPS);
  }

  public LcmScheduler(NoiseSchedule schedule, int steps, int originalInferenceSteps) {
    if (originalInferenceSteps < 1 || originalInferenceSteps > schedule.trainSteps()) {
      throw new IllegalArgumentException("original inference steps must be in 1.." + schedule.trainSteps());
    }
    // Diffusers refuses more steps than the distillation schedule has points.
    Spacing.checkSteps(steps, originalInferenceSteps);
    this.schedule = schedule;
    int k = schedule.trainSteps() / originalInferenceSteps;
    int[] origin = new int[originalInferenceSteps];
    for (int j = 0; j < originalInferenceSteps; j++) {
      origin[j] = (originalInferenceSteps - j) * k - 1; // already reversed: 999, 979, ..., 19
    }
    double[] indices = Spacing.linspace(0, originalInferenceSteps, steps, false);
    timesteps = new float[steps];
    for (int i = 0; i < steps; i++) {
      timesteps[i] = origin[(int) Math.floor(indices[i])];
    }
  }

  @Override
  public String name() {
    return "lcm";
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

  /** {@code c_skip} of the boundary condition at a timestep. */
  static double cSkip(double t) {
    double u = t * TIMESTEP_SCALING;
    return SIGMA_DATA * SIGMA_DATA / (u * u + SIGMA_DATA * SIGMA_DATA);
  }

  /** {@code c_out} of the boundary condition at a timestep. */
  static double cOut(double t) {
    double u = t * TIMESTEP_SCALING;
    return u / Math.sqrt(u * u + SIGMA_DATA * SIGMA_DATA);
  }

  @Override
  public float[] step(StepInput in) {
    int i = in.stepIndex();
    Spacing.checkIndex(i, timesteps.length);
    int t = (int) timesteps[i];
    boolean last = i == timesteps.length - 1;
    double aT = schedule.alphaCumprod(t);
    // denoised = c_out * (x - sqrt(1-aT) eps) / sqrt(aT) + c_skip * x
    double cOut = cOut(t);
    double cx = cOut / Math.sqrt(aT) + cSkip(t);
    double ce = -cOut * Math.sqrt(1 - aT) / Math.sqrt(aT);
    float[] denoised = Spacing.combine(cx, in.latents(), ce, in.modelOutput());
    if (last) {
      return denoised;
    }
    if (in.noise() == null) {
      throw new IllegalArgumentException("LCM needs a noise source for every step but the last");
    }
    double aNext = schedule.alphaCumprod((int) timesteps[i + 1]);
    double keep = Math.sqrt(aNext);
    double fresh = Math.sqrt(1 - aNext);
    float[] out = new float[denoised.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) (keep * denoised[k] + fresh * in.noise().nextGaussian());
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
