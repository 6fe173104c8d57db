package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * The output: the original image with the fill laid into the hole, blended across the feathered
 * edge. Pixels outside the hole are the original samples, copied bit for bit; pixels that change
 * are rounded to the input's integer code values so the output holds only values its depth can.
 */
final class FillComposite {
  private static final int CHANNELS = RgbaImage.CHANNELS;

  private FillComposite() {}

  /**
   * @param fill the filled working region, whose pixel (0, 0) is {@code region}'s top-left corner
   */
  static RgbaImage compose(RgbaImage original, FillMask mask, PyramidLevel fill, PixelBounds region) {
    RgbaImage output = original.copy();
    float[] out = output.samples();
    float scale = original.depth().scale();
    boolean quantise = original.depth() != SampleDepth.F32;
    for (int y = region.y0(); y < region.y1(); y++) {
      for (int x = region.x0(); x < region.x1(); x++) {
        int pixel = y * mask.width() + x;
        float blend = mask.blend()[pixel];
        if (blend <= 0f) {
          continue;
        }
        int at = pixel * CHANNELS;
        int fillAt = ((y - region.y0()) * fill.width + (x - region.x0())) * CHANNELS;
        for (int c = 0; c < CHANNELS; c++) {
          float filled = fill.rgba[fillAt + c];
          float value = blend >= 1f ? filled : out[at + c] + blend * (filled - out[at + c]);
          out[at + c] = quantise ? Math.round(value * scale) / scale : value;
        }
      }
    }
    return output;
  }
}
