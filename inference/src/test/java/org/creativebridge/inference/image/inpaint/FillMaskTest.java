package org.creativebridge.inference.image.inpaint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Test;

class FillMaskTest {

  private static RgbaImage singlePixelMask(int width, int height, int x, int y) {
    boolean[] hole = new boolean[width * height];
    hole[y * width + x] = true;
    return SyntheticHoles.asMaskImage(hole, width, height);
  }

  @Test
  void grow_dilatesByAEuclideanDisc() {
    FillMask mask = FillMask.prepare(singlePixelMask(9, 9, 4, 4), 2, 0);
    String expected =
        "........."
            + "........."
            + "....#...."
            + "...###..."
            + "..#####.."
            + "...###..."
            + "....#...."
            + "........."
            + ".........";
    assertEquals(expected, render(mask));
    assertEquals(new PixelBounds(2, 2, 5, 5), mask.bounds());
  }

  @Test
  void growOfThree_includesPixelsWithinRadiusOnly() {
    FillMask mask = FillMask.prepare(singlePixelMask(9, 9, 4, 4), 3, 0);
    // (2,2) offsets are at distance 2.83 <= 3: in; (3,1) at 3.16: out.
    assertTrue(mask.hole()[(4 + 2) * 9 + 4 + 2]);
    assertTrue(!mask.hole()[(4 + 1) * 9 + 4 + 3]);
    assertEquals(29, mask.holeCount());
  }

  @Test
  void noFeather_blendsFullyInsideAndNotAtAllOutside() {
    FillMask mask = FillMask.prepare(singlePixelMask(5, 5, 2, 2), 1, 0);
    for (int i = 0; i < 25; i++) {
      assertEquals(mask.hole()[i] ? 1f : 0f, mask.blend()[i]);
    }
  }

  @Test
  void feather_rampsInsideTheGrownEdge() {
    boolean[] hole = new boolean[11 * 1];
    for (int x = 2; x <= 8; x++) {
      hole[x] = true;
    }
    FillMask mask = FillMask.prepare(SyntheticHoles.asMaskImage(hole, 11, 1), 0, 2);
    // Distance to the nearest outside pixel: 1, 2, 3, 4, 3, 2, 1; weight min(1, d / (2 + 1)).
    float third = (float) (1.0 / 3.0);
    float twoThirds = (float) (2.0 / 3.0);
    assertArrayEquals(
        new float[] {0, 0, third, twoThirds, 1, 1, 1, twoThirds, third, 0, 0}, mask.blend(), 0f);
  }

  @Test
  void emptyMask_hasNoBounds() {
    FillMask mask = FillMask.prepare(new RgbaImage(4, 3, SampleDepth.U8), 5, 5);
    assertTrue(mask.isEmpty());
    assertEquals(0, mask.holeCount());
  }

  @Test
  void engine_growAndFeather_blendFillIntoOriginal() throws Exception {
    // Uniform grey with a white blot exactly under the grown mask: every fill is exactly grey, so the output in
    // the ramp is exactly original + blend * (grey - original).
    int width = 21;
    int height = 21;
    RgbaImage image = PatchMatchInpaintEngineTest.constant(width, height, new float[] {0.5f, 0.5f, 0.5f, 1f});
    RgbaImage maskImage = singlePixelMask(width, height, 10, 10);
    FillMask expected = FillMask.prepare(maskImage, 3, 2);
    for (int i = 0; i < width * height; i++) {
      if (expected.hole()[i]) {
        image.samples()[i * 4] = 1f;
        image.samples()[i * 4 + 1] = 1f;
        image.samples()[i * 4 + 2] = 1f;
      }
    }
    Map<String, Object> values = new HashMap<>(PatchMatchInpaintEngineTest.params(4).asMap());
    values.put("grow", 3);
    values.put("feather", 2);
    RgbaImage out =
        PatchMatchInpaintEngineTest.fill(
            new PatchMatchInpaintEngine(), image, maskImage, new Params(values));
    for (int i = 0; i < width * height; i++) {
      float blend = expected.blend()[i];
      for (int c = 0; c < 3; c++) {
        float original = image.samples()[i * 4 + c];
        float want = blend >= 1f ? 0.5f : original + blend * (0.5f - original);
        assertEquals(want, out.samples()[i * 4 + c], 0f, "pixel " + i + " channel " + c);
      }
    }
    // The ring at the grown edge is one third filled, the centre fully, the outside not at all.
    assertEquals(1f / 3f * 0.5f + 2f / 3f * 1f, out.get(10, 7, 0), 1e-6f);
    assertEquals(0.5f, out.get(10, 10, 0), 0f);
    assertEquals(0.5f, out.get(10, 6, 0), 0f);
  }

  private static String render(FillMask mask) {
    StringBuilder text = new StringBuilder();
    for (boolean inHole : mask.hole()) {
      text.append(inHole ? '#' : '.');
    }
    return text.toString();
  }
}
