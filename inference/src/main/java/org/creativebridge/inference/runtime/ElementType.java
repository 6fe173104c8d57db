package org.creativebridge.inference.runtime;

import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.util.Locale;

/**
 * Tensor element types as model contracts name them ({@code float32}, {@code int64}, ...).
 *
 * <p>Immutable; thread-safe.
 */
public enum ElementType {
  FLOAT32,
  FLOAT16,
  BFLOAT16,
  FLOAT64,
  INT8,
  INT16,
  INT32,
  INT64,
  UINT8,
  UINT16,
  UINT32,
  UINT64,
  BOOL,
  STRING,
  /** Anything else ONNX can declare (float8 variants, complex...); no contract asks for these. */
  OTHER;

  /** The lower-case name used in contracts and error messages. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return wireName();
  }

  static ElementType of(OnnxTensorType type) {
    switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
        return FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
        return FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
        return BFLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
        return FLOAT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
        return INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
        return INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
        return INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
        return INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
        return UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
        return UINT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32:
        return UINT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64:
        return UINT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
        return BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING:
        return STRING;
      default:
        return OTHER;
    }
  }
}
