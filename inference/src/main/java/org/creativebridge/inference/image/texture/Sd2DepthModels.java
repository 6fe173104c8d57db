package org.creativebridge.inference.image.texture;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * The ONNX stages of {@link Sd2DepthTextureEngine} that differ from SD 1.5's: the OpenCLIP text
 * encoder (hidden size 1024) and the depth UNet (5 input channels).
 *
 * <p>Instances serve one job and are not thread-safe; each owns its lease.
 */
final class Sd2DepthModels {

  private Sd2DepthModels() {}

  /** Embeds each prompt on its own (batch 1) and concatenates, as the SD 1.5 encoder does. */
  static float[] encodePrompts(SessionCache.Lease lease, List<int[]> prompts, JobContext context)
      throws EngineException, CancelledException {
    int tokens = ClipTokenizer.CONTEXT_LENGTH;
    int size = tokens * Sd2DepthTextureEngine.HIDDEN_SIZE;
    long[] idsShape = {1, tokens};
    long[] hiddenShape = {1, tokens, Sd2DepthTextureEngine.HIDDEN_SIZE};
    boolean int32 = lease.fit().input("input_ids").type() == ElementType.INT32;
    float[] all = new float[prompts.size() * size];
    for (int p = 0; p < prompts.size(); p++) {
      int[] ids = prompts.get(p);
      try (OnnxTensor tensor = ids(ids, int32, idsShape);
          OrtSession.Result result = lease.run(Map.of("input_ids", tensor), context)) {
        float[] one = OrtTensors.readFloats(result, "last_hidden_state", hiddenShape, "SD 2 text encoder");
        System.arraycopy(one, 0, all, p * size, size);
      } catch (OrtException e) {
        throw OrtTensors.tensorFailure("SD 2 text encoder", e);
      }
    }
    return all;
  }

  private static OnnxTensor ids(int[] ids, boolean int32, long[] shape) throws OrtException {
    if (int32) {
      return OnnxTensor.createTensor(OrtTensors.environment(), IntBuffer.wrap(ids), shape);
    }
    long[] wide = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      wide[i] = ids[i];
    }
    return OnnxTensor.createTensor(OrtTensors.environment(), LongBuffer.wrap(wide), shape);
  }

  /**
   * The depth at latent size {@code [1, 1, H/8, W/8]}: each latent pixel the mean of its 8x8 block
   * (area resampling, which diffusers' bicubic resize approximates at this ratio), then stretched
   * to -1..1 over the depth's own range, as diffusers' depth2img pipeline normalises it. A flat
   * depth gives 0 everywhere.
   */
  static NchwTensor latentDepth(float[] depth, int[] size) {
    int scale = DepthNoiseModel.Shift.PIXELS_PER_LATENT;
    int w = size[0] / scale;
    int h = size[1] / scale;
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double sum = 0;
        for (int dy = 0; dy < scale; dy++) {
          int row = (y * scale + dy) * size[0] + x * scale;
          for (int dx = 0; dx < scale; dx++) {
            sum += depth[row + dx];
          }
        }
        out[y * w + x] = (float) (sum / (scale * scale));
      }
    }
    float low = Float.POSITIVE_INFINITY;
    float high = Float.NEGATIVE_INFINITY;
    for (float v : out) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    float range = high - low;
    for (int i = 0; i < out.length; i++) {
      out[i] = range > 0 ? 2f * (out[i] - low) / range - 1f : 0f;
    }
    return new NchwTensor(new NchwTensor.Shape(1, 1, h, w), out);
  }

  /** The depth UNet: each batch entry's sample is {@code [latents 4, depth 1]} along channels. */
  static final class DepthUnet implements DepthNoiseModel {
    private static final String STAGE = "SD 2 depth UNet";
    private final SessionCache.Lease lease;
    private final OnnxTensor text;
    private final NchwTensor depth;

    DepthUnet(SessionCache.Lease lease, DepthDiffusionPipeline.Conditions conditions) throws EngineException {
      this.lease = lease;
      this.depth = latentDepth(conditions.depth(), conditions.size());
      this.text = ControlNetUnets.text(conditions.text(), Sd2DepthTextureEngine.HIDDEN_SIZE);
    }

    @Override
    public NchwTensor predict(NchwTensor sample, float timestep, Shift shift, JobContext context)
        throws EngineException, CancelledException {
      NchwTensor rolledDepth = shift.onCanvas(depth, 1);
      NchwTensor input = concatenate(sample, rolledDepth);
      NchwTensor.Shape outShape = sample.shape().withChannels(Unet.LATENT_CHANNELS);
      try (OnnxTensor in = OrtTensors.floats(input);
          OnnxTensor t = OrtTensors.timestep(timestep, lease.fit().input("timestep"));
          OrtSession.Result result =
              lease.run(Map.of("sample", in, "timestep", t, "encoder_hidden_states", text), context)) {
        return new NchwTensor(outShape, OrtTensors.readFloats(result, "out_sample", outShape.dims(), STAGE));
      } catch (OrtException e) {
        throw OrtTensors.tensorFailure(STAGE, e);
      }
    }

    /** {@code [N, 5, h, w]}: the latents then the depth, the channel order SD 2 depth was trained on. */
    static NchwTensor concatenate(NchwTensor latents, NchwTensor depth) {
      int plane = latents.height() * latents.width();
      int channels = Sd2DepthTextureEngine.UNET_CHANNELS;
      NchwTensor.Shape shape = latents.shape().withChannels(channels);
      float[] out = new float[shape.elementCount()];
      for (int n = 0; n < latents.batch(); n++) {
        System.arraycopy(latents.values(), n * 4 * plane, out, n * channels * plane, 4 * plane);
        System.arraycopy(depth.values(), 0, out, (n * channels + 4) * plane, plane);
      }
      return new NchwTensor(shape, out);
    }

    @Override
    public void close() {
      text.close();
      lease.close();
    }
  }
}
