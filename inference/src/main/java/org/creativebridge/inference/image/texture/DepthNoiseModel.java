package org.creativebridge.inference.image.texture;

import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.NchwTensor;

/**
 * The noise predictor of one depth-guided denoising run: a UNet with its depth conditioning
 * (ControlNet, fused or split, or SD 2 depth's extra channel) and the run's text embeddings,
 * both bound when it was opened.
 *
 * <p>Not thread-safe: one instance per job; close it when the run ends (it holds leases and
 * native tensors).
 */
interface DepthNoiseModel extends AutoCloseable {

  /**
   * The predicted noise for {@code sample}.
   *
   * @param sample the scheduler-scaled latents {@code [N, 4, h, w]}, one per batch entry ({@code
   *     [uncond, cond]} when guided), already placed on the canvas by {@code shift}
   * @param timestep the scheduler's timestep
   * @param shift how the latents were placed; the model places its own conditioning to match
   * @return {@code [N, 4, h, w]}, on the canvas (same size as {@code sample})
   */
  NchwTensor predict(NchwTensor sample, float timestep, Shift shift, JobContext context)
      throws EngineException, CancelledException;

  @Override
  void close();

  /**
   * Where one step puts the texture on the wrapped canvas, in latent pixels (one latent pixel is
   * {@value #PIXELS_PER_LATENT} image pixels): rolled circularly by {@code dx, dy}, then padded
   * circularly by {@code mx} columns and {@code my} rows on each side, so the UNet sees the other
   * side of the texture beyond each tiled edge and its own zero padding falls in the margin, which
   * is cropped from the prediction.
   */
  record Shift(int dx, int dy, int mx, int my) {
    static final int PIXELS_PER_LATENT = 8;
    static final Shift NONE = new Shift(0, 0, 0, 0);

    /** {@code tensor} (at {@code scale} pixels per latent pixel) rolled and padded onto the canvas. */
    NchwTensor onCanvas(NchwTensor tensor, int scale) {
      NchwTensor rolled = LatentWrap.roll(tensor, dx * scale, dy * scale);
      return mx == 0 && my == 0 ? rolled : LatentWrap.padCircular(rolled, mx * scale, my * scale);
    }

    /** The inverse of {@link #onCanvas} for a latent-size prediction: crop the margin, roll back. */
    NchwTensor offCanvas(NchwTensor tensor) {
      NchwTensor cropped = mx == 0 && my == 0 ? tensor : LatentWrap.crop(tensor, mx, my);
      return LatentWrap.roll(cropped, -dx, -dy);
    }
  }
}
