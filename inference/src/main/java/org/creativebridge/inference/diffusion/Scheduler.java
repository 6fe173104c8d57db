package org.creativebridge.inference.diffusion;

/**
 * A diffusion sampler: which timesteps the UNet sees and how each prediction moves the latents.
 *
 * <p>Latents are flat float arrays of any layout (the maths is elementwise), typically
 * {@code [1, 4, H/8, W/8]}. Every method returns a new array and never writes its inputs.
 *
 * <p>A denoising run, as diffusers' pipelines do it:
 * <pre>{@code
 * float[] x = noise.next(n) * initNoiseSigma()             // or addNoise(image, noise, start) for img2img
 * for (int i = start; i < timesteps().length; i++) {
 *   float[] in = scaleModelInput(x, i);                    // feed the UNet with timesteps()[i]
 *   float[] eps = guidance(unet(in, timesteps()[i]));
 *   x = step(new StepInput(eps, i, x, noise));
 * }
 * }</pre>
 *
 * <p>Thread-safety is per implementation: the single-step samplers are immutable; the multistep
 * one remembers the previous prediction, so one instance serves one run at a time (see
 * {@link Schedulers#create}, which makes a fresh one).
 */
public interface Scheduler {
  /** The name {@link Schedulers#create} knows it by. */
  String name();

  /**
   * The timesteps given to the UNet, in the order they are used. Values are what diffusers puts
   * in its timestep tensor: whole numbers for most samplers, fractions for Euler ancestral.
   */
  float[] timesteps();

  /**
   * The timesteps for a UNet whose {@code timestep} input is int64: truncated toward zero, as
   * diffusers' ONNX pipelines do when they cast the float timestep to the model's dtype.
   */
  default long[] timestepsInt64() {
    float[] t = timesteps();
    long[] out = new long[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = (long) t[i];
    }
    return out;
  }

  /** The number of denoising steps (the length of {@link #timesteps()}). */
  default int steps() {
    return timesteps().length;
  }

  /** Standard deviation to scale unit-variance initial noise by before the first step. */
  float initNoiseSigma();

  /** The UNet input for the latents at a step (scaled, or an identical copy). */
  float[] scaleModelInput(float[] latents, int stepIndex);

  /** The latents after one step. */
  float[] step(StepInput in);

  /**
   * Noised latents at a step's noise level, from clean latents and unit noise: how img2img and
   * inpainting start part-way, at {@link #startIndex(double)}.
   */
  float[] addNoise(float[] original, float[] noise, int stepIndex);

  /**
   * The first step an image-to-image run of this strength uses, as diffusers' img2img and
   * inpainting pipelines pick it: {@code steps - min(floor(steps * strength), steps)}. Strength 1
   * starts at 0 (all steps); strength 0.5 skips the noisier half.
   */
  default int startIndex(double strength) {
    if (!(strength >= 0 && strength <= 1)) {
      throw new IllegalArgumentException("strength must be in 0..1, got " + strength);
    }
    int n = steps();
    int init = Math.min((int) (n * strength), n);
    return Math.max(n - init, 0);
  }
}
