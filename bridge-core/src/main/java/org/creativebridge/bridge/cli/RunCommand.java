package org.creativebridge.bridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.LinkedHashMap;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.blobs.BlobStore;
import org.creativebridge.bridge.engines.BuiltinEngines;
import org.creativebridge.bridge.engines.EngineRegistry;
import org.creativebridge.bridge.jobs.JobService;
import org.creativebridge.bridge.jobs.Media;
import org.creativebridge.bridge.jobs.ParamsValidator;
import org.creativebridge.bridge.jobs.TaskRun;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.TaskSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run one job in this process, no daemon; write its outputs and recipe.json into --output.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "TASK", description = "e.g. image.inpaint")
  String task;

  @Option(names = "--input", paramLabel = "NAME=FILE", description = "an input file (PNG or JPEG)")
  Map<String, Path> inputs = new LinkedHashMap<>();

  @Option(names = "--param", paramLabel = "KEY=VALUE", description = "a task parameter")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--engine", defaultValue = "auto", description = "auto, or an engine id (default: ${DEFAULT-VALUE})")
  String engine;

  @Option(names = "--output-format", defaultValue = "png", description = "png or raw (default: ${DEFAULT-VALUE})")
  String outputFormat;

  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "folder for the outputs")
  Path output;

  @Override
  public Integer call() throws IOException {
    TaskSpec spec =
        TaskSpec.find(task)
            .orElseThrow(
                () ->
                    new BridgeException(
                        ErrorCode.UNKNOWN_TASK,
                        "no task '" + task + "'; known: "
                            + TaskSpec.all().stream().map(TaskSpec::name).sorted().toList()));
    OutputFormat format = parseFormat(outputFormat);
    Media.Limits limits = Media.Limits.defaults();
    Map<String, TaskRun.Input> runInputs = new LinkedHashMap<>();
    Map<String, Object> headers = new LinkedHashMap<>();
    for (Map.Entry<String, Path> entry : inputs.entrySet()) {
      String name = entry.getKey();
      var declared =
          spec.input(name)
              .orElseThrow(
                  () -> new BridgeException(ErrorCode.UNKNOWN_INPUT, task + " takes no input '" + name + "'"));
      Path file = entry.getValue();
      if (!Files.isRegularFile(file)) {
        throw new BridgeException(ErrorCode.MISSING_INPUT, "input '" + name + "': no file " + file);
      }
      String type = mediaTypeOf(file);
      try {
        headers.put(name, Media.probe(declared.kind(), file, type, limits));
      } catch (EngineException e) {
        throw new BridgeException(JobService.codeOf(e.kind()), "input '" + name + "': " + e.getMessage());
      }
      runInputs.put(name, new TaskRun.Input(BlobStore.sha256Id(file), file, type));
    }
    for (var input : spec.inputs()) {
      if (input.required() && !runInputs.containsKey(input.name())) {
        throw new BridgeException(ErrorCode.MISSING_INPUT, task + " needs --input " + input.name() + "=FILE");
      }
    }
    TaskRun.checkSameSize(spec, headers);
    SecureRandom random = new SecureRandom();
    ObjectNode effective =
        new ParamsValidator(() -> random.nextLong() & 0xFFFF_FFFFL).effectiveParams(spec, parseParams());
    try (EngineRegistry engines = BuiltinEngines.registry()) {
      TaskRun.Spec run = new TaskRun.Spec(spec, engines.resolve(spec, engine, effective.path("prompt").asText("")), runInputs, effective, format);
      Files.createDirectories(output);
      ProgressBar bar = new ProgressBar(System.err, System.console() != null);
      TaskRun.Result result =
          TaskRun.execute(run, limits, (name, type, writer) -> writeOutput(name, type, writer), bar);
      bar.finish();
      writeAtomically(
          output.resolve("recipe.json"),
          out -> out.write(ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(result.recipe())));
      java.io.PrintWriter out = commandSpec.commandLine().getOut();
      for (Map.Entry<String, String> written : result.outputs().entrySet()) {
        out.println(written.getKey() + ": " + writtenFiles.get(written.getKey()) + " (" + written.getValue() + ")");
      }
      out.println("recipe: " + output.resolve("recipe.json"));
      out.flush();
      return 0;
    } catch (EngineException e) {
      throw new BridgeException(ErrorCode.ENGINE_FAILED, e.getMessage());
    } catch (CancelledException e) {
      return 1;
    }
  }

  private final Map<String, Path> writtenFiles = new LinkedHashMap<>();

  private String writeOutput(String name, String type, BlobStore.BlobWriter writer) throws IOException {
    Path file = output.resolve(name + extensionOf(type));
    writeAtomically(file, writer);
    writtenFiles.put(name, file);
    return BlobStore.sha256Id(file);
  }

  private static String extensionOf(String mediaType) {
    if (mediaType.startsWith("image/png")) {
      return ".png";
    }
    if (mediaType.startsWith("audio/wav")) {
      return ".wav";
    }
    return ".raw";
  }

  /** Temporary file, fsync, rename: a crash never leaves half an output under the final name. */
  private static void writeAtomically(Path file, BlobStore.BlobWriter writer) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".part");
    try {
      Files.deleteIfExists(partial);
      BlobStore.writeDurably(partial, writer);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }


  private ObjectNode parseParams() {
    ObjectNode node = ProtocolJson.mapper().createObjectNode();
    params.forEach((key, value) -> node.set(key, parseValue(value)));
    return node;
  }

  /** Numbers and booleans as such, anything else as a string, as a user typing them means them. */
  static com.fasterxml.jackson.databind.JsonNode parseValue(String value) {
    var factory = ProtocolJson.mapper().getNodeFactory();
    if (value.matches("-?\\d{1,18}")) {
      return factory.numberNode(Long.parseLong(value));
    }
    if (value.matches("-?\\d*\\.\\d+([eE][-+]?\\d+)?|-?\\d+[eE][-+]?\\d+")) {
      return factory.numberNode(Double.parseDouble(value));
    }
    if (value.equals("true") || value.equals("false")) {
      return factory.booleanNode(Boolean.parseBoolean(value));
    }
    return factory.textNode(value);
  }

  private static OutputFormat parseFormat(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "png" -> OutputFormat.PNG;
      case "raw" -> OutputFormat.RAW;
      default -> throw new BridgeException(ErrorCode.INVALID_REQUEST, "--output-format is png or raw, not " + value);
    };
  }

  private static String mediaTypeOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      return "image/png";
    }
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    if (name.endsWith(".wav")) {
      return "audio/wav";
    }
    if (name.endsWith(".flac")) {
      return "audio/flac";
    }
    if (name.endsWith(".mp3")) {
      return "audio/mpeg";
    }
    if (name.endsWith(".ogg") || name.endsWith(".oga")) {
      return "audio/ogg";
    }
    throw new BridgeException(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        file + ": bridge run reads .png, .jpg, .jpeg, .wav, .flac, .mp3 and .ogg files");
  }

  /** A one-line progress bar on a terminal; silent when stderr is not one. */
  static final class ProgressBar implements JobContext {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean enabled;
    private volatile String stage = "";
    private volatile double fraction;

    ProgressBar(PrintStream out, boolean enabled) {
      this.out = out;
      this.enabled = enabled;
    }

    @Override
    public void stage(String name) {
      stage = name;
      draw();
    }

    @Override
    public void progress(double value) {
      fraction = Math.max(fraction, Math.min(1, value));
      draw();
    }

    private synchronized void draw() {
      if (!enabled) {
        return;
      }
      int filled = (int) Math.round(fraction * WIDTH);
      out.printf("\r[%s%s] %3d%% %-12s", "#".repeat(filled), " ".repeat(WIDTH - filled), Math.round(fraction * 100), stage);
      out.flush();
    }

    void finish() {
      if (enabled) {
        fraction = 1;
        draw();
        out.println();
      }
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      return () -> {};
    }
  }

}
