package org.creativebridge.inference.image.texture;

import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.Resampler;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * The built-in {@code image.texture_from_depth} engine, used when no model is installed. It does
 * not generate a texture: from the depth alone it derives the maps a texture artist would bake (a
 * tangent-space normal map, cavity, ambient occlusion; see {@link DepthMaps}) and shades a
 * base-colour texture from them with two colours read from the prompt's colour words or the {@code
 * color_a}/{@code color_b} params (see {@link ColourWords}). {@link #METHOD} says so for the UI and
 * the recipe.
 *
 * <p>Inputs: {@code depth} (required; near = bright, the red channel of a grey image or the
 * luminance of a colour one) and {@code image} (accepted and ignored: nothing here can follow a
 * colour render). Params: {@code prompt}, {@code color_a}, {@code color_b}, {@code normal_strength}
 * (default 1), {@code seamless} ({@code none}, {@code x}, {@code y}, {@code both}), {@code width},
 * {@code height} (multiples of 8, 64..2048; absent: the depth's size, or the other side scaled by
 * the depth's aspect); the diffusion params ({@code seed}, {@code steps}, ...) are ignored.
 * Outputs, all the same size: {@code image} (base colour, 8-bit), {@code normal}, {@code cavity},
 * {@code ao} (16-bit, because maps made of gradients band at 8 bits).
 *
 * <p>Seamless: the depth is first made periodic along the wrapped axes (cross-faded with itself
 * shifted by half a side, see {@link HeightField#periodic}), then every map is computed with
 * wrap-around sampling, so the outputs tile.
 *
 * <p>Thread-safe and stateless; {@link EngineInfo#concurrent()} is true.
 */
public final class DepthTextureEngine implements Engine {

  public static final String ID = "builtin.depthmaps";
  public static final String TASK = "image.texture_from_depth";

  /** What the engine does, in words for the UI and the recipe's method note. */
  public static final String METHOD =
      "derived maps, not a generative texture: normal, cavity and ambient occlusion computed from"
          + " the depth, and a base colour shaded from them with two flat colours";

  static final int MIN_SIDE = 64;
  static final int MAX_SIDE = 2048;
  static final int SIDE_STEP = 8;

  /** Light direction for the baked shading, tangent space: from the upper left, as usual. */
  private static final float[] LIGHT = unit(-0.4f, 0.5f, 0.77f);

  /** Share of the accent on the lowest ground: enough to read the shape, not to drown the base. */
  private static final float LOW_GROUND_ACCENT = 0.35f;

  private static final EngineInfo INFO =
      new EngineInfo(
          ID,
          TASK,
          EngineInfo.Kind.BUILTIN,
          "Depth maps (built-in): " + METHOD,
          null,
          "cpu",
          "1",
          true);

  @Override
  public EngineInfo info() {
    return INFO;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    Params params = request.params();
    RgbaImage depthImage = request.input("depth", RgbaImage.class);
    Seamless seamless = Seamless.parse(params.getString("seamless", "none"));
    double strength = params.getDouble("normal_strength", 1.0);
    if (!(strength >= 0) || Double.isInfinite(strength)) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT, "normal_strength must be 0 or more: " + strength);
    }
    ColourWords.Palette palette =
        ColourWords.palette(
            params.getString("prompt", ""),
            params.getString("color_a", null),
            params.getString("color_b", null));
    int[] size = outputSize(depthImage, params);

    context.stage("depth");
    float[] depth = resized(depthImage, size[0], size[1]);
    if (seamless != Seamless.NONE) {
      depth = HeightField.periodic(depth, size[0], size[1], seamless);
    }
    context.checkCancelled();
    context.stage("maps");
    DepthMaps maps = DepthMaps.compute(new HeightField(size[0], size[1], depth, seamless), strength);
    context.progress(0.8);
    context.checkCancelled();
    context.stage("shade");
    EngineResult result =
        new EngineResult(
            Map.of(
                "image", baseColour(maps, palette),
                "normal", normalImage(maps),
                "cavity", grey(maps, maps.cavity()),
                "ao", grey(maps, maps.occlusion())));
    context.progress(1);
    return result;
  }

  /**
   * The output size: the params where given (checked: multiples of 8 in 64..2048), the other side
   * following the depth's aspect (rounded to a multiple of 8), or the depth's own size.
   */
  static int[] outputSize(RgbaImage depth, Params params) throws EngineException {
    boolean hasWidth = params.has("width");
    boolean hasHeight = params.has("height");
    if (!hasWidth && !hasHeight) {
      return new int[] {depth.width(), depth.height()};
    }
    int width = hasWidth ? checkedSide("width", params.getInt("width", 0)) : 0;
    int height = hasHeight ? checkedSide("height", params.getInt("height", 0)) : 0;
    if (!hasWidth) {
      width = followingSide(height, depth.width(), depth.height());
    } else if (!hasHeight) {
      height = followingSide(width, depth.height(), depth.width());
    }
    return new int[] {width, height};
  }

  private static int followingSide(int given, int ownSide, int givenSide) {
    long side = Math.round((double) given * ownSide / givenSide / SIDE_STEP) * SIDE_STEP;
    return (int) Math.max(MIN_SIDE, Math.min(MAX_SIDE, side));
  }

  private static int checkedSide(String name, int side) throws EngineException {
    if (side < MIN_SIDE || side > MAX_SIDE || side % SIDE_STEP != 0) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          name + " must be a multiple of 8 from 64 to 2048, not " + side,
          Map.of("param", name, "value", side));
    }
    return side;
  }

  private static float[] resized(RgbaImage image, int width, int height) {
    float[] depth = HeightField.depthOf(image);
    if (width == image.width() && height == image.height()) {
      return depth;
    }
    float[] scaled =
        Resampler.resize(new Resampler.Raster(image.width(), image.height(), 1, depth), width, height)
            .samples();
    for (int i = 0; i < scaled.length; i++) {
      // Catmull-Rom overshoots at steps; the maps expect heights in 0..1.
      scaled[i] = Math.min(1f, Math.max(0f, scaled[i]));
    }
    return scaled;
  }

  /** Normals encoded as usual: {@code (n + 1) / 2}, so a flat surface is (0.5, 0.5, 1). */
  private static RgbaImage normalImage(DepthMaps maps) {
    RgbaImage out = new RgbaImage(maps.width(), maps.height(), SampleDepth.U16);
    float[] samples = out.samples();
    float[] normals = maps.normals();
    for (int i = 0; i < maps.width() * maps.height(); i++) {
      for (int c = 0; c < 3; c++) {
        samples[i * 4 + c] = quantised((normals[i * 3 + c] + 1) / 2, SampleDepth.U16);
      }
      samples[i * 4 + 3] = 1f;
    }
    return out;
  }

  private static RgbaImage grey(DepthMaps maps, float[] values) {
    RgbaImage out = new RgbaImage(maps.width(), maps.height(), SampleDepth.U16);
    float[] samples = out.samples();
    for (int i = 0; i < values.length; i++) {
      float v = quantised(values[i], SampleDepth.U16);
      samples[i * 4] = v;
      samples[i * 4 + 1] = v;
      samples[i * 4 + 2] = v;
      samples[i * 4 + 3] = 1f;
    }
    return out;
  }

  /**
   * The base colour: the accent fills hollows (occlusion) and creases (cavity), as patina, rust and
   * grime collect there, and towards the lowest ground of the image (relative to the image's own
   * depth range, so a flat depth shows the base colour alone); the mix is lit by the normals from the upper left, darkened by occlusion
   * and lifted a little on ridges. Shading happens in linear light, so the hex colours come out
   * as given on flat, open ground.
   */
  private static RgbaImage baseColour(DepthMaps maps, ColourWords.Palette palette) {
    float[] heights = maps.field().values();
    float low = Float.POSITIVE_INFINITY;
    float high = Float.NEGATIVE_INFINITY;
    for (float h : heights) {
      low = Math.min(low, h);
      high = Math.max(high, h);
    }
    float range = high - low;
    float[] base = linear(palette.base());
    float[] accent = linear(palette.accent());
    float flatLight = LIGHT[2];
    RgbaImage out = new RgbaImage(maps.width(), maps.height(), SampleDepth.U8);
    float[] samples = out.samples();
    float[] normals = maps.normals();
    for (int i = 0; i < maps.width() * maps.height(); i++) {
      float ao = maps.occlusion()[i];
      float cavity = maps.cavity()[i];
      float crease = Math.max(0f, 0.5f - cavity) * 2;
      float ridge = Math.max(0f, cavity - 0.5f) * 2;
      float lowness = range > 0 ? (high - heights[i]) / range : 0f;
      float mix = Math.min(1f, 2f * (1 - ao) + crease + LOW_GROUND_ACCENT * lowness);
      float lambert =
          normals[i * 3] * LIGHT[0] + normals[i * 3 + 1] * LIGHT[1] + normals[i * 3 + 2] * LIGHT[2];
      float light = 0.4f + 0.6f * Math.max(0f, lambert) / flatLight;
      float shade = light * (0.55f + 0.45f * ao) + 0.15f * ridge;
      for (int c = 0; c < 3; c++) {
        float value = (base[c] + (accent[c] - base[c]) * mix) * shade;
        samples[i * 4 + c] = quantised(encode(Math.min(1f, Math.max(0f, value))), SampleDepth.U8);
      }
      samples[i * 4 + 3] = 1f;
    }
    return out;
  }

  /** Snapped to a code value of {@code depth}, so the samples are exactly what the PNG holds. */
  private static float quantised(float value, SampleDepth depth) {
    float clamped = Math.min(1f, Math.max(0f, value));
    return Math.round(clamped * depth.scale()) / depth.scale();
  }

  private static float[] linear(ColourWords.Colour colour) {
    return new float[] {decode(colour.red()), decode(colour.green()), decode(colour.blue())};
  }

  /** sRGB transfer function, decoding. */
  private static float decode(float v) {
    return v <= 0.04045f ? v / 12.92f : (float) Math.pow((v + 0.055) / 1.055, 2.4);
  }

  /** sRGB transfer function, encoding. */
  private static float encode(float v) {
    return v <= 0.0031308f ? v * 12.92f : (float) (1.055 * Math.pow(v, 1 / 2.4) - 0.055);
  }

  private static float[] unit(float x, float y, float z) {
    float length = (float) Math.sqrt(x * x + y * y + z * z);
    return new float[] {x / length, y / length, z / length};
  }
}
