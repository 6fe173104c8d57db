package org.creativebridge.bridge.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.config.BridgeConfig;
import org.creativebridge.bridge.config.BridgeHome;
import org.creativebridge.bridge.engines.BuiltinEngines;
import org.creativebridge.bridge.models.ModelPuller;
import org.creativebridge.bridge.models.ModelService;
import org.creativebridge.bridge.models.ModelStore;
import org.creativebridge.bridge.models.download.Downloader;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.protocol.CatalogueModel;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ModelImportRequest;
import org.creativebridge.protocol.ModelInfo;
import org.creativebridge.protocol.ModelVerifyResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bridge models}: works on the models folder directly, so it runs with the daemon stopped or
 * running (a running daemon picks up the change before its next job).
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Your models: list, search the catalogue, pull, import, verify, remove.",
    subcommands = {
      ModelsCommand.ListCommand.class,
      ModelsCommand.SearchCommand.class,
      ModelsCommand.PullCommand.class,
      ModelsCommand.ImportCommand.class,
      ModelsCommand.VerifyCommand.class,
      ModelsCommand.RemoveCommand.class
    })
final class ModelsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a models command: list, search, pull, import, verify or remove");
  }

  /** The store and service over BRIDGE_HOME, for one command. */
  private static final class Session implements AutoCloseable {
    final OnnxRuntime runtime;
    final ModelStore store;
    final ModelService service;

    Session(Downloader.NetworkPolicy policy, String mirror) throws IOException {
      BridgeHome home = BridgeHome.resolve(System.getenv()).create();
      BridgeConfig config = BridgeConfig.load(home.config());
      try {
        runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, OnnxRuntime.Config.defaults().sessionBudgetBytes()));
      } catch (EngineException e) {
        throw new IOException("ONNX Runtime cannot start: " + e.getMessage(), e);
      }
      store = new ModelStore(home.models(), runtime);
      Downloader.Settings defaults = Downloader.Settings.defaults();
      boolean disabled = policy == Downloader.NetworkPolicy.OFFLINE || BridgeConfig.DOWNLOADS_DISABLED.equals(config.downloads());
      Downloader downloader =
          new Downloader(
              new Downloader.Settings(
                  defaults.connectTimeout(), defaults.readTimeout(), defaults.maxAttempts(), defaults.firstBackoff(),
                  disabled ? Downloader.NetworkPolicy.OFFLINE : Downloader.NetworkPolicy.ALLOWED));
      service =
          new ModelService(
              new ModelService.Parts(
                  store, new ModelPuller(store, downloader, ModelPuller.Sources.of(home, config, mirror)), runtime, null));
    }

    static Session local() throws IOException {
      return new Session(Downloader.NetworkPolicy.OFFLINE, null);
    }

    @Override
    public void close() {
      runtime.close();
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List engines and installed models.")
  static final class ListCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      out.println("Built-in engines (no download needed):");
      for (Engine engine : BuiltinEngines.list()) {
        EngineInfo info = engine.info();
        String state = engine.notReadyReason().map(r -> "  [not ready: " + r + "]").orElse("");
        out.printf("  %-24s %-20s %s%s%n", info.id(), info.task(), info.description(), state);
        engine.close();
      }
      try (Session session = Session.local()) {
        out.println("Installed models in " + session.store.root() + ":");
        List<ModelInfo> installed = session.service.list().installed();
        if (installed.isEmpty()) {
          out.println("  (none: 'bridge models search' shows what can be pulled)");
        }
        for (ModelInfo model : installed) {
          out.printf(
              "  %-28s %-14s %-20s %s%s%n",
              model.id(), model.family(), model.task() == null ? "(helper model)" : model.task(),
              model.origin(), model.referenced() ? ", referenced in place" : "");
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true, description = "Search the catalogue.")
  static final class SearchCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "words of the id, task, family or description")
    String text = "";

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session = Session.local()) {
        List<CatalogueModel> found = session.service.search(text);
        if (found.isEmpty()) {
          out.println("no catalogue model matches '" + text + "'");
        }
        for (CatalogueModel model : found) {
          out.printf(
              "%-28s %-20s %8s  %s%s%s%n",
              model.id(), model.task() == null ? "(helper model)" : model.task(), megabytes(model.size()),
              model.licence(), model.licenceRestricted() ? " (restricted: accept to pull)" : "",
              model.installed() ? "  [installed]" : "");
          out.println("    " + model.description());
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "pull", mixinStandardHelpOptions = true, description = "Download a catalogue model, verified.")
  static final class PullCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "a catalogue id (see 'bridge models search')")
    String id;

    @Option(names = "--accept-licence", description = "accept a licence that restricts use without being asked")
    boolean acceptLicence;

    @Option(names = "--mirror", paramLabel = "URL", description = "a Hugging Face mirror (default: $HF_ENDPOINT or the publisher)")
    String mirror;

    @Option(names = "--offline", description = "refuse every connection (the pull then fails: for scripts that must stay offline)")
    boolean offline;

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session =
          new Session(offline ? Downloader.NetworkPolicy.OFFLINE : Downloader.NetworkPolicy.ALLOWED, mirror)) {
        boolean accepted = acceptLicence || askLicence(session, out);
        RunCommand.ProgressBar bar = new RunCommand.ProgressBar(System.err, System.console() != null);
        ModelInfo model =
            session.service.pull(
                new ModelPuller.PullRequest(id, accepted),
                (file, done, total) -> {
                  bar.stage(file);
                  bar.progress(total > 0 ? (double) done / total : 0);
                });
        bar.finish();
        out.println("installed " + model.id() + " (" + model.family() + ", " + model.task() + ")");
      }
      out.flush();
      return 0;
    }

    /** Shows a restricted licence and asks, on a terminal; elsewhere the pull is refused with the hint. */
    private boolean askLicence(Session session, PrintWriter out) {
      CatalogueModel model =
          session.service.search(id).stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
      if (model == null || !model.licenceRestricted()) {
        return false;
      }
      out.println(model.id() + " is under " + model.licence() + ": " + model.licenceNote());
      out.println("  " + model.licenceUrl());
      out.flush();
      if (System.console() == null) {
        throw new BridgeException(
            ErrorCode.LICENCE_NOT_ACCEPTED, "read the licence above, then pull again with --accept-licence");
      }
      String answer = System.console().readLine("Accept this licence? [y/N] ");
      return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true, description = "Use a model file or folder you already have.")
  static final class ImportCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "an .onnx file (a Piper voice with its .onnx.json beside it) or a model folder")
    Path path;

    @Option(names = "--family", description = "the model family, when detection should not guess")
    String family;

    @Option(names = "--copy", description = "copy it into the models folder (default: use it where it is)")
    boolean copy;

    @Option(names = "--id", description = "the id to install it as (default: from the file name)")
    String id;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session = Session.local()) {
        ModelInfo model =
            session.service.importModel(new ModelImportRequest(path.toAbsolutePath().toString(), family, copy, id));
        out.println(
            "imported " + model.id() + " (" + model.family() + ", " + model.task() + ")"
                + (model.referenced() ? ", used where it is: moving or changing it is detected" : ", copied"));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check every installed file's size and sha256.")
  static final class VerifyCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ID", description = "one model (default: all)")
    String id;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      boolean allOk = true;
      try (Session session = Session.local()) {
        List<ModelVerifyResult> results = id == null ? session.service.verifyAll() : List.of(session.service.verify(id));
        if (results.isEmpty()) {
          out.println("no models installed");
        }
        for (ModelVerifyResult result : results) {
          allOk &= result.ok();
          out.println(result.id() + ": " + (result.ok() ? "ok" : "CHANGED"));
          for (ModelVerifyResult.Problem problem : result.problems()) {
            out.println("  " + problem.kind() + ": " + problem.message());
          }
        }
      }
      out.flush();
      return allOk ? 0 : 1;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a model (a referenced import is only forgotten).")
  static final class RemoveCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session = Session.local()) {
        ModelInfo removed = session.service.remove(id);
        out.println(
            "removed " + removed.id() + (removed.referenced() ? " (your files were left where they are)" : ""));
      }
      out.flush();
      return 0;
    }
  }

  private static String megabytes(long bytes) {
    return bytes <= 0 ? "?" : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
  }
}
