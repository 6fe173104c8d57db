package org.creativebridge.inference.diffusion;

import java.util.Objects;

/**
 * One denoising step's inputs.
 *
 * @param modelOutput the UNet's prediction for {@code latents} (epsilon; after classifier-free
 *     guidance has combined the conditional and unconditional halves)
 * @param stepIndex position in {@link Scheduler#timesteps()}, 0 for the first step
 * @param latents the current latents (not the scaled model input)
 * @param noise where stochastic schedulers draw fresh noise (Euler ancestral, LCM, DDIM with
 *     eta &gt; 0); may be null for the deterministic ones
 */
public record StepInput(float[] modelOutput, int stepIndex, float[] latents, LatentNoise noise) {
  public StepInput {
    Objects.requireNonNull(modelOutput, "modelOutput");
    Objects.requireNonNull(latents, "latents");
    if (modelOutput.length != latents.length) {
      throw new IllegalArgumentException("modelOutput has " + modelOutput.length + " values, latents "
          + latents.length);
    }
  }

  /** A step of a scheduler that draws no noise. */
  public StepInput(float[] modelOutput, int stepIndex, float[] latents) {
    this(modelOutput, stepIndex, latents, null);
  }
}
