package org.creativebridge.inference.image.inpaint;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
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
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code image.inpaint} with a LaMa ONNX export (Suvorov et al. 2021, "Resolution-robust Large Mask
 * Inpainting with Fourier Convolutions"): inputs {@code image} float32 [1,3,512,512] in 0..1 and
 * {@code mask} float32 [1,1,512,512] (1 = hole), output {@code output} float32 [1,3,512,512] in
 * 0..255, already composited.
 *
 * <p>The export's size is fixed, so each masked region is cropped with context, scaled to fit 512
 * and padded by reflection, filled, and scaled back; only hole pixels are pasted, blended by the
 * feathered mask (see {@link ModelInpaintPipeline}). Inputs {@code image} and {@code mask}, params
 * {@code grow} and {@code feather} (as the built-in engine reads them; {@code seed}, {@code
 * patch_size} and {@code prompt} are accepted and ignored: the model is deterministic and takes no
 * text). Output {@code image} at the input's depth; RGB is filled from the straight-alpha samples,
 * alpha is returned untouched, pixels outside the grown and feathered mask bit for bit.
 *
 * <p>Thread-safe: the engine holds only its immutable setup, and each job leases the session for
 * its own run. {@link EngineInfo#concurrent()} is false all the same: two jobs at once would share
 * ONNX Runtime's intra-op threads and double the activations in memory, so running them one after
 * the other finishes the first sooner at no cost in throughput.
 */
public final class LamaInpaintEngine implements Engine {

  public static final String TASK = "image.inpaint";

  /** The side of the square the export takes. */
  public static final int SIDE = 512;

  /** What a LaMa file must declare, checked when its session is leased. */
  public static final ModelContract CONTRACT =
      ModelContract.builder("lama")
          .input("image", ElementType.FLOAT32, 1, 3, SIDE, SIDE)
          .input("mask", ElementType.FLOAT32, 1, 1, SIDE, SIDE)
          .output("output", ElementType.FLOAT32, 1, 3, SIDE, SIDE)
          .build();

  private static final long[] IMAGE_SHAPE = {1, 3, SIDE, SIDE};
  private static final long[] MASK_SHAPE = {1, 1, SIDE, SIDE};

  /** The export returns 0..255; the pipeline works in 0..1. */
  private static final float OUTPUT_SCALE = 255f;

  private final ModelEngineSetup setup;
  private final EngineInfo info;

  public LamaInpaintEngine(ModelEngineSetup setup) {
    this.setup = setup;
    this.info =
        new EngineInfo(
            setup.modelId(),
            TASK,
            EngineInfo.Kind.MODEL,
            "LaMa: fills the masked region from its surroundings (large-mask inpainting)",
            setup.model().sha256(),
            setup.device(),
            "1",
            false);
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
    return new LeasedLama(lease);
  }

  /** One job's hold on the session. */
  private static final class LeasedLama implements ModelInpaintPipeline.LeasedModel {
    private final SessionCache.Lease lease;

    LeasedLama(SessionCache.Lease lease) {
      this.lease = lease;
    }

    @Override
    public ModelCanvas canvas() {
      // A dynamic-size export also fits the contract; it is fed 512 all the same, the size LaMa
      // is trained at.
      return ModelCanvas.fixed(SIDE, SIDE);
    }

    @Override
    public float[] fill(ModelTile.TilePixels pixels, JobContext context)
        throws EngineException, CancelledException {
      float[] mask = new float[pixels.hole().length];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = pixels.hole()[i] ? 1f : 0f;
      }
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OnnxTensor image =
              OnnxTensor.createTensor(environment, FloatBuffer.wrap(pixels.rgb()), IMAGE_SHAPE);
          OnnxTensor holes =
              OnnxTensor.createTensor(environment, FloatBuffer.wrap(mask), MASK_SHAPE);
          OrtSession.Result result = lease.run(Map.of("image", image, "mask", holes), context)) {
        float[] filled = readOutput(result);
        for (int i = 0; i < filled.length; i++) {
          filled[i] /= OUTPUT_SCALE;
        }
        return filled;
      } catch (OrtException e) {
        throw new EngineException(
            EngineException.Kind.FAILED,
            "could not pass a tile to or from LaMa: " + e.getMessage(),
            Map.of(),
            e);
      }
    }

    private float[] readOutput(OrtSession.Result result) throws OrtException, EngineException {
      OnnxValue value = result.get("output").orElseThrow(() -> failed("LaMa returned no 'output'"));
      if (!(value instanceof OnnxTensor)) {
        throw failed("LaMa's 'output' is not a tensor");
      }
      OnnxTensor tensor = (OnnxTensor) value;
      long[] shape = tensor.getInfo().getShape();
      if (!Arrays.equals(shape, IMAGE_SHAPE)) {
        throw failed(
            "LaMa returned 'output' of shape "
                + Arrays.toString(shape)
                + ", expected "
                + Arrays.toString(IMAGE_SHAPE));
      }
      FloatBuffer buffer = tensor.getFloatBuffer();
      float[] filled = new float[buffer.remaining()];
      buffer.get(filled);
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
