package org.creativebridge.inference.diffusion;

/**
 * DPM-Solver++(2M) (Lu et al. 2022), "DPM++ 2M", as diffusers' {@code DPMSolverMultistepScheduler}
 * runs it with its defaults: second order, midpoint solver, data (x0) prediction from epsilon,
 * "linspace" timesteps ({@code round(linspace(0, 999, steps + 1))} reversed, the 0 dropped: 20
 * steps give 999, 949, ..., 50), final sigma 0 and therefore a first-order last step
 * ({@code lower_order_final}), which lands exactly on the predicted clean latents.
 *
 * <p>In the variance-preserving terms the solver uses, {@code alpha = 1 / sqrt(sigma^2 + 1)},
 * {@code s = sigma * alpha} and {@code lambda = ln(alpha) - ln(s)}. With
 * {@code h = lambda_next - lambda_now} and {@code x0 = (x - s eps) / alpha}:
 * <ul>
 *   <li>first order (first step, last step): {@code x' = (s'/s) x - alpha' (e^-h - 1) x0};
 *   <li>second order: with the previous step's {@code x0_prev},
 *       {@code r = h_prev / h}, {@code D1 = (x0 - x0_prev) / r},
 *       {@code x' = (s'/s) x - alpha' (e^-h - 1) (x0 + D1 / 2)}.
 * </ul>
 *
 * <p><b>Not thread-safe</b>: it remembers the previous step's prediction, as the multistep method
 * requires. One instance per run. The second-order update is used only when the step directly
 * follows the remembered one, so a run that starts part-way (img2img) or a fresh run on a reused
 * instance begins with a first-order step, as diffusers does.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {
  private final float[] timesteps;
  /** Variance-exploding sigmas, one per timestep plus the final 0. */
  private final double[] sigmas;
  private float[] previousX0;
  private int previousIndex = Integer.MIN_VALUE;

  public DpmSolverMultistepScheduler(NoiseSchedule schedule, int steps) {
    Spacing.checkSteps(steps, schedule.trainSteps());
    double[] spaced = Spacing.linspace(0, schedule.trainSteps() - 1, steps + 1, true);
    timesteps = new float[steps];
    sigmas = new double[steps + 1];
    for (int i = 0; i < steps; i++) {
      int t = (int) Math.rint(spaced[steps - i]);
      timesteps[i] = t;
      sigmas[i] = schedule.sigma(t);
    }
    sigmas[steps] = 0;
  }

  @Override
  public String name() {
    return "dpmpp_2m";
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

  private static double alpha(double sigma) {
    return 1.0 / Math.sqrt(sigma * sigma + 1);
  }

  /** lambda = ln(alpha) - ln(sigma * alpha) = -ln(sigma); +infinity at sigma 0. */
  private static double lambda(double sigma) {
    double a = alpha(sigma);
    return Math.log(a) - Math.log(sigma * a);
  }

  @Override
  public float[] step(StepInput in) {
    int i = in.stepIndex();
    Spacing.checkIndex(i, timesteps.length);
    double sigmaNow = sigmas[i];
    double sigmaNext = sigmas[i + 1];
    double alphaNow = alpha(sigmaNow);
    double sNow = sigmaNow * alphaNow;
    double alphaNext = alpha(sigmaNext);
    double sNext = sigmaNext * alphaNext;

    // Data prediction from the noise prediction.
    float[] x = in.latents();
    float[] eps = in.modelOutput();
    float[] x0 = Spacing.combine(1.0 / alphaNow, x, -sNow / alphaNow, eps);

    double h = lambda(sigmaNext) - lambda(sigmaNow);
    double expm = Math.exp(-h) - 1.0; // -1 on the last step (h = +inf)
    double ratio = sNext / sNow; // 0 on the last step
    boolean last = i == timesteps.length - 1;
    boolean secondOrder = !last && previousX0 != null && previousIndex == i - 1 && previousX0.length == x.length;
    float[] out;
    if (secondOrder) {
      double hPrev = lambda(sigmaNow) - lambda(sigmas[i - 1]);
      double r = hPrev / h;
      double c = -alphaNext * expm;
      out = new float[x.length];
      for (int k = 0; k < x.length; k++) {
        double d1 = (x0[k] - previousX0[k]) / r;
        out[k] = (float) (ratio * x[k] + c * x0[k] + 0.5 * c * d1);
      }
    } else {
      out = Spacing.combine(ratio, x, -alphaNext * expm, x0);
    }
    previousX0 = x0;
    previousIndex = i;
    return out;
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    Spacing.checkIndex(stepIndex, timesteps.length);
    double a = alpha(sigmas[stepIndex]);
    return Spacing.combine(a, original, sigmas[stepIndex] * a, noise);
  }
}
