package org.creativebridge.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Everything needed to make an output again: the same recipe on the same inputs gives bit-identical
 * output on the same machine.
 *
 * @param params all params as the engine ran them, defaults and the seed included
 * @param inputs input name to blob id
 * @param inputTypes input name to the media type it was read as (a blob's type is its latest
 *     upload's, so the recipe pins the one this job used)
 */
public record Recipe(
    String task,
    EngineRef engine,
    ObjectNode params,
    Map<String, String> inputs,
    Map<String, String> inputTypes,
    OutputFormat outputFormat,
    String bridgeVersion) {

  /**
   * @param kind {@code builtin} or {@code model}
   * @param sha256 the model file's hash; null for a built-in engine
   */
  public record EngineRef(String id, String kind, String sha256, String version) {}
}
