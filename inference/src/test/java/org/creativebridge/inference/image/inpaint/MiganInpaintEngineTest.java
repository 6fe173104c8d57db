package org.creativebridge.inference.image.inpaint;

import static org.creativebridge.inference.image.inpaint.InpaintImages.gradient;
import static org.creativebridge.inference.image.inpaint.InpaintImages.isHole;
import static org.creativebridge.inference.image.inpaint.InpaintImages.rectangles;
import static org.creativebridge.inference.image.inpaint.InpaintImages.request;
import static org.creativebridge.inference.image.inpaint.LamaInpaintEngineTest.assertHoleIs;
import static org.creativebridge.inference.image.inpaint.LamaInpaintEngineTest.assertUntouchedOutside;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MI-GAN's pipeline against tiny models with the pipeline export's exact signature computing {@code
 * result = mask == 255 ? image : 64}: the hole comes back as code 64 only if the engine sends the
 * mask the MI-GAN way round (255 keeps, 0 fills).
 */
class MiganInpaintEngineTest {

  @TempDir static Path models;
  private static OnnxRuntime runtime;
  private static MiganInpaintEngine migan;

  private static final float HOLE_U8 = InpaintModels.MIGAN_HOLE_CODE / 255f;

  @BeforeAll
  static void start() throws Exception {
    InpaintModels.generate(models);
    runtime = InpaintModels.cpuRuntime();
    migan = engine("migan_arithmetic.onnx");
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private static MiganInpaintEngine engine(String file) throws EngineException {
    return new MiganInpaintEngine(InpaintModels.setup(runtime, models.resolve(file), "migan-test"));
  }

  private static RgbaImage fill(MiganInpaintEngine engine, RgbaImage image, RgbaImage mask)
      throws Exception {
    return (RgbaImage)
        engine.run(request(image, mask), JobContext.detached()).outputs().get("image");
  }

  @Test
  void sendsTheMaskWith255ForKeptPixelsSoOnlyTheHoleIsFilled() throws Exception {
    RgbaImage image = gradient(900, 700, SampleDepth.U8);
    RgbaImage mask = rectangles(900, 700, new PixelBounds(400, 300, 120, 90));

    RgbaImage output = fill(migan, image, mask);

    assertHoleIs(output, mask, HOLE_U8);
    assertUntouchedOutside(image, output, mask);
  }

  @Test
  void aDynamicSizeModelFillsEachHoleAtFullResolutionWherePixelsMeetTheEdge() throws Exception {
    RgbaImage image = gradient(3000, 1400, SampleDepth.U8);
    RgbaImage mask =
        rectangles(
            3000, 1400, new PixelBounds(0, 0, 700, 20), new PixelBounds(2500, 1000, 500, 400));

    RgbaImage output = fill(migan, image, mask);

    // No scaling anywhere: every hole pixel, edges included, is exactly the model's code.
    assertHoleIs(output, mask, HOLE_U8);
    assertUntouchedOutside(image, output, mask);
    ContextBoxes plan =
        ContextBoxes.plan(
            FillMask.prepare(mask, 0, 0), ModelCanvas.dynamic(MiganInpaintEngine.NATIVE_SIDE));
    assertEquals(
        List.of(new PixelBounds(0, 0, 956, 956), new PixelBounds(2244, 644, 756, 756)),
        plan.tiles().stream().map(ContextBoxes.Tile::box).toList());
  }

  @Test
  void aDynamicSizeModelIsFedCropsNoLongerThan2048() throws Exception {
    RgbaImage image = gradient(2600, 400, SampleDepth.U8);
    PixelBounds hole = new PixelBounds(100, 150, 2400, 100);
    RgbaImage mask = rectangles(2600, 400, hole);
    ModelTile tile =
        ModelTile.prepare(
            image,
            FillMask.prepare(mask, 0, 0).hole(),
            new PixelBounds(0, 0, 2600, 400),
            ModelCanvas.dynamic(MiganInpaintEngine.NATIVE_SIDE));
    assertEquals(2048, tile.pixels().width());
    assertEquals(315, tile.pixels().height()); // 400 / (2600 / 2048), no padding

    RgbaImage output = fill(migan, image, mask);

    assertUntouchedOutside(image, output, mask);
    for (int x = hole.x0() + 5; x < hole.x1() - 5; x++) {
      assertEquals(HOLE_U8, output.get(x, 200, 0), "red at " + x + ",200");
    }
  }

  @Test
  void aModelFixedAt256IsFedScaledCropsLikeLama() throws Exception {
    MiganInpaintEngine fixed = engine("migan_fixed_256.onnx");
    RgbaImage image = gradient(900, 700, SampleDepth.U8);
    PixelBounds hole = new PixelBounds(300, 300, 100, 80);
    RgbaImage mask = rectangles(900, 700, hole);

    RgbaImage output = fill(fixed, image, mask);

    assertUntouchedOutside(image, output, mask);
    // The 356-square crop is scaled by 256/356; well inside the hole the code survives exactly.
    for (int y = hole.y0() + 5; y < hole.y1() - 5; y++) {
      for (int x = hole.x0() + 5; x < hole.x1() - 5; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(HOLE_U8, output.get(x, y, c), "channel " + c + " at " + x + "," + y);
        }
      }
    }
  }

  @Test
  void sixteenBitInputKeepsItsDepthWithTheFillAtEightBitPrecision() throws Exception {
    RgbaImage image = gradient(640, 480, SampleDepth.U16);
    RgbaImage mask = rectangles(640, 480, new PixelBounds(600, 400, 40, 80));

    RgbaImage output = fill(migan, image, mask);

    assertEquals(SampleDepth.U16, output.depth());
    // Code 64 of 255 is exactly 16448 of 65535.
    assertHoleIs(output, mask, 16448 / 65535f);
    assertUntouchedOutside(image, output, mask);
  }

  @Test
  void theFeatheredRimBlendsTheFillOverTheOriginal() throws Exception {
    RgbaImage image = gradient(600, 600, SampleDepth.U8);
    RgbaImage mask = rectangles(600, 600, new PixelBounds(250, 250, 60, 60));
    FillMask expected = FillMask.prepare(mask, 0, 6);

    RgbaImage output =
        (RgbaImage)
            migan
                .run(request(image, mask, Map.of("feather", 6)), JobContext.detached())
                .outputs()
                .get("image");

    for (int y = 240; y < 320; y++) {
      for (int x = 240; x < 320; x++) {
        float weight = expected.blend()[y * 600 + x];
        float original = image.get(x, y, 1);
        float want =
            weight <= 0f
                ? original
                : weight >= 1f
                    ? HOLE_U8
                    : Math.round((original + weight * (HOLE_U8 - original)) * 255f) / 255f;
        assertEquals(want, output.get(x, y, 1), "green at " + x + "," + y);
      }
    }
    assertTrue(
        expected.blend()[250 * 600 + 250] < 1f && isHole(mask, 250, 250),
        "the corner is on the ramp");
  }

  @Test
  void refusesAModelWhoseMaskIsFloatNamingTheMismatch() throws Exception {
    MiganInpaintEngine misfit = engine("migan_mask_float.onnx");
    RgbaImage image = gradient(64, 48, SampleDepth.U8);
    RgbaImage mask = rectangles(64, 48, new PixelBounds(10, 10, 5, 5));

    EngineException thrown =
        assertThrows(
            EngineException.class, () -> misfit.run(request(image, mask), JobContext.detached()));

    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, thrown.kind());
    assertEquals(
        "model migan_mask_float.onnx does not fit the migan contract: input 'mask': expected uint8"
            + " [1,1,-1,-1] or uint8 [1,1,512,512] or uint8 [1,1,256,256], model has float32"
            + " [1,1,-1,-1]",
        thrown.getMessage());
  }

  @Test
  void reportsPrepareInferComposeAndEndsAtOne() throws Exception {
    RecordingJob job = new RecordingJob();

    migan.run(
        request(
            gradient(300, 300, SampleDepth.U8), rectangles(300, 300, new PixelBounds(5, 5, 9, 9))),
        job);

    assertEquals(List.of("prepare", "infer", "compose"), job.stages);
    assertEquals(1.0, job.progress.get(job.progress.size() - 1));
  }

  @Test
  void describesItselfAsTheInstalledModel() throws Exception {
    EngineInfo info = migan.info();

    assertEquals("migan-test", info.id());
    assertEquals("image.inpaint", info.task());
    assertEquals(EngineInfo.Kind.MODEL, info.kind());
    assertEquals(
        ModelFile.open(models.resolve("migan_arithmetic.onnx")).sha256(), info.modelSha256());
    assertEquals("1", info.version());
    assertFalse(info.concurrent());
  }
}
