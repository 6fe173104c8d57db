package org.creativebridge.inference.image.inpaint;

import static org.creativebridge.inference.diffusion.SdTestModels.DECODER_GAIN;
import static org.creativebridge.inference.diffusion.SdTestModels.UNET_LATENTS;
import static org.creativebridge.inference.diffusion.SdTestModels.UNET_MASK;
import static org.creativebridge.inference.diffusion.SdTestModels.UNET_MASKED;
import static org.creativebridge.inference.diffusion.SdTestModels.UNET_TEXT;
import static org.creativebridge.inference.diffusion.SdTestModels.UNET_TIMESTEP;

import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.LatentNoise;
import org.creativebridge.inference.diffusion.Scheduler;
import org.creativebridge.inference.diffusion.StepInput;

/**
 * The tests' own restatement of the SD inpaint pipeline over the arithmetic look-alike models of
 * make_sd_models.py, written from the models' formulas and diffusers' pipeline rather than from the
 * engine's code: CFG with batch order [uncond, cond], the channel order [latents, mask,
 * masked-image latents], the timestep as each UNet variant receives it. Only the schedulers are
 * shared with the engine; they have their own formula tests.
 *
 * <p>Latents here are single-entry {@code [4, h, w]} arrays, the mask {@code [h, w]}.
 */
final class Sd15Reference {

  private Sd15Reference() {}

  /** What the look-alike text encoder + UNet make of one prompt: mean(ids - EOS). */
  static double textOffset(int[] ids) {
    double sum = 0;
    for (int id : ids) {
      sum += id - ClipTokenizer.EOS;
    }
    return sum / ids.length;
  }

  /** The UNet look-alike's prediction for one batch entry. */
  static double[] unet(float[] modelInput, LatentInputs inputs, double timestepSeen, double textOffset) {
    int plane = inputs.mask().length;
    double[] out = new double[modelInput.length];
    for (int k = 0; k < out.length; k++) {
      out[k] =
          UNET_LATENTS * modelInput[k]
              + UNET_MASK * inputs.mask()[k % plane]
              + UNET_MASKED * inputs.maskedImageLatents()[k]
              + UNET_TIMESTEP * timestepSeen
              + UNET_TEXT * textOffset;
    }
    return out;
  }

  /**
   * The conditioning latents.
   *
   * @param imageLatents the unmasked image encoded, for strength below 1; may be null otherwise
   */
  record LatentInputs(float[] mask, float[] maskedImageLatents, float[] imageLatents) {}

  /**
   * The sampling settings.
   *
   * @param truncateTimestep whether the UNet takes int64 timesteps
   */
  record Sampling(Scheduler scheduler, long seed, double strength, boolean truncateTimestep) {}

  /** The prompts' text offsets; {@code guidance} 1 means the cond one alone. */
  record Guidance(double uncondOffset, double condOffset, double scale) {}

  /** The denoised latents, with the step the run began at. */
  record Denoised(float[] latents, int firstStep) {}

  static Denoised denoise(LatentInputs inputs, Sampling sampling, Guidance guidance) {
    Scheduler scheduler = sampling.scheduler();
    LatentNoise noise = new LatentNoise(sampling.seed());
    float[] initial = noise.next(inputs.maskedImageLatents().length);
    int steps = scheduler.steps();
    int first = Math.min(steps - Math.min((int) (steps * sampling.strength()), steps), steps - 1);
    float[] latents;
    if (first == 0) {
      latents = new float[initial.length];
      for (int k = 0; k < latents.length; k++) {
        latents[k] = initial[k] * scheduler.initNoiseSigma();
      }
    } else {
      latents = scheduler.addNoise(inputs.imageLatents(), initial, first);
    }
    float[] timesteps = scheduler.timesteps();
    for (int i = first; i < steps; i++) {
      float[] modelInput = scheduler.scaleModelInput(latents, i);
      double t = sampling.truncateTimestep() ? (long) timesteps[i] : timesteps[i];
      double[] cond = unet(modelInput, inputs, t, guidance.condOffset());
      float[] eps = new float[cond.length];
      if (guidance.scale() > 1) {
        double[] uncond = unet(modelInput, inputs, t, guidance.uncondOffset());
        for (int k = 0; k < eps.length; k++) {
          eps[k] = (float) (uncond[k] + guidance.scale() * (cond[k] - uncond[k]));
        }
      } else {
        for (int k = 0; k < eps.length; k++) {
          eps[k] = (float) cond[k];
        }
      }
      latents = scheduler.step(new StepInput(eps, i, latents, noise));
    }
    return new Denoised(latents, first);
  }

  /** The VAE encoder look-alike, scaled: 8x8 means of R, G, B and their mean, times 0.18215. */
  static float[] encode(float[] planes, int width, int height) {
    int lw = width / 8;
    int lh = height / 8;
    float[] latents = new float[4 * lw * lh];
    for (int by = 0; by < lh; by++) {
      for (int bx = 0; bx < lw; bx++) {
        double all = 0;
        for (int c = 0; c < 3; c++) {
          double sum = 0;
          for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
              sum += planes[(c * height + by * 8 + y) * width + bx * 8 + x];
            }
          }
          latents[(c * lh + by) * lw + bx] = (float) (0.18215 * sum / 64);
          all += sum / 64;
        }
        latents[(3 * lh + by) * lw + bx] = (float) (0.18215 * all / 3);
      }
    }
    return latents;
  }

  /**
   * The decoder look-alike and the engine's -1..1 to 0..1 mapping: the RGB of pixel (x, y) from
   * square latents of side {@code latentSide}.
   */
  static double[] decodedRgb(float[] latents, int latentSide, int x, int y) {
    double[] rgb = new double[3];
    for (int c = 0; c < 3; c++) {
      double latent = latents[(c * latentSide + y / 8) * latentSide + x / 8];
      double signed = DECODER_GAIN * (latent / 0.18215);
      rgb[c] = Math.max(0, Math.min(1, (signed + 1) / 2));
    }
    return rgb;
  }
}
