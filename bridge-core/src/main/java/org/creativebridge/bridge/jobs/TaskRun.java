package org.creativebridge.bridge.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.BridgeVersion;
import org.creativebridge.bridge.blobs.BlobStore;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.Recipe;
import org.creativebridge.protocol.TaskSpec;

/**
 * One job's work from input files to stored outputs: decode, run the engine, encode with the recipe
 * inside. The daemon and {@code bridge run} both go through here, so a recipe means the same thing
 * wherever it was made. Stateless and thread-safe.
 */
public final class TaskRun {
  private TaskRun() {}

  /** An input file, its blob id (sha256 of its bytes) and the media type it is read as. */
  public record Input(String blobId, Path file, String mediaType) {}

  /** What to run: params are the effective ones (validated, defaults and seed filled in). */
  public record Spec(
      TaskSpec task,
      Engine engine,
      Map<String, Input> inputs,
      ObjectNode params,
      OutputFormat outputFormat) {}

  /** Where outputs go: the blob store for the daemon, a folder for {@code bridge run}. */
  @FunctionalInterface
  public interface OutputSink {
    /** Stores one output and returns its blob id. */
    String store(String outputName, String mediaType, BlobStore.BlobWriter writer) throws IOException;
  }

  /** Output name to blob id, and the recipe every output carries. */
  public record Result(Map<String, String> outputs, Recipe recipe) {}

  public static Recipe recipeOf(Spec spec) {
    EngineInfo info = spec.engine().info();
    Map<String, String> inputIds = new java.util.TreeMap<>();
    Map<String, String> inputTypes = new java.util.TreeMap<>();
    spec.inputs()
        .forEach(
            (name, input) -> {
              inputIds.put(name, input.blobId());
              inputTypes.put(name, input.mediaType());
            });
    return new Recipe(
        spec.task().name(),
        new Recipe.EngineRef(info.id(), info.kind().wireName(), info.modelSha256(), info.version()),
        spec.params(),
        inputIds,
        inputTypes,
        spec.outputFormat(),
        BridgeVersion.current());
  }

  public static Result execute(Spec spec, Media.Limits limits, OutputSink sink, JobContext context)
      throws EngineException, CancelledException, IOException {
    Recipe recipe = recipeOf(spec);
    context.stage("decode");
    Map<String, Object> decoded = new LinkedHashMap<>();
    for (Map.Entry<String, Input> entry : spec.inputs().entrySet()) {
      Input input = entry.getValue();
      String kind = spec.task().input(entry.getKey()).orElseThrow().kind();
      decoded.put(entry.getKey(), Media.decode(kind, input.file(), input.mediaType(), limits));
      context.checkCancelled();
    }
    var params = ParamsValidator.toParams(spec.params());
    EngineResult result = spec.engine().run(new EngineRequest(decoded, params), context);
    context.checkCancelled();
    context.stage("encode");
    Media.Encoding encoding = Media.Encoding.of(spec.outputFormat(), params.asMap(), json(recipe));
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : result.outputs().entrySet()) {
      outputs.put(entry.getKey(), Media.store(entry.getKey(), entry.getValue(), encoding, sink));
    }
    return new Result(outputs, recipe);
  }

  /** Refuses inputs the task needs at one size that are not ({@link ErrorCode#INPUT_SIZE_MISMATCH}). */
  public static void checkSameSize(TaskSpec task, Map<String, ?> headers) {
    ImageCodec.Header first = null;
    String firstName = null;
    for (String name : task.sameSizeInputs()) {
      if (!(headers.get(name) instanceof ImageCodec.Header header)) {
        continue;
      }
      if (first == null) {
        first = header;
        firstName = name;
      } else if (first.width() != header.width() || first.height() != header.height()) {
        throw new BridgeException(
            ErrorCode.INPUT_SIZE_MISMATCH,
            String.format(
                "'%s' is %dx%d but '%s' is %dx%d; they must be the same size",
                firstName, first.width(), first.height(), name, header.width(), header.height()),
            Map.of(
                firstName, java.util.List.of(first.width(), first.height()),
                name, java.util.List.of(header.width(), header.height())));
      }
    }
  }

  static String json(Object value) {
    try {
      return ProtocolJson.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
