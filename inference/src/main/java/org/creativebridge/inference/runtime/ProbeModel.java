package org.creativebridge.inference.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A one-node ONNX model ({@code y = Identity(x)}, float32 [1]) encoded in memory, so the runtime
 * can prove a GPU provider works by creating a real session on it. Listing a provider only means
 * the build has it; a CUDA build on a machine without a usable GPU fails only when a session is
 * created, and the daemon must learn that at start, not in the artist's first job.
 *
 * <p>Immutable; thread-safe.
 */
final class ProbeModel {

  private ProbeModel() {}

  // Field numbers from onnx.proto3.
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET_IMPORT = 8;
  private static final int OPSET_VERSION = 2;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_OP_TYPE = 4;
  private static final int VALUE_INFO_NAME = 1;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_ELEM_TYPE = 1;
  private static final int TENSOR_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int FLOAT = 1;

  private static final byte[] BYTES = encode();

  /** The model's bytes (a fresh copy). */
  static byte[] bytes() {
    return BYTES.clone();
  }

  private static byte[] encode() {
    byte[] node =
        concat(
            string(NODE_INPUT, "x"), string(NODE_OUTPUT, "y"), string(NODE_OP_TYPE, "Identity"));
    byte[] graph =
        concat(
            message(GRAPH_NODE, node),
            string(GRAPH_NAME, "probe"),
            message(GRAPH_INPUT, valueInfo("x")),
            message(GRAPH_OUTPUT, valueInfo("y")));
    return concat(
        varint(MODEL_IR_VERSION, 8),
        message(MODEL_GRAPH, graph),
        message(MODEL_OPSET_IMPORT, varint(OPSET_VERSION, 17)));
  }

  private static byte[] valueInfo(String name) {
    byte[] shape = message(SHAPE_DIM, varint(DIM_VALUE, 1));
    byte[] tensor = concat(varint(TENSOR_ELEM_TYPE, FLOAT), message(TENSOR_SHAPE, shape));
    byte[] type = message(TYPE_TENSOR, tensor);
    return concat(string(VALUE_INFO_NAME, name), message(VALUE_INFO_TYPE, type));
  }

  private static byte[] varint(int field, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, (long) field << 3);
    writeVarint(out, value);
    return out.toByteArray();
  }

  private static byte[] string(int field, String value) {
    return message(field, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] message(int field, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, ((long) field << 3) | 2);
    writeVarint(out, body.length);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
