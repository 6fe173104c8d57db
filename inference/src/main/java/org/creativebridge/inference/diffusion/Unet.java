package org.creativebridge.inference.diffusion;

import static org.creativebridge.inference.runtime.ModelContract.TensorType.of;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * The denoising UNet of Stable Diffusion 1.x ({@code unet/model.onnx} in diffusers' ONNX layout):
 * {@code sample} float32 {@code [N, C, h, w]}, {@code timestep} int64 or float32 ({@code [1]} or a
 * scalar, as the export declares), {@code encoder_hidden_states} float32 {@code [N, 77, 768]} to
 * {@code out_sample} float32 {@code [N, 4, h, w]}, the predicted noise.
 *
 * <p>{@code C} is 4 for text-to-image UNets and 9 for inpainting ones (latents 4, mask 1,
 * masked-image latents 4); the contract takes both and {@link #declaredInputChannels()} tells which
 * the file declares, so each pipeline refuses the kind it cannot drive. The timestep's type and
 * rank are read from the session: int64 timesteps are truncated toward zero, as diffusers' ONNX
 * pipelines cast them (see {@link Scheduler#timestepsInt64()}).
 *
 * <p>Owns a lease on its session: close it when the job is done. Thread-safe (ORT sessions run
 * concurrently); the instance holds only the lease and what it read from the session.
 */
public final class Unet implements AutoCloseable {

  /** Latent channels of SD 1.x's VAE, which the UNet predicts noise for. */
  public static final int LATENT_CHANNELS = 4;

  /** Input channels of an inpainting UNet: latents 4 + mask 1 + masked-image latents 4. */
  public static final int INPAINT_CHANNELS = 9;

  /** What {@code unet/model.onnx} must declare. */
  public static final ModelContract CONTRACT =
      ModelContract.builder("sd15 unet")
          .input(
              "sample",
              of(ElementType.FLOAT32, -1, INPAINT_CHANNELS, -1, -1),
              of(ElementType.FLOAT32, -1, LATENT_CHANNELS, -1, -1))
          .input(
              "timestep",
              of(ElementType.INT64, 1),
              of(ElementType.FLOAT32, 1),
              of(ElementType.INT64),
              of(ElementType.FLOAT32))
          .input(
              "encoder_hidden_states",
              of(ElementType.FLOAT32, -1, ClipTokenizer.CONTEXT_LENGTH, TextEncoder.HIDDEN_SIZE))
          .output("out_sample", ElementType.FLOAT32, -1, LATENT_CHANNELS, -1, -1)
          .build();

  private static final String STAGE = "UNet";

  private final SessionCache.Lease lease;
  private final ModelContract.TensorType sampleType;
  private final ModelContract.TensorType timestepType;

  private Unet(SessionCache.Lease lease) {
    this.lease = lease;
    this.sampleType = lease.fit().input("sample");
    this.timestepType = lease.fit().input("timestep");
  }

  /**
   * Leases the session for {@code model} and checks it against {@link #CONTRACT}.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when it cannot load or does not fit
   */
  public static Unet open(SessionCache sessions, ModelFile model) throws EngineException {
    return new Unet(sessions.lease(model, CONTRACT));
  }

  /**
   * The input channel count the export declares (4 or 9), or empty when it leaves that dim
   * dynamic, as diffusers' own export does; the model folder's {@code unet/config.json} then says.
   */
  public OptionalInt declaredInputChannels() {
    long channels = sampleType.shape().get(1);
    return channels > 0 ? OptionalInt.of((int) channels) : OptionalInt.empty();
  }

  /**
   * The latent side the export is fixed to, or empty when height and width are dynamic (the usual
   * case); a fixed export must be fed exactly that size.
   */
  public OptionalInt declaredLatentSide() {
    long height = sampleType.shape().get(2);
    long width = sampleType.shape().get(3);
    return height > 0 && height == width ? OptionalInt.of((int) height) : OptionalInt.empty();
  }

  /** The timestep type the export takes: {@code int64} or {@code float32}. */
  public ElementType timestepType() {
    return timestepType.type();
  }

  /**
   * The text conditioning of a whole denoising run as a tensor built once: the embeddings of a
   * CFG batch are about half a megabyte, which would otherwise be copied to native memory at
   * every step. Close it when the run ends.
   *
   * @param encoderHiddenStates {@code N * 77 * 768} values, one text embedding per batch entry
   */
  public Conditioning condition(float[] encoderHiddenStates) throws EngineException {
    int size = TextEncoder.EMBEDDING_SIZE;
    if (encoderHiddenStates.length == 0 || encoderHiddenStates.length % size != 0) {
      throw new IllegalArgumentException(
          "hidden states must be whole embeddings of " + size + " values, got " + encoderHiddenStates.length);
    }
    int batch = encoderHiddenStates.length / size;
    long[] shape = {batch, ClipTokenizer.CONTEXT_LENGTH, TextEncoder.HIDDEN_SIZE};
    try {
      return new Conditioning(
          OnnxTensor.createTensor(
              StageTensors.environment(), FloatBuffer.wrap(encoderHiddenStates), shape),
          batch);
    } catch (OrtException e) {
      throw StageTensors.tensorFailure(STAGE, e);
    }
  }

  /**
   * Predicts the noise in {@code input.sample()}.
   *
   * @return {@code [N, 4, h, w]} for a sample of {@code [N, C, h, w]}
   */
  public NchwTensor predict(UnetInput input, JobContext context)
      throws EngineException, CancelledException {
    NchwTensor.Shape outShape = input.sample().shape().withChannels(LATENT_CHANNELS);
    try (OnnxTensor sample = StageTensors.floats(input.sample());
        OnnxTensor timestep = timestepTensor(input.timestep());
        OrtSession.Result result =
            lease.run(
                Map.of(
                    "sample", sample,
                    "timestep", timestep,
                    "encoder_hidden_states", input.text().tensor()),
                context)) {
      float[] out = StageTensors.readFloats(result, "out_sample", outShape.dims(), STAGE);
      return new NchwTensor(outShape, out);
    } catch (OrtException e) {
      throw StageTensors.tensorFailure(STAGE, e);
    }
  }

  private OnnxTensor timestepTensor(float timestep) throws OrtException {
    long[] shape = timestepType.shape().isEmpty() ? new long[0] : new long[] {1};
    if (timestepType.type() == ElementType.INT64) {
      // Truncation, not rounding: what numpy's astype does in diffusers' ONNX pipelines.
      return OnnxTensor.createTensor(
          StageTensors.environment(), LongBuffer.wrap(new long[] {(long) timestep}), shape);
    }
    return OnnxTensor.createTensor(
        StageTensors.environment(), FloatBuffer.wrap(new float[] {timestep}), shape);
  }

  /** Ends the lease; the session stays cached for the next job. */
  @Override
  public void close() {
    lease.close();
  }

  /**
   * Text embeddings held as a native tensor for the steps of one run (see {@link #condition}).
   * Thread-safe to read from several runs; close once, after the last.
   */
  public static final class Conditioning implements AutoCloseable {
    private final OnnxTensor tensor;
    private final int batch;

    private Conditioning(OnnxTensor tensor, int batch) {
      this.tensor = tensor;
      this.batch = batch;
    }

    /** Embeddings held: 2 for a classifier-free guidance batch, 1 without. */
    public int batch() {
      return batch;
    }

    OnnxTensor tensor() {
      return tensor;
    }

    @Override
    public void close() {
      tensor.close();
    }
  }

  /**
   * One UNet call.
   *
   * @param sample {@code [N, C, h, w]}: for an inpainting UNet the scaled latents, mask and
   *     masked-image latents concatenated along channels
   * @param timestep the scheduler's timestep (fractional for Euler ancestral)
   * @param text one text embedding per batch entry, from {@link Unet#condition}
   */
  public record UnetInput(NchwTensor sample, float timestep, Conditioning text) {
    public UnetInput {
      Objects.requireNonNull(sample, "sample");
      Objects.requireNonNull(text, "text");
      if (text.batch() != sample.batch()) {
        throw new IllegalArgumentException(
            "a sample batch of " + sample.batch() + " needs as many embeddings, got " + text.batch());
      }
    }
  }
}
