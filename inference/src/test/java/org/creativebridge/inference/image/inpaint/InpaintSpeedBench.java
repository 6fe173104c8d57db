package org.creativebridge.inference.image.inpaint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seconds per megapixel of the fill at several image sizes and hole shares, on a synthetic
 * textured image (smooth gradients plus noise) with seeded blob and stroke holes, all threads.
 * The product's bar is 1.5 s/MP for holes up to 10% on a two-core machine; the last column shows
 * that the cost follows the hole's pixel count rather than the image's.
 */
@Tag("bench")
class InpaintSpeedBench {
  private static final List<Double> MEGAPIXELS = List.of(0.5, 1.0, 2.0, 4.0);
  private static final List<Double> HOLE_SHARES = List.of(0.02, 0.05, 0.10);

  @Test
  void secondsPerMegapixel_table() throws Exception {
    PatchMatchInpaintEngine engine = new PatchMatchInpaintEngine();
    warmUp(engine);
    System.out.println();
    System.out.printf(Locale.ROOT, "threads: %d%n", Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%8s %11s %6s %8s %8s %12s%n",
        "MP", "size", "hole%", "sec", "s/MP", "us/hole px");
    for (double megapixels : MEGAPIXELS) {
      int width = (int) Math.round(Math.sqrt(megapixels * 1e6 * 4 / 3));
      int height = (int) Math.round(megapixels * 1e6 / width);
      RgbaImage image = texture(width, height);
      for (double share : HOLE_SHARES) {
        boolean[] hole =
            SyntheticHoles.generate(new SyntheticHoles.Spec(width, height, share, 7));
        double seconds = time(engine, image, SyntheticHoles.asMaskImage(hole, width, height));
        double realMp = width * (double) height / 1e6;
        long holePixels = SyntheticHoles.count(hole);
        System.out.printf(Locale.ROOT, "%8.2f %11s %6.2f %8.3f %8.3f %12.3f%n",
            realMp, width + "x" + height, 100.0 * holePixels / hole.length, seconds,
            seconds / realMp, seconds * 1e6 / holePixels);
        assertTrue(seconds > 0);
      }
    }
  }

  private static void warmUp(PatchMatchInpaintEngine engine) throws Exception {
    RgbaImage image = texture(600, 450);
    boolean[] hole = SyntheticHoles.generate(new SyntheticHoles.Spec(600, 450, 0.05, 1));
    for (int i = 0; i < 3; i++) {
      time(engine, image, SyntheticHoles.asMaskImage(hole, 600, 450));
    }
  }

  private static double time(PatchMatchInpaintEngine engine, RgbaImage image, RgbaImage mask)
      throws Exception {
    EngineRequest request =
        new EngineRequest(Map.of("image", image, "mask", mask), new Params(Map.of("seed", 1L)));
    long start = System.nanoTime();
    engine.run(request, JobContext.detached());
    return (System.nanoTime() - start) / 1e9;
  }

  private static RgbaImage texture(int width, int height) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    RgbaImage image = new RgbaImage(width, height, SampleDepth.U8);
    float[] samples = image.samples();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int at = (y * width + x) * 4;
        double wave = 0.5 + 0.25 * Math.sin(x * 0.05) * Math.cos(y * 0.03);
        for (int c = 0; c < 3; c++) {
          double value = wave + 0.1 * (c - 1) + 0.08 * (random.nextDouble() - 0.5);
          samples[at + c] = Math.round(Math.max(0, Math.min(1, value)) * 255) / 255f;
        }
        samples[at + 3] = 1f;
      }
    }
    return image;
  }
}
