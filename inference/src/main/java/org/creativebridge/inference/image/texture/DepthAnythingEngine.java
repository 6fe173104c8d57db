package org.creativebridge.inference.image.texture;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.image.Resampler;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.image.inpaint.ModelEngineSetup;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelContract.Tensor;
import org.creativebridge.inference.runtime.ModelContract.TensorType;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code image.depth} with a Depth Anything V2 ONNX export (Yang et al. 2024; the small model is
 * the one meant here, but any size with the same interface runs): input {@code pixel_values}
 * float32 [1,3,H,W], RGB normalised with the ImageNet mean and standard deviation, H and W
 * multiples of 14 (the ViT patch size); output {@code predicted_depth} float32 [1,H,W] (or
 * [1,1,H,W]), relative <em>inverse</em> depth, so larger is nearer. Exports name these differently;
 * see {@link #INPUT_NAMES} and {@link #OUTPUT_NAMES}.
 *
 * <p>The image is resized (keeping its aspect) so its longer side is the {@code max_side} param
 * (default {@value #DEFAULT_SIDE}, the model's training size) and both sides are the nearest
 * multiples of 14; an export fixed to one size is fed that size. The prediction is resized back to
 * the input's size and normalised so the nearest point is 1 and the farthest 0 (a constant
 * prediction gives 0 everywhere). Output {@code depth}: a grey 16-bit image, so its PNG is 16-bit;
 * alpha 1.
 *
 * <p>Thread-safe: the engine holds only its immutable setup, and each job leases the session for
 * its own run. {@link EngineInfo#concurrent()} is false: one run already uses every intra-op
 * thread the runtime has.
 */
public final class DepthAnythingEngine implements Engine {

  public static final String TASK = "image.depth";

  /** The side Depth Anything is trained and usually run at. */
  public static final int DEFAULT_SIDE = 518;

  /** The ViT patch size: both sides the model sees are multiples of it. */
  public static final int PATCH = 14;

  /** Input names seen in exports: transformers/optimum, the original repo's, a generic one. */
  public static final List<String> INPUT_NAMES = List.of("pixel_values", "image", "input");

  /** Output names seen in exports, in the same order. */
  public static final List<String> OUTPUT_NAMES = List.of("predicted_depth", "depth", "output");

  /**
   * What a Depth Anything file must declare: exactly one of {@link #INPUT_NAMES} (float32
   * [1,3,H,W], dynamic or fixed at 518) and one of {@link #OUTPUT_NAMES} (float32 [1,H,W] or
   * [1,1,H,W]). Every name is optional in the contract so any one of them fits; the engine then
   * refuses a model with none or several.
   */
  public static final ModelContract CONTRACT = contract();

  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  private final ModelEngineSetup setup;
  private final EngineInfo info;

  public DepthAnythingEngine(ModelEngineSetup setup) {
    this.setup = setup;
    this.info =
        new EngineInfo(
            setup.modelId(),
            TASK,
            EngineInfo.Kind.MODEL,
            "Depth Anything V2: relative depth of a photo, near = bright, 16-bit",
            setup.model().sha256(),
            setup.device(),
            "1",
            false);
  }

  private static ModelContract contract() {
    List<TensorType> pixels =
        List.of(
            TensorType.of(ElementType.FLOAT32, 1, 3, -1, -1),
            TensorType.of(ElementType.FLOAT32, 1, 3, DEFAULT_SIDE, DEFAULT_SIDE));
    List<TensorType> depth =
        List.of(
            TensorType.of(ElementType.FLOAT32, 1, -1, -1),
            TensorType.of(ElementType.FLOAT32, 1, 1, -1, -1));
    return new ModelContract(
        "depth_anything",
        INPUT_NAMES.stream().map(name -> new Tensor(name, pixels, true)).toList(),
        OUTPUT_NAMES.stream().map(name -> new Tensor(name, depth, true)).toList());
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    RgbaImage image = request.input("image", RgbaImage.class);
    int maxSide = request.params().getInt("max_side", DEFAULT_SIDE);
    if (maxSide < PATCH) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT, "max_side must be at least 14, not " + maxSide);
    }
    context.stage("load");
    try (SessionCache.Lease lease = setup.sessions().lease(setup.model(), CONTRACT)) {
      String input = onlyOne(lease.fit().inputs().keySet(), "input");
      String output = onlyOne(lease.fit().outputs().keySet(), "output");
      List<Long> declared = lease.fit().input(input).shape();
      int[] size =
          declared.get(2) > 0 && declared.get(3) > 0
              ? new int[] {Math.toIntExact(declared.get(3)), Math.toIntExact(declared.get(2))}
              : modelSize(image.width(), image.height(), maxSide);
      context.checkCancelled();
      context.stage("depth");
      float[] predicted =
          predict(lease, new Feed(input, output, size[0], size[1]), pixelValues(image, size), context);
      context.progress(0.9);
      context.stage("encode");
      float[] depth =
          Resampler.resize(
                  new Resampler.Raster(size[0], size[1], 1, predicted), image.width(), image.height())
              .samples();
      EngineResult result = new EngineResult(Map.of("depth", greyU16(normalised(depth), image)));
      context.progress(1);
      return result;
    }
  }

  /** The session's tensor names and the size fed to it. */
  private record Feed(String input, String output, int width, int height) {}

  /**
   * The size the model sees, {width, height}: the longer side {@code maxSide}, the other keeping
   * the aspect, each rounded to the nearest multiple of 14 (at least 14).
   */
  static int[] modelSize(int width, int height, int maxSide) {
    double scale = (double) maxSide / Math.max(width, height);
    return new int[] {patchMultiple(width * scale), patchMultiple(height * scale)};
  }

  private static int patchMultiple(double side) {
    return (int) Math.max(PATCH, Math.round(side / PATCH) * PATCH);
  }

  private String onlyOne(java.util.Set<String> names, String role) throws EngineException {
    if (names.size() != 1) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "model "
              + setup.model().name()
              + " does not fit the depth_anything contract: it needs exactly one "
              + role
              + " named one of "
              + (role.equals("input") ? INPUT_NAMES : OUTPUT_NAMES)
              + ", it has "
              + names,
          Map.of("family", "depth_anything"));
    }
    return names.iterator().next();
  }

  /**
   * The image as the model wants it: RGB resized to {@code size}, normalised with the ImageNet
   * mean and std, planar. Alpha is ignored: depth belongs to what is pictured, not its coverage.
   */
  static float[] pixelValues(RgbaImage image, int[] size) {
    int pixels = image.width() * image.height();
    float[] rgb = new float[pixels * 3];
    float[] samples = image.samples();
    for (int i = 0; i < pixels; i++) {
      for (int c = 0; c < 3; c++) {
        rgb[i * 3 + c] = Math.min(1f, Math.max(0f, samples[i * RgbaImage.CHANNELS + c]));
      }
    }
    float[] resized =
        Resampler.resize(new Resampler.Raster(image.width(), image.height(), 3, rgb), size[0], size[1])
            .samples();
    int plane = size[0] * size[1];
    float[] planar = new float[plane * 3];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        planar[c * plane + i] = (resized[i * 3 + c] - MEAN[c]) / STD[c];
      }
    }
    return planar;
  }

  private static float[] predict(
      SessionCache.Lease lease, Feed names, float[] planar, JobContext context)
      throws EngineException, CancelledException {
    long[] shape = {1, 3, names.height(), names.width()};
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OnnxTensor tensor =
            OnnxTensor.createTensor(environment, FloatBuffer.wrap(planar), shape);
        OrtSession.Result result = lease.run(Map.of(names.input(), tensor), context)) {
      OnnxValue value =
          result.get(names.output()).orElseThrow(() -> failed("the model returned no depth"));
      if (!(value instanceof OnnxTensor depth)) {
        throw failed("the model's depth is not a tensor");
      }
      long[] got = depth.getInfo().getShape();
      if (got[got.length - 1] != shape[3] || got[got.length - 2] != shape[2]) {
        throw failed(
            "the model returned depth of shape "
                + Arrays.toString(got)
                + " for an input of "
                + Arrays.toString(shape));
      }
      FloatBuffer buffer = depth.getFloatBuffer();
      float[] out = new float[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (OrtException e) {
      throw new EngineException(
          EngineException.Kind.FAILED,
          "could not pass the image to or from Depth Anything: " + e.getMessage(),
          Map.of(),
          e);
    }
  }

  /** Min-max normalised to 0..1 (larger inverse depth is nearer, so it is already near-bright). */
  static float[] normalised(float[] depth) {
    float low = Float.POSITIVE_INFINITY;
    float high = Float.NEGATIVE_INFINITY;
    for (float v : depth) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    float range = high - low;
    float[] out = new float[depth.length];
    if (range > 0 && Float.isFinite(range)) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (depth[i] - low) / range;
      }
    }
    return out;
  }

  private static RgbaImage greyU16(float[] values, RgbaImage like) {
    RgbaImage out = new RgbaImage(like.width(), like.height(), SampleDepth.U16);
    float[] samples = out.samples();
    float scale = SampleDepth.U16.scale();
    for (int i = 0; i < values.length; i++) {
      float code = Math.round(values[i] * scale) / scale;
      samples[i * 4] = code;
      samples[i * 4 + 1] = code;
      samples[i * 4 + 2] = code;
      samples[i * 4 + 3] = 1f;
    }
    return out;
  }

  private static EngineException failed(String message) {
    return new EngineException(EngineException.Kind.FAILED, message);
  }
}
