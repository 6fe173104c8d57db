package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.VaeEncoder;
import org.creativebridge.inference.image.Resampler;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * Where SD 1.5 looks and how its result goes back: one context box around the whole hole (hole
 * bounds plus {@link #MARGIN} on each side, grown to the model's native side where the image
 * allows, shifted inside the image), scaled uniformly so its longer side is at most the native side
 * and rounded to multiples of 64 (the UNet halves the latents three times), never enlarged beyond
 * that rounding: SD gains nothing from upsampled context.
 *
 * <p>Immutable; thread-safe.
 *
 * @param box the crop, in image pixels
 * @param targetWidth the width SD runs at, a multiple of 64
 * @param targetHeight the height SD runs at, a multiple of 64
 */
record Sd15Crop(PixelBounds box, int targetWidth, int targetHeight) {

  /** Context kept around the hole on every side, as for LaMa (IOPaint's margin). */
  static final int MARGIN = 128;

  /** The UNet downsamples the 1/8 latents three times, so sides are multiples of 8 * 8. */
  static final int GRANULE = 64;

  /** A model pixel counts as hole when at least this much of it covers hole pixels. */
  static final float HOLE_COVERAGE = 0.01f;

  /**
   * The size SD runs at.
   *
   * @param nativeSide the side it was trained at (512 for SD 1.5, 768 for 2.x)
   * @param fixed whether the export takes only {@code nativeSide} squares
   */
  record Canvas(int nativeSide, boolean fixed) {}

  /** The crop for {@code hole} in an image of the given size. */
  static Sd15Crop plan(PixelBounds hole, int imageWidth, int imageHeight, Canvas canvas) {
    int side = canvas.nativeSide();
    long wantWidth = Math.max((long) hole.width() + 2L * MARGIN, side);
    long wantHeight = Math.max((long) hole.height() + 2L * MARGIN, side);
    if (canvas.fixed()) {
      // A square export scales both axes alike only if the box is square too.
      wantWidth = Math.max(wantWidth, wantHeight);
      wantHeight = wantWidth;
    }
    int boxWidth = (int) Math.min(wantWidth, imageWidth);
    int boxHeight = (int) Math.min(wantHeight, imageHeight);
    int x0 = centredWithin(hole.x0() + hole.width() / 2.0, boxWidth, imageWidth);
    int y0 = centredWithin(hole.y0() + hole.height() / 2.0, boxHeight, imageHeight);
    PixelBounds box = new PixelBounds(x0, y0, boxWidth, boxHeight);
    if (canvas.fixed()) {
      return new Sd15Crop(box, side, side);
    }
    double scale = Math.min(1.0, (double) side / Math.max(boxWidth, boxHeight));
    return new Sd15Crop(box, granules(boxWidth * scale), granules(boxHeight * scale));
  }

  private static int granules(double length) {
    return (int) Math.max(GRANULE, Math.round(length / GRANULE) * GRANULE);
  }

  private static int centredWithin(double centre, int length, int limit) {
    long start = Math.round(centre - length / 2.0);
    return (int) Math.max(0, Math.min(limit - length, start));
  }

  /**
   * The crop as SD's inputs take it.
   *
   * @param image {@code [1, 3, H, W]} in -1..1
   * @param maskedImage the same with hole pixels set to 0 (mid grey), as diffusers blanks them
   * @param latentMask {@code [1, 1, H/8, W/8]}: 1 where any pixel of the 8x8 block is hole, so
   *     a stroke thinner than a latent is still repainted (diffusers' nearest sampling can miss it)
   */
  record CropPixels(NchwTensor image, NchwTensor maskedImage, NchwTensor latentMask) {}

  /** Cuts the crop out of {@code image}, scales it to the target and lays it out for SD. */
  CropPixels extract(RgbaImage image, FillMask mask) {
    Resampler.Raster crop = Resampler.Raster.blank(box.width(), box.height(), 4);
    float[] cropped = crop.samples();
    float[] samples = image.samples();
    for (int y = 0; y < box.height(); y++) {
      for (int x = 0; x < box.width(); x++) {
        int pixel = (box.y0() + y) * image.width() + box.x0() + x;
        int from = pixel * RgbaImage.CHANNELS;
        int to = (y * box.width() + x) * 4;
        for (int c = 0; c < 3; c++) {
          cropped[to + c] = clampUnit(samples[from + c]);
        }
        cropped[to + 3] = mask.hole()[pixel] ? 1f : 0f;
      }
    }
    float[] scaled = Resampler.resize(crop, targetWidth, targetHeight).samples();
    int plane = targetWidth * targetHeight;
    NchwTensor.Shape shape = new NchwTensor.Shape(1, 3, targetHeight, targetWidth);
    float[] rgb = new float[shape.elementCount()];
    float[] masked = new float[shape.elementCount()];
    boolean[] hole = new boolean[plane];
    for (int p = 0; p < plane; p++) {
      hole[p] = scaled[p * 4 + 3] >= HOLE_COVERAGE;
      for (int c = 0; c < 3; c++) {
        float unit = clampUnit(scaled[p * 4 + c]);
        rgb[c * plane + p] = unit * 2f - 1f;
        masked[c * plane + p] = hole[p] ? 0f : rgb[c * plane + p];
      }
    }
    return new CropPixels(
        new NchwTensor(shape, rgb), new NchwTensor(shape, masked), latentMask(hole));
  }

  private NchwTensor latentMask(boolean[] hole) {
    int factor = VaeEncoder.DOWNSCALE;
    int latentWidth = targetWidth / factor;
    int latentHeight = targetHeight / factor;
    float[] mask = new float[latentWidth * latentHeight];
    for (int y = 0; y < targetHeight; y++) {
      for (int x = 0; x < targetWidth; x++) {
        if (hole[y * targetWidth + x]) {
          mask[(y / factor) * latentWidth + x / factor] = 1f;
        }
      }
    }
    return new NchwTensor(new NchwTensor.Shape(1, 1, latentHeight, latentWidth), mask);
  }

  /**
   * A copy of {@code original} with the decoded fill ({@code [1, 3, H, W]} in -1..1) scaled back
   * to the box and blended in by the feathered mask. Only pixels with a positive blend weight are
   * written, RGB only, rounded to the input's code values; every other sample, alpha included,
   * stays bit for bit, which matters because SD repaints its whole input, not just the hole.
   */
  RgbaImage compose(RgbaImage original, FillMask mask, NchwTensor decoded) {
    int plane = targetWidth * targetHeight;
    Resampler.Raster fill = Resampler.Raster.blank(targetWidth, targetHeight, 3);
    float[] interleaved = fill.samples();
    float[] values = decoded.values();
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        interleaved[p * 3 + c] = (values[c * plane + p] + 1f) / 2f;
      }
    }
    float[] back = Resampler.resize(fill, box.width(), box.height()).samples();
    RgbaImage output = original.copy();
    float[] out = output.samples();
    float scale = output.depth().scale();
    boolean quantise = output.depth() != SampleDepth.F32;
    for (int y = box.y0(); y < box.y1(); y++) {
      for (int x = box.x0(); x < box.x1(); x++) {
        int pixel = y * output.width() + x;
        float blend = mask.blend()[pixel];
        if (blend <= 0f) {
          continue;
        }
        int at = pixel * RgbaImage.CHANNELS;
        int fillAt = ((y - box.y0()) * box.width() + (x - box.x0())) * 3;
        for (int c = 0; c < 3; c++) {
          // The VAE's range is only about -1..1, and Catmull-Rom may overshoot at edges.
          float value = clampUnit(back[fillAt + c]);
          if (blend < 1f) {
            value = out[at + c] + blend * (value - out[at + c]);
          }
          out[at + c] = quantise ? Math.round(value * scale) / scale : value;
        }
      }
    }
    return output;
  }

  private static float clampUnit(float value) {
    // NaN (possible in float images) becomes 0 rather than poisoning the model's input.
    return value > 0f ? Math.min(1f, value) : 0f;
  }
}
