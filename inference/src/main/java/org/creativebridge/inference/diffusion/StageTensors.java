package org.creativebridge.inference.diffusion;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.creativebridge.inference.EngineException;

/**
 * What the Stable Diffusion stages share: building float input tensors and reading float outputs
 * with their shape checked, so a model that returns something other than its contract promised
 * fails with a message naming the stage instead of an index error later.
 *
 * <p>Stateless; thread-safe.
 */
final class StageTensors {

  private StageTensors() {}

  static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /** A tensor over {@code tensor}'s values; the caller closes it. */
  static OnnxTensor floats(NchwTensor tensor) throws OrtException {
    return OnnxTensor.createTensor(
        environment(), FloatBuffer.wrap(tensor.values()), tensor.shape().dims());
  }

  /**
   * Output {@code name} of {@code result} as floats, checked to have {@code expected} dims.
   *
   * @throws EngineException {@code FAILED} naming {@code stage} when it is missing, not a float
   *     tensor, or of another shape
   */
  static float[] readFloats(OrtSession.Result result, String name, long[] expected, String stage)
      throws OrtException, EngineException {
    OnnxValue value =
        result.get(name).orElseThrow(() -> failed(stage + " returned no '" + name + "'"));
    if (!(value instanceof OnnxTensor)) {
      throw failed(stage + "'s '" + name + "' is not a tensor");
    }
    OnnxTensor tensor = (OnnxTensor) value;
    long[] shape = tensor.getInfo().getShape();
    if (!Arrays.equals(shape, expected)) {
      throw failed(
          stage
              + " returned '"
              + name
              + "' of shape "
              + Arrays.toString(shape)
              + ", expected "
              + Arrays.toString(expected));
    }
    FloatBuffer buffer = tensor.getFloatBuffer();
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
