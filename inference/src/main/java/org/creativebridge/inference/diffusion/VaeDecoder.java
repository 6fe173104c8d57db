package org.creativebridge.inference.diffusion;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * The VAE decoder of Stable Diffusion 1.x ({@code vae_decoder/model.onnx} in diffusers' ONNX
 * layout): {@code latent_sample} float32 {@code [N, 4, h, w]} to {@code sample} float32
 * {@code [N, 3, 8h, 8w]} in (about) -1..1. Takes latents in the UNet's space and divides them by
 * {@link VaeEncoder#SCALING_FACTOR} first, as the pipelines do.
 *
 * <p>Owns a lease on its session: close it when the job is done. Thread-safe.
 */
public final class VaeDecoder implements AutoCloseable {

  /** What {@code vae_decoder/model.onnx} must declare. */
  public static final ModelContract CONTRACT =
      ModelContract.builder("sd15 vae_decoder")
          .input("latent_sample", ElementType.FLOAT32, -1, Unet.LATENT_CHANNELS, -1, -1)
          .output("sample", ElementType.FLOAT32, -1, 3, -1, -1)
          .build();

  private static final String STAGE = "VAE decoder";

  private final SessionCache.Lease lease;

  private VaeDecoder(SessionCache.Lease lease) {
    this.lease = lease;
  }

  /**
   * Leases the session for {@code model} and checks it against {@link #CONTRACT}.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when it cannot load or does not fit
   */
  public static VaeDecoder open(SessionCache sessions, ModelFile model) throws EngineException {
    return new VaeDecoder(sessions.lease(model, CONTRACT));
  }

  /** Decodes scaled latents {@code [N, 4, h, w]} to an image {@code [N, 3, 8h, 8w]} in -1..1. */
  public NchwTensor decode(NchwTensor latents, JobContext context)
      throws EngineException, CancelledException {
    if (latents.channels() != Unet.LATENT_CHANNELS) {
      throw new IllegalArgumentException("the VAE decodes 4-channel latents, got " + latents.shape());
    }
    float[] unscaled = new float[latents.values().length];
    for (int i = 0; i < unscaled.length; i++) {
      unscaled[i] = latents.values()[i] / VaeEncoder.SCALING_FACTOR;
    }
    NchwTensor.Shape imageShape =
        new NchwTensor.Shape(
            latents.batch(),
            3,
            latents.height() * VaeEncoder.DOWNSCALE,
            latents.width() * VaeEncoder.DOWNSCALE);
    try (OnnxTensor sample = StageTensors.floats(new NchwTensor(latents.shape(), unscaled));
        OrtSession.Result result = lease.run(Map.of("latent_sample", sample), context)) {
      float[] image = StageTensors.readFloats(result, "sample", imageShape.dims(), STAGE);
      return new NchwTensor(imageShape, image);
    } catch (OrtException e) {
      throw StageTensors.tensorFailure(STAGE, e);
    }
  }

  /** Ends the lease; the session stays cached for the next job. */
  @Override
  public void close() {
    lease.close();
  }
}
