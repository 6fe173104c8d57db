package org.creativebridge.inference.image.texture;

import static org.creativebridge.inference.runtime.ModelContract.TensorType.of;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.image.inpaint.Sd15InpaintSetup;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code image.texture_from_depth} with Stable Diffusion 1.5 and a depth ControlNet, in either of
 * the two common ONNX layouts, told apart by the installed folder:
 *
 * <ul>
 *   <li><b>split</b> when the folder has {@code controlnet/model.onnx} ({@link #CONTROLNET}): its 13
 *       residuals feed {@code unet/model.onnx} ({@link #SPLIT_UNET});
 *   <li><b>fused</b> otherwise: {@code unet/model.onnx} is the UNet and ControlNet in one graph
 *       ({@link #FUSED_UNET}); a plain text-to-image UNet there is refused at the first job with
 *       a message saying so.
 * </ul>
 *
 * Both also need {@code text_encoder/}, {@code vae_encoder/}, {@code vae_decoder/} (diffusers'
 * SD 1.5 ONNX components) and {@code tokenizer/merges.txt} or the setup's fallback tokenizer.
 *
 * <p>A job (see {@link DepthDiffusionPipeline}): stages {@code encode_prompt}, {@code control} (the
 * control image: RGB 0..1 with the depth in all three channels, at the output size; and the
 * optional {@code image}'s latents for img2img below strength 1), {@code denoise} (progress per
 * step; cancel between steps and, through the session lease, inside a run), {@code decode}.
 * Params as the schema has them, including {@code controlnet_scale} and {@code seamless}. Output
 * {@code image}, 8-bit.
 *
 * <p>Thread-safe: holds only immutable state; each job leases its own sessions. {@link
 * EngineInfo#concurrent()} is false, since two jobs would only compete for the same cores.
 */
public final class ControlNetTextureEngine implements Engine {

  public static final String TASK = DepthTextureEngine.TASK;

  /** The layout of an installed folder. */
  public enum Layout {
    FUSED,
    SPLIT
  }

  /** Names of the split ControlNet's outputs and of the matching extra UNet inputs, in order. */
  public static final List<String> RESIDUAL_NAMES = residualNames();

  /**
   * SD 1.5's channel count of each residual, in {@link #RESIDUAL_NAMES} order (three per down
   * block at 320, 640 and 1280 channels, the last block and the mid block at 1280); their sides are
   * the latent side over 1, 2, 4 and 8.
   */
  public static final List<Integer> RESIDUAL_CHANNELS =
      List.of(320, 320, 320, 320, 640, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280);

  /** What the fused UNet+ControlNet export must declare. */
  public static final ModelContract FUSED_UNET =
      common(ModelContract.builder("sd15 controlnet fused unet"))
          .input("controlnet_conds", ElementType.FLOAT32, -1, -1, 3, -1, -1)
          .input("conditioning_scales", ElementType.FLOAT32, -1, 1)
          .output("noise_pred", ElementType.FLOAT32, -1, Unet.LATENT_CHANNELS, -1, -1)
          .build();

  /** What the split layout's {@code controlnet/model.onnx} must declare. */
  public static final ModelContract CONTROLNET = controlnetContract();

  /** What the split layout's {@code unet/model.onnx} must declare: the usual three inputs and the 13 residuals. */
  public static final ModelContract SPLIT_UNET = splitUnetContract();

  private static final String UNET = "unet/model.onnx";
  private static final String CONTROLNET_FILE = "controlnet/model.onnx";

  private final DepthDiffusionPipeline pipeline;
  private final Layout layout;
  private final ModelFile textEncoder;
  private final ModelFile unet;
  private final ModelFile controlnet;
  private final EngineInfo info;

  /**
   * Checks the folder, detects its layout and loads the tokenizer; sessions load on the first job.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when a component or the tokenizer is missing
   */
  public ControlNetTextureEngine(Sd15InpaintSetup setup) throws EngineException {
    this.pipeline = new DepthDiffusionPipeline(setup);
    this.layout = Files.isRegularFile(setup.folder().resolve(CONTROLNET_FILE)) ? Layout.SPLIT : Layout.FUSED;
    this.textEncoder = pipeline.component("text_encoder/model.onnx");
    this.unet = pipeline.component(UNET);
    this.controlnet = layout == Layout.SPLIT ? pipeline.component(CONTROLNET_FILE) : null;
    this.info =
        new EngineInfo(
            setup.modelId(),
            TASK,
            EngineInfo.Kind.MODEL,
            "Stable Diffusion 1.5 + ControlNet depth ("
                + layout.name().toLowerCase(java.util.Locale.ROOT)
                + " export): paints a texture that follows the depth",
            setup.sha256(),
            setup.device(),
            "1",
            false);
  }

  /** Which layout the folder was detected as. */
  public Layout layout() {
    return layout;
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
              try (TextEncoder encoder = TextEncoder.open(sessions, textEncoder)) {
                return encoder.encode(prompts, ctx);
              }
            },
            (conditions, ctx) -> open(sessions, conditions)));
  }

  private DepthNoiseModel open(SessionCache sessions, DepthDiffusionPipeline.Conditions conditions)
      throws EngineException {
    if (layout == Layout.FUSED) {
      SessionCache.Lease lease = leaseFused(sessions);
      try {
        return new ControlNetUnets.Fused(lease, conditions);
      } catch (EngineException | RuntimeException e) {
        lease.close();
        throw e;
      }
    }
    SessionCache.Lease control = sessions.lease(controlnet, CONTROLNET);
    SessionCache.Lease denoiser = null;
    try {
      denoiser = sessions.lease(unet, SPLIT_UNET);
      return new ControlNetUnets.Split(control, denoiser, conditions);
    } catch (EngineException | RuntimeException e) {
      control.close();
      if (denoiser != null) {
        denoiser.close();
      }
      throw e;
    }
  }

  /** The fused UNet, or a refusal that says what the folder holds instead. */
  private SessionCache.Lease leaseFused(SessionCache sessions) throws EngineException {
    try {
      return sessions.lease(unet, FUSED_UNET);
    } catch (EngineException e) {
      if (e.kind() != EngineException.Kind.MODEL_UNAVAILABLE) {
        throw e;
      }
      String modelId = pipeline.setup().modelId();
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "model "
              + modelId
              + " is not a ControlNet depth model: its folder has no "
              + CONTROLNET_FILE
              + " (split layout) and its "
              + UNET
              + " does not take the fused layout's controlnet_conds and conditioning_scales inputs ("
              + e.getMessage()
              + ")",
          Map.of("model", modelId),
          e);
    }
  }

  /** The three inputs every SD 1.5 UNet and ControlNet takes, with the timestep as exports vary it. */
  private static ModelContract.Builder common(ModelContract.Builder builder) {
    return builder
        .input("sample", ElementType.FLOAT32, -1, Unet.LATENT_CHANNELS, -1, -1)
        .input(
            "timestep",
            of(ElementType.INT64, 1),
            of(ElementType.FLOAT32, 1),
            of(ElementType.INT64),
            of(ElementType.FLOAT32))
        .input(
            "encoder_hidden_states",
            ElementType.FLOAT32,
            -1,
            ClipTokenizer.CONTEXT_LENGTH,
            TextEncoder.HIDDEN_SIZE);
  }

  private static ModelContract controlnetContract() {
    ModelContract.Builder builder =
        common(ModelContract.builder("sd15 controlnet"))
            .input("controlnet_cond", ElementType.FLOAT32, -1, 3, -1, -1)
            .input(
                "conditioning_scale",
                of(ElementType.FLOAT32, 1),
                of(ElementType.FLOAT32),
                of(ElementType.FLOAT32, 1, 1));
    for (String name : RESIDUAL_NAMES) {
      builder.output(name, ElementType.FLOAT32, -1, -1, -1, -1);
    }
    return builder.build();
  }

  private static ModelContract splitUnetContract() {
    ModelContract.Builder builder = common(ModelContract.builder("sd15 controlnet-fed unet"));
    for (int k = 0; k < RESIDUAL_NAMES.size(); k++) {
      // SD 1.5's channels, or a dynamic dim: an input fixed to another count cannot take these residuals.
      builder.input(RESIDUAL_NAMES.get(k), of(ElementType.FLOAT32, -1, RESIDUAL_CHANNELS.get(k), -1, -1));
    }
    return builder.output("out_sample", ElementType.FLOAT32, -1, Unet.LATENT_CHANNELS, -1, -1).build();
  }

  private static List<String> residualNames() {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      names.add("down_block_" + k + "_additional_residual");
    }
    names.add("mid_block_additional_residual");
    return List.copyOf(names);
  }
}
