package org.creativebridge.inference.image.inpaint;

import static org.creativebridge.inference.image.inpaint.InpaintImages.gradient;
import static org.creativebridge.inference.image.inpaint.InpaintImages.isHole;
import static org.creativebridge.inference.image.inpaint.InpaintImages.rectangles;
import static org.creativebridge.inference.image.inpaint.InpaintImages.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LaMa's pipeline against a tiny model with LaMa's exact signature computing {@code 255 * (image *
 * (1 - mask) + 0.25 * mask)}: every pixel the engine marks as a hole comes back as 0.25, so crops,
 * scaling, pasting and blending can be asserted exactly.
 */
class LamaInpaintEngineTest {

  @TempDir static Path models;
  private static OnnxRuntime runtime;
  private static LamaInpaintEngine lama;

  /** 0.25 rounded to an 8-bit code, as the engine rounds filled pixels. */
  private static final float HOLE_U8 = 64 / 255f;

  @BeforeAll
  static void start() throws Exception {
    InpaintModels.generate(models);
    runtime = InpaintModels.cpuRuntime();
    lama = engine("lama_arithmetic.onnx");
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private static LamaInpaintEngine engine(String file) throws EngineException {
    return new LamaInpaintEngine(InpaintModels.setup(runtime, models.resolve(file), "lama-test"));
  }

  private static RgbaImage fill(RgbaImage image, RgbaImage mask) throws Exception {
    return (RgbaImage) lama.run(request(image, mask), JobContext.detached()).outputs().get("image");
  }

  /**
   * Every sample of every pixel outside the hole, and alpha everywhere, is the input's, bit for
   * bit.
   */
  static void assertUntouchedOutside(RgbaImage original, RgbaImage output, RgbaImage mask) {
    assertEquals(original.depth(), output.depth());
    for (int y = 0; y < original.height(); y++) {
      for (int x = 0; x < original.width(); x++) {
        // Models fill RGB only: alpha stays the input's even inside the hole.
        int unchanged = isHole(mask, x, y) ? 3 : 0;
        for (int c = unchanged; c < 4; c++) {
          assertEquals(
              Float.floatToRawIntBits(original.get(x, y, c)),
              Float.floatToRawIntBits(output.get(x, y, c)),
              "channel " + c + " at " + x + "," + y + " changed");
        }
      }
    }
  }

  static void assertHoleIs(RgbaImage output, RgbaImage mask, float expected) {
    int holes = 0;
    for (int y = 0; y < output.height(); y++) {
      for (int x = 0; x < output.width(); x++) {
        if (isHole(mask, x, y)) {
          holes++;
          for (int c = 0; c < 3; c++) {
            assertEquals(expected, output.get(x, y, c), "channel " + c + " at " + x + "," + y);
          }
        }
      }
    }
    assertTrue(holes > 0, "the test mask has a hole");
  }

  @Test
  void fillsTheHoleWithTheModelsOutputAndLeavesEveryOtherSampleAndAllAlphaBitIdentical()
      throws Exception {
    RgbaImage image = gradient(700, 600, SampleDepth.U8);
    RgbaImage mask = rectangles(700, 600, new PixelBounds(300, 250, 60, 80));

    RgbaImage output = fill(image, mask);

    assertHoleIs(output, mask, HOLE_U8);
    assertUntouchedOutside(image, output, mask);
  }

  @Test
  void aCropLargerThanTheModelIsScaledDownAndBackWithHoleInteriorsExactAndEdgesInRange()
      throws Exception {
    RgbaImage image = gradient(1400, 1100, SampleDepth.U8);
    PixelBounds hole = new PixelBounds(400, 300, 600, 500);
    RgbaImage mask = rectangles(1400, 1100, hole);
    // The crop is the hole plus 128 on each side, made square (856) around the hole's centre:
    // scaled by 512/856 for the model.
    assertEquals(
        new PixelBounds(272, 122, 856, 856),
        ContextBoxes.cropBox(hole, ModelCanvas.fixed(512, 512), 1400, 1100));

    RgbaImage output = fill(image, mask);

    assertUntouchedOutside(image, output, mask);
    // Catmull-Rom reads model pixels up to 2 away (3.4 image pixels at this scale): deeper in,
    // every tap is a filled model pixel and the constant 0.25 survives the round trip exactly.
    int interior = 4;
    for (int y = hole.y0(); y < hole.y1(); y++) {
      for (int x = hole.x0(); x < hole.x1(); x++) {
        boolean deep =
            x >= hole.x0() + interior
                && x < hole.x1() - interior
                && y >= hole.y0() + interior
                && y < hole.y1() - interior;
        for (int c = 0; c < 3; c++) {
          float value = output.get(x, y, c);
          if (deep) {
            assertEquals(HOLE_U8, value, "channel " + c + " at " + x + "," + y);
          } else {
            // At the hole's edge the fill meets the context: between the two, give or take
            // Catmull-Rom's overshoot (negative lobes of at most 0.125 per axis, so 0.28 of the
            // local range in two dimensions).
            float[] range = localRange(image, x, y, c);
            float slack = 0.28125f * (range[1] - range[0]) + 1 / 255f;
            assertTrue(
                value >= range[0] - slack && value <= range[1] + slack,
                "edge value "
                    + value
                    + " at "
                    + x
                    + ","
                    + y
                    + " outside "
                    + range[0]
                    + ".."
                    + range[1]);
          }
        }
      }
    }
  }

  /** The lowest and highest of 0.25 and channel {@code c} of {@code image} within 5 pixels. */
  private static float[] localRange(RgbaImage image, int x, int y, int c) {
    float low = 0.25f;
    float high = 0.25f;
    for (int ny = Math.max(0, y - 5); ny <= Math.min(image.height() - 1, y + 5); ny++) {
      for (int nx = Math.max(0, x - 5); nx <= Math.min(image.width() - 1, x + 5); nx++) {
        low = Math.min(low, image.get(nx, ny, c));
        high = Math.max(high, image.get(nx, ny, c));
      }
    }
    return new float[] {low, high};
  }

  @Test
  void separateHolesAreEachFilledFromTheirOwnFullResolutionCrop() throws Exception {
    RgbaImage image = gradient(2048, 1024, SampleDepth.U8);
    PixelBounds first = new PixelBounds(100, 100, 40, 40);
    PixelBounds second = new PixelBounds(1800, 800, 50, 50);
    RgbaImage mask = rectangles(2048, 1024, first, second);

    RgbaImage output = fill(image, mask);

    // One crop around both would be 2048 wide and scaled down 4x, blurring the hole edges; two
    // 512 crops need no scaling, so every hole pixel, edges included, is exactly the fill.
    assertHoleIs(output, mask, HOLE_U8);
    assertUntouchedOutside(image, output, mask);
  }

  @Test
  void aHoleTouchingTheCornerIsFilledFromACropKeptInsideTheImage() throws Exception {
    RgbaImage image = gradient(1024, 768, SampleDepth.U8);
    RgbaImage mask =
        rectangles(1024, 768, new PixelBounds(0, 0, 30, 25), new PixelBounds(1000, 700, 24, 68));

    RgbaImage output = fill(image, mask);

    assertHoleIs(output, mask, HOLE_U8);
    assertUntouchedOutside(image, output, mask);
  }

  @Test
  void anImageSmallerThanTheModelIsPaddedByReflectionNotStretched() throws Exception {
    RgbaImage image = gradient(300, 120, SampleDepth.U8);
    RgbaImage mask =
        rectangles(300, 120, new PixelBounds(100, 40, 30, 30), new PixelBounds(290, 0, 10, 120));

    RgbaImage output = fill(image, mask);

    // Stretching 300x120 to 512x512 and back would smear the hole edges; padding keeps scale 1.
    assertHoleIs(output, mask, HOLE_U8);
    assertUntouchedOutside(image, output, mask);
  }

  @Test
  void aWideHoleInAWideImageIsFilledAtOneUniformScale() throws Exception {
    RgbaImage image = gradient(1600, 400, SampleDepth.U8);
    PixelBounds hole = new PixelBounds(200, 180, 1200, 40);
    RgbaImage mask = rectangles(1600, 400, hole);

    RgbaImage output = fill(image, mask);

    assertUntouchedOutside(image, output, mask);
    // Scale 1456/512 = 2.84: the middle row of the 40-row hole is deep enough to be exact.
    for (int x = hole.x0() + 10; x < hole.x1() - 10; x++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(HOLE_U8, output.get(x, 200, c), "channel " + c + " at " + x + ",200");
      }
    }
  }

  @Test
  void sixteenBitInputComesBackAtSixteenBitsWithTheFillOnThe16BitGrid() throws Exception {
    RgbaImage image = gradient(700, 600, SampleDepth.U16);
    RgbaImage mask = rectangles(700, 600, new PixelBounds(10, 500, 90, 70));

    RgbaImage output = fill(image, mask);

    assertEquals(SampleDepth.U16, output.depth());
    // 0.25 * 65535 = 16383.75, rounded to the nearest code.
    assertHoleIs(output, mask, 16384 / 65535f);
    assertUntouchedOutside(image, output, mask);
  }

  @Test
  void floatInputKeepsOutOfRangeSamplesOutsideTheHoleAndGetsAnUnroundedFill() throws Exception {
    RgbaImage image = gradient(600, 520, SampleDepth.F32);
    image.set(5, 5, 0, 3.5f); // HDR highlight
    image.set(6, 5, 1, -0.25f);
    RgbaImage mask = rectangles(600, 520, new PixelBounds(200, 200, 50, 50));

    RgbaImage output = fill(image, mask);

    assertEquals(SampleDepth.F32, output.depth());
    assertHoleIs(output, mask, 0.25f);
    assertUntouchedOutside(image, output, mask);
    assertEquals(3.5f, output.get(5, 5, 0));
  }

  @Test
  void theFeatheredEdgeBlendsTheFillByTheGrownMasksWeight() throws Exception {
    RgbaImage image = gradient(700, 600, SampleDepth.U8);
    RgbaImage mask = rectangles(700, 600, new PixelBounds(300, 250, 40, 30));
    int grow = 3;
    int feather = 5;
    FillMask expected = FillMask.prepare(mask, grow, feather);

    RgbaImage output =
        (RgbaImage)
            lama.run(
                    request(image, mask, Map.of("grow", grow, "feather", feather)),
                    JobContext.detached())
                .outputs()
                .get("image");

    int ramped = 0;
    for (int y = 0; y < 600; y++) {
      for (int x = 0; x < 700; x++) {
        float weight = expected.blend()[y * 700 + x];
        for (int c = 0; c < 4; c++) {
          float original = image.get(x, y, c);
          float want;
          if (weight <= 0f || c == 3) {
            want = original;
          } else if (weight >= 1f) {
            want = HOLE_U8;
          } else {
            want = Math.round((original + weight * (0.25f - original)) * 255f) / 255f;
          }
          assertEquals(want, output.get(x, y, c), "channel " + c + " at " + x + "," + y);
        }
        if (weight > 0f && weight < 1f) {
          ramped++;
        }
      }
    }
    assertTrue(ramped > 100, "the grown hole has a feathered rim, got " + ramped + " pixels");
  }

  @Test
  void anEmptyMaskReturnsACopyWithoutLeasingTheModel() throws Exception {
    // This file does not fit the contract: leasing it would fail, so success proves no lease.
    LamaInpaintEngine misfit = engine("lama_mask_uint8.onnx");
    RgbaImage image = gradient(64, 48, SampleDepth.U8);
    RgbaImage mask = rectangles(64, 48);

    RgbaImage output =
        (RgbaImage) misfit.run(request(image, mask), JobContext.detached()).outputs().get("image");

    assertTrue(output.contentEquals(image));
    assertFalse(output == image, "the output is a copy, not the input itself");
  }

  @Test
  void refusesAModelWhoseMaskIsUint8NamingTheMismatch() throws Exception {
    LamaInpaintEngine misfit = engine("lama_mask_uint8.onnx");
    RgbaImage image = gradient(64, 48, SampleDepth.U8);
    RgbaImage mask = rectangles(64, 48, new PixelBounds(10, 10, 5, 5));

    EngineException thrown =
        assertThrows(
            EngineException.class, () -> misfit.run(request(image, mask), JobContext.detached()));

    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, thrown.kind());
    assertEquals(
        "model lama_mask_uint8.onnx does not fit the lama contract: input 'mask': expected float32"
            + " [1,1,512,512], model has uint8 [1,1,512,512]",
        thrown.getMessage());
  }

  @Test
  void refusesAMaskOfAnotherSize() {
    RgbaImage image = gradient(64, 48, SampleDepth.U8);
    RgbaImage mask = rectangles(48, 64, new PixelBounds(1, 1, 5, 5));

    EngineException thrown =
        assertThrows(
            EngineException.class, () -> lama.run(request(image, mask), JobContext.detached()));

    assertEquals(EngineException.Kind.INPUT_SIZE_MISMATCH, thrown.kind());
    assertEquals(
        "the mask is 48x64 but the image is 64x48; they must be the same size",
        thrown.getMessage());
  }

  @Test
  void reportsPrepareInferComposeWithProgressRisingToOne() throws Exception {
    RgbaImage image = gradient(1200, 600, SampleDepth.U8);
    RgbaImage mask =
        rectangles(1200, 600, new PixelBounds(20, 20, 30, 30), new PixelBounds(1100, 500, 30, 30));
    RecordingJob job = new RecordingJob();

    lama.run(request(image, mask), job);

    assertEquals(List.of("prepare", "infer", "compose"), job.stages);
    for (int i = 1; i < job.progress.size(); i++) {
      assertTrue(
          job.progress.get(i) >= job.progress.get(i - 1), "progress went back: " + job.progress);
    }
    assertEquals(1.0, job.progress.get(job.progress.size() - 1));
    // Two crops, so inference reports twice between prepare's 0.1 and compose.
    assertTrue(
        job.progress.contains(0.5),
        "halfway through inference after the first of two crops: " + job.progress);
  }

  @Test
  void cancellingWhileTheModelRunsEndsTheJobPromptlyAsCancelled() throws Exception {
    LamaInpaintEngine endless = engine("lama_endless.onnx");
    RgbaImage image = gradient(200, 200, SampleDepth.U8);
    RgbaImage mask = rectangles(200, 200, new PixelBounds(50, 50, 20, 20));
    RecordingJob job = new RecordingJob();

    CompletableFuture<Throwable> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                endless.run(request(image, mask), job);
                return new AssertionError("the endless model finished");
              } catch (Throwable t) {
                return t;
              }
            });
    assertTrue(job.runRegistered().await(30, TimeUnit.SECONDS), "the model run never started");
    assertThrows(
        TimeoutException.class,
        () -> outcome.get(300, TimeUnit.MILLISECONDS),
        "2^40 trips cannot finish");

    long cancelledAt = System.nanoTime();
    job.cancel();
    Throwable thrown = outcome.get(10, TimeUnit.SECONDS);

    assertInstanceOf(CancelledException.class, thrown);
    assertTrue(
        System.nanoTime() - cancelledAt < TimeUnit.SECONDS.toNanos(5), "cancel took too long");
    assertEquals(List.of("prepare", "infer"), job.stages);
  }

  @Test
  void aJobCancelledBeforeItStartsDoesNoWork() {
    RecordingJob job = new RecordingJob();
    job.cancel();
    RgbaImage image = gradient(64, 48, SampleDepth.U8);
    RgbaImage mask = rectangles(64, 48, new PixelBounds(10, 10, 5, 5));

    assertThrows(CancelledException.class, () -> lama.run(request(image, mask), job));
    assertEquals(List.of("prepare"), job.stages);
    assertTrue(job.progress.isEmpty());
  }

  @Test
  void concurrentJobsOnOneEngineEachGetTheirOwnResult() throws Exception {
    List<EngineRequest> requests = new ArrayList<>();
    List<RgbaImage> alone = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RgbaImage image = gradient(600 + 40 * i, 530, SampleDepth.U8);
      RgbaImage mask =
          rectangles(600 + 40 * i, 530, new PixelBounds(30 * i, 20 * i, 40 + 10 * i, 30));
      requests.add(request(image, mask));
      alone.add(
          (RgbaImage) lama.run(requests.get(i), JobContext.detached()).outputs().get("image"));
    }

    List<CompletableFuture<RgbaImage>> together = new ArrayList<>();
    for (EngineRequest request : requests) {
      together.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return (RgbaImage)
                      lama.run(request, JobContext.detached()).outputs().get("image");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (int i = 0; i < requests.size(); i++) {
      try {
        assertTrue(
            together.get(i).get(60, TimeUnit.SECONDS).contentEquals(alone.get(i)), "job " + i);
      } catch (ExecutionException e) {
        fail("job " + i + " failed", e.getCause());
      }
    }
  }

  @Test
  void describesItselfAsTheInstalledModel() throws Exception {
    EngineInfo info = lama.info();

    assertEquals("lama-test", info.id());
    assertEquals("image.inpaint", info.task());
    assertEquals(EngineInfo.Kind.MODEL, info.kind());
    assertEquals(
        org.creativebridge.inference.runtime.ModelFile.open(models.resolve("lama_arithmetic.onnx"))
            .sha256(),
        info.modelSha256());
    assertEquals("cpu", info.device());
    assertEquals("1", info.version());
    assertFalse(info.concurrent());
  }
}
