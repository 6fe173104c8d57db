package org.creativebridge.inference.image.texture;

import java.util.ArrayList;
import java.util.List;

/**
 * The maps a texture artist bakes from a height field: a tangent-space normal map, a cavity
 * (curvature) map and ambient occlusion, each one float per pixel (normals three). All are pure
 * functions of the height field and its edge handling, so a wrapping field gives wrapping maps.
 *
 * <p>Conventions: normals are OpenGL-style tangent space (+x right, +y up the image, +z out of the
 * surface), the convention Blender's Normal Map node expects; cavity is 0.5 on flat or evenly
 * sloped ground, darker in creases and pits, brighter on ridges and peaks; occlusion is 1 where the
 * sky is open and falls towards 0 in deep pits.
 *
 * <p>Immutable once computed; thread-safe to read.
 *
 * @param field the height field the maps were computed from
 * @param normals x, y, z interleaved, unit length
 * @param cavity 0..1, 0.5 flat
 * @param occlusion 0..1, 1 open
 */
record DepthMaps(HeightField field, float[] normals, float[] cavity, float[] occlusion) {

  int width() {
    return field.width();
  }

  int height() {
    return field.height();
  }

  /**
   * How tall the full depth range 0..1 stands, as a fraction of the image's longer side, at
   * {@code normal_strength} 1. Why a fraction of the side: a feature then gives the same normals
   * and occlusion at any resolution, since slopes are measured in pixels.
   */
  static final float RELIEF_PER_SIDE = 1f / 16f;

  /** The largest occlusion radius, as a fraction of the longer side: beyond it, hills are scenery. */
  private static final int MAX_RADIUS_DIVISOR = 8;

  /**
   * Computes every map.
   *
   * @param strength {@code normal_strength}: scales the relief the normals, cavity and occlusion see
   */
  static DepthMaps compute(HeightField field, double strength) {
    int width = field.width();
    int height = field.height();
    float relief = (float) (strength * Math.max(width, height) * RELIEF_PER_SIDE);
    return new DepthMaps(
        field, normals(field, relief), cavity(field, relief), occlusion(field, relief));
  }

  /**
   * Sobel gradients (which smooth across the other axis, so single-pixel noise in a render does not
   * speckle the normals), in height per pixel, scaled to pixels of relief.
   */
  private static float[] normals(HeightField h, float relief) {
    int width = h.width();
    float[] out = new float[width * h.height() * 3];
    for (int y = 0; y < h.height(); y++) {
      for (int x = 0; x < width; x++) {
        float gx =
            (h.at(x + 1, y - 1) + 2 * h.at(x + 1, y) + h.at(x + 1, y + 1))
                - (h.at(x - 1, y - 1) + 2 * h.at(x - 1, y) + h.at(x - 1, y + 1));
        float gyDown =
            (h.at(x - 1, y + 1) + 2 * h.at(x, y + 1) + h.at(x + 1, y + 1))
                - (h.at(x - 1, y - 1) + 2 * h.at(x, y - 1) + h.at(x + 1, y - 1));
        // A Sobel kernel sums 8 times the slope per pixel. Image rows run down, tangent +y up.
        float dx = gx / 8f * relief;
        float dyUp = -gyDown / 8f * relief;
        float nx = -dx;
        float ny = -dyUp;
        float length = (float) Math.sqrt(nx * nx + ny * ny + 1);
        int at = (y * width + x) * 3;
        out[at] = nx / length;
        out[at + 1] = ny / length;
        out[at + 2] = 1f / length;
      }
    }
    return out;
  }

  /**
   * The 8-neighbour Laplacian: positive where the surroundings stand above the pixel (a crease or
   * pit), negative on ridges. Mapped through tanh so strong creases saturate smoothly, not clip.
   */
  private static float[] cavity(HeightField h, float relief) {
    int width = h.width();
    float[] out = new float[width * h.height()];
    for (int y = 0; y < h.height(); y++) {
      for (int x = 0; x < width; x++) {
        float sum = 0;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            if (dx != 0 || dy != 0) {
              sum += h.at(x + dx, y + dy);
            }
          }
        }
        float laplacian = (sum - 8 * h.at(x, y)) / 8f * relief;
        out[y * width + x] = 0.5f - 0.5f * (float) Math.tanh(4 * laplacian);
      }
    }
    return out;
  }

  /**
   * Multi-radius occlusion: at radii 1, 2, 4, ... up to an eighth of the longer side, how far the
   * mean height around a pixel rises above it, over the radius, is the tangent of the horizon's
   * elevation there; {@code t / (1 + t)} maps it to the share of sky hidden, and the radii are
   * averaged. A pixel higher than its surroundings hides nothing and stays at 1.
   */
  private static float[] occlusion(HeightField h, float relief) {
    List<Integer> radii = new ArrayList<>();
    int limit = Math.max(1, Math.max(h.width(), h.height()) / MAX_RADIUS_DIVISOR);
    for (int r = 1; r <= limit; r *= 2) {
      radii.add(r);
    }
    float[] values = h.values();
    float[] hidden = new float[values.length];
    for (int r : radii) {
      float[] mean = h.boxMean(r);
      for (int i = 0; i < values.length; i++) {
        float rise = (mean[i] - values[i]) * relief / r;
        if (rise > 0) {
          hidden[i] += rise / (1 + rise);
        }
      }
    }
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = 1f - hidden[i] / radii.size();
    }
    return out;
  }
}
