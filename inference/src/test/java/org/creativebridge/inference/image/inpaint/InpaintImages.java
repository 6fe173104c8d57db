package org.creativebridge.inference.image.inpaint;

import java.util.Map;
import java.util.function.IntPredicate;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/** Images, masks and requests for the model engine tests. */
final class InpaintImages {

  private InpaintImages() {}

  /**
   * A smooth colour gradient with varying alpha, every sample on the depth's code grid, so a test
   * can tell pixels apart and see that alpha is left alone.
   */
  static RgbaImage gradient(int width, int height, SampleDepth depth) {
    RgbaImage image = new RgbaImage(width, height, depth);
    float scale = depth.scale();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float[] rgba = {
          0.1f + 0.8f * x / width,
          0.9f - 0.7f * y / height,
          0.5f + 0.4f * (float) Math.sin(x * 0.05 + y * 0.03),
          0.6f + 0.4f * ((x + y) % 7) / 6f,
        };
        for (int c = 0; c < 4; c++) {
          float value = depth == SampleDepth.F32 ? rgba[c] : Math.round(rgba[c] * scale) / scale;
          image.set(x, y, c, value);
        }
      }
    }
    return image;
  }

  /** A mask, white and opaque where {@code hole} accepts the pixel index, black elsewhere. */
  static RgbaImage mask(int width, int height, IntPredicate hole) {
    RgbaImage mask = new RgbaImage(width, height, SampleDepth.U8);
    for (int i = 0; i < width * height; i++) {
      float value = hole.test(i) ? 1f : 0f;
      mask.samples()[i * 4] = value;
      mask.samples()[i * 4 + 1] = value;
      mask.samples()[i * 4 + 2] = value;
      mask.samples()[i * 4 + 3] = 1f;
    }
    return mask;
  }

  /** A mask whose hole is the union of the given rectangles. */
  static RgbaImage rectangles(int width, int height, PixelBounds... holes) {
    return mask(
        width,
        height,
        i -> {
          int x = i % width;
          int y = i / width;
          for (PixelBounds hole : holes) {
            if (x >= hole.x0() && x < hole.x1() && y >= hole.y0() && y < hole.y1()) {
              return true;
            }
          }
          return false;
        });
  }

  static EngineRequest request(RgbaImage image, RgbaImage mask, Map<String, Object> params) {
    return new EngineRequest(Map.of("image", image, "mask", mask), new Params(params));
  }

  static EngineRequest request(RgbaImage image, RgbaImage mask) {
    return request(image, mask, Map.of());
  }

  /** Whether pixel {@code (x, y)} of the mask is white. */
  static boolean isHole(RgbaImage mask, int x, int y) {
    return mask.get(x, y, 0) > 0.5f;
  }
}
