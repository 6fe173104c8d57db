package org.creativebridge.inference.image.texture;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;

/**
 * Tensor plumbing the depth-guided stages share: float inputs, timestep inputs in the export's own
 * type and rank, and float outputs read with their shape checked, so a model that breaks its
 * contract fails naming the stage. (The diffusion package's equivalent is package-private.)
 *
 * <p>Stateless; thread-safe.
 */
final class OrtTensors {

  private OrtTensors() {}

  static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /** A tensor over {@code values} with {@code shape}; the caller closes it. */
  static OnnxTensor floats(float[] values, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(environment(), FloatBuffer.wrap(values), shape);
  }

  static OnnxTensor floats(NchwTensor tensor) throws OrtException {
    return floats(tensor.values(), tensor.shape().dims());
  }

  /**
   * A timestep tensor as {@code declared} wants it: int64 or float32, {@code [1]} or a scalar.
   * Int64 truncates toward zero, as diffusers' ONNX pipelines cast it.
   */
  static OnnxTensor timestep(float timestep, ModelContract.TensorType declared) throws OrtException {
    long[] shape = declared.shape().isEmpty() ? new long[0] : new long[] {1};
    if (declared.type() == ElementType.INT64) {
      return OnnxTensor.createTensor(environment(), LongBuffer.wrap(new long[] {(long) timestep}), shape);
    }
    return floats(new float[] {timestep}, shape);
  }

  /** A one-value float tensor shaped as {@code declared} ({@code [1]}, {@code [1, 1]} or scalar). */
  static OnnxTensor scalar(float value, ModelContract.TensorType declared) throws OrtException {
    long[] shape = new long[declared.shape().size()];
    Arrays.fill(shape, 1);
    return floats(new float[] {value}, shape);
  }

  /** Output {@code name} as a tensor, checked to have {@code expected} dims; owned by the result. */
  static OnnxTensor output(OrtSession.Result result, String name, long[] expected, String stage)
      throws EngineException {
    OnnxValue value =
        result.get(name).orElseThrow(() -> failed(stage + " returned no '" + name + "'"));
    if (!(value instanceof OnnxTensor tensor)) {
      throw failed(stage + "'s '" + name + "' is not a tensor");
    }
    long[] shape = tensor.getInfo().getShape();
    if (expected != null && !Arrays.equals(shape, expected)) {
      throw failed(
          stage + " returned '" + name + "' of shape " + Arrays.toString(shape)
              + ", expected " + Arrays.toString(expected));
    }
    return tensor;
  }

  /** Output {@code name} copied to the heap, checked to have {@code expected} dims. */
  static float[] readFloats(OrtSession.Result result, String name, long[] expected, String stage)
      throws EngineException {
    FloatBuffer buffer = output(result, name, expected, stage).getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  static EngineException failed(String message) {
    return new EngineException(EngineException.Kind.FAILED, message);
  }

  /** An ORT failure outside a run (building or reading tensors), named after the stage. */
  static EngineException tensorFailure(String stage, OrtException cause) {
    return new EngineException(
        EngineException.Kind.FAILED,
        "could not pass tensors to or from the " + stage + ": " + cause.getMessage(),
        Map.of(),
        cause);
  }
}
