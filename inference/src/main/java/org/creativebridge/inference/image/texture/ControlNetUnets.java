package org.creativebridge.inference.image.texture;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * The two ControlNet noise models of {@link ControlNetTextureEngine}: the fused export (one graph
 * taking the control image) and the split one (a ControlNet whose 13 residuals feed a UNet).
 *
 * <p>Each instance serves one job and is not thread-safe; it owns its leases and the native text
 * tensor, released by {@link DepthNoiseModel#close()}.
 */
final class ControlNetUnets {

  private ControlNetUnets() {}

  /**
   * The control image {@code [1, 3, H, W]}: RGB in 0..1 with the depth in all three channels, as
   * ControlNet depth models were trained on.
   */
  static NchwTensor controlImage(float[] depth, int[] size) {
    int plane = size[0] * size[1];
    float[] values = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(depth, 0, values, c * plane, plane);
    }
    return new NchwTensor(new NchwTensor.Shape(1, 3, size[1], size[0]), values);
  }

  /** The control image placed like the latents: one latent pixel is 8 image pixels. */
  static NchwTensor shifted(NchwTensor control, DepthNoiseModel.Shift shift) {
    return shift.onCanvas(control, DepthNoiseModel.Shift.PIXELS_PER_LATENT);
  }

  static OnnxTensor text(float[] embeddings, int hidden) throws EngineException {
    int tokens = ClipTokenizer.CONTEXT_LENGTH;
    long batch = embeddings.length / ((long) tokens * hidden);
    try {
      return OrtTensors.floats(embeddings, new long[] {batch, tokens, hidden});
    } catch (OrtException e) {
      throw OrtTensors.tensorFailure("text conditioning", e);
    }
  }

  /**
   * The control batch as a native tensor, rebuilt only when the shift or batch changes: without
   * seamless tiling every step uses the same one, and copying a 512x512 control image to native
   * memory at each step would cost more than the rest of the stage together. Not thread-safe.
   */
  static final class ControlCache implements AutoCloseable {
    private DepthNoiseModel.Shift shift;
    private int batch;
    private OnnxTensor tensor;

    /**
     * The control image placed by {@code shift} and repeated {@code batch} times; {@code [batch, 3,
     * H, W]}, or {@code [1, batch, 3, H, W]} with {@code stacked} (the fused export's one-ControlNet
     * stack). Owned by the cache.
     */
    OnnxTensor tensor(NchwTensor control, DepthNoiseModel.Shift shift, int batch, boolean stacked)
        throws EngineException {
      if (tensor != null && shift.equals(this.shift) && batch == this.batch) {
        return tensor;
      }
      close();
      NchwTensor repeated = DepthDenoiser.repeated(shifted(control, shift), batch);
      long[] dims = repeated.shape().dims();
      long[] shape = stacked ? new long[] {1, dims[0], dims[1], dims[2], dims[3]} : dims;
      try {
        tensor = OrtTensors.floats(repeated.values(), shape);
      } catch (OrtException e) {
        throw OrtTensors.tensorFailure("ControlNet", e);
      }
      this.shift = shift;
      this.batch = batch;
      return tensor;
    }

    @Override
    public void close() {
      if (tensor != null) {
        tensor.close();
        tensor = null;
      }
    }
  }

  /** The fused UNet+ControlNet export: {@code controlnet_conds [1, N, 3, H, W]} and {@code conditioning_scales [1, 1]}. */
  static final class Fused implements DepthNoiseModel {
    private static final String STAGE = "fused ControlNet UNet";
    private final SessionCache.Lease lease;
    private final OnnxTensor text;
    private final NchwTensor control;
    private final float scale;
    private final ControlCache cache = new ControlCache();

    Fused(SessionCache.Lease lease, DepthDiffusionPipeline.Conditions conditions) throws EngineException {
      this.lease = lease;
      this.control = controlImage(conditions.depth(), conditions.size());
      this.scale = (float) conditions.params().influence().controlScale();
      this.text = text(conditions.text(), TextEncoder.HIDDEN_SIZE);
    }

    @Override
    public NchwTensor predict(NchwTensor sample, float timestep, Shift shift, JobContext context)
        throws EngineException, CancelledException {
      NchwTensor.Shape outShape = sample.shape().withChannels(Unet.LATENT_CHANNELS);
      try (OnnxTensor in = OrtTensors.floats(sample);
          OnnxTensor t = OrtTensors.timestep(timestep, lease.fit().input("timestep"));
          OnnxTensor scales = OrtTensors.floats(new float[] {scale}, new long[] {1, 1});
          OrtSession.Result result =
              lease.run(
                  Map.of(
                      "sample", in,
                      "timestep", t,
                      "encoder_hidden_states", text,
                      "controlnet_conds", cache.tensor(control, shift, sample.batch(), true),
                      "conditioning_scales", scales),
                  context)) {
        return new NchwTensor(outShape, OrtTensors.readFloats(result, "noise_pred", outShape.dims(), STAGE));
      } catch (OrtException e) {
        throw OrtTensors.tensorFailure(STAGE, e);
      }
    }

    @Override
    public void close() {
      cache.close();
      text.close();
      lease.close();
    }
  }

  /**
   * The split export: the ControlNet runs first and its 13 residual outputs go to the UNet as they
   * are, native tensors owned by the ControlNet's result, so they never pass through the Java heap
   * (on a GPU provider ORT still copies each one to host memory on the way out and back on the way
   * in: see {@code ControlNetStageOverheadBench}).
   */
  static final class Split implements DepthNoiseModel {
    private static final String STAGE = "ControlNet";
    private static final String UNET_STAGE = "ControlNet-fed UNet";
    private final SessionCache.Lease controlnet;
    private final SessionCache.Lease unet;
    private final OnnxTensor text;
    private final NchwTensor control;
    private final float scale;
    private final ControlCache cache = new ControlCache();

    /** Takes over both leases: {@link #close()} ends them. */
    Split(
        SessionCache.Lease controlnet,
        SessionCache.Lease unet,
        DepthDiffusionPipeline.Conditions conditions)
        throws EngineException {
      this.controlnet = controlnet;
      this.unet = unet;
      this.control = controlImage(conditions.depth(), conditions.size());
      this.scale = (float) conditions.params().influence().controlScale();
      this.text = text(conditions.text(), TextEncoder.HIDDEN_SIZE);
    }

    @Override
    public NchwTensor predict(NchwTensor sample, float timestep, Shift shift, JobContext context)
        throws EngineException, CancelledException {
      NchwTensor.Shape outShape = sample.shape().withChannels(Unet.LATENT_CHANNELS);
      try (OnnxTensor in = OrtTensors.floats(sample);
          OnnxTensor t = OrtTensors.timestep(timestep, controlnet.fit().input("timestep"));
          OnnxTensor unetT = OrtTensors.timestep(timestep, unet.fit().input("timestep"));
          OnnxTensor scaleTensor = OrtTensors.scalar(scale, controlnet.fit().input("conditioning_scale"));
          OrtSession.Result residuals =
              controlnet.run(
                  Map.of(
                      "sample", in,
                      "timestep", t,
                      "encoder_hidden_states", text,
                      "controlnet_cond", cache.tensor(control, shift, sample.batch(), false),
                      "conditioning_scale", scaleTensor),
                  context)) {
        Map<String, OnnxTensorLike> inputs = new HashMap<>();
        for (String name : ControlNetTextureEngine.RESIDUAL_NAMES) {
          OnnxTensor residual = OrtTensors.output(residuals, name, null, STAGE);
          if (residual.getInfo().getShape()[0] != sample.batch()) {
            throw OrtTensors.failed(STAGE + "'s '" + name + "' has another batch than the sample");
          }
          inputs.put(name, residual);
        }
        inputs.put("sample", in);
        inputs.put("timestep", unetT);
        inputs.put("encoder_hidden_states", text);
        try (OrtSession.Result result = unet.run(inputs, context)) {
          return new NchwTensor(
              outShape, OrtTensors.readFloats(result, "out_sample", outShape.dims(), UNET_STAGE));
        }
      } catch (OrtException e) {
        throw OrtTensors.tensorFailure(STAGE, e);
      }
    }

    @Override
    public void close() {
      cache.close();
      text.close();
      try {
        controlnet.close();
      } finally {
        unet.close();
      }
    }
  }
}
