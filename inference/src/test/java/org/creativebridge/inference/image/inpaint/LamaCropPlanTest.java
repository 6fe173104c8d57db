package org.creativebridge.inference.image.inpaint;

import static org.creativebridge.inference.image.inpaint.InpaintImages.gradient;
import static org.creativebridge.inference.image.inpaint.InpaintImages.rectangles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the model engines crop, and how a crop is laid out for a fixed-size model. */
class LamaCropPlanTest {

  private static final ModelCanvas LAMA = ModelCanvas.fixed(512, 512);

  private static ContextBoxes plan(int width, int height, PixelBounds... holes) {
    return ContextBoxes.plan(FillMask.prepare(rectangles(width, height, holes), 0, 0), LAMA);
  }

  private static boolean contains(PixelBounds outer, PixelBounds inner) {
    return outer.x0() <= inner.x0()
        && outer.y0() <= inner.y0()
        && outer.x1() >= inner.x1()
        && outer.y1() >= inner.y1();
  }

  @Test
  void distantHolesEachGetTheirOwnModelSizedCropAroundThem() {
    PixelBounds first = new PixelBounds(100, 100, 40, 40);
    PixelBounds second = new PixelBounds(1800, 800, 50, 50);

    ContextBoxes plan = plan(2048, 1024, first, second);

    assertEquals(2, plan.tiles().size());
    assertEquals(first, plan.tiles().get(0).hole());
    assertEquals(second, plan.tiles().get(1).hole());
    // Centred on each hole, shifted (not shrunk) to stay inside the image.
    assertEquals(new PixelBounds(0, 0, 512, 512), plan.tiles().get(0).box());
    assertEquals(new PixelBounds(1536, 512, 512, 512), plan.tiles().get(1).box());
    assertEquals(0, plan.tileOfPixel()[120 * 2048 + 120]);
    assertEquals(1, plan.tileOfPixel()[820 * 2048 + 1820]);
    assertEquals(-1, plan.tileOfPixel()[500 * 2048 + 1000]);
  }

  @Test
  void holesWhoseMarginsOverlapShareOneCrop() {
    PixelBounds first = new PixelBounds(600, 400, 40, 40);
    // 210 pixels apart: within two 128-pixel margins of each other.
    PixelBounds second = new PixelBounds(850, 420, 40, 40);

    ContextBoxes plan = plan(2048, 1024, first, second);

    assertEquals(1, plan.tiles().size());
    assertEquals(new PixelBounds(600, 400, 290, 60), plan.tiles().get(0).hole());
    assertTrue(contains(plan.tiles().get(0).box(), first));
    assertTrue(contains(plan.tiles().get(0).box(), second));
  }

  @Test
  void holesJustBeyondEachOthersMarginsStaySeparate() {
    // Margin boxes [0,268) and [268,...) touch without overlapping.
    ContextBoxes plan =
        plan(2048, 1024, new PixelBounds(100, 100, 40, 40), new PixelBounds(396, 100, 40, 40));

    assertEquals(2, plan.tiles().size());
  }

  @Test
  void mergingRepeatsUntilNoTwoGroupsMarginsOverlap() {
    // A and B lie diagonally and merge; the margin box of their union covers the corner between
    // them, which C's margin reaches although it misses A's and B's own.
    PixelBounds a = new PixelBounds(1000, 500, 10, 10);
    PixelBounds b = new PixelBounds(1200, 700, 10, 10);
    PixelBounds c = new PixelBounds(1300, 300, 10, 10);
    assertTrue(overlap(margin(a), margin(b)));
    assertTrue(!overlap(margin(c), margin(a)) && !overlap(margin(c), margin(b)));

    ContextBoxes plan = plan(4096, 2048, a, b, c);

    assertEquals(1, plan.tiles().size());
    assertEquals(new PixelBounds(1000, 300, 310, 410), plan.tiles().get(0).hole());
  }

  private static PixelBounds margin(PixelBounds hole) {
    return hole.expandedWithin(ContextBoxes.MARGIN, 4096, 2048);
  }

  private static boolean overlap(PixelBounds p, PixelBounds q) {
    return p.x0() < q.x1() && q.x0() < p.x1() && p.y0() < q.y1() && q.y0() < p.y1();
  }

  @Test
  void cropsTakeTheModelsAspectWhereTheImageAllowsAndAreClippedWhereItIsSmaller() {
    PixelBounds wideHole = new PixelBounds(200, 180, 1200, 40);

    PixelBounds inWideImage = ContextBoxes.cropBox(wideHole, LAMA, 1600, 400);
    PixelBounds inLargeImage = ContextBoxes.cropBox(wideHole, LAMA, 4000, 4000);

    assertEquals(new PixelBounds(72, 0, 1456, 400), inWideImage);
    // 1200 + 2 * 128 wide, and as tall, since the model is square.
    assertEquals(new PixelBounds(72, 0, 1456, 1456), inLargeImage);
    assertTrue(contains(inLargeImage, wideHole));
  }

  @Test
  void aCropOfAnImageSmallerThanTheModelIsTheWholeImage() {
    assertEquals(
        new PixelBounds(0, 0, 300, 120),
        ContextBoxes.cropBox(new PixelBounds(100, 40, 30, 30), LAMA, 300, 120));
  }

  @Test
  void aTileScalesTheCropUniformlyAndPadsTheRestByReflection() {
    RgbaImage image = gradient(1600, 400, SampleDepth.U8);
    RgbaImage mask = rectangles(1600, 400, new PixelBounds(200, 180, 1200, 40));
    FillMask fillMask = FillMask.prepare(mask, 0, 0);
    PixelBounds box = new PixelBounds(72, 0, 1456, 400);

    ModelTile tile = ModelTile.prepare(image, fillMask.hole(), box, LAMA);

    assertEquals(512, tile.pixels().width());
    assertEquals(512, tile.pixels().height());
    // 1456 / 512 = 2.84375 both ways: 400 rows become round(140.66) = 141.
    assertEquals(new ModelTile.ContentSize(512, 141), tile.content());
    int plane = 512 * 512;
    for (int k = 0; k < 141; k++) {
      int below = 141 + k; // reflected about the content's bottom edge
      int mirrored = 140 - k;
      for (int x = 0; x < 512; x += 37) {
        assertEquals(tile.pixels().rgb()[mirrored * 512 + x], tile.pixels().rgb()[below * 512 + x]);
        assertEquals(
            tile.pixels().rgb()[plane + mirrored * 512 + x],
            tile.pixels().rgb()[plane + below * 512 + x]);
        assertEquals(
            tile.pixels().hole()[mirrored * 512 + x], tile.pixels().hole()[below * 512 + x]);
      }
    }
  }

  @Test
  void aStrokeThinnerThanTheScaleFactorStaysAHoleInTheModelsView() {
    // A one-pixel line in a crop scaled down 2.3x covers under half of each model pixel it
    // touches; it must still be a hole there, or the model would hand the stroke back.
    RgbaImage image = gradient(1200, 1200, SampleDepth.U8);
    RgbaImage mask = rectangles(1200, 1200, new PixelBounds(100, 600, 1000, 1));
    FillMask fillMask = FillMask.prepare(mask, 0, 0);
    ContextBoxes plan = ContextBoxes.plan(fillMask, LAMA);
    PixelBounds box = plan.tiles().get(0).box();
    assertEquals(new PixelBounds(0, 0, 1200, 1200), box);

    ModelTile tile = ModelTile.prepare(image, fillMask.hole(), box, LAMA);

    double scale = 1200 / 512.0;
    int modelRow = (int) Math.floor(600 / scale);
    for (int x = (int) Math.ceil(100 / scale); x < (int) Math.floor(1100 / scale); x++) {
      assertTrue(tile.pixels().hole()[modelRow * 512 + x], "model pixel " + x + "," + modelRow);
    }
    int holes = 0;
    for (boolean hole : tile.pixels().hole()) {
      holes += hole ? 1 : 0;
    }
    // One model row, two where the line straddles a row boundary: nothing more.
    assertTrue(holes <= 2 * 430, "hole pixels in the model's view: " + holes);
  }

  @Test
  void mirrorReflectsIndicesWithTheEdgePixelRepeated() {
    List<Integer> folded = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      folded.add(ModelTile.mirror(i, 3));
    }
    assertEquals(List.of(0, 1, 2, 2, 1, 0, 0, 1), folded);
    assertEquals(0, ModelTile.mirror(511, 1));
  }

  @ParameterizedTest(name = "grow {0}, feather {1}")
  @CsvSource({"0,0", "0,7", "5,0", "4,9", "30,40"})
  void theMaskPreparedAroundTheSelectionEqualsTheWholeImagePreparation(int grow, int feather) {
    RgbaImage mask =
        rectangles(
            400,
            300,
            new PixelBounds(0, 100, 20, 30), // touches the left edge
            new PixelBounds(150, 120, 60, 2),
            new PixelBounds(170, 60, 3, 90),
            new PixelBounds(380, 280, 20, 20)); // the bottom-right corner
    // A soft pixel below the threshold must not change anything either.
    mask.set(300, 20, 0, 0.3f);
    mask.set(300, 20, 1, 0.3f);
    mask.set(300, 20, 2, 0.3f);

    FillMask whole = FillMask.prepare(mask, grow, feather);
    FillMask local = LocalFillMask.prepare(mask, grow, feather);

    assertEquals(whole.bounds(), local.bounds());
    assertTrue(Arrays.equals(whole.hole(), local.hole()), "hole differs");
    assertTrue(Arrays.equals(whole.blend(), local.blend()), "blend differs");
  }

  @Test
  void aMaskPreparedAroundNothingIsEmpty() {
    FillMask local = LocalFillMask.prepare(rectangles(50, 40), 3, 3);

    assertTrue(local.isEmpty());
    assertEquals(50 * 40, local.hole().length);
  }
}
