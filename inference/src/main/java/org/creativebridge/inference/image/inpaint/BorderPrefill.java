package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * The enlarged canvas of an outpaint, before any engine runs: the original at its new position and
 * every new pixel a first guess from the nearest edge. A new pixel at distance {@code d} from the
 * original takes the mean of the original over a square around the nearest edge pixel whose
 * half-side grows with {@code d} ({@link #BLUR_PER_PIXEL}, at most {@link #MAX_BLUR_RADIUS}): next
 * to the edge it repeats the edge, farther out it fades to the edge region's average colour, so the
 * guess carries no streaks for an engine to continue. Colours are averaged weighted by alpha, so
 * transparent pixels' hidden colours do not bleed in.
 *
 * <p>Engines that ignore hole content (PatchMatch, LaMa) are unaffected by the guess; engines that
 * start from it (diffusion) begin from the right colours, and it is what shows if a fill is blended
 * out at the seam.
 *
 * <p>Stateless; thread-safe.
 */
final class BorderPrefill {

  /** Blur half-side per pixel of distance from the original. */
  static final double BLUR_PER_PIXEL = 0.5;

  /** Beyond this the colour is averaged over a 129-pixel square: far enough to be smooth. */
  static final int MAX_BLUR_RADIUS = 64;

  private static final int CHANNELS = RgbaImage.CHANNELS;

  private BorderPrefill() {}

  /** Pixels added on each side. */
  record Padding(int left, int top, int right, int bottom) {
    boolean isEmpty() {
      return left == 0 && top == 0 && right == 0 && bottom == 0;
    }
  }

  /** {@code original} on a canvas enlarged by {@code padding}, the new pixels pre-filled. */
  static RgbaImage extend(RgbaImage original, Padding padding) {
    int width = original.width();
    int height = original.height();
    RgbaImage canvas =
        new RgbaImage(
            width + padding.left() + padding.right(),
            height + padding.top() + padding.bottom(),
            original.depth());
    float[] out = canvas.samples();
    for (int y = 0; y < height; y++) {
      System.arraycopy(
          original.samples(),
          original.index(0, y),
          out,
          canvas.index(padding.left(), padding.top() + y),
          width * CHANNELS);
    }
    EdgeStrips strips = EdgeStrips.of(original, padding);
    float scale = original.depth().scale();
    boolean quantise = original.depth() != SampleDepth.F32;
    float[] rgba = new float[CHANNELS];
    for (int canvasY = 0; canvasY < canvas.height(); canvasY++) {
      int y = canvasY - padding.top();
      boolean rowOutside = y < 0 || y >= height;
      for (int canvasX = 0; canvasX < canvas.width(); canvasX++) {
        int x = canvasX - padding.left();
        if (!rowOutside && x >= 0 && x < width) {
          continue;
        }
        int nearestX = Math.max(0, Math.min(width - 1, x));
        int nearestY = Math.max(0, Math.min(height - 1, y));
        double distance = Math.hypot(x - nearestX, y - nearestY);
        int radius = (int) Math.min(MAX_BLUR_RADIUS, Math.floor(distance * BLUR_PER_PIXEL));
        strips.meanAround(new EdgePoint(nearestX, nearestY, sideOf(x, y, original)), radius, rgba);
        int at = canvas.index(canvasX, canvasY);
        for (int c = 0; c < CHANNELS; c++) {
          out[at + c] = quantise ? Math.round(rgba[c] * scale) / scale : rgba[c];
        }
      }
    }
    return canvas;
  }

  /** The original's edges. */
  private enum Side {
    TOP,
    BOTTOM,
    LEFT,
    RIGHT
  }

  /**
   * The edge whose strip holds the windows for new pixel {@code (x, y)} (original coordinates): top
   * or bottom for pixels above or below the original, corners included; else left or right.
   */
  private static Side sideOf(int x, int y, RgbaImage original) {
    if (y < 0) {
      return Side.TOP;
    }
    if (y >= original.height()) {
      return Side.BOTTOM;
    }
    return x < 0 ? Side.LEFT : Side.RIGHT;
  }

  /** An original pixel on its edge {@code side}. */
  private record EdgePoint(int x, int y, Side side) {}

  /**
   * Summed-area tables over the strips along the original's padded edges, as deep as the largest
   * blur window reaches: a table over the whole image would cost 32 bytes a pixel.
   */
  private static final class EdgeStrips {
    private final RgbaImage original;
    private final AreaSums top;
    private final AreaSums bottom;
    private final AreaSums left;
    private final AreaSums right;

    /** Scratch for one window's sums: one instance serves one job's single thread. */
    private final double[] sums = new double[CHANNELS];

    private EdgeStrips(RgbaImage original, AreaSums[] strips) {
      this.original = original;
      this.top = strips[0];
      this.bottom = strips[1];
      this.left = strips[2];
      this.right = strips[3];
    }

    static EdgeStrips of(RgbaImage original, Padding padding) {
      int width = original.width();
      int height = original.height();
      int rows = Math.min(height, MAX_BLUR_RADIUS + 1);
      int columns = Math.min(width, MAX_BLUR_RADIUS + 1);
      AreaSums[] strips = {
        padding.top() > 0 ? new AreaSums(original, new PixelBounds(0, 0, width, rows)) : null,
        padding.bottom() > 0
            ? new AreaSums(original, new PixelBounds(0, height - rows, width, rows))
            : null,
        padding.left() > 0 ? new AreaSums(original, new PixelBounds(0, 0, columns, height)) : null,
        padding.right() > 0
            ? new AreaSums(original, new PixelBounds(width - columns, 0, columns, height))
            : null,
      };
      return new EdgeStrips(original, strips);
    }

    /** Writes into {@code rgba} the alpha-weighted mean over the window around {@code point}. */
    void meanAround(EdgePoint point, int radius, float[] rgba) {
      AreaSums strip;
      switch (point.side()) {
        case TOP:
          strip = top;
          break;
        case BOTTOM:
          strip = bottom;
          break;
        case LEFT:
          strip = left;
          break;
        default:
          strip = right;
          break;
      }
      PixelBounds area = strip.area();
      int x0 = Math.max(area.x0(), point.x() - radius);
      int y0 = Math.max(area.y0(), point.y() - radius);
      int x1 = Math.min(area.x1(), point.x() + radius + 1);
      int y1 = Math.min(area.y1(), point.y() + radius + 1);
      strip.sum(new PixelBounds(x0, y0, x1 - x0, y1 - y0), sums);
      double alphaSum = sums[3];
      int pixels = (x1 - x0) * (y1 - y0);
      if (alphaSum <= 0) {
        // Wholly transparent here: repeat the edge pixel's own (invisible) colour.
        for (int c = 0; c < CHANNELS; c++) {
          rgba[c] = original.get(point.x(), point.y(), c);
        }
        return;
      }
      for (int c = 0; c < 3; c++) {
        rgba[c] = (float) (sums[c] / alphaSum);
      }
      rgba[3] = (float) (alphaSum / pixels);
    }
  }

  /**
   * A summed-area table of {@code (r*a, g*a, b*a, a)} over one rectangle of an image, in doubles so
   * long sums stay exact enough.
   */
  private static final class AreaSums {
    private final PixelBounds area;
    private final double[] table;
    private final int stride;

    AreaSums(RgbaImage image, PixelBounds area) {
      this.area = area;
      this.stride = area.width() + 1;
      this.table = new double[stride * (area.height() + 1) * CHANNELS];
      float[] samples = image.samples();
      for (int y = 0; y < area.height(); y++) {
        double[] rowSum = new double[CHANNELS];
        for (int x = 0; x < area.width(); x++) {
          int at = image.index(area.x0() + x, area.y0() + y);
          float alpha = samples[at + 3];
          rowSum[0] += samples[at] * alpha;
          rowSum[1] += samples[at + 1] * alpha;
          rowSum[2] += samples[at + 2] * alpha;
          rowSum[3] += alpha;
          int cell = ((y + 1) * stride + x + 1) * CHANNELS;
          int above = (y * stride + x + 1) * CHANNELS;
          for (int c = 0; c < CHANNELS; c++) {
            table[cell + c] = table[above + c] + rowSum[c];
          }
        }
      }
    }

    PixelBounds area() {
      return area;
    }

    /** Writes into {@code sums} the sums over {@code window}, which lies inside {@link #area()}. */
    void sum(PixelBounds window, double[] sums) {
      int x0 = window.x0() - area.x0();
      int y0 = window.y0() - area.y0();
      int x1 = x0 + window.width();
      int y1 = y0 + window.height();
      for (int c = 0; c < CHANNELS; c++) {
        sums[c] =
            table[(y1 * stride + x1) * CHANNELS + c]
                - table[(y0 * stride + x1) * CHANNELS + c]
                - table[(y1 * stride + x0) * CHANNELS + c]
                + table[(y0 * stride + x0) * CHANNELS + c];
      }
    }
  }
}
