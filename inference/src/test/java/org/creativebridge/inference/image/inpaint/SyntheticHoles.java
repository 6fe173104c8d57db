package org.creativebridge.inference.image.inpaint;

import java.util.SplittableRandom;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * Deterministic hole masks for benchmarks: a few blobs (unions of overlapping discs) and brush
 * strokes (thick random-walk polylines), added until the requested share of the image is covered.
 */
final class SyntheticHoles {
  private SyntheticHoles() {}

  /** What to cover: {@code share} of a {@code width x height} image, shapes drawn from {@code seed}. */
  record Spec(int width, int height, double share, long seed) {}

  static boolean[] generate(Spec spec) {
    int width = spec.width();
    int height = spec.height();
    boolean[] hole = new boolean[width * height];
    SplittableRandom random = new SplittableRandom(spec.seed());
    long wanted = Math.round(spec.share() * width * height);
    long covered = 0;
    int shape = 0;
    double scale = Math.sqrt((double) width * height);
    while (covered < wanted) {
      if (shape % 2 == 0) {
        drawBlob(hole, spec, random, scale);
      } else {
        drawStroke(hole, spec, random, scale);
      }
      shape++;
      covered = count(hole);
    }
    return hole;
  }

  private static void drawBlob(boolean[] hole, Spec spec, SplittableRandom random, double scale) {
    double cx = spec.width() * (0.15 + 0.7 * random.nextDouble());
    double cy = spec.height() * (0.15 + 0.7 * random.nextDouble());
    double base = scale * (0.04 + 0.04 * random.nextDouble());
    int discs = 3 + random.nextInt(3);
    for (int i = 0; i < discs; i++) {
      double dx = cx + (random.nextDouble() - 0.5) * base * 1.5;
      double dy = cy + (random.nextDouble() - 0.5) * base * 1.5;
      disc(hole, spec, new Disc(dx, dy, base * (0.5 + 0.5 * random.nextDouble())));
    }
  }

  private static void drawStroke(boolean[] hole, Spec spec, SplittableRandom random, double scale) {
    double x = spec.width() * random.nextDouble();
    double y = spec.height() * random.nextDouble();
    double angle = random.nextDouble() * 2 * Math.PI;
    double thickness = scale * (0.008 + 0.012 * random.nextDouble());
    int steps = 20 + random.nextInt(20);
    double stepLength = scale * 0.012;
    for (int i = 0; i < steps; i++) {
      angle += (random.nextDouble() - 0.5) * 0.8;
      x = Math.max(0, Math.min(spec.width() - 1, x + Math.cos(angle) * stepLength));
      y = Math.max(0, Math.min(spec.height() - 1, y + Math.sin(angle) * stepLength));
      disc(hole, spec, new Disc(x, y, thickness));
    }
  }

  private record Disc(double centreX, double centreY, double radius) {}

  private static void disc(boolean[] hole, Spec spec, Disc disc) {
    int left = (int) Math.max(0, Math.floor(disc.centreX() - disc.radius()));
    int right = (int) Math.min(spec.width() - 1, Math.ceil(disc.centreX() + disc.radius()));
    int top = (int) Math.max(0, Math.floor(disc.centreY() - disc.radius()));
    int bottom = (int) Math.min(spec.height() - 1, Math.ceil(disc.centreY() + disc.radius()));
    double r2 = disc.radius() * disc.radius();
    for (int y = top; y <= bottom; y++) {
      for (int x = left; x <= right; x++) {
        double dx = x - disc.centreX();
        double dy = y - disc.centreY();
        if (dx * dx + dy * dy <= r2) {
          hole[y * spec.width() + x] = true;
        }
      }
    }
  }

  static long count(boolean[] hole) {
    long count = 0;
    for (boolean inHole : hole) {
      if (inHole) {
        count++;
      }
    }
    return count;
  }

  /** The hole as an 8-bit mask image: white, opaque where filled; black elsewhere. */
  static RgbaImage asMaskImage(boolean[] hole, int width, int height) {
    RgbaImage mask = new RgbaImage(width, height, SampleDepth.U8);
    float[] samples = mask.samples();
    for (int i = 0; i < hole.length; i++) {
      float value = hole[i] ? 1f : 0f;
      samples[i * 4] = value;
      samples[i * 4 + 1] = value;
      samples[i * 4 + 2] = value;
      samples[i * 4 + 3] = 1f;
    }
    return mask;
  }
}
