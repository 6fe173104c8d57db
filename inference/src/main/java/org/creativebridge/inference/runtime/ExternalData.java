package org.creativebridge.inference.runtime;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finds the external-data files an ONNX model names, by walking just enough of its protobuf to
 * read each initializer's {@code external_data} "location" entry. Large fields (raw weights) are
 * skipped with a seek, so a multi-gigabyte single-file model costs a few reads, not a full scan.
 *
 * <p>Why not a file-name convention ({@code model.onnx.data})? Exporters differ ({@code .onnx_data},
 * {@code weights.pb}, one file per tensor), and the cache budget and the "is it all there" check
 * need the real list. Malformed input simply ends the walk: ONNX Runtime reports garbage files
 * with a proper error at load.
 *
 * <p>Stateless; thread-safe.
 */
final class ExternalData {

  private ExternalData() {}

  // Field numbers from onnx.proto3.
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_SPARSE_INITIALIZER = 15;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_T = 5;
  private static final int ATTRIBUTE_G = 6;
  private static final int ATTRIBUTE_TENSORS = 10;
  private static final int ATTRIBUTE_GRAPHS = 11;
  private static final int SPARSE_VALUES = 1;
  private static final int SPARSE_INDICES = 2;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;

  /** Subgraphs nest (Loop in If in Loop); real models stay far below this. */
  private static final int MAX_DEPTH = 32;

  private static final int MAX_STRING = 4096;

  private enum Message {
    MODEL,
    GRAPH,
    NODE,
    ATTRIBUTE,
    SPARSE_TENSOR,
    TENSOR,
    ENTRY
  }

  /** The distinct {@code location} values, in file order, as written (relative to the model). */
  static Set<String> locations(Path model) throws IOException {
    Set<String> found = new LinkedHashSet<>();
    try (Reader in = new Reader(Files.newInputStream(model), Files.size(model))) {
      in.message(Message.MODEL, in.limit, 0, found);
    } catch (Malformed | EOFException e) {
      // Not a well-formed model: keep what was found; ORT's load gives the user-facing error.
    }
    return found;
  }

  private static Message child(Message parent, int field) {
    switch (parent) {
      case MODEL:
        return field == MODEL_GRAPH ? Message.GRAPH : null;
      case GRAPH:
        if (field == GRAPH_NODE) {
          return Message.NODE;
        }
        if (field == GRAPH_INITIALIZER) {
          return Message.TENSOR;
        }
        return field == GRAPH_SPARSE_INITIALIZER ? Message.SPARSE_TENSOR : null;
      case NODE:
        return field == NODE_ATTRIBUTE ? Message.ATTRIBUTE : null;
      case ATTRIBUTE:
        if (field == ATTRIBUTE_T || field == ATTRIBUTE_TENSORS) {
          return Message.TENSOR;
        }
        return field == ATTRIBUTE_G || field == ATTRIBUTE_GRAPHS ? Message.GRAPH : null;
      case SPARSE_TENSOR:
        return field == SPARSE_VALUES || field == SPARSE_INDICES ? Message.TENSOR : null;
      case TENSOR:
        return field == TENSOR_EXTERNAL_DATA ? Message.ENTRY : null;
      default:
        return null;
    }
  }

  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  /** A protobuf wire-format reader over a stream, tracking its position for nested limits. */
  private static final class Reader implements AutoCloseable {
    private final InputStream in;
    private final long limit;
    private long position;

    Reader(InputStream in, long limit) {
      this.in = new BufferedInputStream(in, 64 * 1024);
      this.limit = limit;
    }

    void message(Message kind, long end, int depth, Set<String> found)
        throws IOException, Malformed {
      if (depth > MAX_DEPTH) {
        throw new Malformed();
      }
      String key = null;
      String value = null;
      while (position < end) {
        long tag = varint();
        int field = (int) (tag >>> 3);
        int wireType = (int) (tag & 7);
        switch (wireType) {
          case 0:
            varint();
            break;
          case 1:
            skip(8, end);
            break;
          case 5:
            skip(4, end);
            break;
          case 2:
            long length = varint();
            if (length < 0 || length > end - position) {
              throw new Malformed();
            }
            Message child = child(kind, field);
            if (kind == Message.ENTRY && (field == ENTRY_KEY || field == ENTRY_VALUE)) {
              String text = string(length);
              if (field == ENTRY_KEY) {
                key = text;
              } else {
                value = text;
              }
            } else if (child != null) {
              message(child, position + length, depth + 1, found);
            } else {
              skip(length, end);
            }
            break;
          default:
            throw new Malformed(); // groups are not used by onnx.proto
        }
      }
      if (position != end) {
        throw new Malformed();
      }
      if (kind == Message.ENTRY && "location".equals(key) && value != null) {
        found.add(value);
      }
    }

    private long varint() throws IOException, Malformed {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException();
        }
        position++;
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new Malformed();
    }

    private void skip(long length, long end) throws IOException, Malformed {
      if (length > end - position) {
        throw new Malformed();
      }
      in.skipNBytes(length);
      position += length;
    }

    private String string(long length) throws IOException, Malformed {
      if (length > MAX_STRING) {
        throw new Malformed();
      }
      byte[] bytes = in.readNBytes((int) length);
      if (bytes.length != length) {
        throw new EOFException();
      }
      position += length;
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
