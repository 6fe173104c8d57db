package org.creativebridge.inference.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.creativebridge.inference.image.Resampler.Raster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

  private static Raster noise(int width, int height, int channels, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Raster raster = Raster.blank(width, height, channels);
    for (int i = 0; i < raster.samples().length; i++) {
      raster.samples()[i] = (float) random.nextDouble();
    }
    return raster;
  }

  private static Raster row(float... values) {
    return new Raster(values.length, 1, 1, values.clone());
  }

  private static Raster column(float... values) {
    return new Raster(1, values.length, 1, values.clone());
  }

  @Test
  void resizingToTheSameSizeReturnsTheSamplesBitForBit() {
    Raster source = noise(37, 23, 4, 1);
    float[] before = source.samples().clone();

    Raster same = Resampler.resize(source, 37, 23);

    assertArrayEquals(before, same.samples());
  }

  @Test
  void widthOnlyResizesResampleEachRowOnItsOwn() {
    Raster source = noise(16, 9, 3, 2);

    Raster wider = Resampler.resize(source, 40, 9);

    assertEquals(40, wider.width());
    assertEquals(9, wider.height());
    // The height is unchanged, so row 0 of the result depends on row 0 of the source alone.
    Raster firstRowOnly =
        Resampler.resize(new Raster(16, 1, 3, Arrays.copyOf(source.samples(), 16 * 3)), 40, 1);
    assertArrayEquals(firstRowOnly.samples(), Arrays.copyOf(wider.samples(), 40 * 3));
  }

  @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
  @CsvSource({"100,60,37,23", "37,23,100,60", "512,512,333,777", "7,5,512,3", "656,656,512,512"})
  void aConstantImageStaysConstantAtAnySize(int width, int height, int toWidth, int toHeight) {
    Raster flat = Raster.blank(width, height, 2);
    for (int i = 0; i < flat.samples().length; i += 2) {
      flat.samples()[i] = 0.25f;
      flat.samples()[i + 1] = 0.8f;
    }

    Raster resized = Resampler.resize(flat, toWidth, toHeight);

    assertEquals(toWidth, resized.width());
    assertEquals(toHeight, resized.height());
    for (int i = 0; i < resized.samples().length; i += 2) {
      assertEquals(0.25f, resized.samples()[i], 1e-6f, "channel 0 at sample " + i);
      assertEquals(0.8f, resized.samples()[i + 1], 1e-6f, "channel 1 at sample " + i);
    }
  }

  @Test
  void halvingAveragesEachTwoByTwoBlock() {
    Raster source = new Raster(4, 2, 1, new float[] {0, 1, 2, 6, 4, 5, 8, 0});

    Raster half = Resampler.resize(source, 2, 1);

    assertArrayEquals(
        new float[] {(0 + 1 + 4 + 5) / 4f, (2 + 6 + 8 + 0) / 4f}, half.samples(), 1e-6f);
  }

  @Test
  void shrinkingByANonIntegerFactorWeighsPartlyCoveredPixelsByOverlap() {
    // 3 -> 2: each output covers 1.5 source pixels.
    Raster shrunk = Resampler.resize(row(3, 6, 9), 2, 1);

    assertArrayEquals(
        new float[] {(3 + 0.5f * 6) / 1.5f, (0.5f * 6 + 9) / 1.5f}, shrunk.samples(), 1e-6f);
  }

  @Test
  void doublingAStepGivesTheCatmullRomValuesIncludingItsKnownOvershoot() {
    // Output centres fall at t = 0.75 and 0.25 between source pixels; Catmull-Rom weights at
    // t = 0.25 are (-0.0703125, 0.8671875, 0.2265625, -0.0234375), mirrored at 0.75.
    Raster doubled = Resampler.resize(row(0, 0, 1, 1), 8, 1);

    assertArrayEquals(
        new float[] {0, -0.0234375f, -0.0703125f, 0.203125f, 0.796875f, 1.0703125f, 1.0234375f, 1},
        doubled.samples(),
        1e-6f);
  }

  @Test
  void doublingALinearRampReproducesItAwayFromTheEdges() {
    Raster doubled = Resampler.resize(column(0, 1, 2, 3, 4, 5), 1, 12);

    // Output y sits at source position (y + 0.5) / 2 - 0.5.
    for (int y = 3; y < 9; y++) {
      assertEquals((y + 0.5f) / 2 - 0.5f, doubled.samples()[y], 1e-6f, "output row " + y);
    }
  }

  @Test
  void catmullRomWeightsSumToOneAndInterpolateTheSourcePixels() {
    assertArrayEquals(new double[] {0, 1, 0, 0}, Resampler.AxisFilter.catmullRomWeights(0), 0);
    double[] quarter = Resampler.AxisFilter.catmullRomWeights(0.25);
    assertArrayEquals(new double[] {-0.0703125, 0.8671875, 0.2265625, -0.0234375}, quarter, 1e-12);
  }

  @Test
  void theResultIsAFreshRasterWhenTheSizeChanges() {
    Raster source = noise(10, 10, 1, 3);

    assertSame(source, Resampler.resize(source, 10, 10));
    Raster other = Resampler.resize(source, 5, 5);
    float first = source.samples()[0];
    other.samples()[0] = first + 1f;
    assertEquals(first, source.samples()[0]);
  }

  @Test
  void refusesRastersWhoseSampleCountDoesNotMatchTheirSize() {
    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> new Raster(3, 3, 4, new float[35]));
    assertEquals("expected 36 samples, got 35", thrown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Resampler.resize(noise(4, 4, 1, 4), 0, 4));
  }
}
