package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Test;

class DepthTextureEngineTest {

  private final DepthTextureEngine engine = new DepthTextureEngine();

  /** A grey depth image whose value at pixel (x, y) is {@code f(x, y)}. */
  static RgbaImage depth(int width, int height, DoubleBinaryOperator f) {
    RgbaImage image = new RgbaImage(width, height, SampleDepth.U16);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float v = (float) f.applyAsDouble(x, y);
        image.set(x, y, 0, v);
        image.set(x, y, 1, v);
        image.set(x, y, 2, v);
        image.set(x, y, 3, 1f);
      }
    }
    return image;
  }

  private EngineResult run(RgbaImage depth, Map<String, Object> params) throws Exception {
    return engine.run(
        new EngineRequest(Map.of("depth", depth), new Params(params)), JobContext.detached());
  }

  private static RgbaImage out(EngineResult result, String name) {
    return (RgbaImage) result.outputs().get(name);
  }

  @Test
  void describesItselfAsDerivedMapsNotAGenerativeTexture() {
    EngineInfo info = engine.info();
    assertEquals("builtin.depthmaps", info.id());
    assertEquals("image.texture_from_depth", info.task());
    assertEquals(EngineInfo.Kind.BUILTIN, info.kind());
    assertTrue(info.description().contains("derived maps, not a generative texture"));
    assertTrue(DepthTextureEngine.METHOD.startsWith("derived maps"));
  }

  @Test
  void flatDepthGivesTheFlatNormalAndNeutralMaps() throws Exception {
    EngineResult result = run(depth(64, 48, (x, y) -> 0.5), Map.of());
    RgbaImage normal = out(result, "normal");
    for (int y = 0; y < 48; y += 7) {
      for (int x = 0; x < 64; x += 7) {
        assertEquals(0.5f, normal.get(x, y, 0), 1e-4);
        assertEquals(0.5f, normal.get(x, y, 1), 1e-4);
        assertEquals(1f, normal.get(x, y, 2), 1e-4);
        assertEquals(0.5f, out(result, "cavity").get(x, y, 0), 1e-4);
        assertEquals(1f, out(result, "ao").get(x, y, 0), 1e-4);
      }
    }
  }

  @Test
  void planeRisingToTheRightHasNormalsLeaningLeft() throws Exception {
    RgbaImage normal = out(run(depth(64, 64, (x, y) -> x / 63.0), Map.of()), "normal");
    float red = normal.get(32, 32, 0);
    assertTrue(red < 0.49f, "red " + red + " should lean left of 0.5");
    assertEquals(0.5f, normal.get(32, 32, 1), 1e-4);
    // Stronger relief tilts further.
    RgbaImage steeper =
        out(run(depth(64, 64, (x, y) -> x / 63.0), Map.of("normal_strength", 4.0)), "normal");
    assertTrue(steeper.get(32, 32, 0) < red - 0.02f);
  }

  @Test
  void planeRisingTowardsTheBottomHasNormalsLeaningUp() throws Exception {
    // Image rows run down; tangent-space +y (green) points up the image.
    RgbaImage normal = out(run(depth(64, 64, (x, y) -> y / 63.0), Map.of()), "normal");
    assertTrue(normal.get(32, 32, 1) > 0.51f);
    assertEquals(0.5f, normal.get(32, 32, 0), 1e-4);
  }

  private static double bump(double x, double y, double cx, double cy) {
    double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
    return Math.exp(-d2 / (2 * 4.0 * 4.0));
  }

  @Test
  void pitIsDarkerThanPeakInOcclusionAndCavity() throws Exception {
    RgbaImage depth =
        depth(
            128, 64, (x, y) -> 0.5 + 0.4 * bump(x, y, 32, 32) - 0.4 * bump(x, y, 96, 32));
    EngineResult result = run(depth, Map.of());
    float aoPeak = out(result, "ao").get(32, 32, 0);
    float aoPit = out(result, "ao").get(96, 32, 0);
    assertEquals(1f, aoPeak, 1e-4, "nothing rises above a peak");
    assertTrue(aoPit < aoPeak - 0.1f, "pit " + aoPit + " vs peak " + aoPeak);
    assertTrue(out(result, "cavity").get(96, 32, 0) < 0.4f);
    assertTrue(out(result, "cavity").get(32, 32, 0) > 0.6f);
    // The base colour is darker in the pit too.
    RgbaImage image = out(result, "image");
    assertTrue(luma(image, 96, 32) < luma(image, 32, 32));
  }

  private static float luma(RgbaImage image, int x, int y) {
    return image.get(x, y, 0) + image.get(x, y, 1) + image.get(x, y, 2);
  }

  @Test
  void flatOpenGroundShowsTheBaseColourExactly() throws Exception {
    RgbaImage image =
        out(run(depth(64, 64, (x, y) -> 0.3), Map.of("color_a", "#8a6a3b")), "image");
    assertEquals(0x8a / 255f, image.get(10, 10, 0), 1e-6);
    assertEquals(0x6a / 255f, image.get(10, 10, 1), 1e-6);
    assertEquals(0x3b / 255f, image.get(10, 10, 2), 1e-6);
    assertEquals(SampleDepth.U8, image.depth());
  }

  @Test
  void promptColoursShadeTheTexture() throws Exception {
    RgbaImage flat =
        out(run(depth(64, 64, (x, y) -> 0.3), Map.of("prompt", "weathered bronze, green patina")),
            "image");
    ColourWords.Colour bronze = ColourWords.lookup("bronze").orElseThrow();
    assertEquals(bronze.red(), flat.get(5, 5, 0), 1.5 / 255);
    assertEquals(bronze.green(), flat.get(5, 5, 1), 1.5 / 255);
  }

  @Test
  void outputsTakeTheDepthSizeOrTheRequestedSize() throws Exception {
    RgbaImage depth = depth(100, 50, (x, y) -> x / 99.0);
    EngineResult own = run(depth, Map.of());
    for (String name : new String[] {"image", "normal", "cavity", "ao"}) {
      assertEquals(100, out(own, name).width(), name);
      assertEquals(50, out(own, name).height(), name);
    }
    EngineResult sized = run(depth, Map.of("width", 256, "height", 128));
    for (String name : new String[] {"image", "normal", "cavity", "ao"}) {
      assertEquals(256, out(sized, name).width(), name);
      assertEquals(128, out(sized, name).height(), name);
    }
    EngineResult widthOnly = run(depth, Map.of("width", 512));
    assertEquals(256, out(widthOnly, "ao").height());
    assertEquals(SampleDepth.U16, out(widthOnly, "normal").depth());
  }

  @Test
  void refusesSidesThatAreNotMultiplesOfEight() {
    EngineException e =
        assertThrows(
            EngineException.class,
            () -> run(depth(64, 64, (x, y) -> 0), Map.of("width", 100, "height", 64)));
    assertEquals(EngineException.Kind.INVALID_INPUT, e.kind());
    assertThrows(
        EngineException.class,
        () -> run(depth(64, 64, (x, y) -> 0), Map.of("seamless", "diagonal")));
    assertThrows(
        EngineException.class, () -> run(depth(64, 64, (x, y) -> 0), Map.of("color_a", "bronze")));
  }

  /** A depth that does not tile: a ramp left to right plus bumps, different at every edge. */
  private static RgbaImage untileable() {
    return depth(
        96,
        64,
        (x, y) ->
            0.1 + 0.6 * x / 95.0 + 0.2 * bump(x, y, 20, 20) - 0.1 * bump(x, y, 70, 40) + 0.05 * y / 63.0);
  }

  private static float worstEdgeMismatchX(RgbaImage image) {
    float worst = 0;
    for (int y = 0; y < image.height(); y++) {
      for (int c = 0; c < 3; c++) {
        worst = Math.max(worst, Math.abs(image.get(0, y, c) - image.get(image.width() - 1, y, c)));
      }
    }
    return worst;
  }

  private static float worstEdgeMismatchY(RgbaImage image) {
    float worst = 0;
    for (int x = 0; x < image.width(); x++) {
      for (int c = 0; c < 3; c++) {
        worst = Math.max(worst, Math.abs(image.get(x, 0, c) - image.get(x, image.height() - 1, c)));
      }
    }
    return worst;
  }

  @Test
  void seamlessResultTilesLeftToRight() throws Exception {
    Map<String, Object> params = new HashMap<>();
    params.put("prompt", "white marble, black soot");
    EngineResult plain = run(untileable(), params);
    params.put("seamless", "x");
    EngineResult seamless = run(untileable(), params);
    for (String name : new String[] {"image", "normal", "cavity", "ao"}) {
      float mismatch = worstEdgeMismatchX(out(seamless, name));
      assertTrue(mismatch < 0.03f, name + " edges differ by " + mismatch);
    }
    assertTrue(worstEdgeMismatchX(out(plain, "image")) > 0.1f, "the input must not tile by itself");
    // Only x was asked for: top and bottom need not meet.
    assertTrue(worstEdgeMismatchY(out(seamless, "image")) > 0.03f);
  }

  @Test
  void seamlessBothTilesInBothDirections() throws Exception {
    EngineResult result = run(untileable(), Map.of("seamless", "both", "normal_strength", 2.0));
    for (String name : new String[] {"image", "normal", "cavity", "ao"}) {
      assertTrue(worstEdgeMismatchX(out(result, name)) < 0.03f, name);
      assertTrue(worstEdgeMismatchY(out(result, name)) < 0.03f, name);
    }
  }
}
