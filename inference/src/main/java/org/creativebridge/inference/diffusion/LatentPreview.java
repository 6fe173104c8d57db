package org.creativebridge.inference.diffusion;

import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * Cheap previews of a denoising run without the VAE: the current prediction of the clean latents,
 * mapped to RGB by a fixed linear approximation of SD 1.x's decoder.
 *
 * <p>The clean-latent prediction from a noise prediction {@code eps} at noise level {@code sigma}
 * works for every scheduler here, since each feeds the UNet variance-preserving input {@code x}:
 * {@code x0 = (x - sqrt(1 - a) eps) / sqrt(a)} with {@code a = 1 / (1 + sigma^2)}, that is
 * {@code x0 = x sqrt(1 + sigma^2) - sigma eps}.
 *
 * <p>The RGB map is the widely used least-squares fit of SD 1.x's decoded colour to its four
 * (scaled) latent channels, {@code rgb = M l}, then {@code (rgb + 1) / 2} clamped to 0..1. One RGB
 * pixel per latent, so a 512 square previews at 64 x 64: good enough to see composition.
 *
 * <p>Stateless; thread-safe.
 */
public final class LatentPreview {

  /**
   * Rows R, G, B; columns latent channels 0..3. Each channel's contribution: channel 3 carries
   * mostly the blue-yellow axis, channels 0 and 1 the brightness.
   */
  private static final double[][] LATENT_TO_RGB = {
    {0.3512, 0.3250, -0.2829, -0.2120},
    {0.2297, 0.4974, 0.1762, -0.2616},
    {0.3227, 0.2350, 0.2721, -0.7177},
  };

  private LatentPreview() {}

  /**
   * The clean latents the UNet's prediction implies.
   *
   * @param modelInput the latents as fed to the UNet ({@link Scheduler#scaleModelInput}), without
   *     the mask and masked-image channels
   * @param noisePrediction the guided noise prediction for them
   * @param sigma the step's noise level, {@code NoiseSchedule.sigmaAt(timestep)}
   */
  public static float[] predictOriginal(float[] modelInput, float[] noisePrediction, double sigma) {
    if (modelInput.length != noisePrediction.length) {
      throw new IllegalArgumentException(
          "input has " + modelInput.length + " values, prediction " + noisePrediction.length);
    }
    double inputScale = Math.sqrt(1 + sigma * sigma);
    float[] clean = new float[modelInput.length];
    for (int i = 0; i < clean.length; i++) {
      clean[i] = (float) (modelInput[i] * inputScale - sigma * noisePrediction[i]);
    }
    return clean;
  }

  /** The first batch entry of scaled latents {@code [N, 4, h, w]} as an {@code h x w} image. */
  public static RgbaImage toImage(NchwTensor latents) {
    if (latents.channels() != Unet.LATENT_CHANNELS) {
      throw new IllegalArgumentException("previews need 4-channel latents, got " + latents.shape());
    }
    int height = latents.height();
    int width = latents.width();
    int plane = height * width;
    float[] values = latents.values();
    RgbaImage image = new RgbaImage(width, height, SampleDepth.F32);
    float[] out = image.samples();
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        double sum = 0;
        for (int k = 0; k < Unet.LATENT_CHANNELS; k++) {
          sum += LATENT_TO_RGB[c][k] * values[k * plane + p];
        }
        out[p * RgbaImage.CHANNELS + c] = (float) Math.max(0, Math.min(1, (sum + 1) / 2));
      }
      out[p * RgbaImage.CHANNELS + 3] = 1f;
    }
    return image;
  }
}
