package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seamless tiling with the look-alike whose UNet blurs its sample with zero padding ({@code
 * cn-blur}), so its result depends on neighbours and shows a seam where its context ends: with
 * {@code seamless} the opposite edges of the texture must meet like any two neighbouring columns.
 */
class ControlNetSeamlessTest {
  @TempDir static Path dir;
  private static OnnxRuntime runtime;

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

  private static RgbaImage run(String seamless) throws Exception {
    Map<String, Object> params = ControlNetTextureEngineTest.params();
    params.put("seamless", seamless);
    params.put("steps", 12);
    params.put("guidance", 1.0);
    // 32 latent columns: far enough apart that the opposite edges of a plain run are unrelated.
    params.put("width", 256);
    params.put("height", 64);
    ControlNetTextureEngine engine =
        new ControlNetTextureEngine(ControlNetTestModels.setup(runtime, dir, ControlNetTestModels.BLUR));
    return ControlNetTextureEngineTest.run(engine, params, JobContext.detached());
  }

  /** Mean absolute difference between columns {@code a} and {@code b} over RGB. */
  private static double columnGap(RgbaImage image, int a, int b) {
    double sum = 0;
    for (int y = 0; y < image.height(); y++) {
      for (int c = 0; c < 3; c++) {
        sum += Math.abs(image.get(a, y, c) - image.get(b, y, c));
      }
    }
    return sum / (3.0 * image.height());
  }

  /** The typical gap between neighbouring latent-block columns inside the image. */
  private static double interiorGap(RgbaImage image) {
    double sum = 0;
    int count = 0;
    for (int x = 8; x + 8 < image.width(); x += 8) {
      sum += columnGap(image, x - 1, x);
      count++;
    }
    return sum / count;
  }

  @Test
  void seamlessXMakesLeftAndRightEdgesMeetLikeNeighbours() throws Exception {
    RgbaImage tiled = run("x");
    RgbaImage plain = run("none");
    int right = tiled.width() - 1;
    double tiledSeam = columnGap(tiled, right, 0);
    double plainSeam = columnGap(plain, right, 0);
    double interior = interiorGap(tiled);
    System.out.printf(
        "seam gap: seamless x %.4f, none %.4f; interior neighbour gap %.4f%n", tiledSeam, plainSeam, interior);
    assertTrue(tiledSeam <= 1.5 * interior + 1.0 / 255, "seamless seam " + tiledSeam + " vs interior " + interior);
    assertTrue(
        plainSeam > 2 * interior && plainSeam > 1.8 * tiledSeam,
        "without seamless the edges must not meet: " + plainSeam + " vs " + tiledSeam + " (interior " + interior + ")");
  }

  @Test
  void rollingBackAndForthIsExactAndPaddingWrapsTheOppositeEdge() {
    float[] values = new float[2 * 3 * 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5f - 3;
    }
    NchwTensor tensor = new NchwTensor(new NchwTensor.Shape(1, 2, 3, 5), values);
    NchwTensor rolled = LatentWrap.roll(tensor, 2, 1);
    assertEquals(tensor.values()[tensor.index(0, 1, 0, 4)], rolled.values()[rolled.index(0, 1, 1, 1)]);
    assertArrayEquals(values, LatentWrap.roll(rolled, -2, -1).values());
    NchwTensor padded = LatentWrap.padCircular(tensor, 2, 0);
    assertEquals(9, padded.width());
    assertEquals(tensor.values()[tensor.index(0, 0, 2, 4)], padded.values()[padded.index(0, 0, 2, 1)]);
    assertEquals(tensor.values()[tensor.index(0, 0, 2, 0)], padded.values()[padded.index(0, 0, 2, 7)]);
    assertArrayEquals(values, LatentWrap.crop(padded, 2, 0).values());
  }

  @Test
  void stepOffsetsSpreadOverTheAxisAndStartAtZero() {
    assertEquals(0, LatentWrap.offset(0, 64));
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int step = 0; step < 20; step++) {
      int offset = LatentWrap.offset(step, 64);
      assertTrue(offset >= 0 && offset < 64);
      seen.add(offset);
    }
    assertEquals(20, seen.size(), "20 steps on 64 columns should use 20 different offsets");
  }
}
