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
 * The engines behind each task: the built-in defaults and one per installed model. Resolves what a
 * job asks for ({@code auto}, an engine id or a model id) to an engine. Thread-safe: the list is
 * fixed at construction.
 */
public final class EngineRegistry implements AutoCloseable {
  private final List<Engine> engines;

  public EngineRegistry(List<Engine> engines) {
    this.engines = List.copyOf(engines);
    for (Engine engine : engines) {
      if (TaskSpec.find(engine.info().task()).isEmpty()) {
        throw new IllegalArgumentException(
            "engine " + engine.info().id() + " serves unknown task " + engine.info().task());
      }
    }
  }

  public List<Engine> forTask(String task) {
    List<Engine> result = new ArrayList<>();
    for (Engine engine : engines) {
      if (engine.info().task().equals(task)) {
        result.add(engine);
      }
    }
    return result;
  }

  public List<Engine> all() {
    return engines;
  }

  /**
   * The engine a job runs on. {@code auto} prefers an installed model over the built-in default,
   * since a user who installed one wants it used.
   */
  public Engine resolve(TaskSpec task, String requested) {
    List<Engine> candidates = forTask(task.name());
    if (JobRequest.AUTO_ENGINE.equals(requested)) {
      Optional<Engine> model =
          candidates.stream().filter(e -> e.info().kind() == EngineInfo.Kind.MODEL).findFirst();
      return model.or(() -> candidates.stream().findFirst())
          .orElseThrow(
              () ->
                  new BridgeException(
                      ErrorCode.ENGINE_NOT_READY,
                      "no engine can run " + task.name() + " here",
                      Map.of("task", task.name())));
    }
    return candidates.stream()
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
  }

  public List<Capabilities.Engine> describe(String task) {
    return forTask(task).stream()
        .map(
            engine -> {
              EngineInfo info = engine.info();
              java.util.Optional<String> notReady = engine.notReadyReason();
              String description =
                  notReady.map(reason -> info.description() + " Not ready: " + reason).orElse(info.description());
              return new Capabilities.Engine(
                  info.id(), info.kind().wireName(), description, info.modelSha256(), info.device(), notReady.isEmpty());
            })
        .toList();
  }

  @Override
  public void close() {
    for (Engine engine : engines) {
      engine.close();
    }
  }
}
