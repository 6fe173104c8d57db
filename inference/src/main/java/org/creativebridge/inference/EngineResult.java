package org.creativebridge.inference;

import java.util.Map;

/** What an engine made: output name to value (an image, audio, ...). */
public record EngineResult(Map<String, Object> outputs) {
  public EngineResult {
    outputs = Map.copyOf(outputs);
  }
}
