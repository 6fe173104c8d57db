package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.RgbaImage;

/** Peak signal-to-noise ratio over the RGB samples of hole pixels, at 8-bit precision. */
final class HolePsnr {
  private HolePsnr() {}

  static double of(RgbaImage truth, RgbaImage filled, boolean[] hole) {
    double squaredError = 0;
    long samples = 0;
    for (int i = 0; i < hole.length; i++) {
      if (!hole[i]) {
        continue;
      }
      for (int c = 0; c < 3; c++) {
        double difference =
            PngFiles.code(truth.samples()[i * 4 + c]) - PngFiles.code(filled.samples()[i * 4 + c]);
        squaredError += difference * difference;
        samples++;
      }
    }
    if (squaredError == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return 10 * Math.log10(255.0 * 255.0 * samples / squaredError);
  }
}
