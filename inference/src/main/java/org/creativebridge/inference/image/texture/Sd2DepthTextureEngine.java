package org.creativebridge.inference.image.texture;

import static org.creativebridge.inference.runtime.ModelContract.TensorType.of;

import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.image.inpaint.Sd15InpaintSetup;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code image.texture_from_depth} with Stable Diffusion 2 depth ({@code stable-diffusion-2-depth}
 * in diffusers' ONNX layout: {@code text_encoder/}, {@code unet/}, {@code vae_encoder/}, {@code
 * vae_decoder/}, {@code tokenizer/merges.txt} or the setup's fallback). Its UNet takes 5 input
 * channels, the latents and the depth at latent size normalised to -1..1, and text embeddings 1024
 * wide (OpenCLIP ViT-H). Otherwise the job is {@link ControlNetTextureEngine}'s (same stages,
 * params, seamless tiling); {@code controlnet_scale} is accepted and has no effect.
 *
 * <p>A UNet with another channel count (e.g. SD 2's text-to-image one) is refused at the first job.
 *
 * <p>Thread-safe: holds only immutable state; each job leases its own sessions. {@link
 * EngineInfo#concurrent()} is false.
 */
public final class Sd2DepthTextureEngine implements Engine {

  public static final String TASK = DepthTextureEngine.TASK;

  /** SD 2's OpenCLIP text width. */
  public static final int HIDDEN_SIZE = 1024;

  /** Latents 4 + depth 1. */
  public static final int UNET_CHANNELS = 5;

  /** What {@code text_encoder/model.onnx} must declare. */
  public static final ModelContract TEXT_ENCODER =
      ModelContract.builder("sd2 text_encoder")
          .input(
              "input_ids",
              of(ElementType.INT32, 1, ClipTokenizer.CONTEXT_LENGTH),
              of(ElementType.INT64, 1, ClipTokenizer.CONTEXT_LENGTH),
              of(ElementType.INT32, -1, ClipTokenizer.CONTEXT_LENGTH),
              of(ElementType.INT64, -1, ClipTokenizer.CONTEXT_LENGTH))
          .output("last_hidden_state", ElementType.FLOAT32, -1, ClipTokenizer.CONTEXT_LENGTH, HIDDEN_SIZE)
          .optionalOutput("pooler_output", of(ElementType.FLOAT32, -1, HIDDEN_SIZE))
          .build();

  /**
   * What {@code unet/model.onnx} must declare: 5 input channels, or a dynamic channel dim. A
   * 4-channel (text-to-image) UNet fits the contract only so that the first job can refuse it with a
   * message saying what it is.
   */
  public static final ModelContract UNET =
      ModelContract.builder("sd2 depth unet")
          .input(
              "sample",
              of(ElementType.FLOAT32, -1, UNET_CHANNELS, -1, -1),
              // Loaded only to be refused with a message that names what it is (see openUnet).
              of(ElementType.FLOAT32, -1, Unet.LATENT_CHANNELS, -1, -1))
          .input(
              "timestep",
              of(ElementType.INT64, 1),
              of(ElementType.FLOAT32, 1),
              of(ElementType.INT64),
              of(ElementType.FLOAT32))
          .input("encoder_hidden_states", ElementType.FLOAT32, -1, ClipTokenizer.CONTEXT_LENGTH, HIDDEN_SIZE)
          .output("out_sample", ElementType.FLOAT32, -1, Unet.LATENT_CHANNELS, -1, -1)
          .build();

  private final DepthDiffusionPipeline pipeline;
  private final ModelFile textEncoder;
  private final ModelFile unet;
  private final EngineInfo info;

  /**
   * Checks the folder and loads the tokenizer; sessions load on the first job.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when a component or the tokenizer is missing
   */
  public Sd2DepthTextureEngine(Sd15InpaintSetup setup) throws EngineException {
    this.pipeline = new DepthDiffusionPipeline(setup);
    this.textEncoder = pipeline.component("text_encoder/model.onnx");
    this.unet = pipeline.component("unet/model.onnx");
    this.info =
        new EngineInfo(
            setup.modelId(),
            TASK,
            EngineInfo.Kind.MODEL,
            "Stable Diffusion 2 depth: paints a texture that follows the depth",
            setup.sha256(),
            setup.device(),
            "1",
            false);
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    SessionCache sessions = pipeline.setup().sessions();
    return pipeline.run(
        request,
        context,
        new DepthDiffusionPipeline.Hooks(
            (prompts, ctx) -> {
              try (SessionCache.Lease lease = sessions.lease(textEncoder, TEXT_ENCODER)) {
                return Sd2DepthModels.encodePrompts(lease, prompts, ctx);
              }
            },
            (conditions, ctx) -> openUnet(sessions, conditions)));
  }

  private DepthNoiseModel openUnet(SessionCache sessions, DepthDiffusionPipeline.Conditions conditions)
      throws EngineException {
    SessionCache.Lease lease = sessions.lease(unet, UNET);
    try {
      long channels = lease.fit().input("sample").shape().get(1);
      if (channels > 0 && channels != UNET_CHANNELS) {
        String modelId = pipeline.setup().modelId();
        throw new EngineException(
            EngineException.Kind.MODEL_UNAVAILABLE,
            "the UNet of model "
                + modelId
                + " takes "
                + channels
                + " input channels, so it is not a depth UNet: Stable Diffusion 2 depth needs "
                + UNET_CHANNELS
                + " (latents 4 + depth 1)"
                + (channels == Unet.LATENT_CHANNELS ? "; this looks like a text-to-image model" : ""),
            Map.of("model", modelId, "inputChannels", channels));
      }
      return new Sd2DepthModels.DepthUnet(lease, conditions);
    } catch (EngineException | RuntimeException e) {
      lease.close();
      throw e;
    }
  }
}
