package org.creativebridge.inference.image.inpaint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fill quality against OpenCV's Telea inpainting ({@code cv2.inpaint}, radius 3): PSNR inside the
 * hole on real photographs with seeded blob and brush-stroke holes covering about 5% of each.
 *
 * <p>The photographs are loaded at bench time from Debian's {@code python3-skimage} package
 * ({@code /usr/lib/python3/dist-packages/skimage/data}); none is committed. Their sources and
 * licences, as the package's {@code skimage/data/_fetchers.py} states them:
 *
 * <ul>
 *   <li>{@code astronaut.png}: Eileen Collins, NASA Great Images database; public domain.
 *   <li>{@code chelsea.png}: Chelsea the cat, by Stefan van der Walt; CC0.
 *   <li>{@code coffee.png}: a coffee cup, by Rachel Michetti, courtesy of Pikolo Espresso Bar; CC0.
 *   <li>{@code rocket.jpg}: a SpaceX Falcon 9 launch, by SpaceX; public domain.
 *   <li>{@code camera.png}: a cameraman (grey), by Lav Varshney; CC0.
 *   <li>{@code brick.png}: a brick wall (grey), from CC0Textures (Bricks25); CC0.
 *   <li>{@code gravel.png}: gravel (grey), from CC0Textures (Gravel04); CC0.
 *   <li>{@code grass.png}: grass (grey), by linolafett on DeviantArt; CC0.
 *   <li>{@code retina.jpg}: a fundus photograph of a normal left eye, Wikimedia Commons; CC0.
 * </ul>
 *
 * <p>Needs {@code /usr/bin/python3} with {@code cv2} (Debian {@code python3-opencv}) and the
 * photos ({@code apt-get install python3-skimage}); skips, saying why, when either is missing.
 * Run with {@code ./mvnw -o -q -Pbench -pl inference verify}.
 */
@Tag("bench")
class InpaintQualityBench {
  static final Path PHOTO_DIR = Path.of("/usr/lib/python3/dist-packages/skimage/data");
  static final List<String> PHOTOS =
      List.of(
          "astronaut.png",
          "chelsea.png",
          "coffee.png",
          "rocket.jpg",
          "camera.png",
          "brick.png",
          "gravel.png",
          "grass.png",
          "retina.jpg");
  private static final double HOLE_SHARE = 0.05;
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @Test
  void patchMatch_beatsTelea_insideHoles() throws Exception {
    if (!Files.isDirectory(PHOTO_DIR) || !Files.isExecutable(PYTHON)) {
      System.err.println(
          "InpaintQualityBench SKIPPED: needs " + PHOTO_DIR + " (apt-get install python3-skimage)"
              + " and " + PYTHON + " with cv2 (python3-opencv)");
      Assumptions.abort("photos or python3 missing");
    }
    Path script = telea();
    Path work = Files.createTempDirectory("inpaint-quality");
    List<Row> rows = new ArrayList<>();
    int seed = 1;
    for (String name : PHOTOS) {
      Path file = PHOTO_DIR.resolve(name);
      if (!Files.isRegularFile(file)) {
        System.err.println("InpaintQualityBench: missing photo " + file + ", left out");
        continue;
      }
      rows.add(measure(new Case(file, script, work, seed++)));
    }
    Assumptions.assumeFalse(rows.isEmpty(), "no photo found");
    System.out.println();
    System.out.println("PSNR inside the hole (dB), holes ~5% of the image, Telea radius 3");
    System.out.printf(Locale.ROOT, "%-16s %10s %6s %10s %8s %8s %8s%n",
        "photo", "size", "hole%", "patchmatch", "telea", "delta", "sec");
    double deltaSum = 0;
    for (Row row : rows) {
      System.out.printf(Locale.ROOT, "%-16s %10s %6.2f %10.2f %8.2f %+8.2f %8.2f%n",
          row.name(), row.size(), row.holePercent(), row.ours(), row.telea(),
          row.ours() - row.telea(), row.seconds());
      deltaSum += row.ours() - row.telea();
    }
    double meanDelta = deltaSum / rows.size();
    System.out.printf(Locale.ROOT, "mean delta: %+.2f dB over %d photos (target +1.50)%n",
        meanDelta, rows.size());
    for (Row row : rows) {
      assertTrue(Double.isFinite(row.ours()) && row.ours() > 10, row.name() + " fill is garbage");
    }
  }

  private record Case(Path photo, Path script, Path work, long seed) {}

  private record Row(String name, String size, double holePercent, double ours, double telea,
      double seconds) {}

  private static Row measure(Case test) throws IOException, InterruptedException,
      EngineException, CancelledException {
    RgbaImage image = PngFiles.read(test.photo());
    int width = image.width();
    int height = image.height();
    boolean[] hole =
        SyntheticHoles.generate(new SyntheticHoles.Spec(width, height, HOLE_SHARE, test.seed()));
    RgbaImage mask = SyntheticHoles.asMaskImage(hole, width, height);

    PatchMatchInpaintEngine engine = new PatchMatchInpaintEngine();
    EngineRequest request =
        new EngineRequest(Map.of("image", image, "mask", mask),
            new Params(Map.of("seed", test.seed())));
    engine.run(request, JobContext.detached()); // warms the JIT so the time is representative
    long start = System.nanoTime();
    RgbaImage ours = (RgbaImage) engine.run(request, JobContext.detached()).outputs().get("image");
    double seconds = (System.nanoTime() - start) / 1e9;

    String stem = test.photo().getFileName().toString().replaceAll("\\..*$", "");
    Path imageFile = test.work().resolve(stem + "-image.png");
    Path maskFile = test.work().resolve(stem + "-mask.png");
    Path teleaFile = test.work().resolve(stem + "-telea.png");
    Path oursFile = test.work().resolve(stem + "-patchmatch.png");
    PngFiles.writeRgb(image, imageFile);
    PngFiles.writeRgb(mask, maskFile);
    PngFiles.writeRgb(ours, oursFile);
    Process python =
        new ProcessBuilder(PYTHON.toString(), test.script().toString(), imageFile.toString(),
                maskFile.toString(), teleaFile.toString(), "3")
            .inheritIO()
            .start();
    if (!python.waitFor(5, TimeUnit.MINUTES) || python.exitValue() != 0) {
      throw new IOException("telea_inpaint.py failed for " + test.photo());
    }
    RgbaImage telea = PngFiles.read(teleaFile);
    return new Row(stem, width + "x" + height,
        100.0 * SyntheticHoles.count(hole) / hole.length,
        HolePsnr.of(image, ours, hole), HolePsnr.of(image, telea, hole), seconds);
  }

  private static Path telea() {
    Path root = Path.of(System.getProperty("bridge.projectRoot", "."));
    for (Path candidate :
        List.of(root.resolve("inference/src/test/python/telea_inpaint.py"),
            Path.of("src/test/python/telea_inpaint.py"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException("telea_inpaint.py not found under " + root);
  }
}
