package org.creativebridge.inference.image.inpaint;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.LatentPreview;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.NoiseSchedule;
import org.creativebridge.inference.diffusion.Scheduler;
import org.creativebridge.inference.diffusion.Schedulers;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.diffusion.VaeDecoder;
import org.creativebridge.inference.diffusion.VaeEncoder;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.runtime.ModelFile;

/**
 * {@code image.inpaint} with a Stable Diffusion 1.5 inpainting model in diffusers' ONNX layout
 * (UNet with 9 input channels: latents 4 + mask 1 + masked-image latents 4).
 *
 * <p>A job: grow and feather the mask ({@link FillMask}); crop one context box around the hole,
 * scaled to at most the model's native side in multiples of 64 ({@link Sd15Crop}); stage
 * {@code encode_prompt}: tokenize and embed the negative prompt and the prompt (batch order
 * {@code [uncond, cond]}; the prompt alone when {@code guidance} is 1); {@code encode_image}: VAE
 * encode the crop with its hole blanked (and the whole crop when {@code strength} is below 1);
 * {@code denoise}: the {@link Sd15Denoiser} loop, reporting progress per step and checking for
 * cancellation between steps (and inside each run, through the session lease); {@code decode}: VAE
 * decode; {@code compose}: scale back and blend into the original by the feathered mask, so every
 * pixel outside it stays bit for bit (this UNet repaints its whole input).
 *
 * <p>Params: {@code prompt}, {@code negative_prompt}, {@code seed}, {@code steps} (25),
 * {@code guidance} (7.5), {@code strength} (1), {@code scheduler} ({@code euler_a}, {@code ddim},
 * {@code dpmpp_2m}, {@code lcm}), {@code grow}, {@code feather}, {@code preview_every} (0 = off;
 * previews go to the setup's sink). {@code patch_size} is accepted and ignored. With the same
 * params, seed and model a CPU run is bit for bit repeatable (see {@link VaeEncoder} for the one
 * export whose encoder draws unseeded noise).
 *
 * <p>Thread-safe: the engine holds its immutable setup, tokenizer and file descriptions; every job
 * leases its own sessions. {@link EngineInfo#concurrent()} is false all the same, since two jobs
 * would only compete for the same cores and memory.
 */
public final class Sd15InpaintEngine implements Engine {

  public static final String TASK = "image.inpaint";

  /** SD 1.5's training resolution, used when neither the export nor its config says otherwise. */
  public static final int DEFAULT_NATIVE_SIDE = 512;

  private static final System.Logger LOG = System.getLogger(Sd15InpaintEngine.class.getName());

  private static final String TEXT_ENCODER = "text_encoder/model.onnx";
  private static final String UNET = "unet/model.onnx";
  private static final String VAE_ENCODER = "vae_encoder/model.onnx";
  private static final String VAE_DECODER = "vae_decoder/model.onnx";
  private static final String UNET_CONFIG = "unet/config.json";

  // Where each phase ends on the job's progress bar; denoising is nearly all of the time.
  private static final double PROMPT_DONE = 0.03;
  private static final double IMAGE_DONE = 0.06;
  private static final double DENOISE_DONE = 0.95;
  private static final double DECODE_DONE = 0.99;

  private final Sd15InpaintSetup setup;
  private final EngineInfo info;
  private final ClipTokenizer tokenizer;
  private final Components components;
  private final UnetConfig unetConfig;

  /**
   * Checks the folder and loads the tokenizer; sessions load on the first job.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when a component or the tokenizer is missing
   *     or unreadable
   */
  public Sd15InpaintEngine(Sd15InpaintSetup setup) throws EngineException {
    this.setup = setup;
    this.components =
        new Components(
            component(TEXT_ENCODER), component(UNET), component(VAE_ENCODER), component(VAE_DECODER));
    this.tokenizer = setup.loadTokenizer();
    this.unetConfig = UnetConfig.read(setup.folder().resolve(UNET_CONFIG));
    this.info =
        new EngineInfo(
            setup.modelId(),
            TASK,
            EngineInfo.Kind.MODEL,
            "Stable Diffusion 1.5 inpainting: paints the masked region from a text prompt",
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
    RgbaImage image = request.input("image", RgbaImage.class);
    RgbaImage mask = request.input("mask", RgbaImage.class);
    InpaintInputs.requireSameSize(image, mask);
    Sd15InpaintParams params = Sd15InpaintParams.from(request.params());
    Sd15Denoiser.Plan plan = plan(params);

    context.checkCancelled();
    FillMask fillMask = FillMask.prepare(mask, params.maskEdge().grow(), params.maskEdge().feather());
    if (fillMask.isEmpty()) {
      context.progress(1.0);
      return new EngineResult(Map.of("image", image.copy()));
    }
    try (Unet unet = Unet.open(setup.sessions(), components.unet())) {
      requireInpaintingUnet(unet);
      Sd15Crop crop =
          Sd15Crop.plan(fillMask.bounds(), image.width(), image.height(), canvas(unet));

      context.stage("encode_prompt");
      float[] text = encodePrompts(params.text(), plan.guided(), context);
      context.progress(PROMPT_DONE);

      context.stage("encode_image");
      Sd15Crop.CropPixels pixels = crop.extract(image, fillMask);
      Sd15Denoiser.Inputs inputs;
      try (VaeEncoder encoder = VaeEncoder.open(setup.sessions(), components.vaeEncoder())) {
        NchwTensor masked = encoder.encode(pixels.maskedImage(), context);
        NchwTensor whole = plan.firstStep() > 0 ? encoder.encode(pixels.image(), context) : null;
        inputs = new Sd15Denoiser.Inputs(text, pixels.latentMask(), masked, whole);
      }
      context.progress(IMAGE_DONE);

      context.stage("denoise");
      Sd15Denoiser denoiser =
          new Sd15Denoiser(unet, plan, report -> afterStep(report, params.sampling(), context));
      NchwTensor latents = denoiser.run(inputs, context).latents();

      context.stage("decode");
      NchwTensor decoded;
      try (VaeDecoder decoder = VaeDecoder.open(setup.sessions(), components.vaeDecoder())) {
        decoded = decoder.decode(latents, context);
      }
      context.progress(DECODE_DONE);

      context.stage("compose");
      context.checkCancelled();
      RgbaImage output = crop.compose(image, fillMask, decoded);
      context.progress(1.0);
      return new EngineResult(Map.of("image", output));
    }
  }

  private static Sd15Denoiser.Plan plan(Sd15InpaintParams params) throws EngineException {
    Sd15InpaintParams.Sampling sampling = params.sampling();
    Scheduler scheduler;
    try {
      scheduler = Schedulers.create(sampling.scheduler(), sampling.steps());
    } catch (IllegalArgumentException e) {
      // e.g. LCM, which takes at most 50 steps.
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "scheduler " + sampling.scheduler() + " cannot run " + sampling.steps() + " steps: " + e.getMessage(),
          Map.of("scheduler", sampling.scheduler(), "steps", sampling.steps()),
          e);
    }
    return new Sd15Denoiser.Plan(
        scheduler, sampling.seed(), params.influence().strength(), params.influence().guidance());
  }

  private float[] encodePrompts(Sd15InpaintParams.Text text, boolean guided, JobContext context)
      throws EngineException, CancelledException {
    int[] prompt = tokenizer.encode(text.prompt());
    List<int[]> batch =
        guided ? List.of(tokenizer.encode(text.negativePrompt()), prompt) : List.of(prompt);
    try (TextEncoder encoder = TextEncoder.open(setup.sessions(), components.textEncoder())) {
      return encoder.encode(batch, context);
    }
  }

  private void afterStep(
      Sd15Denoiser.StepReport report, Sd15InpaintParams.Sampling sampling, JobContext context) {
    context.progress(IMAGE_DONE + (DENOISE_DONE - IMAGE_DONE) * report.done() / report.total());
    int every = sampling.previewEvery();
    if (every > 0 && report.done() % every == 0) {
      Sd15Denoiser.Step step = report.step();
      double sigma = NoiseSchedule.SD15.sigmaAt(step.timestep());
      float[] clean =
          LatentPreview.predictOriginal(step.modelInput().values(), step.noisePrediction(), sigma);
      RgbaImage preview =
          LatentPreview.toImage(new NchwTensor(step.modelInput().shape(), clean));
      try {
        context.preview(preview);
        setup.previews().accept(preview);
      } catch (RuntimeException e) {
        // A failing preview sink must not cost the artist the fill.
        LOG.log(Level.WARNING, "the preview sink failed; continuing without this preview", e);
      }
    }
  }

  /**
   * The inpaint pipeline needs 9 input channels. The export's declaration decides; diffusers'
   * export leaves the dim dynamic, and then {@code unet/config.json}'s {@code in_channels} does;
   * with neither, the UNet is taken to be what the folder claims to be.
   */
  private void requireInpaintingUnet(Unet unet) throws EngineException {
    OptionalInt declared = unet.declaredInputChannels();
    OptionalInt channels = declared.isPresent() ? declared : unetConfig.inChannels();
    if (channels.isPresent() && channels.getAsInt() != Unet.INPAINT_CHANNELS) {
      int count = channels.getAsInt();
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "the UNet of model "
              + setup.modelId()
              + " takes "
              + count
              + " input channels, so it is not an inpainting UNet: Stable Diffusion inpainting needs "
              + Unet.INPAINT_CHANNELS
              + " (latents 4 + mask 1 + masked-image latents 4)"
              + (count == Unet.LATENT_CHANNELS ? "; this looks like a text-to-image model" : ""),
          Map.of("model", setup.modelId(), "inputChannels", count));
    }
  }

  private Sd15Crop.Canvas canvas(Unet unet) {
    OptionalInt fixedLatentSide = unet.declaredLatentSide();
    if (fixedLatentSide.isPresent()) {
      return new Sd15Crop.Canvas(fixedLatentSide.getAsInt() * VaeEncoder.DOWNSCALE, true);
    }
    int side = unetConfig.sampleSize().orElse(DEFAULT_NATIVE_SIDE / VaeEncoder.DOWNSCALE);
    return new Sd15Crop.Canvas(side * VaeEncoder.DOWNSCALE, false);
  }

  private ModelFile component(String relative) throws EngineException {
    return setup.component(relative);
  }

  /** The four component files. */
  private record Components(
      ModelFile textEncoder, ModelFile unet, ModelFile vaeEncoder, ModelFile vaeDecoder) {}

  /**
   * What {@code unet/config.json} says, where the folder has one (diffusers and Optimum write it):
   * {@code in_channels} and {@code sample_size} (the latent side it was trained at). Read with two
   * patterns rather than a JSON library: they are flat integers, and a config that does not have
   * them simply leaves the engine to its defaults.
   */
  private record UnetConfig(OptionalInt inChannels, OptionalInt sampleSize) {
    private static final Pattern IN_CHANNELS = Pattern.compile("\"in_channels\"\\s*:\\s*(\\d{1,4})");
    private static final Pattern SAMPLE_SIZE = Pattern.compile("\"sample_size\"\\s*:\\s*(\\d{1,4})");

    static UnetConfig read(Path config) {
      if (!Files.isRegularFile(config)) {
        return new UnetConfig(OptionalInt.empty(), OptionalInt.empty());
      }
      try {
        String text = Files.readString(config, StandardCharsets.UTF_8);
        return new UnetConfig(find(IN_CHANNELS, text), find(SAMPLE_SIZE, text));
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot read " + config + "; using the UNet's defaults", e);
        return new UnetConfig(OptionalInt.empty(), OptionalInt.empty());
      }
    }

    private static OptionalInt find(Pattern pattern, String text) {
      Matcher matcher = pattern.matcher(text);
      if (!matcher.find()) {
        return OptionalInt.empty();
      }
      int value = Integer.parseInt(matcher.group(1));
      return value > 0 ? OptionalInt.of(value) : OptionalInt.empty();
    }
  }
}
