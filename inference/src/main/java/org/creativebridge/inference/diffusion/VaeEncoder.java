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
 * The VAE encoder of Stable Diffusion 1.x ({@code vae_encoder/model.onnx} in diffusers' ONNX
 * layout): {@code sample} float32 {@code [N, 3, H, W]} in -1..1 to {@code latent_sample} float32
 * {@code [N, 4, H/8, W/8]}, which this stage multiplies by {@link #SCALING_FACTOR} so its output is
 * in the space the UNet works in.
 *
 * <p>The latents are the export's output as it is, as diffusers' ONNX pipelines use it: diffusers'
 * converter exports {@code encode(x).latent_dist.sample()}, so that file draws its own (unseeded)
 * noise inside the graph, of the order of the VAE's posterior deviation; an export of the mean is
 * fully deterministic.
 *
 * <p>Owns a lease on its session: close it when the job is done. Thread-safe.
 */
public final class VaeEncoder implements AutoCloseable {

  /** SD 1.x's latent scale ({@code vae.config.scaling_factor}). */
  public static final float SCALING_FACTOR = 0.18215f;

  /** Pixels per latent along each axis. */
  public static final int DOWNSCALE = 8;

  /** What {@code vae_encoder/model.onnx} must declare. */
  public static final ModelContract CONTRACT =
      ModelContract.builder("sd15 vae_encoder")
          .input("sample", ElementType.FLOAT32, -1, 3, -1, -1)
          .output("latent_sample", ElementType.FLOAT32, -1, Unet.LATENT_CHANNELS, -1, -1)
          .build();

  private static final String STAGE = "VAE encoder";

  private final SessionCache.Lease lease;

  private VaeEncoder(SessionCache.Lease lease) {
    this.lease = lease;
  }

  /**
   * Leases the session for {@code model} and checks it against {@link #CONTRACT}.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when it cannot load or does not fit
   */
  public static VaeEncoder open(SessionCache sessions, ModelFile model) throws EngineException {
    return new VaeEncoder(sessions.lease(model, CONTRACT));
  }

  /**
   * Encodes {@code image} ({@code [N, 3, H, W]} in -1..1, sides multiples of 8) to scaled latents
   * {@code [N, 4, H/8, W/8]}.
   */
  public NchwTensor encode(NchwTensor image, JobContext context)
      throws EngineException, CancelledException {
    if (image.channels() != 3 || image.height() % DOWNSCALE != 0 || image.width() % DOWNSCALE != 0) {
      throw new IllegalArgumentException(
          "the VAE encodes [N,3,H,W] with H and W multiples of 8, got " + image.shape());
    }
    NchwTensor.Shape latentShape =
        new NchwTensor.Shape(
            image.batch(), Unet.LATENT_CHANNELS, image.height() / DOWNSCALE, image.width() / DOWNSCALE);
    try (OnnxTensor sample = StageTensors.floats(image);
        OrtSession.Result result = lease.run(Map.of("sample", sample), context)) {
      float[] latents =
          StageTensors.readFloats(result, "latent_sample", latentShape.dims(), STAGE);
      for (int i = 0; i < latents.length; i++) {
        latents[i] *= SCALING_FACTOR;
      }
      return new NchwTensor(latentShape, latents);
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
