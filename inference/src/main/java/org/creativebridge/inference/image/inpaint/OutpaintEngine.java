package org.creativebridge.inference.image.inpaint;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/**
 * The {@code image.outpaint} task: grows the canvas by {@code left}, {@code top}, {@code right} and
 * {@code bottom} pixels and fills the new border with an {@code image.inpaint} engine.
 *
 * <p>The border is first pre-filled from the nearest edge with a blur that grows with distance
 * ({@link BorderPrefill}); the inner engine then fills the border plus an overlap band reaching
 * {@code feather} pixels into the original along each grown side (at most a quarter of the
 * original's shorter side), with its own feather set to the band's width, so the fill fades into
 * the original across the band instead of meeting it at a hard seam. Original pixels outside the
 * band are copied back from the input afterwards, so they are bit-identical at their new position
 * whatever the inner engine does. Params {@code seed} and {@code prompt} are passed through.
 *
 * <p>Ids: {@code builtin.outpaint} around the built-in PatchMatch engine, {@code outpaint.<inner
 * id>} around any other. Thread-safe exactly as far as the inner engine is: it adds no state of its
 * own, and reports the inner engine's {@link EngineInfo#concurrent()}. Closing it does not close
 * the inner engine, which the caller owns (the same engine usually also serves {@code
 * image.inpaint}).
 */
public final class OutpaintEngine implements Engine {

  public static final String TASK = "image.outpaint";
  public static final String BUILTIN_ID = "builtin.outpaint";

  /** Most pixels one side may grow by (the schema's maximum). */
  public static final int MAX_PADDING = 4096;

  /** The seam's blend width when the params do not say. */
  public static final int DEFAULT_FEATHER = 32;

  private static final int MAX_FEATHER = 256;

  /** The overlap band takes at most this share of the original's shorter side. */
  private static final int BAND_SHARE_DIVISOR = 4;

  /** Progress the pre-fill takes, and where the inner engine's share ends. */
  private static final double PREFILLED = 0.05;

  private static final double INNER_DONE = 0.95;

  private final Engine inner;
  private final EngineInfo info;

  /** Outpaint with the built-in PatchMatch engine. */
  public OutpaintEngine() {
    this(new PatchMatchInpaintEngine());
  }

  /**
   * Outpaint with {@code inner}.
   *
   * @throws IllegalArgumentException when {@code inner} does not serve {@code image.inpaint}
   */
  public OutpaintEngine(Engine inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
    EngineInfo innerInfo = inner.info();
    if (!PatchMatchInpaintEngine.TASK.equals(innerInfo.task())) {
      throw new IllegalArgumentException(
          "outpaint needs an image.inpaint engine, not "
              + innerInfo.id()
              + " ("
              + innerInfo.task()
              + ")");
    }
    boolean builtin = PatchMatchInpaintEngine.ID.equals(innerInfo.id());
    this.info =
        new EngineInfo(
            builtin ? BUILTIN_ID : "outpaint." + innerInfo.id(),
            TASK,
            innerInfo.kind(),
            "Extends the canvas and fills the new border with " + innerInfo.id(),
            innerInfo.modelSha256(),
            innerInfo.device(),
            // The output changes when either this algorithm or the inner engine's does.
            "1+" + innerInfo.version(),
            innerInfo.concurrent());
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  /** Not ready exactly when the inner engine is not, for the same reason. */
  @Override
  public Optional<String> notReadyReason() {
    return inner.notReadyReason();
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    RgbaImage original = request.input("image", RgbaImage.class);
    BorderPrefill.Padding padding = paddingOf(request.params());
    int feather = request.params().getInt("feather", DEFAULT_FEATHER);
    if (feather < 0 || feather > MAX_FEATHER) {
      throw invalid(
          "feather must be 0.." + MAX_FEATHER + ", got " + feather, Map.of("feather", feather));
    }
    requireCanvasFits(original, padding);

    context.stage("prefill");
    context.checkCancelled();
    RgbaImage canvas = BorderPrefill.extend(original, padding);
    int band =
        Math.min(feather, Math.min(original.width(), original.height()) / BAND_SHARE_DIVISOR);
    SeamBand seam = new SeamBand(original, padding, band);
    RgbaImage mask = seam.mask(canvas.width(), canvas.height());
    context.progress(PREFILLED);

    EngineResult filled =
        inner.run(
            new EngineRequest(
                Map.of("image", canvas, "mask", mask), innerParams(request.params(), band)),
            new ProgressWithin(context, PREFILLED, INNER_DONE));
    RgbaImage output =
        filled.outputs().get("image") instanceof RgbaImage
            ? (RgbaImage) filled.outputs().get("image")
            : null;
    if (output == null || !output.sameSize(canvas) || output.depth() != canvas.depth()) {
      throw new EngineException(
          EngineException.Kind.FAILED,
          "inner engine "
              + inner.info().id()
              + " did not return an image of the canvas's size and depth");
    }
    context.checkCancelled();
    seam.restoreOriginal(output);
    context.progress(1.0);
    return new EngineResult(Map.of("image", output));
  }

  private static BorderPrefill.Padding paddingOf(Params params) throws EngineException {
    BorderPrefill.Padding padding =
        new BorderPrefill.Padding(
            params.getInt("left", 0),
            params.getInt("top", 0),
            params.getInt("right", 0),
            params.getInt("bottom", 0));
    int[] sides = {padding.left(), padding.top(), padding.right(), padding.bottom()};
    for (int side : sides) {
      if (side < 0 || side > MAX_PADDING) {
        throw invalid(
            "left, top, right and bottom must each be 0.." + MAX_PADDING + ", got " + padding,
            paddingDetails(padding));
      }
    }
    if (padding.isEmpty()) {
      throw invalid(
          "nothing to outpaint: left, top, right and bottom are all 0; give at least one side",
          paddingDetails(padding));
    }
    return padding;
  }

  private static Map<String, Object> paddingDetails(BorderPrefill.Padding padding) {
    return Map.of(
        "left",
        padding.left(),
        "top",
        padding.top(),
        "right",
        padding.right(),
        "bottom",
        padding.bottom());
  }

  private static void requireCanvasFits(RgbaImage original, BorderPrefill.Padding padding)
      throws EngineException {
    long width = (long) original.width() + padding.left() + padding.right();
    long height = (long) original.height() + padding.top() + padding.bottom();
    if (width * height * RgbaImage.CHANNELS > Integer.MAX_VALUE - 8) {
      throw new EngineException(
          EngineException.Kind.IMAGE_TOO_LARGE,
          "the outpainted image would be "
              + width
              + "x"
              + height
              + ", too large to hold in memory at once",
          Map.of("width", width, "height", height));
    }
  }

  /** The inner engine's params: seed and prompt passed through, the band as its feather. */
  private static Params innerParams(Params params, int band) {
    Map<String, Object> values = new HashMap<>();
    if (params.has("seed")) {
      values.put("seed", params.getLong("seed", 0));
    }
    if (params.has("prompt")) {
      values.put("prompt", params.getString("prompt", ""));
    }
    values.put("grow", 0);
    values.put("feather", band);
    return new Params(values);
  }

  private static EngineException invalid(String message, Map<String, Object> details) {
    return new EngineException(EngineException.Kind.INVALID_INPUT, message, details);
  }

  /**
   * Which canvas pixels the inner engine fills: the new border, plus the band of the original
   * within {@code band} pixels of each side that grew.
   */
  private static final class SeamBand {
    private final RgbaImage original;
    private final BorderPrefill.Padding padding;
    private final int band;

    SeamBand(RgbaImage original, BorderPrefill.Padding padding, int band) {
      this.original = original;
      this.padding = padding;
      this.band = band;
    }

    /** Whether original pixel {@code (x, y)} lies in the overlap band. */
    boolean inBand(int x, int y) {
      return (padding.left() > 0 && x < band)
          || (padding.right() > 0 && x >= original.width() - band)
          || (padding.top() > 0 && y < band)
          || (padding.bottom() > 0 && y >= original.height() - band);
    }

    /** The inner engine's mask: white and opaque where it fills, opaque black elsewhere. */
    RgbaImage mask(int width, int height) {
      RgbaImage mask = new RgbaImage(width, height, SampleDepth.U8);
      float[] samples = mask.samples();
      for (int canvasY = 0; canvasY < height; canvasY++) {
        int y = canvasY - padding.top();
        for (int canvasX = 0; canvasX < width; canvasX++) {
          int x = canvasX - padding.left();
          boolean inOriginal = x >= 0 && x < original.width() && y >= 0 && y < original.height();
          float value = !inOriginal || inBand(x, y) ? 1f : 0f;
          int at = mask.index(canvasX, canvasY);
          samples[at] = value;
          samples[at + 1] = value;
          samples[at + 2] = value;
          samples[at + 3] = 1f;
        }
      }
      return mask;
    }

    /** Copies the original's pixels outside the band into {@code output}, bit for bit. */
    void restoreOriginal(RgbaImage output) {
      float[] from = original.samples();
      float[] to = output.samples();
      for (int y = 0; y < original.height(); y++) {
        for (int x = 0; x < original.width(); x++) {
          if (!inBand(x, y)) {
            System.arraycopy(
                from,
                original.index(x, y),
                to,
                output.index(x + padding.left(), y + padding.top()),
                RgbaImage.CHANNELS);
          }
        }
      }
    }
  }

  /** The inner engine's view of the job: its progress mapped into {@code [start, end]}. */
  private static final class ProgressWithin implements JobContext {
    private final JobContext outer;
    private final double start;
    private final double end;

    ProgressWithin(JobContext outer, double start, double end) {
      this.outer = outer;
      this.start = start;
      this.end = end;
    }

    @Override
    public void stage(String name) {
      outer.stage(name);
    }

    @Override
    public void progress(double fraction) {
      outer.progress(start + (end - start) * Math.max(0, Math.min(1, fraction)));
    }

    @Override
    public boolean isCancelled() {
      return outer.isCancelled();
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      return outer.onCancel(onCancel);
    }
  }
}
