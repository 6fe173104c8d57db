package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SD 1.5 + ControlNet depth engine end to end on 80x64 images with the arithmetic look-alikes
 * (latents 10x8), checked value for value against {@link DepthDiffusionReference}.
 */
class ControlNetTextureEngineTest {
  @TempDir static Path dir;
  private static OnnxRuntime runtime;

  static final int WIDTH = 80;
  static final int HEIGHT = 64;
  /** One 8-bit code value: ORT sums in float32, the reference in double. */
  private static final float ONE_CODE = 1f / 255f + 1e-6f;

  @BeforeAll
  static void models() throws Exception {
    ControlNetTestModels.generate(dir);
    runtime = ControlNetTestModels.cpuRuntime();
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  static Map<String, Object> params() {
    Map<String, Object> params = new HashMap<>();
    params.put("prompt", "weathered bronze, green patina");
    params.put("negative_prompt", "blurry");
    params.put("seed", 42L);
    params.put("steps", 4);
    params.put("guidance", 3.0);
    params.put("controlnet_scale", 0.7);
    params.put("scheduler", "ddim");
    return params;
  }

  private static ControlNetTextureEngine engine(String folder) throws EngineException {
    return new ControlNetTextureEngine(ControlNetTestModels.setup(runtime, dir, folder));
  }

  static RgbaImage run(org.creativebridge.inference.Engine engine, Map<String, Object> params, JobContext job)
      throws Exception {
    RgbaImage depth = ControlNetTestModels.depth(WIDTH, HEIGHT);
    return (RgbaImage)
        engine.run(new EngineRequest(Map.of("depth", depth), new Params(params)), job).outputs().get("image");
  }

  static float[] reference(DepthDiffusionReference.Model model, Map<String, Object> params, boolean swap)
      throws java.io.IOException {
    float[] depth = HeightField.depthOf(ControlNetTestModels.depth(WIDTH, HEIGHT));
    return DepthDiffusionReference.image(
        new DepthDiffusionReference.Job(
            model, params, depth, new DepthDiffusionReference.Shape(WIDTH, HEIGHT, swap)),
        ControlNetTestModels.tokenizer());
  }

  static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= ONE_CODE, "largest difference " + worst * 255 + " code values");
  }

  static int distinct(float[] samples) {
    return (int) java.util.stream.IntStream.range(0, samples.length / 4)
        .mapToObj(i -> samples[i * 4])
        .distinct()
        .count();
  }

  @Test
  void folderWithControlnetIsSplitAndWithoutIsFused() throws Exception {
    assertEquals(ControlNetTextureEngine.Layout.FUSED, engine(ControlNetTestModels.FUSED).layout());
    assertEquals(ControlNetTextureEngine.Layout.SPLIT, engine(ControlNetTestModels.SPLIT).layout());
    EngineInfo info = engine(ControlNetTestModels.FUSED).info();
    assertEquals(EngineInfo.Kind.MODEL, info.kind());
    assertEquals("image.texture_from_depth", info.task());
  }

  @Test
  void fusedLayoutMatchesTheIndependentRecomputation() throws Exception {
    RgbaImage image = run(engine(ControlNetTestModels.FUSED), params(), JobContext.detached());
    assertEquals(WIDTH, image.width());
    assertEquals(HEIGHT, image.height());
    assertClose(reference(DepthDiffusionReference.Model.FUSED, params(), false), image.samples());
    assertTrue(distinct(image.samples()) > 1, "the test image must not be flat");
  }

  @Test
  void splitLayoutFeedsScaledControlResidualsToTheUnet() throws Exception {
    RgbaImage image = run(engine(ControlNetTestModels.SPLIT), params(), JobContext.detached());
    assertClose(reference(DepthDiffusionReference.Model.SPLIT, params(), false), image.samples());
    assertTrue(distinct(image.samples()) > 4, "the depth must show through the residuals");
  }

  @Test
  void guidedBatchIsUncondThenCond() throws Exception {
    RgbaImage image = run(engine(ControlNetTestModels.FUSED), params(), JobContext.detached());
    float[] swapped = reference(DepthDiffusionReference.Model.FUSED, params(), true);
    boolean differs = false;
    for (int i = 0; i < swapped.length; i++) {
      differs |= Math.abs(swapped[i] - image.samples()[i]) > ONE_CODE;
    }
    assertTrue(differs, "a [cond, uncond] batch would give the same image; the test cannot tell the order");
  }

  @Test
  void unguidedRunMatchesTheRecomputation() throws Exception {
    Map<String, Object> params = params();
    params.put("guidance", 1.0);
    RgbaImage image = run(engine(ControlNetTestModels.SPLIT), params, JobContext.detached());
    assertClose(reference(DepthDiffusionReference.Model.SPLIT, params, false), image.samples());
  }

  @Test
  void textToImageUnetWithoutControlNetIsRefusedWithAPreciseMessage() throws Exception {
    ControlNetTextureEngine engine = engine(ControlNetTestModels.PLAIN);
    EngineException e =
        assertThrows(EngineException.class, () -> run(engine, params(), JobContext.detached()));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith("model " + ControlNetTestModels.PLAIN + " is not a ControlNet depth model"), e.getMessage());
    assertTrue(e.getMessage().contains("missing input 'controlnet_conds'"), e.getMessage());
  }

  @Test
  void sameSeedGivesTheSameImageAndAnotherSeedAnother() throws Exception {
    Map<String, Object> params = params();
    params.put("scheduler", "euler_a");
    ControlNetTextureEngine engine = engine(ControlNetTestModels.SPLIT);
    RgbaImage first = run(engine, params, JobContext.detached());
    RgbaImage second = run(engine, params, JobContext.detached());
    assertArrayEquals(first.samples(), second.samples());
    params.put("seed", 43L);
    assertFalse(first.contentEquals(run(engine, params, JobContext.detached())));
  }

  @Test
  void reportsStagesInOrderAndProgressPerStep() throws Exception {
    Recording job = new Recording();
    run(engine(ControlNetTestModels.FUSED), params(), job);
    assertEquals(List.of("encode_prompt", "control", "denoise", "decode"), job.stages);
    for (int i = 1; i < job.progress.size(); i++) {
      assertTrue(job.progress.get(i) >= job.progress.get(i - 1), "progress went back: " + job.progress);
    }
    assertEquals(1.0, job.progress.get(job.progress.size() - 1));
    assertTrue(job.progress.size() >= 4 + 2, "one progress report per step: " + job.progress);
  }

  @Test
  void cancelledJobStopsBeforeDenoising() throws Exception {
    Recording job = new Recording();
    job.cancelled = true;
    assertThrows(CancelledException.class, () -> run(engine(ControlNetTestModels.FUSED), params(), job));
    assertFalse(job.stages.contains("denoise"));
  }

  @Test
  void cancellingDuringDenoisingStopsBeforeTheNextStep() throws Exception {
    Recording job = new Recording();
    job.cancelAfter = 0.07; // just after the first step's report
    assertThrows(CancelledException.class, () -> run(engine(ControlNetTestModels.SPLIT), params(), job));
    long steps = job.progress.stream().filter(p -> p > 0.06 && p <= 0.95).count();
    assertEquals(1, steps, job.progress.toString());
    assertFalse(job.stages.contains("decode"));
  }

  @Test
  void previewEveryStepSendsOneLatentPreviewPerStep() throws Exception {
    Map<String, Object> params = params();
    params.put("preview_every", 1);
    Recording job = new Recording();
    run(engine(ControlNetTestModels.FUSED), params, job);
    assertEquals(4, job.previews.size());
    RgbaImage preview = (RgbaImage) job.previews.get(0);
    assertEquals(WIDTH / 8, preview.width());
  }

  @Test
  void outOfRangeControlScaleIsRefused() throws Exception {
    Map<String, Object> params = params();
    params.put("controlnet_scale", 2.5);
    EngineException e =
        assertThrows(
            EngineException.class,
            () -> run(engine(ControlNetTestModels.FUSED), params, JobContext.detached()));
    assertEquals(EngineException.Kind.INVALID_INPUT, e.kind());
    assertTrue(e.getMessage().contains("controlnet_scale"), e.getMessage());
  }

  @Test
  void imageBelowFullStrengthStartsFromItsLatents() throws Exception {
    Map<String, Object> params = params();
    params.put("strength", 0.5);
    ControlNetTextureEngine engine = engine(ControlNetTestModels.FUSED);
    RgbaImage depth = ControlNetTestModels.depth(WIDTH, HEIGHT);
    RgbaImage white = new RgbaImage(WIDTH, HEIGHT, org.creativebridge.inference.image.SampleDepth.U8);
    java.util.Arrays.fill(white.samples(), 1f);
    RgbaImage black = new RgbaImage(WIDTH, HEIGHT, org.creativebridge.inference.image.SampleDepth.U8);
    Recording job = new Recording();
    RgbaImage fromWhite =
        (RgbaImage)
            engine.run(new EngineRequest(Map.of("depth", depth, "image", white), new Params(params)), job)
                .outputs()
                .get("image");
    RgbaImage fromBlack =
        (RgbaImage)
            engine.run(new EngineRequest(Map.of("depth", depth, "image", black), new Params(params)), JobContext.detached())
                .outputs()
                .get("image");
    assertFalse(fromWhite.contentEquals(fromBlack), "img2img must depend on the image");
    // 4 steps at strength 0.5 run 2 of them: two step reports between control and decode.
    long stepReports = job.progress.stream().filter(p -> p > 0.06 && p <= 0.95).count();
    assertEquals(2, stepReports, job.progress.toString());
  }

  /** A job that records stages and progress and can be cancelled up front. */
  static final class Recording implements JobContext {
    final List<String> stages = new CopyOnWriteArrayList<>();
    final List<Double> progress = new CopyOnWriteArrayList<>();
    final List<Object> previews = new CopyOnWriteArrayList<>();
    volatile boolean cancelled;
    /** Cancels the job once progress passes this fraction (2 = never). */
    volatile double cancelAfter = 2;

    @Override
    public void preview(Object intermediate) {
      previews.add(intermediate);
    }

    @Override
    public void stage(String name) {
      stages.add(name);
    }

    @Override
    public void progress(double fraction) {
      progress.add(fraction);
      if (fraction > cancelAfter) {
        cancelled = true;
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      if (cancelled) {
        onCancel.run();
      }
      return () -> {};
    }
  }
}
