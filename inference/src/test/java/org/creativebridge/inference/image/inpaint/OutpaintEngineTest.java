package org.creativebridge.inference.image.inpaint;

import static org.creativebridge.inference.image.inpaint.InpaintImages.gradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutpaintEngineTest {

  @TempDir Path models;

  private static EngineRequest outpaint(RgbaImage image, Map<String, Object> params) {
    return new EngineRequest(Map.of("image", image), new Params(params));
  }

  private static RgbaImage run(Engine engine, RgbaImage image, Map<String, Object> params)
      throws Exception {
    return (RgbaImage)
        engine.run(outpaint(image, params), JobContext.detached()).outputs().get("image");
  }

  /**
   * Asserts original pixel (x, y) sits at (x + left, y + top) with every sample's bits unchanged.
   */
  private static void assertMoved(
      RgbaImage original, RgbaImage output, int x, int y, int[] topLeft) {
    for (int c = 0; c < 4; c++) {
      assertEquals(
          Float.floatToRawIntBits(original.get(x, y, c)),
          Float.floatToRawIntBits(output.get(x + topLeft[0], y + topLeft[1], c)),
          "channel " + c + " of original pixel " + x + "," + y);
    }
  }

  /** Mean absolute difference of RGB between canvas columns {@code x} and {@code x + 1}. */
  private static double columnStep(RgbaImage image, int x, int rowFrom, int rowTo) {
    double sum = 0;
    for (int y = rowFrom; y < rowTo; y++) {
      for (int c = 0; c < 3; c++) {
        sum += Math.abs(image.get(x + 1, y, c) - image.get(x, y, c));
      }
    }
    return sum / (3.0 * (rowTo - rowFrom));
  }

  @Test
  void theBuiltInEngineGrowsTheCanvasKeepsTheOriginalAndFillsTheBorderSeamlessly()
      throws Exception {
    RgbaImage image = gradient(48, 40, SampleDepth.U8);
    OutpaintEngine engine = new OutpaintEngine();

    RgbaImage output =
        run(engine, image, Map.of("left", 16, "top", 8, "right", 24, "bottom", 0, "seed", 7L));

    assertEquals(88, output.width());
    assertEquals(48, output.height());
    assertEquals(SampleDepth.U8, output.depth());
    // The band is min(feather 32, 40 / 4) = 10 pixels along each grown side (not the bottom).
    for (int y = 10; y < 40; y++) {
      for (int x = 10; x < 38; x++) {
        assertMoved(image, output, x, y, new int[] {16, 8});
      }
    }
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 88; x++) {
        boolean border = x < 16 || x >= 64 || y < 8;
        if (border) {
          assertTrue(output.get(x, y, 3) >= 0.6f - 1e-6f, "border alpha at " + x + "," + y);
          float brightest =
              Math.max(output.get(x, y, 0), Math.max(output.get(x, y, 1), output.get(x, y, 2)));
          assertTrue(brightest > 0.1f, "border pixel " + x + "," + y + " is black");
        }
      }
    }
    // No step across the seam region is far larger than the image's own column-to-column change.
    double ownStep = 0;
    for (int x = 16 + 10; x < 64 - 10; x++) {
      ownStep = Math.max(ownStep, columnStep(output, x, 18, 48));
    }
    for (int x = 0; x < 16 + 10; x++) {
      double step = columnStep(output, x, 18, 48);
      assertTrue(
          step <= Math.max(0.06, 3 * ownStep),
          "step " + step + " at column " + x + " vs " + ownStep);
    }
  }

  @Test
  void theInnerEngineFillsTheBorderAndBandWithTheBandAsItsFeather() throws Exception {
    ConstantFill inner = new ConstantFill();
    OutpaintEngine engine = new OutpaintEngine(inner);
    RgbaImage image = flat(40, 32, 0.8f);

    RgbaImage output =
        run(
            engine,
            image,
            Map.of("left", 12, "bottom", 5, "feather", 6, "seed", 99L, "prompt", "sea"));

    EngineRequest seen = inner.last.get();
    RgbaImage mask = seen.input("mask", RgbaImage.class);
    RgbaImage canvas = seen.input("image", RgbaImage.class);
    assertEquals(52, canvas.width());
    assertEquals(37, canvas.height());
    for (int y = 0; y < 37; y++) {
      for (int x = 0; x < 52; x++) {
        // Border: left 12 columns and bottom 5 rows; band: 6 into the original along both.
        boolean expected = x < 12 + 6 || y >= 32 - 6;
        assertEquals(expected, InpaintImages.isHole(mask, x, y), "mask at " + x + "," + y);
      }
    }
    assertEquals(
        Map.of("seed", 99L, "prompt", "sea", "grow", 0, "feather", 6), seen.params().asMap());
    // Across the band the output moves steadily from the original (0.8) to the fill (0.2).
    float previous = output.get(12 + 6, 10, 0);
    assertEquals(0.8f, previous);
    for (int x = 12 + 5; x >= 0; x--) {
      float value = output.get(x, 10, 0);
      assertTrue(
          value <= previous && value >= 0.2f,
          "red at " + x + ",10 = " + value + " after " + previous);
      previous = value;
    }
    assertEquals(0.2f, output.get(0, 10, 0), 1 / 255f);
  }

  @Test
  void originalPixelsOutsideTheBandAreRestoredWhateverTheInnerEngineDoes() throws Exception {
    ConstantFill careless = new ConstantFill();
    careless.scribbleEverywhere = true;
    RgbaImage image = gradient(30, 30, SampleDepth.U16);

    RgbaImage output = run(new OutpaintEngine(careless), image, Map.of("top", 10, "feather", 4));

    assertEquals(SampleDepth.U16, output.depth());
    for (int y = 4; y < 30; y++) {
      for (int x = 0; x < 30; x++) {
        assertMoved(image, output, x, y, new int[] {0, 10});
      }
    }
  }

  @Test
  void aroundTheLamaEngineTheBorderGetsTheModelsFillAndTheIdNamesIt() throws Exception {
    InpaintModels.generate(models);
    try (OnnxRuntime runtime = InpaintModels.cpuRuntime()) {
      LamaInpaintEngine lama =
          new LamaInpaintEngine(
              InpaintModels.setup(runtime, models.resolve("lama_arithmetic.onnx"), "lama-big"));
      OutpaintEngine engine = new OutpaintEngine(lama);
      RgbaImage image = gradient(200, 150, SampleDepth.U8);

      RgbaImage output = run(engine, image, Map.of("right", 100, "feather", 16));

      assertEquals("outpaint.lama-big", engine.info().id());
      assertEquals(EngineInfo.Kind.MODEL, engine.info().kind());
      assertEquals(lama.info().modelSha256(), engine.info().modelSha256());
      assertEquals(300, output.width());
      // Past the band's ramp (16 + 1 pixels from the kept original) the model's 0.25 is pasted.
      for (int y = 0; y < 150; y++) {
        for (int x = 200 + 2; x < 300; x++) {
          assertEquals(64 / 255f, output.get(x, y, 0), "red at " + x + "," + y);
        }
        for (int x = 0; x < 200 - 16; x++) {
          assertMoved(image, output, x, y, new int[] {0, 0});
        }
      }
    }
  }

  @Test
  void thePrefillRepeatsTheEdgeNextToItAndBlursFartherOut() {
    // Stripes one column wide: the sharpest detail an edge can have.
    RgbaImage image = flat(60, 40, 0.5f);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 60; x++) {
        image.set(x, y, 2, x % 2 == 0 ? 1f : 0f);
      }
    }

    RgbaImage canvas = BorderPrefill.extend(image, new BorderPrefill.Padding(0, 0, 0, 50));

    for (int x = 0; x < 60; x++) {
      for (int c = 0; c < 4; c++) {
        // One pixel out the blur radius is 0: the edge itself.
        assertEquals(image.get(x, 39, c), canvas.get(x, 40, c), "channel " + c + " below " + x);
      }
    }
    // 50 pixels out the window is 51 wide: the stripes average to about one half.
    for (int x = 10; x < 50; x++) {
      assertEquals(0.5f, canvas.get(x, 89, 2), 0.03f, "blue 50 pixels below " + x);
      assertEquals(image.get(x, 0, 0), canvas.get(x, 89, 0), "flat red stays flat");
    }
    // In between, the stripes fade steadily.
    double previousContrast = Double.MAX_VALUE;
    for (int y = 40; y < 90; y += 7) {
      double contrast = Math.abs(canvas.get(31, y, 2) - canvas.get(30, y, 2));
      assertTrue(contrast <= previousContrast, "stripe contrast grew at row " + y);
      previousContrast = contrast;
    }
  }

  @Test
  void thePrefillDoesNotBleedTheHiddenColourOfTransparentPixels() {
    RgbaImage image = new RgbaImage(8, 8, SampleDepth.U8);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        boolean opaque = (x + y) % 2 == 0;
        image.set(x, y, opaque ? 0 : 1, 1f); // opaque red, transparent green
        image.set(x, y, 3, opaque ? 1f : 0f);
      }
    }

    RgbaImage canvas = BorderPrefill.extend(image, new BorderPrefill.Padding(10, 0, 0, 0));

    // Four pixels out, the window is 5 tall: colour from the opaque pixels only, half coverage.
    assertEquals(1f, canvas.get(1, 4, 0));
    assertEquals(0f, canvas.get(1, 4, 1));
    assertEquals(0.5f, canvas.get(1, 4, 3), 0.11f);
  }

  @Test
  void refusesNothingToAddSidesOutOfRangeAndAnOutOfRangeFeather() {
    OutpaintEngine engine = new OutpaintEngine();
    RgbaImage image = gradient(16, 16, SampleDepth.U8);

    EngineException none = assertThrows(EngineException.class, () -> run(engine, image, Map.of()));
    EngineException tooWide =
        assertThrows(EngineException.class, () -> run(engine, image, Map.of("left", 4097)));
    EngineException negative =
        assertThrows(EngineException.class, () -> run(engine, image, Map.of("top", -1)));
    EngineException feather =
        assertThrows(
            EngineException.class, () -> run(engine, image, Map.of("top", 4, "feather", 257)));

    assertEquals(
        "nothing to outpaint: left, top, right and bottom are all 0; give at least one side",
        none.getMessage());
    for (EngineException thrown : List.of(none, tooWide, negative, feather)) {
      assertEquals(EngineException.Kind.INVALID_INPUT, thrown.kind());
    }
    assertEquals(4097, tooWide.details().get("left"));
  }

  @Test
  void reportsThePrefillThenTheInnerEnginesStagesWithProgressRisingToOne() throws Exception {
    RecordingJob job = new RecordingJob();

    new OutpaintEngine()
        .run(outpaint(gradient(24, 24, SampleDepth.U8), Map.of("right", 8, "seed", 1L)), job);

    assertEquals(List.of("prefill", "prepare", "fill", "compose"), job.stages);
    for (int i = 1; i < job.progress.size(); i++) {
      assertTrue(
          job.progress.get(i) >= job.progress.get(i - 1), "progress went back: " + job.progress);
    }
    assertEquals(1.0, job.progress.get(job.progress.size() - 1));
  }

  @Test
  void aCancelledJobStopsBeforeTheInnerEngineRuns() {
    ConstantFill inner = new ConstantFill();
    RecordingJob job = new RecordingJob();
    job.cancel();

    assertThrows(
        CancelledException.class,
        () ->
            new OutpaintEngine(inner)
                .run(outpaint(gradient(16, 16, SampleDepth.U8), Map.of("left", 4)), job));
    assertEquals(null, inner.last.get());
  }

  @Test
  void namesTheBuiltInVariantAndRefusesAnEngineForAnotherTask() {
    EngineInfo builtin = new OutpaintEngine().info();
    assertEquals("builtin.outpaint", builtin.id());
    assertEquals("image.outpaint", builtin.task());
    assertEquals(EngineInfo.Kind.BUILTIN, builtin.kind());
    assertEquals("1+1", builtin.version());

    ConstantFill upscaler = new ConstantFill();
    upscaler.task = "image.upscale";
    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> new OutpaintEngine(upscaler));
    assertEquals(
        "outpaint needs an image.inpaint engine, not fake.fill (image.upscale)",
        thrown.getMessage());
  }

  @Test
  void isNotReadyExactlyWhenTheInnerEngineIsNot() {
    ConstantFill inner = new ConstantFill();
    OutpaintEngine engine = new OutpaintEngine(inner);
    assertEquals(Optional.empty(), engine.notReadyReason());

    inner.notReady = Optional.of("model lama.onnx is missing");

    assertEquals(Optional.of("model lama.onnx is missing"), engine.notReadyReason());
  }

  /** An opaque grey image of {@code value} rounded to the 8-bit grid. */
  private static RgbaImage flat(int width, int height, float level) {
    float value = Math.round(level * 255f) / 255f;
    RgbaImage image = new RgbaImage(width, height, SampleDepth.U8);
    for (int i = 0; i < image.samples().length; i += 4) {
      image.samples()[i] = value;
      image.samples()[i + 1] = value;
      image.samples()[i + 2] = value;
      image.samples()[i + 3] = 1f;
    }
    return image;
  }

  /**
   * An inpaint engine that fills with red 0.2 blended by the feathered mask, as a real engine
   * composites, and remembers the request it got.
   */
  private static final class ConstantFill implements Engine {
    final AtomicReference<EngineRequest> last = new AtomicReference<>();
    String task = "image.inpaint";
    boolean scribbleEverywhere;
    Optional<String> notReady = Optional.empty();

    @Override
    public Optional<String> notReadyReason() {
      return notReady;
    }

    @Override
    public EngineInfo info() {
      return new EngineInfo(
          "fake.fill", task, EngineInfo.Kind.BUILTIN, "test", null, "cpu", "3", true);
    }

    @Override
    public EngineResult run(EngineRequest request, JobContext context) throws EngineException {
      last.set(request);
      RgbaImage image = request.input("image", RgbaImage.class).copy();
      FillMask mask =
          FillMask.prepare(
              request.input("mask", RgbaImage.class),
              request.params().getInt("grow", 0),
              request.params().getInt("feather", 0));
      Map<Integer, Float> fill = new HashMap<>(Map.of(0, 0.2f, 1, 0.2f, 2, 0.2f, 3, 1f));
      for (int i = 0; i < mask.blend().length; i++) {
        float weight = scribbleEverywhere ? 1f : mask.blend()[i];
        for (int c = 0; c < 4; c++) {
          float original = image.samples()[i * 4 + c];
          float value = original + weight * (fill.get(c) - original);
          image.samples()[i * 4 + c] = Math.round(value * 255f) / 255f;
        }
      }
      return new EngineResult(Map.of("image", image));
    }
  }
}
