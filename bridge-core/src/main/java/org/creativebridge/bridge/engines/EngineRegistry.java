package org.creativebridge.bridge.engines;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.protocol.Capabilities;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.JobRequest;
import org.creativebridge.protocol.TaskSpec;

/**
 * The engines behind each task: the built-in defaults, which never change, and one per installed
 * model, replaced whenever a model is pulled, imported or removed. Resolves what a job asks for
 * ({@code auto}, an engine id or a model id) to an engine. Thread-safe: readers see one complete
 * list or the next, never a mix.
 */
public final class EngineRegistry implements AutoCloseable {
  /**
   * {@code auto} for fill tasks: with a prompt the diffusion model (it is the one that follows
   * text), without one the dedicated fill models, best first; else the built-in engine. Other
   * tasks take the first ready installed model.
   */
  private static final List<String> IMAGE_WITH_PROMPT = List.of("sd15-inpaint", "migan", "lama");

  private static final List<String> IMAGE_WITHOUT_PROMPT = List.of("migan", "lama");

  private final List<Engine> builtins;
  private volatile List<ModelEngines.ModelEngine> models = List.of();
  private volatile Runnable beforeLookup = () -> {};

  public EngineRegistry(List<Engine> builtins) {
    this.builtins = List.copyOf(builtins);
    builtins.forEach(EngineRegistry::checkTask);
  }

  private static void checkTask(Engine engine) {
    if (TaskSpec.find(engine.info().task()).isEmpty()) {
      throw new IllegalArgumentException(
          "engine " + engine.info().id() + " serves unknown task " + engine.info().task());
    }
  }

  /** Swaps in the engines of the installed models; the old ones are closed. */
  public void replaceModels(List<ModelEngines.ModelEngine> replacement) {
    replacement.forEach(m -> checkTask(m.engine()));
    List<ModelEngines.ModelEngine> old = models;
    models = List.copyOf(replacement);
    old.forEach(m -> m.engine().close());
  }

  /**
   * Runs {@code hook} before each lookup: how the model service notices models that the CLI added
   * or removed while the daemon runs.
   */
  public void beforeLookup(Runnable hook) {
    this.beforeLookup = hook;
  }

  public List<Engine> forTask(String task) {
    beforeLookup.run();
    List<Engine> result = new ArrayList<>();
    for (Engine engine : builtins) {
      if (engine.info().task().equals(task)) {
        result.add(engine);
      }
    }
    for (ModelEngines.ModelEngine model : models) {
      if (model.engine().info().task().equals(task)) {
        result.add(model.engine());
      }
    }
    return result;
  }

  /**
   * The engine a job runs on. {@code auto} prefers a ready installed model (ranked per task, see
   * above) over the built-in default, since a user who installed one wants it used.
   *
   * @param prompt the job's prompt, which decides {@code auto} for image tasks ("" for none)
   */
  public Engine resolve(TaskSpec task, String requested, String prompt) {
    List<Engine> candidates = forTask(task.name());
    if (JobRequest.AUTO_ENGINE.equals(requested)) {
      return autoChoice(task, prompt)
          .or(() -> candidates.stream().filter(e -> e.info().kind() == EngineInfo.Kind.BUILTIN).findFirst())
          .orElseThrow(
              () ->
                  new BridgeException(
                      ErrorCode.ENGINE_NOT_READY,
                      "no engine can run " + task.name() + " here",
                      Map.of("task", task.name())));
    }
    Engine engine =
        candidates.stream()
            .filter(e -> e.info().id().equals(requested))
            .findFirst()
            .orElseThrow(
                () ->
                    new BridgeException(
                        ErrorCode.UNKNOWN_ENGINE,
                        "task " + task.name() + " has no engine '" + requested + "'",
                        Map.of(
                            "task", task.name(),
                            "engine", requested,
                            "known", candidates.stream().map(e -> e.info().id()).toList())));
    engine
        .notReadyReason()
        .ifPresent(
            reason -> {
              throw new BridgeException(
                  ErrorCode.ENGINE_NOT_READY,
                  "engine " + requested + " is not ready: " + reason,
                  Map.of("engine", requested));
            });
    return engine;
  }

  private Optional<Engine> autoChoice(TaskSpec task, String prompt) {
    List<ModelEngines.ModelEngine> ready =
        models.stream()
            .filter(m -> m.engine().info().task().equals(task.name()))
            .filter(m -> m.engine().notReadyReason().isEmpty())
            .toList();
    boolean fillTask = task.name().equals("image.inpaint") || task.name().equals("image.outpaint");
    if (!fillTask) {
      return ready.stream().map(ModelEngines.ModelEngine::engine).findFirst();
    }
    for (String family : prompt.isBlank() ? IMAGE_WITHOUT_PROMPT : IMAGE_WITH_PROMPT) {
      for (ModelEngines.ModelEngine model : ready) {
        if (model.family().equals(family)) {
          return Optional.of(model.engine());
        }
      }
    }
    return Optional.empty();
  }

  public List<Capabilities.Engine> describe(String task) {
    return forTask(task).stream()
        .map(
            engine -> {
              EngineInfo info = engine.info();
              Optional<String> notReady = engine.notReadyReason();
              String description =
                  notReady.map(reason -> info.description() + " Not ready: " + reason).orElse(info.description());
              return new Capabilities.Engine(
                  info.id(), info.kind().wireName(), description, info.modelSha256(), info.device(), notReady.isEmpty());
            })
        .toList();
  }

  @Override
  public void close() {
    builtins.forEach(Engine::close);
    models.forEach(m -> m.engine().close());
  }
}
