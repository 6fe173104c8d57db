package org.creativebridge.inference.runtime;

import ai.onnxruntime.OrtException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.EngineException;

/**
 * Turns {@link OrtException}s into {@link EngineException}s with a kind the daemon can act on: a
 * model file that cannot load is {@code MODEL_UNAVAILABLE} (the daemon keeps serving other
 * engines), an allocation failure is {@code OUT_OF_MEMORY} (the user can retry smaller), the rest
 * is {@code FAILED}.
 *
 * <p>Stateless; thread-safe.
 */
final class OrtFailures {

  private OrtFailures() {}

  /**
   * ORT has no error code for allocation failure: each allocator words it its own way. These are
   * the spellings of the CPU arena/allocator (std::bad_alloc, "Failed to allocate memory"), CUDA
   * and cuDNN/cuBLAS, and DirectML/Windows (E_OUTOFMEMORY, HRESULT 0x8007000E, device removed for
   * lack of memory: 0x887A0005 is reported with "out of memory" text as well).
   */
  private static final List<String> OUT_OF_MEMORY_MARKERS =
      List.of(
          "bad_alloc",
          "bad allocation",
          "out of memory",
          "failed to allocate memory",
          "cudaerrormemoryallocation",
          "alloc_failed",
          "e_outofmemory",
          "0x8007000e");

  static boolean isOutOfMemory(OrtException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return OUT_OF_MEMORY_MARKERS.stream().anyMatch(message::contains);
  }

  /** A failure while creating a session for {@code model}. */
  static EngineException atLoad(ModelFile model, OrtException e) {
    Map<String, Object> details =
        Map.of("path", model.path().toString(), "sha256", model.sha256(), "ortError", e.getCode().name());
    if (isOutOfMemory(e)) {
      return new EngineException(
          EngineException.Kind.OUT_OF_MEMORY,
          "not enough memory to load model " + model.name() + " (" + megabytes(model.totalBytes()) + ")",
          details,
          e);
    }
    String problem;
    if (isNotAModel(model, e)) {
      problem = "is truncated or not an ONNX model";
    } else if (e.getCode() == OrtException.OrtErrorCode.ORT_NO_SUCHFILE) {
      problem = "or a file it names is missing";
    } else {
      problem = "cannot be loaded by ONNX Runtime";
    }
    return new EngineException(
        EngineException.Kind.MODEL_UNAVAILABLE,
        "model " + model.name() + " " + problem + ": " + firstLine(e.getMessage()),
        details,
        e);
  }

  /**
   * Garbage and cut-off downloads fail protobuf parsing; an empty file parses as a model without a
   * graph, which ORT reports as a plain failure.
   */
  private static boolean isNotAModel(ModelFile model, OrtException e) {
    String message = String.valueOf(e.getMessage());
    return e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF
        || e.getCode() == OrtException.OrtErrorCode.ORT_NO_MODEL
        || model.size() == 0
        || message.contains("Protobuf parsing failed")
        || message.contains("does not have a graph");
  }

  /** A failure while running a session that was not caused by cancellation. */
  static EngineException atRun(OrtException e) {
    Map<String, Object> details = Map.of("ortError", e.getCode().name());
    if (isOutOfMemory(e)) {
      return new EngineException(
          EngineException.Kind.OUT_OF_MEMORY,
          "ONNX Runtime ran out of memory; a smaller input or fewer loaded models may fit",
          details,
          e);
    }
    return new EngineException(
        EngineException.Kind.FAILED,
        "ONNX Runtime failed: " + firstLine(e.getMessage()),
        details,
        e);
  }

  /** ORT's own text, without the Java binding's "Error code - X - message: " wrapper. */
  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int wrapper = message.indexOf(" - message: ");
    if (message.startsWith("Error code - ") && wrapper >= 0) {
      message = message.substring(wrapper + " - message: ".length());
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
