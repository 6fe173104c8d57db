package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.Resampler;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * Lays a model's fill into the output: for each hole pixel of one tile's group, RGB becomes the
 * fill blended over the original by the feathered mask's weight, rounded to the input's code values
 * (as {@link FillComposite} does for the built-in engine). Alpha is never touched: models see and
 * return RGB only. Pixels outside the hole are not written at all, so they stay bit-identical.
 *
 * <p>Not thread-safe; one job writes its own output.
 */
final class ModelFillComposite {

  private ModelFillComposite() {}

  /** Writes {@code fill} into {@code output} for the hole pixels of its tile's group. */
  static void paste(RgbaImage output, FillMask mask, ContextBoxes plan, PlacedFill fill) {
    PixelBounds box = fill.box();
    float[] out = output.samples();
    float[] filled = fill.rgb().samples();
    float scale = output.depth().scale();
    boolean quantise = output.depth() != SampleDepth.F32;
    int[] tileOfPixel = plan.tileOfPixel();
    for (int y = box.y0(); y < box.y1(); y++) {
      for (int x = box.x0(); x < box.x1(); x++) {
        int pixel = y * output.width() + x;
        float blend = mask.blend()[pixel];
        if (tileOfPixel[pixel] != fill.tileIndex() || blend <= 0f) {
          continue;
        }
        int at = pixel * RgbaImage.CHANNELS;
        int fillAt = ((y - box.y0()) * box.width() + (x - box.x0())) * 3;
        for (int c = 0; c < 3; c++) {
          // Catmull-Rom may overshoot the model's 0..1 at sharp edges.
          float value = ModelTile.clampUnit(filled[fillAt + c]);
          if (blend < 1f) {
            value = out[at + c] + blend * (value - out[at + c]);
          }
          out[at + c] = quantise ? Math.round(value * scale) / scale : value;
        }
      }
    }
  }

  /** A tile's fill, back at its box's size. */
  record PlacedFill(int tileIndex, PixelBounds box, Resampler.Raster rgb) {}
}
