package org.creativebridge.inference.image.inpaint;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelContract.TensorType;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code image.inpaint} with a MI-GAN pipeline ONNX export (Sargsyan et al. 2023, "MI-GAN: A Simple
 * Baseline for Image Inpainting on Mobile Devices"): inputs {@code image} uint8 [1,3,H,W] RGB and
 * {@code mask} uint8 [1,1,H,W] where 255 = <em>keep</em> and 0 = hole (the opposite of LaMa),
 * output {@code result} uint8 [1,3,H,W].
 *
 * <p>The pipeline export takes any size; each masked region is cropped with context at the image's
 * own resolution (at least 512, the scale MI-GAN is trained at; scaled down only past 2048) and
 * filled. An export fixed to 512 or 256 is fed like LaMa: each crop scaled to fit and padded by
 * reflection. Only hole pixels are pasted, blended by the feathered mask (see {@link
 * ModelInpaintPipeline}). Inputs, params and output as {@link LamaInpaintEngine}; the model works
 * in 8 bits, so on 16-bit and float inputs the filled pixels carry 8-bit precision while everything
 * outside them keeps its depth and bits.
 *
 * <p>Thread-safe: the engine holds only its immutable setup, and each job leases the session for
 * its own run. {@link EngineInfo#concurrent()} is false for the reason {@link LamaInpaintEngine}
 * gives.
 */
public final class MiganInpaintEngine implements Engine {

  public static final String TASK = "image.inpaint";

  /** The side MI-GAN is trained at: the smallest crop a dynamic export is given. */
  public static final int NATIVE_SIDE = 512;

  /**
   * What a MI-GAN pipeline file must declare, checked when its session is leased: dynamic height
   * and width, or fixed at one of the sizes MI-GAN is published at (512, 256).
   */
  public static final ModelContract CONTRACT =
      ModelContract.builder("migan")
          .input("image", uint8Square(3, -1), uint8Square(3, 512), uint8Square(3, 256))
          .input("mask", uint8Square(1, -1), uint8Square(1, 512), uint8Square(1, 256))
          .output("result", ElementType.UINT8, 1, 3, -1, -1)
          .build();

  private static final int KEEP = 255;
  private static final float CODE_SCALE = 255f;

  private final ModelEngineSetup setup;
  private final EngineInfo info;

  public MiganInpaintEngine(ModelEngineSetup setup) {
    this.setup = setup;
    this.info =
        new EngineInfo(
            setup.modelId(),
            TASK,
            EngineInfo.Kind.MODEL,
            "MI-GAN: fast fill of the masked region from its surroundings",
            setup.model().sha256(),
            setup.device(),
            "1",
            false);
  }

  /** uint8 [1, channels, side, side]; side -1 for dynamic. */
  private static TensorType uint8Square(int channels, int side) {
    return TensorType.of(ElementType.UINT8, 1, channels, side, side);
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    return ModelInpaintPipeline.run(request, context, this::open);
  }

  private ModelInpaintPipeline.LeasedModel open() throws EngineException {
    SessionCache.Lease lease = setup.sessions().lease(setup.model(), CONTRACT);
    try {
      return new LeasedMigan(lease, canvasOf(lease));
    } catch (EngineException | RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /**
   * The model's size as its session declares it. A dim left dynamic beside a fixed one is fed the
   * native side.
   */
  private ModelCanvas canvasOf(SessionCache.Lease lease) throws EngineException {
    List<Long> image = lease.fit().input("image").shape();
    List<Long> mask = lease.fit().input("mask").shape();
    if (!image.subList(2, 4).equals(mask.subList(2, 4))) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "model "
              + setup.model().name()
              + " does not fit the migan contract: input 'image' is "
              + lease.fit().input("image")
              + " but input 'mask' is "
              + lease.fit().input("mask")
              + "; their height and width must match",
          Map.of("family", "migan"));
    }
    long height = image.get(2);
    long width = image.get(3);
    if (height == -1 && width == -1) {
      return ModelCanvas.dynamic(NATIVE_SIDE);
    }
    return ModelCanvas.fixed(
        (int) (width == -1 ? NATIVE_SIDE : width), (int) (height == -1 ? NATIVE_SIDE : height));
  }

  /** One job's hold on the session. */
  private static final class LeasedMigan implements ModelInpaintPipeline.LeasedModel {
    private final SessionCache.Lease lease;
    private final ModelCanvas canvas;

    LeasedMigan(SessionCache.Lease lease, ModelCanvas canvas) {
      this.lease = lease;
      this.canvas = canvas;
    }

    @Override
    public ModelCanvas canvas() {
      return canvas;
    }

    @Override
    public float[] fill(ModelTile.TilePixels pixels, JobContext context)
        throws EngineException, CancelledException {
      int planeSize = pixels.width() * pixels.height();
      ByteBuffer rgb = ByteBuffer.allocateDirect(3 * planeSize).order(ByteOrder.nativeOrder());
      for (float sample : pixels.rgb()) {
        // The samples are clamped to 0..1 already.
        rgb.put((byte) Math.round(sample * CODE_SCALE));
      }
      rgb.flip();
      ByteBuffer keep = ByteBuffer.allocateDirect(planeSize).order(ByteOrder.nativeOrder());
      for (boolean hole : pixels.hole()) {
        keep.put((byte) (hole ? 0 : KEEP));
      }
      keep.flip();
      long[] imageShape = {1, 3, pixels.height(), pixels.width()};
      long[] maskShape = {1, 1, pixels.height(), pixels.width()};
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OnnxTensor image =
              OnnxTensor.createTensor(environment, rgb, imageShape, OnnxJavaType.UINT8);
          OnnxTensor mask =
              OnnxTensor.createTensor(environment, keep, maskShape, OnnxJavaType.UINT8);
          OrtSession.Result result = lease.run(Map.of("image", image, "mask", mask), context)) {
        return readResult(result, imageShape);
      } catch (OrtException e) {
        throw new EngineException(
            EngineException.Kind.FAILED,
            "could not pass a tile to or from MI-GAN: " + e.getMessage(),
            Map.of(),
            e);
      }
    }

    private static float[] readResult(OrtSession.Result result, long[] expectedShape)
        throws OrtException, EngineException {
      OnnxValue value =
          result.get("result").orElseThrow(() -> failed("MI-GAN returned no 'result'"));
      if (!(value instanceof OnnxTensor)) {
        throw failed("MI-GAN's 'result' is not a tensor");
      }
      OnnxTensor tensor = (OnnxTensor) value;
      long[] shape = tensor.getInfo().getShape();
      if (!Arrays.equals(shape, expectedShape)) {
        throw failed(
            "MI-GAN returned 'result' of shape "
                + Arrays.toString(shape)
                + " for an input of "
                + Arrays.toString(expectedShape));
      }
      ByteBuffer codes = tensor.getByteBuffer();
      float[] filled = new float[codes.remaining()];
      for (int i = 0; i < filled.length; i++) {
        filled[i] = (codes.get() & 0xFF) / CODE_SCALE;
      }
      return filled;
    }

    @Override
    public void close() {
      lease.close();
    }
  }

  private static EngineException failed(String message) {
    return new EngineException(EngineException.Kind.FAILED, message);
  }
}
