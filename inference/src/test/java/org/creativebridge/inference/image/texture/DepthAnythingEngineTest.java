package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepthAnythingEngineTest {

  private static final float ONE_CODE = 1f / 65535f;

  @TempDir static Path models;
  private static OnnxRuntime runtime;

  @BeforeAll
  static void generateModels() throws Exception {
    TextureModels.generate(models);
    runtime = TextureModels.cpuRuntime();
  }

  @AfterAll
  static void closeRuntime() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private static DepthAnythingEngine engine(String file) throws Exception {
    return new DepthAnythingEngine(TextureModels.setup(runtime, models.resolve(file), "depth-test"));
  }

  private static RgbaImage run(DepthAnythingEngine engine, RgbaImage image, Map<String, Object> params)
      throws Exception {
    return (RgbaImage)
        engine
            .run(new EngineRequest(Map.of("image", image), new Params(params)), JobContext.detached())
            .outputs()
            .get("depth");
  }

  /** A colour image whose channels vary differently, so the per-channel normalisation shows. */
  private static RgbaImage colourful(int width, int height) {
    RgbaImage image = new RgbaImage(width, height, SampleDepth.U16);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.set(x, y, 0, (float) x / (width - 1));
        image.set(x, y, 1, (float) y / (height - 1));
        image.set(x, y, 2, (float) ((x * 7 + y * 3) % 50) / 49);
        image.set(x, y, 3, 1f);
      }
    }
    return image;
  }

  @Test
  void sidesAreRoundedToMultiplesOf14KeepingTheAspect() {
    assertArrayEquals(new int[] {518, 294}, DepthAnythingEngine.modelSize(1920, 1080, 518));
    assertArrayEquals(new int[] {518, 518}, DepthAnythingEngine.modelSize(100, 100, 518));
    assertArrayEquals(new int[] {140, 98}, DepthAnythingEngine.modelSize(300, 200, 140));
    assertArrayEquals(new int[] {14, 518}, DepthAnythingEngine.modelSize(2, 1000, 518));
  }

  @Test
  void normalisesWithImageNetStatisticsAndStretchesToZeroToOne() throws Exception {
    // 518 x 518 is fed as is, so the model's mean over the normalised channels is exact.
    RgbaImage image = colourful(518, 518);
    RgbaImage depth = run(engine("depth_anything.onnx"), image, Map.of());
    float[] expected = new float[518 * 518];
    for (int i = 0; i < expected.length; i++) {
      float sum = 0;
      for (int c = 0; c < 3; c++) {
        float v = image.samples()[i * 4 + c];
        sum += (v - DepthAnythingEngine.MEAN[c]) / DepthAnythingEngine.STD[c];
      }
      expected[i] = sum / 3;
    }
    float[] normalised = DepthAnythingEngine.normalised(expected);
    float low = 1;
    float high = 0;
    for (int i = 0; i < normalised.length; i++) {
      float got = depth.samples()[i * 4];
      assertEquals(normalised[i], got, 1.01f * ONE_CODE, "pixel " + i);
      assertEquals(got, depth.samples()[i * 4 + 1]);
      assertEquals(1f, depth.samples()[i * 4 + 3]);
      low = Math.min(low, got);
      high = Math.max(high, got);
    }
    assertEquals(0f, low);
    assertEquals(1f, high);
    assertEquals(SampleDepth.U16, depth.depth());
  }

  @Test
  void anyImageSizeIsFedAtMultiplesOf14AndComesBackAtItsOwnSize() throws Exception {
    // The look-alike, like the ViT, refuses sides that are not multiples of 14.
    RgbaImage ramp = new RgbaImage(300, 200, SampleDepth.U8);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 300; x++) {
        for (int c = 0; c < 3; c++) {
          ramp.set(x, y, c, Math.round(x / 299f * 255) / 255f);
        }
        ramp.set(x, y, 3, 1f);
      }
    }
    RgbaImage depth = run(engine("depth_anything.onnx"), ramp, Map.of("max_side", 140));
    assertEquals(300, depth.width());
    assertEquals(200, depth.height());
    assertEquals(SampleDepth.U16, depth.depth());
    // Brighter (here: nearer by construction) stays brighter; the ends are exactly 0 and 1.
    assertEquals(0f, depth.get(0, 100, 0));
    assertEquals(1f, depth.get(299, 100, 0));
    for (int x = 1; x < 300; x++) {
      assertTrue(depth.get(x, 100, 0) >= depth.get(x - 1, 100, 0) - ONE_CODE, "x " + x);
    }
  }

  @Test
  void readsTheOtherCommonExportNames() throws Exception {
    RgbaImage image = colourful(200, 120);
    RgbaImage main = run(engine("depth_anything.onnx"), image, Map.of());
    RgbaImage alt = run(engine("depth_anything_alt.onnx"), image, Map.of());
    assertTrue(main.contentEquals(alt));
  }

  @Test
  void describesItselfAsAModelEngineForImageDepth() throws Exception {
    EngineInfo info = engine("depth_anything.onnx").info();
    assertEquals("image.depth", info.task());
    assertEquals(EngineInfo.Kind.MODEL, info.kind());
    assertEquals("depth-test", info.id());
  }
}
