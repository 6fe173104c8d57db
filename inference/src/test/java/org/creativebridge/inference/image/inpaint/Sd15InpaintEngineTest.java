package org.creativebridge.inference.image.inpaint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.Schedulers;
import org.creativebridge.inference.diffusion.SdTestModels;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SD 1.5 inpaint engine end to end on 64x64 images with the arithmetic look-alikes (latents
 * 8x8), checked against {@link Sd15Reference}.
 */
class Sd15InpaintEngineTest {
  @TempDir static Path dir;
  private static OnnxRuntime runtime;
  private static ClipTokenizer tokenizer;

  private static final int SIDE = 64;
  /** Euler ancestral's timesteps for 5 steps are 999, 749.25, 499.5, 249.75, 0: fractional. */
  private static final int STEPS = 5;
  /** The hole: a 24 x 16 rectangle, so some latent blocks are partly hole. */
  private static final int HOLE_X0 = 20;

  private static final int HOLE_Y0 = 12;
  private static final int HOLE_X1 = 44;
  private static final int HOLE_Y1 = 28;

  @BeforeAll
  static void models() throws Exception {
    SdTestModels.generate(dir);
    runtime = SdTestModels.cpuRuntime();
    tokenizer = ClipTokenizer.load(SdTestModels.clipMerges());
  }

  @AfterAll
  static void close() {
    if (runtime != null) {
      runtime.sessions().close();
    }
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Sd15InpaintEngine engine(String folder, Consumer<RgbaImage> previews) throws Exception {
    // Each folder its own pinned hash, as installed models have: sessions are cached by it.
    Sd15InpaintSetup setup =
        Sd15InpaintSetup.builder("sd15-test-" + folder, dir.resolve(folder), sha256(folder), runtime.sessions())
            .device(runtime.device())
            .tokenizerFallback(SdTestModels.clipMerges())
            .previews(previews)
            .build();
    return new Sd15InpaintEngine(setup);
  }

  private static Sd15InpaintEngine engine(String folder) throws Exception {
    return engine(folder, image -> {});
  }

  private static RgbaImage image(SampleDepth depth) {
    RgbaImage image = new RgbaImage(SIDE, SIDE, depth);
    float scale = depth.scale();
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        for (int c = 0; c < 3; c++) {
          double unit = 0.5 + 0.4 * Math.sin(x * 0.21 + y * 0.13 + c * 1.7);
          image.set(x, y, c, Math.round(unit * scale) / scale);
        }
        image.set(x, y, 3, 1f);
      }
    }
    return image;
  }

  private static RgbaImage mask() {
    RgbaImage mask = new RgbaImage(SIDE, SIDE, SampleDepth.U8);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        boolean hole = x >= HOLE_X0 && x < HOLE_X1 && y >= HOLE_Y0 && y < HOLE_Y1;
        for (int c = 0; c < 4; c++) {
          mask.set(x, y, c, hole || c == 3 ? 1f : 0f);
        }
      }
    }
    return mask;
  }

  private static boolean inHole(int x, int y) {
    return x >= HOLE_X0 && x < HOLE_X1 && y >= HOLE_Y0 && y < HOLE_Y1;
  }

  private static EngineRequest request(RgbaImage image, Map<String, Object> params) {
    Map<String, Object> all = new HashMap<>(Map.of("prompt", "a photo of a cat", "seed", 42L, "steps", (long) STEPS));
    all.putAll(params);
    return new EngineRequest(Map.of("image", image, "mask", mask()), new Params(all));
  }

  private static RgbaImage run(Sd15InpaintEngine engine, EngineRequest request, JobContext context)
      throws Exception {
    return (RgbaImage) engine.run(request, context).outputs().get("image");
  }

  /** What the pipeline must produce for a float image, recomputed from the models' formulas. */
  private static RgbaImage expected(RgbaImage image, Map<String, Object> params, boolean truncate) {
    int plane = SIDE * SIDE;
    float[] rgb = new float[3 * plane];
    float[] masked = new float[3 * plane];
    float[] latentMask = new float[(SIDE / 8) * (SIDE / 8)];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        for (int c = 0; c < 3; c++) {
          rgb[c * plane + y * SIDE + x] = image.get(x, y, c) * 2f - 1f;
          masked[c * plane + y * SIDE + x] = inHole(x, y) ? 0f : image.get(x, y, c) * 2f - 1f;
        }
        if (inHole(x, y)) {
          latentMask[(y / 8) * (SIDE / 8) + x / 8] = 1f;
        }
      }
    }
    double strength = ((Number) params.getOrDefault("strength", 1.0)).doubleValue();
    double guidance = ((Number) params.getOrDefault("guidance", 7.5)).doubleValue();
    String scheduler = (String) params.getOrDefault("scheduler", "euler_a");
    Sd15Reference.Denoised denoised =
        Sd15Reference.denoise(
            new Sd15Reference.LatentInputs(
                latentMask, Sd15Reference.encode(masked, SIDE, SIDE), Sd15Reference.encode(rgb, SIDE, SIDE)),
            new Sd15Reference.Sampling(Schedulers.create(scheduler, STEPS), 42L, strength, truncate),
            new Sd15Reference.Guidance(
                Sd15Reference.textOffset(tokenizer.encode("")),
                Sd15Reference.textOffset(tokenizer.encode("a photo of a cat")),
                guidance));
    RgbaImage out = image.copy();
    for (int y = HOLE_Y0; y < HOLE_Y1; y++) {
      for (int x = HOLE_X0; x < HOLE_X1; x++) {
        double[] fill = Sd15Reference.decodedRgb(denoised.latents(), SIDE / 8, x, y);
        for (int c = 0; c < 3; c++) {
          out.set(x, y, c, (float) fill[c]);
        }
      }
    }
    return out;
  }

  private static void assertMatches(RgbaImage expected, RgbaImage actual) {
    int notClamped = 0;
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        for (int c = 0; c < 4; c++) {
          float want = expected.get(x, y, c);
          float got = actual.get(x, y, c);
          if (inHole(x, y) && c < 3) {
            assertEquals(want, got, 2e-5, "pixel " + x + "," + y + " channel " + c);
            notClamped += want > 0f && want < 1f ? 1 : 0;
          } else {
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), "outside pixel " + x + "," + y);
          }
        }
      }
    }
    // A comparison of values all clamped to 0 or 1 would prove little.
    assertTrue(notClamped > 100, "only " + notClamped + " fill samples inside 0..1");
  }

  @ParameterizedTest(name = "{0} on the {1} folder")
  @CsvSource({
    "euler_a, sd15, true",
    "euler_a, sd15-float-timestep, false",
    "euler_a, sd15-scalar-timestep, true",
    "euler_a, sd15-int64-ids, true",
    "ddim, sd15, true",
    "dpmpp_2m, sd15, true",
    "lcm, sd15-float-timestep, false",
  })
  void fillsTheHoleAsTheReferencePipelineComputes(String scheduler, String folder, boolean truncate)
      throws Exception {
    RgbaImage image = image(SampleDepth.F32);
    Map<String, Object> params = Map.of("scheduler", scheduler);
    RgbaImage output = run(engine(folder), request(image, params), JobContext.detached());
    assertMatches(expected(image, params, truncate), output);
  }

  @Test
  void int64AndFloat32TimestepsGiveDifferentFillsForFractionalTimesteps() throws Exception {
    RgbaImage image = image(SampleDepth.F32);
    RgbaImage truncated = run(engine(SdTestModels.MAIN), request(image, Map.of()), JobContext.detached());
    RgbaImage fractional =
        run(engine(SdTestModels.FLOAT_TIMESTEP), request(image, Map.of()), JobContext.detached());
    assertFalse(truncated.contentEquals(fractional));
  }

  @Test
  void guidanceOfOneAndStrengthBelowOneFollowTheReference() throws Exception {
    RgbaImage image = image(SampleDepth.F32);
    Map<String, Object> params = Map.of("guidance", 1.0, "strength", 0.5, "scheduler", "ddim");
    RgbaImage output = run(engine(SdTestModels.MAIN), request(image, params), JobContext.detached());
    assertMatches(expected(image, params, true), output);
  }

  @Test
  void leavesEveryPixelOutsideTheFeatheredMaskBitIdentical() throws Exception {
    RgbaImage image = image(SampleDepth.U8);
    RgbaImage output =
        run(engine(SdTestModels.MAIN), request(image, Map.of("grow", 2L, "feather", 3L)), JobContext.detached());
    FillMask fillMask = FillMask.prepare(mask(), 2, 3);
    int changedInside = 0;
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        float blend = fillMask.blend()[y * SIDE + x];
        for (int c = 0; c < 4; c++) {
          if (blend <= 0f || c == 3) {
            assertEquals(
                Float.floatToIntBits(image.get(x, y, c)),
                Float.floatToIntBits(output.get(x, y, c)),
                "pixel " + x + "," + y + " channel " + c);
          } else {
            float code = output.get(x, y, c) * 255f;
            assertEquals(Math.round(code), code, 1e-3, "inside values are 8-bit codes");
            changedInside += output.get(x, y, c) != image.get(x, y, c) ? 1 : 0;
          }
        }
      }
    }
    assertTrue(changedInside > 0, "the fill changed nothing");
  }

  @Test
  void sameSeedGivesABitIdenticalImageAndAnotherSeedDoesNot() throws Exception {
    Sd15InpaintEngine engine = engine(SdTestModels.MAIN);
    RgbaImage image = image(SampleDepth.F32);
    RgbaImage first = run(engine, request(image, Map.of()), JobContext.detached());
    RgbaImage again = run(engine, request(image, Map.of()), JobContext.detached());
    RgbaImage other = run(engine, request(image, Map.of("seed", 43L)), JobContext.detached());
    assertArrayEquals(first.samples(), again.samples());
    assertFalse(first.contentEquals(other));
  }

  @Test
  void refusesATextToImageUnetNamingTheChannelCount() throws Exception {
    EngineException refused =
        assertThrows(
            EngineException.class,
            () -> run(engine(SdTestModels.TEXT_TO_IMAGE_UNET), request(image(SampleDepth.U8), Map.of()), JobContext.detached()));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, refused.kind());
    assertTrue(refused.getMessage().contains("takes 4 input channels"), refused.getMessage());
    assertTrue(refused.getMessage().contains("not an inpainting UNet"), refused.getMessage());
    assertTrue(refused.getMessage().contains("needs 9"), refused.getMessage());
  }

  @Test
  void reportsEachStageInOrderAndProgressPerStep() throws Exception {
    Recording job = new Recording(Integer.MAX_VALUE);
    run(engine(SdTestModels.MAIN), request(image(SampleDepth.U8), Map.of("steps", 5L)), job);
    assertEquals(List.of("encode_prompt", "encode_image", "denoise", "decode", "compose"), job.stages);
    assertEquals(5, job.denoiseProgress.size());
    assertEquals(1.0, job.progress.get(job.progress.size() - 1));
    for (int i = 1; i < job.progress.size(); i++) {
      assertTrue(job.progress.get(i) >= job.progress.get(i - 1), "progress went backwards");
    }
  }

  @Test
  void cancellingStopsBetweenSteps() throws Exception {
    Recording job = new Recording(2);
    assertThrows(
        CancelledException.class,
        () -> run(engine(SdTestModels.MAIN), request(image(SampleDepth.U8), Map.of("steps", 10L)), job));
    assertEquals(2, job.denoiseProgress.size(), "steps after the cancel ran");
    assertFalse(job.stages.contains("decode"));
  }

  @Test
  void sendsAPreviewEveryNSteps() throws Exception {
    List<RgbaImage> previews = new CopyOnWriteArrayList<>();
    Sd15InpaintEngine engine = engine(SdTestModels.MAIN, previews::add);
    run(engine, request(image(SampleDepth.U8), Map.of("steps", 6L, "preview_every", 2L)), JobContext.detached());
    assertEquals(3, previews.size());
    assertEquals(SIDE / 8, previews.get(0).width());
    assertEquals(SIDE / 8, previews.get(0).height());
    assertFalse(previews.get(0).contentEquals(previews.get(2)));
  }

  @Test
  void aFailingPreviewSinkDoesNotFailTheJob() throws Exception {
    Sd15InpaintEngine engine =
        engine(SdTestModels.MAIN, image -> {
          throw new IllegalStateException("sink down");
        });
    RgbaImage out =
        run(engine, request(image(SampleDepth.U8), Map.of("preview_every", 1L)), JobContext.detached());
    assertEquals(SIDE, out.width());
  }

  @Test
  void anEmptyMaskReturnsTheImageWithoutRunningTheModels() throws Exception {
    RgbaImage image = image(SampleDepth.U8);
    RgbaImage empty = new RgbaImage(SIDE, SIDE, SampleDepth.U8);
    Recording job = new Recording(Integer.MAX_VALUE);
    RgbaImage out =
        (RgbaImage)
            engine(SdTestModels.MAIN)
                .run(new EngineRequest(Map.of("image", image, "mask", empty), new Params(Map.of())), job)
                .outputs()
                .get("image");
    assertTrue(out.contentEquals(image));
    assertTrue(job.stages.isEmpty());
  }

  @Test
  void refusesOutOfRangeParamsAndTooManyLcmSteps() throws Exception {
    Sd15InpaintEngine engine = engine(SdTestModels.MAIN);
    RgbaImage image = image(SampleDepth.U8);
    EngineException strength =
        assertThrows(EngineException.class, () -> run(engine, request(image, Map.of("strength", 1.5)), JobContext.detached()));
    assertEquals(EngineException.Kind.INVALID_INPUT, strength.kind());
    EngineException lcm =
        assertThrows(
            EngineException.class,
            () -> run(engine, request(image, Map.of("scheduler", "lcm", "steps", 60L)), JobContext.detached()));
    assertEquals(EngineException.Kind.INVALID_INPUT, lcm.kind());
    assertTrue(lcm.getMessage().contains("lcm"), lcm.getMessage());
  }

  @Test
  void describesItselfAsAModelEngineForImageInpaint() throws Exception {
    EngineInfo info = engine(SdTestModels.MAIN).info();
    assertEquals("sd15-test-sd15", info.id());
    assertEquals("image.inpaint", info.task());
    assertEquals(EngineInfo.Kind.MODEL, info.kind());
    assertEquals(sha256(SdTestModels.MAIN), info.modelSha256());
    assertFalse(info.concurrent());
  }

  @Test
  void refusesAFolderWithoutATokenizerWhenNoFallbackIsGiven() throws Exception {
    Sd15InpaintSetup setup =
        Sd15InpaintSetup.builder("bare", dir.resolve(SdTestModels.MAIN), sha256("bare"), runtime.sessions()).build();
    EngineException refused = assertThrows(EngineException.class, () -> new Sd15InpaintEngine(setup));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, refused.kind());
    assertTrue(refused.getMessage().contains("tokenizer/merges.txt"), refused.getMessage());
  }

  @Test
  void cropsAtMostTheNativeSideInMultiplesOf64() {
    Sd15Crop small = Sd15Crop.plan(new PixelBounds(10, 10, 20, 20), 64, 64, new Sd15Crop.Canvas(512, false));
    assertEquals(new PixelBounds(0, 0, 64, 64), small.box());
    assertEquals(64, small.targetWidth());
    Sd15Crop wide =
        Sd15Crop.plan(new PixelBounds(100, 400, 900, 100), 2000, 1000, new Sd15Crop.Canvas(512, false));
    assertEquals(new PixelBounds(0, 194, 1156, 512), wide.box());
    assertEquals(512, wide.targetWidth());
    assertEquals(256, wide.targetHeight());
    Sd15Crop fixed =
        Sd15Crop.plan(new PixelBounds(100, 400, 900, 100), 2000, 1000, new Sd15Crop.Canvas(512, true));
    assertEquals(1000, fixed.box().height());
    assertEquals(512, fixed.targetWidth());
    assertEquals(512, fixed.targetHeight());
  }

  /** Records stages and progress; cancels itself after a number of denoising steps. */
  private static final class Recording implements JobContext {
    final List<String> stages = new CopyOnWriteArrayList<>();
    final List<Double> progress = new CopyOnWriteArrayList<>();
    final List<Double> denoiseProgress = new ArrayList<>();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final int cancelAfterSteps;
    private volatile boolean cancelled;

    Recording(int cancelAfterSteps) {
      this.cancelAfterSteps = cancelAfterSteps;
    }

    @Override
    public void stage(String name) {
      stages.add(name);
    }

    @Override
    public void progress(double fraction) {
      progress.add(fraction);
      if (!stages.isEmpty() && stages.get(stages.size() - 1).equals("denoise")) {
        denoiseProgress.add(fraction);
        if (denoiseProgress.size() == cancelAfterSteps) {
          cancelled = true;
          callbacks.forEach(Runnable::run);
        }
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      callbacks.add(onCancel);
      if (cancelled) {
        onCancel.run();
      }
      return () -> callbacks.remove(onCancel);
    }
  }
}
