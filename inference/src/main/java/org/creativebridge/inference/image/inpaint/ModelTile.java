package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.Resampler;
import org.creativebridge.inference.image.RgbaImage;

/**
 * One crop as a model takes it: RGB planes (channel-major, 0..1) and the hole at the model's size.
 * The crop's content, scaled uniformly by {@code 1 / scale}, fills {@code [0, contentWidth) x [0,
 * contentHeight)}; the rest of a fixed-size canvas is the content mirrored (image and hole alike,
 * so a hole at the crop's edge stays a hole in its reflection), which keeps the model's view free
 * of artificial edges without stretching anything. A dynamic-size model is fed the crop as it is,
 * without padding, scaled down only beyond {@link #MAX_DYNAMIC_SIDE}.
 *
 * <p>Not thread-safe; each job builds its own.
 *
 * @param box the crop, in image pixels
 * @param content the part of the canvas the crop's pixels map to, at its top left
 * @param pixels what the model is fed
 */
record ModelTile(PixelBounds box, ContentSize content, TilePixels pixels) {

  /**
   * The longest side a dynamic-size model is fed; larger crops are scaled down to it. A crop that
   * large is a hole far beyond the scale such models are trained at (MI-GAN's pipeline shrinks it
   * to 512 inside anyway), and at full size its buffers would take hundreds of megabytes.
   */
  static final int MAX_DYNAMIC_SIDE = 2048;

  record ContentSize(int width, int height) {}

  /**
   * The model's input at the model's size.
   *
   * @param rgb {@code 3 * width * height} samples in 0..1: all R, then all G, then all B
   * @param hole {@code width * height} flags, true where the model fills
   */
  record TilePixels(int width, int height, float[] rgb, boolean[] hole) {}

  /**
   * Crops {@code box} out of {@code image} and {@code hole} and lays it out for {@code canvas}. RGB
   * comes from the straight-alpha samples, clamped to 0..1 (the range models are trained on); alpha
   * is not shown to the model.
   */
  static ModelTile prepare(RgbaImage image, boolean[] hole, PixelBounds box, ModelCanvas canvas) {
    int canvasWidth;
    int canvasHeight;
    ContentSize content;
    if (canvas.fixed()) {
      canvasWidth = canvas.width();
      canvasHeight = canvas.height();
      double scale =
          Math.max(
              1.0,
              Math.max((double) box.width() / canvasWidth, (double) box.height() / canvasHeight));
      content =
          new ContentSize(
              scaledSide(box.width(), scale, canvasWidth),
              scaledSide(box.height(), scale, canvasHeight));
    } else {
      double scale = Math.max(1.0, (double) Math.max(box.width(), box.height()) / MAX_DYNAMIC_SIDE);
      content =
          new ContentSize(
              scaledSide(box.width(), scale, MAX_DYNAMIC_SIDE),
              scaledSide(box.height(), scale, MAX_DYNAMIC_SIDE));
      canvasWidth = content.width();
      canvasHeight = content.height();
    }

    Resampler.Raster crop = cropWithHole(image, hole, box);
    Resampler.Raster scaled = Resampler.resize(crop, content.width(), content.height());

    int planeSize = canvasWidth * canvasHeight;
    float[] rgb = new float[3 * planeSize];
    boolean[] canvasHole = new boolean[planeSize];
    float[] source = scaled.samples();
    for (int y = 0; y < canvasHeight; y++) {
      int sourceRow = mirror(y, content.height()) * content.width();
      for (int x = 0; x < canvasWidth; x++) {
        int from = (sourceRow + mirror(x, content.width())) * 4;
        int to = y * canvasWidth + x;
        rgb[to] = source[from];
        rgb[planeSize + to] = source[from + 1];
        rgb[2 * planeSize + to] = source[from + 2];
        // Any part of a model pixel covering the hole makes it a hole: thresholding the shrunk
        // mask at one half would drop strokes thinner than the scale factor, and the model would
        // then hand back the object under them instead of filling it.
        canvasHole[to] = source[from + 3] > 0f;
      }
    }
    return new ModelTile(box, content, new TilePixels(canvasWidth, canvasHeight, rgb, canvasHole));
  }

  /**
   * The model's RGB output for this tile (laid out as {@link TilePixels#rgb}, 0..1) brought back to
   * the crop's size, as interleaved RGB in a raster of {@code box} size.
   */
  Resampler.Raster backToBox(float[] filledRgb) {
    int width = pixels.width();
    int planeSize = width * pixels.height();
    Resampler.Raster scaled = Resampler.Raster.blank(content.width(), content.height(), 3);
    float[] out = scaled.samples();
    for (int y = 0; y < content.height(); y++) {
      for (int x = 0; x < content.width(); x++) {
        int from = y * width + x;
        int to = (y * content.width() + x) * 3;
        out[to] = filledRgb[from];
        out[to + 1] = filledRgb[planeSize + from];
        out[to + 2] = filledRgb[2 * planeSize + from];
      }
    }
    return Resampler.resize(scaled, box.width(), box.height());
  }

  private static int scaledSide(int side, double scale, int canvasSide) {
    return (int) Math.max(1, Math.min(canvasSide, Math.round(side / scale)));
  }

  /** The crop's RGB (clamped to 0..1) and hole (1 or 0) as four interleaved channels. */
  private static Resampler.Raster cropWithHole(RgbaImage image, boolean[] hole, PixelBounds box) {
    Resampler.Raster crop = Resampler.Raster.blank(box.width(), box.height(), 4);
    float[] out = crop.samples();
    float[] samples = image.samples();
    for (int y = 0; y < box.height(); y++) {
      for (int x = 0; x < box.width(); x++) {
        int pixel = (box.y0() + y) * image.width() + box.x0() + x;
        int from = pixel * RgbaImage.CHANNELS;
        int to = (y * box.width() + x) * 4;
        out[to] = clampUnit(samples[from]);
        out[to + 1] = clampUnit(samples[from + 1]);
        out[to + 2] = clampUnit(samples[from + 2]);
        out[to + 3] = hole[pixel] ? 1f : 0f;
      }
    }
    return crop;
  }

  static float clampUnit(float value) {
    // NaN (possible in float images) becomes 0 rather than poisoning the model's input.
    return value > 0f ? Math.min(1f, value) : 0f;
  }

  /** Index {@code i} reflected into {@code [0, size)}, the edge pixel repeated at each fold. */
  static int mirror(int i, int size) {
    int period = 2 * size;
    int folded = i % period;
    return folded < size ? folded : period - 1 - folded;
  }
}
