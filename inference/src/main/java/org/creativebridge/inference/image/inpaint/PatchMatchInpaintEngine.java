package org.creativebridge.inference.image.inpaint;

import java.util.List;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;

/**
 * The built-in {@code image.inpaint} engine: content-aware fill that copies texture from the rest
 * of the image into the masked hole, by multi-scale PatchMatch search (Barnes et al. 2009) and
 * weighted patch voting (Wexler et al. 2007). Needs no model.
 *
 * <p>Inputs {@code image} and {@code mask} (same size; a mask pixel whose luminance times alpha
 * exceeds 0.5 marks the hole); params {@code seed}, {@code grow}, {@code feather},
 * {@code patch_size}. Output {@code image} at the input's sample depth; pixels outside the grown
 * and feathered hole are returned bit for bit.
 *
 * <p>Thread-safe and stateless: one instance may run any number of jobs at once. Each job uses up
 * to the configured number of threads, and its output is bit-identical for the same inputs and
 * params whatever that number is.
 */
public final class PatchMatchInpaintEngine implements Engine {
  public static final String ID = "builtin.patchmatch";
  public static final String TASK = "image.inpaint";

  private static final int DEFAULT_PATCH_SIZE = 7;

  private static final EngineInfo INFO =
      new EngineInfo(
          ID,
          TASK,
          EngineInfo.Kind.BUILTIN,
          "Content-aware fill by multi-scale PatchMatch: copies texture from the image into the hole",
          null,
          "cpu",
          "1",
          true);

  private final int threads;

  public PatchMatchInpaintEngine() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** An engine that uses {@code threads} threads per job; results do not depend on it. */
  PatchMatchInpaintEngine(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
  }

  @Override
  public EngineInfo info() {
    return INFO;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    RgbaImage image = request.input("image", RgbaImage.class);
    RgbaImage mask = request.input("mask", RgbaImage.class);
    InpaintInputs.requireSameSize(image, mask);
    FillSettings settings = FillSettings.from(request.params());

    context.stage("prepare");
    context.checkCancelled();
    FillMask fillMask = FillMask.prepare(mask, settings.grow(), settings.feather());
    if (fillMask.isEmpty()) {
      context.progress(1.0);
      return new EngineResult(Map.of("image", image.copy()));
    }
    int holePixels = fillMask.holeCount();
    if (holePixels == image.width() * image.height()) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "the mask covers the whole image, so there is nothing to copy texture from; leave some"
              + " of the image unmasked",
          Map.of("width", image.width(), "height", image.height(), "grow", settings.grow()));
    }
    PixelBounds region = WorkingRegion.around(fillMask.bounds(), image, settings.patchSize());
    PyramidLevel finest = PyramidLevel.cropOf(image, fillMask, region);
    double holeDepth = maxOf(finest.distanceToKnown());
    List<PyramidLevel> levels = ImagePyramid.build(finest, settings.patchSize(), holeDepth);
    context.progress(0.05);

    context.stage("fill");
    try (RowBands bands = RowBands.withThreads(threads)) {
      MultiScaleCompletion completion =
          new MultiScaleCompletion(
              levels, settings.patchSize(), new SeededStreams(settings.seed()), bands);
      completion.run(
          new FillProgress(
              context, new FillProgress.ProgressSpan(0.05, 0.95), completion.totalWork()));
    }

    context.stage("compose");
    context.checkCancelled();
    RgbaImage output = FillComposite.compose(image, fillMask, finest, region);
    context.progress(1.0);
    return new EngineResult(Map.of("image", output));
  }

  private static double maxOf(float[] values) {
    double max = 0;
    for (float value : values) {
      max = Math.max(max, value);
    }
    return max;
  }

  /** The params this engine reads, with the schema's defaults. */
  record FillSettings(long seed, int grow, int feather, int patchSize) {

    static FillSettings from(Params params) throws EngineException {
      int patchSize = params.getInt("patch_size", DEFAULT_PATCH_SIZE);
      if (patchSize < 1 || patchSize % 2 == 0) {
        throw new EngineException(
            EngineException.Kind.INVALID_INPUT,
            "patch_size must be odd and positive, got " + patchSize,
            Map.of("patch_size", patchSize));
      }
      int grow = params.getInt("grow", 0);
      int feather = params.getInt("feather", 0);
      if (grow < 0 || feather < 0) {
        throw new EngineException(
            EngineException.Kind.INVALID_INPUT,
            "grow and feather must not be negative",
            Map.of("grow", grow, "feather", feather));
      }
      return new FillSettings(params.getLong("seed", 0L), grow, feather, patchSize);
    }
  }
}
