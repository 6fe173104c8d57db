package org.creativebridge.inference.image.inpaint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Test;

class PatchMatchInpaintEngineTest {

  @Test
  void info_describesTheBuiltInCpuEngine() {
    EngineInfo info = new PatchMatchInpaintEngine().info();
    assertEquals("builtin.patchmatch", info.id());
    assertEquals("image.inpaint", info.task());
    assertEquals(EngineInfo.Kind.BUILTIN, info.kind());
    assertEquals("cpu", info.device());
    assertEquals("1", info.version());
    assertTrue(info.concurrent());
  }

  @Test
  void outsideMask_isBitIdentical() throws Exception {
    RgbaImage image = noise(97, 61, SampleDepth.F32, 3);
    boolean[] hole = rectangle(97, 61, new Box(30, 20, 25, 18));
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask(hole, 97, 61), params(5));
    assertOutsideUnchanged(image, out, hole);
    assertTrue(changedInside(image, out, hole) > 0, "the hole must be filled");
  }

  @Test
  void sameSeed_sameOutput_acrossThreadCounts() throws Exception {
    RgbaImage image = noise(120, 90, SampleDepth.U8, 11);
    RgbaImage mask = mask(rectangle(120, 90, new Box(40, 25, 40, 40)), 120, 90);
    RgbaImage single = fill(new PatchMatchInpaintEngine(1), image, mask, params(42));
    RgbaImage two = fill(new PatchMatchInpaintEngine(2), image, mask, params(42));
    RgbaImage five = fill(new PatchMatchInpaintEngine(5), image, mask, params(42));
    RgbaImage again = fill(new PatchMatchInpaintEngine(2), image, mask, params(42));
    assertTrue(single.contentEquals(two));
    assertTrue(single.contentEquals(five));
    assertTrue(two.contentEquals(again));
  }

  @Test
  void differentSeeds_mayDiffer_butEachIsReproducible() throws Exception {
    RgbaImage image = noise(80, 80, SampleDepth.F32, 5);
    RgbaImage mask = mask(rectangle(80, 80, new Box(30, 30, 20, 20)), 80, 80);
    PatchMatchInpaintEngine engine = new PatchMatchInpaintEngine(2);
    RgbaImage first = fill(engine, image, mask, params(1));
    RgbaImage second = fill(engine, image, mask, params(2));
    assertFalse(first.contentEquals(second), "on noise the seed decides which texture is copied");
    assertTrue(first.contentEquals(fill(engine, image, mask, params(1))));
  }

  @Test
  void differentSizes_refused() {
    RgbaImage image = noise(40, 30, SampleDepth.U8, 1);
    RgbaImage mask = new RgbaImage(30, 40, SampleDepth.U8);
    EngineException error =
        assertThrows(
            EngineException.class,
            () -> fill(new PatchMatchInpaintEngine(), image, mask, params(1)));
    assertEquals(EngineException.Kind.INPUT_SIZE_MISMATCH, error.kind());
    assertTrue(error.getMessage().contains("30x40") && error.getMessage().contains("40x30"));
    assertEquals(
        Map.of("imageWidth", 40, "imageHeight", 30, "maskWidth", 30, "maskHeight", 40),
        error.details());
  }

  @Test
  void wholeImageMasked_refused() {
    RgbaImage image = noise(16, 12, SampleDepth.U8, 1);
    boolean[] all = new boolean[16 * 12];
    java.util.Arrays.fill(all, true);
    EngineException error =
        assertThrows(
            EngineException.class,
            () -> fill(new PatchMatchInpaintEngine(), image, mask(all, 16, 12), params(1)));
    assertEquals(EngineException.Kind.INVALID_INPUT, error.kind());
    assertTrue(error.getMessage().startsWith("the mask covers the whole image"));
  }

  @Test
  void growCoveringTheImage_refused() {
    RgbaImage image = noise(16, 12, SampleDepth.U8, 1);
    RgbaImage mask = mask(rectangle(16, 12, new Box(7, 5, 2, 2)), 16, 12);
    Map<String, Object> values = new HashMap<>(params(1).asMap());
    values.put("grow", 30);
    EngineException error =
        assertThrows(
            EngineException.class,
            () -> fill(new PatchMatchInpaintEngine(), image, mask, new Params(values)));
    assertEquals(EngineException.Kind.INVALID_INPUT, error.kind());
  }

  @Test
  void emptyMask_returnsImageUnchanged() throws Exception {
    RgbaImage image = noise(33, 17, SampleDepth.U16, 9);
    RgbaImage out =
        fill(new PatchMatchInpaintEngine(), image, new RgbaImage(33, 17, SampleDepth.U8), params(3));
    assertTrue(image.contentEquals(out));
  }

  @Test
  void maskWeight_isLuminanceTimesAlpha() throws Exception {
    RgbaImage image = noise(40, 40, SampleDepth.F32, 2);
    RgbaImage mask = new RgbaImage(40, 40, SampleDepth.F32);
    // White but 40% opaque: weight 0.4, not a hole. White and 60% opaque: weight 0.6, a hole.
    paint(mask, new Box(5, 5, 4, 4), new float[] {1f, 1f, 1f, 0.4f});
    paint(mask, new Box(25, 25, 4, 4), new float[] {1f, 1f, 1f, 0.6f});
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask, params(3));
    boolean[] expectedHole = rectangle(40, 40, new Box(25, 25, 4, 4));
    assertOutsideUnchanged(image, out, expectedHole);
    assertTrue(changedInside(image, out, expectedHole) > 0);
  }

  @Test
  void holeTouchingBorder_filled() throws Exception {
    RgbaImage image = constant(64, 48, new float[] {0.25f, 0.5f, 0.75f, 1f});
    boolean[] hole = rectangle(64, 48, new Box(0, 0, 20, 12));
    for (int i = 0; i < hole.length; i++) {
      if (hole[i]) {
        System.arraycopy(new float[] {1f, 0f, 0f, 1f}, 0, image.samples(), i * 4, 4);
      }
    }
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask(hole, 64, 48), params(8));
    for (int i = 0; i < hole.length; i++) {
      assertArrayEquals(
          new float[] {0.25f, 0.5f, 0.75f, 1f},
          java.util.Arrays.copyOfRange(out.samples(), i * 4, i * 4 + 4),
          1e-6f,
          "pixel " + i + " of a uniform image must be the uniform colour");
    }
  }

  @Test
  void tinyImage_withSmallHole_filled() throws Exception {
    RgbaImage image = noise(8, 8, SampleDepth.U8, 4);
    boolean[] hole = rectangle(8, 8, new Box(3, 3, 2, 2));
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask(hole, 8, 8), params(7));
    assertOutsideUnchanged(image, out, hole);
    for (int i = 0; i < hole.length; i++) {
      for (int c = 0; c < 4; c++) {
        float value = out.samples()[i * 4 + c];
        assertTrue(value >= 0f && value <= 1f && Float.isFinite(value));
      }
    }
  }

  @Test
  void nonSquareImage_withLargePatch_filled() throws Exception {
    RgbaImage image = noise(150, 40, SampleDepth.F32, 6);
    boolean[] hole = rectangle(150, 40, new Box(60, 10, 30, 20));
    Map<String, Object> values = new HashMap<>(params(1).asMap());
    values.put("patch_size", 15);
    RgbaImage out =
        fill(new PatchMatchInpaintEngine(), image, mask(hole, 150, 40), new Params(values));
    assertOutsideUnchanged(image, out, hole);
    assertTrue(changedInside(image, out, hole) > 0);
  }

  @Test
  void sixteenBitInput_keepsDepth() throws Exception {
    RgbaImage image = noise(48, 40, SampleDepth.U16, 8);
    boolean[] hole = rectangle(48, 40, new Box(18, 14, 10, 10));
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask(hole, 48, 40), params(2));
    assertEquals(SampleDepth.U16, out.depth());
    assertOutsideUnchanged(image, out, hole);
    for (float value : out.samples()) {
      float code = value * 65535f;
      assertEquals(Math.round(code), code, 1e-2f, "filled samples are 16-bit code values");
    }
  }

  @Test
  void floatInput_keepsDepthAndValuesAboveOne() throws Exception {
    RgbaImage image = constant(40, 40, new float[] {2.5f, 1.5f, 0.5f, 1f});
    boolean[] hole = rectangle(40, 40, new Box(15, 15, 8, 8));
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask(hole, 40, 40), params(2));
    assertEquals(SampleDepth.F32, out.depth());
    assertEquals(2.5f, out.get(19, 19, 0), 1e-5f);
    assertEquals(1.5f, out.get(19, 19, 1), 1e-5f);
  }

  @Test
  void alpha_isFilledFromSources() throws Exception {
    RgbaImage image = constant(40, 40, new float[] {0.2f, 0.4f, 0.6f, 0.5f});
    boolean[] hole = rectangle(40, 40, new Box(12, 12, 10, 10));
    for (int i = 0; i < hole.length; i++) {
      if (hole[i]) {
        image.samples()[i * 4 + 3] = 1f;
      }
    }
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask(hole, 40, 40), params(2));
    assertEquals(0.5f, out.get(16, 16, 3), 1e-6f);
  }

  @Test
  void stripedTexture_isContinuedIntoHole() throws Exception {
    int width = 128;
    int height = 96;
    RgbaImage image = new RgbaImage(width, height, SampleDepth.F32);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // Diagonal stripes with an 8-pixel period and hard edges: diffusion can only blur them.
        float value = ((x + 2 * y) / 4) % 2 == 0 ? 0.1f : 0.9f;
        float[] rgba = {value, 0.5f * value + 0.2f, 1f - value, 1f};
        System.arraycopy(rgba, 0, image.samples(), image.index(x, y), 4);
      }
    }
    boolean[] hole = rectangle(width, height, new Box(50, 35, 24, 24));
    RgbaImage out = fill(new PatchMatchInpaintEngine(), image, mask(hole, width, height), params(3));
    double psnr = HolePsnr.of(image, out, hole);
    // A smooth fill of these stripes lands near their mean, about 8 dB; copying them is exact.
    assertTrue(psnr > 30, "PSNR inside the hole was " + psnr + " dB");
  }

  @Test
  void progressAndStages_areReported() throws Exception {
    RecordingContext context = new RecordingContext(Integer.MAX_VALUE);
    RgbaImage image = noise(64, 64, SampleDepth.U8, 1);
    RgbaImage mask = mask(rectangle(64, 64, new Box(20, 20, 20, 20)), 64, 64);
    new PatchMatchInpaintEngine()
        .run(new EngineRequest(Map.of("image", image, "mask", mask), params(1)), context);
    assertEquals(List.of("prepare", "fill", "compose"), context.stages);
    assertEquals(1.0, context.progress.get(context.progress.size() - 1));
    for (int i = 1; i < context.progress.size(); i++) {
      assertTrue(context.progress.get(i) >= context.progress.get(i - 1));
    }
    assertTrue(context.progress.size() > 5, "progress is reported per iteration");
  }

  @Test
  void cancel_stopsBetweenIterations() {
    RgbaImage image = noise(96, 96, SampleDepth.U8, 1);
    RgbaImage mask = mask(rectangle(96, 96, new Box(30, 30, 36, 36)), 96, 96);
    // Cancelled after its third look: it must stop at that check instead of finishing the fill.
    RecordingContext context = new RecordingContext(3);
    assertThrows(
        CancelledException.class,
        () ->
            new PatchMatchInpaintEngine()
                .run(new EngineRequest(Map.of("image", image, "mask", mask), params(1)), context));
    assertEquals(3, context.checks.get(), "no work after the cancel was seen");
    assertFalse(context.stages.contains("compose"));
  }

  // ---- fixtures ----

  private record Box(int x, int y, int width, int height) {}

  private static final class RecordingContext implements JobContext {
    final List<String> stages = new ArrayList<>();
    final List<Double> progress = new ArrayList<>();
    final AtomicInteger checks = new AtomicInteger();
    private final int cancelAtCheck;

    RecordingContext(int cancelAtCheck) {
      this.cancelAtCheck = cancelAtCheck;
    }

    @Override
    public synchronized void stage(String name) {
      stages.add(name);
    }

    @Override
    public synchronized void progress(double fraction) {
      progress.add(fraction);
    }

    @Override
    public boolean isCancelled() {
      return checks.incrementAndGet() >= cancelAtCheck;
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      return () -> {};
    }
  }

  static Params params(long seed) {
    return new Params(Map.of("seed", seed, "grow", 0, "feather", 0, "patch_size", 7));
  }

  static RgbaImage fill(PatchMatchInpaintEngine engine, RgbaImage image, RgbaImage mask, Params p)
      throws EngineException, CancelledException {
    EngineRequest request = new EngineRequest(Map.of("image", image, "mask", mask), p);
    return (RgbaImage) engine.run(request, JobContext.detached()).outputs().get("image");
  }

  static RgbaImage noise(int width, int height, SampleDepth depth, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    RgbaImage image = new RgbaImage(width, height, depth);
    float scale = depth.scale();
    float[] samples = image.samples();
    for (int i = 0; i < samples.length; i++) {
      float value = (i % 4 == 3) ? 1f : random.nextFloat();
      samples[i] = depth == SampleDepth.F32 ? value : Math.round(value * scale) / scale;
    }
    return image;
  }

  static RgbaImage constant(int width, int height, float[] rgba) {
    RgbaImage image = new RgbaImage(width, height, SampleDepth.F32);
    for (int i = 0; i < width * height; i++) {
      System.arraycopy(rgba, 0, image.samples(), i * 4, 4);
    }
    return image;
  }

  private static boolean[] rectangle(int width, int height, Box box) {
    boolean[] hole = new boolean[width * height];
    for (int y = box.y(); y < box.y() + box.height(); y++) {
      for (int x = box.x(); x < box.x() + box.width(); x++) {
        hole[y * width + x] = true;
      }
    }
    return hole;
  }

  private static void paint(RgbaImage image, Box box, float[] rgba) {
    for (int y = box.y(); y < box.y() + box.height(); y++) {
      for (int x = box.x(); x < box.x() + box.width(); x++) {
        System.arraycopy(rgba, 0, image.samples(), image.index(x, y), 4);
      }
    }
  }

  static RgbaImage mask(boolean[] hole, int width, int height) {
    return SyntheticHoles.asMaskImage(hole, width, height);
  }

  private static void assertOutsideUnchanged(RgbaImage before, RgbaImage after, boolean[] hole) {
    for (int i = 0; i < hole.length; i++) {
      if (hole[i]) {
        continue;
      }
      for (int c = 0; c < 4; c++) {
        assertEquals(
            Float.floatToRawIntBits(before.samples()[i * 4 + c]),
            Float.floatToRawIntBits(after.samples()[i * 4 + c]),
            "pixel " + i + " channel " + c + " outside the hole changed");
      }
    }
  }

  private static int changedInside(RgbaImage before, RgbaImage after, boolean[] hole) {
    int changed = 0;
    for (int i = 0; i < hole.length; i++) {
      if (hole[i] && before.samples()[i * 4] != after.samples()[i * 4]) {
        changed++;
      }
    }
    return changed;
  }
}
