package org.creativebridge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The answer of {@code GET /v1/capabilities}: every task, its params schema and its engines. */
public record Capabilities(int protocol, String version, List<Task> tasks) {

  public record Task(
      String task,
      String description,
      List<Input> inputs,
      List<String> outputs,
      JsonNode paramsSchema,
      List<Engine> engines) {}

  /** @param kind {@code image} or {@code audio} */
  public record Input(String name, String kind, boolean required, String description) {}

  /**
   * @param kind {@code builtin} or {@code model}
   * @param ready false when the engine's model is missing or cannot load
   * @param device where it runs: {@code cpu}, {@code cuda}, ...
   */
  public record Engine(
      String id, String kind, String description, String modelSha256, String device, boolean ready) {}
}
