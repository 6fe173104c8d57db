package org.creativebridge.inference.image.texture;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.LatentPreview;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.NoiseSchedule;
import org.creativebridge.inference.diffusion.Scheduler;
import org.creativebridge.inference.diffusion.Schedulers;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.diffusion.VaeDecoder;
import org.creativebridge.inference.diffusion.VaeEncoder;
import org.creativebridge.inference.image.Resampler;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.image.inpaint.Sd15InpaintSetup;
import org.creativebridge.inference.runtime.ModelFile;

/**
 * The job body the depth-guided texture engines share; each engine supplies how prompts are
 * embedded and how its depth-conditioned noise model is opened ({@link Hooks}).
 *
 * <p>A job: size the output (the params, or the depth's size rounded down to multiples of 8); read
 * the depth (near = bright) at that size, made periodic along tiled axes first (a depth that does
 * not tile cannot steer a texture that does); {@code encode_prompt}; {@code control}: open the
 * noise model with its conditioning, and VAE-encode the optional {@code image} for img2img;
 * {@code denoise} ({@link DepthDenoiser}); {@code decode}: the VAE, on latents padded circularly by
 * {@value #DECODE_MARGIN} latent pixels on tiled axes and cropped after, so the decoder's own zero
 * padding falls outside the texture and its opposite edges are decoded with each other as
 * neighbours.
 *
 * <p>Thread-safe: holds only immutable state; every job leases its own sessions.
 */
final class DepthDiffusionPipeline {

  /** Latent pixels of wrapped context around a seamless decode: enough for the decoder's receptive field edge. */
  static final int DECODE_MARGIN = 4;

  private static final System.Logger LOG = System.getLogger(DepthDiffusionPipeline.class.getName());

  // Where each phase ends on the progress bar; denoising is nearly all of the time.
  private static final double PROMPT_DONE = 0.03;
  private static final double CONTROL_DONE = 0.06;
  private static final double DENOISE_DONE = 0.95;
  private static final double DECODE_DONE = 0.99;

  private final Sd15InpaintSetup setup;
  private final ClipTokenizer tokenizer;
  private final ModelFile vaeEncoder;
  private final ModelFile vaeDecoder;

  DepthDiffusionPipeline(Sd15InpaintSetup setup) throws EngineException {
    this.setup = setup;
    this.tokenizer = setup.loadTokenizer();
    this.vaeEncoder = component("vae_encoder/model.onnx");
    this.vaeDecoder = component("vae_decoder/model.onnx");
  }

  /** Embeds the prompt batch ({@code [negative, prompt]} or {@code [prompt]}), concatenated. */
  @FunctionalInterface
  interface PromptEncoder {
    float[] encode(List<int[]> prompts, JobContext context) throws EngineException, CancelledException;
  }

  /** Opens the job's noise model, bound to its conditioning. */
  @FunctionalInterface
  interface ModelOpener {
    DepthNoiseModel open(Conditions conditions, JobContext context)
        throws EngineException, CancelledException;
  }

  /** What an engine plugs in. */
  record Hooks(PromptEncoder prompts, ModelOpener models) {}

  /**
   * What the noise model is conditioned on.
   *
   * @param text the text embeddings, one per batch entry
   * @param depth the depth in 0..1 at the output size, row-major (periodic on tiled axes)
   * @param size output {@code [width, height]}
   */
  record Conditions(float[] text, float[] depth, int[] size, DepthDiffusionParams params) {
    int batch() {
      return params.influence().guided() ? 2 : 1;
    }
  }

  Sd15InpaintSetup setup() {
    return setup;
  }

  /** A component file of the folder, with a session key derived from the folder's sha256. */
  ModelFile component(String relative) throws EngineException {
    return setup.component(relative);
  }

  EngineResult run(EngineRequest request, JobContext context, Hooks hooks)
      throws EngineException, CancelledException {
    RgbaImage depthImage = request.input("depth", RgbaImage.class);
    Optional<RgbaImage> image = request.optionalInput("image", RgbaImage.class);
    DepthDiffusionParams params = DepthDiffusionParams.from(request.params());
    DepthDenoiser.Plan plan = new DepthDenoiser.Plan(scheduler(params), params);
    int[] size = outputSize(depthImage, request);
    float[] depth = resized(HeightField.depthOf(depthImage), depthImage, size);
    if (params.seamless() != Seamless.NONE) {
      depth = HeightField.periodic(depth, size[0], size[1], params.seamless());
    }

    context.checkCancelled();
    context.stage("encode_prompt");
    int[] prompt = tokenizer.encode(params.text().prompt());
    List<int[]> batch =
        plan.guided() ? List.of(tokenizer.encode(params.text().negativePrompt()), prompt) : List.of(prompt);
    float[] text = hooks.prompts().encode(batch, context);
    context.progress(PROMPT_DONE);

    context.stage("control");
    NchwTensor.Shape latentShape =
        new NchwTensor.Shape(1, Unet.LATENT_CHANNELS, size[1] / VaeEncoder.DOWNSCALE, size[0] / VaeEncoder.DOWNSCALE);
    try (DepthNoiseModel model = hooks.models().open(new Conditions(text, depth, size, params), context)) {
      NchwTensor imageLatents = null;
      if (image.isPresent() && params.influence().strength() < 1.0) {
        try (VaeEncoder encoder = VaeEncoder.open(setup.sessions(), vaeEncoder)) {
          imageLatents = encoder.encode(pixels(image.get(), size), context);
        }
      }
      context.progress(CONTROL_DONE);

      context.stage("denoise");
      DepthDenoiser denoiser = new DepthDenoiser(plan, report -> afterStep(report, params, context));
      NchwTensor latents = denoiser.run(latentShape, imageLatents, model, context);

      context.stage("decode");
      RgbaImage output = decode(latents, params.seamless(), context);
      context.progress(DECODE_DONE);
      context.progress(1.0);
      return new EngineResult(Map.of("image", output));
    }
  }

  private RgbaImage decode(NchwTensor latents, Seamless seamless, JobContext context)
      throws EngineException, CancelledException {
    int mx = seamless.wrapX() ? Math.min(DECODE_MARGIN, latents.width()) : 0;
    int my = seamless.wrapY() ? Math.min(DECODE_MARGIN, latents.height()) : 0;
    NchwTensor decoded;
    try (VaeDecoder decoder = VaeDecoder.open(setup.sessions(), vaeDecoder)) {
      decoded = decoder.decode(LatentWrap.padCircular(latents, mx, my), context);
    }
    int scale = VaeEncoder.DOWNSCALE;
    return toImage(LatentWrap.crop(decoded, mx * scale, my * scale));
  }

  private static Scheduler scheduler(DepthDiffusionParams params) throws EngineException {
    DepthDiffusionParams.Sampling sampling = params.sampling();
    try {
      return Schedulers.create(sampling.scheduler(), sampling.steps());
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "scheduler " + sampling.scheduler() + " cannot run " + sampling.steps() + " steps: " + e.getMessage(),
          Map.of("scheduler", sampling.scheduler(), "steps", sampling.steps()),
          e);
    }
  }

  private void afterStep(DepthDenoiser.StepReport report, DepthDiffusionParams params, JobContext context) {
    context.progress(CONTROL_DONE + (DENOISE_DONE - CONTROL_DONE) * report.done() / report.total());
    int every = params.sampling().previewEvery();
    if (every <= 0 || report.done() % every != 0) {
      return;
    }
    try {
      double sigma = NoiseSchedule.SD15.sigmaAt(report.timestep());
      float[] clean =
          LatentPreview.predictOriginal(report.modelInput().values(), report.noisePrediction(), sigma);
      RgbaImage preview = LatentPreview.toImage(new NchwTensor(report.modelInput().shape(), clean));
      context.preview(preview);
      setup.previews().accept(preview);
    } catch (RuntimeException e) {
      // A failing preview must not cost the artist the texture.
      LOG.log(Level.WARNING, "a preview failed; continuing without it", e);
    }
  }

  /** The output size: width/height params as the built-in engine reads them, else the depth's, to multiples of 8. */
  private static int[] outputSize(RgbaImage depth, EngineRequest request) throws EngineException {
    if (request.params().has("width") || request.params().has("height")) {
      return DepthTextureEngine.outputSize(depth, request.params());
    }
    return new int[] {fitted(depth.width()), fitted(depth.height())};
  }

  private static int fitted(int side) {
    int step = DepthTextureEngine.SIDE_STEP;
    return Math.max(DepthTextureEngine.MIN_SIDE, Math.min(DepthTextureEngine.MAX_SIDE, side / step * step));
  }

  private static float[] resized(float[] values, RgbaImage source, int[] size) {
    if (size[0] == source.width() && size[1] == source.height()) {
      return values;
    }
    float[] scaled =
        Resampler.resize(new Resampler.Raster(source.width(), source.height(), 1, values), size[0], size[1])
            .samples();
    for (int i = 0; i < scaled.length; i++) {
      // Catmull-Rom overshoots at steps; the depth is 0..1.
      scaled[i] = Math.min(1f, Math.max(0f, scaled[i]));
    }
    return scaled;
  }

  /** The colour image at the output size as the VAE takes it: {@code [1, 3, H, W]} in -1..1. */
  static NchwTensor pixels(RgbaImage image, int[] size) {
    int count = image.width() * image.height();
    float[] rgb = new float[count * 3];
    for (int i = 0; i < count; i++) {
      System.arraycopy(image.samples(), i * RgbaImage.CHANNELS, rgb, i * 3, 3);
    }
    float[] scaled =
        size[0] == image.width() && size[1] == image.height()
            ? rgb
            : Resampler.resize(new Resampler.Raster(image.width(), image.height(), 3, rgb), size[0], size[1])
                .samples();
    int plane = size[0] * size[1];
    float[] out = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        float v = Math.min(1f, Math.max(0f, scaled[i * 3 + c]));
        out[c * plane + i] = v * 2f - 1f;
      }
    }
    return new NchwTensor(new NchwTensor.Shape(1, 3, size[1], size[0]), out);
  }

  /** {@code [1, 3, H, W]} in -1..1 to an 8-bit image, each sample snapped to what the PNG holds. */
  static RgbaImage toImage(NchwTensor decoded) {
    int w = decoded.width();
    int h = decoded.height();
    RgbaImage out = new RgbaImage(w, h, SampleDepth.U8);
    float[] samples = out.samples();
    int plane = w * h;
    float scale = SampleDepth.U8.scale();
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        float v = Math.min(1f, Math.max(0f, (decoded.values()[c * plane + i] + 1f) / 2f));
        samples[i * 4 + c] = Math.round(v * scale) / scale;
      }
      samples[i * 4 + 3] = 1f;
    }
    return out;
  }
}
