package org.creativebridge.inference;

import java.util.Map;
import java.util.Optional;

/**
 * One job's decoded inputs and validated params (defaults applied, seed chosen).
 *
 * @param inputs input name to decoded value, e.g. an {@link org.creativebridge.inference.image.RgbaImage}
 */
public record EngineRequest(Map<String, Object> inputs, Params params) {

  public EngineRequest {
    inputs = Map.copyOf(inputs);
  }

  public <T> T input(String name, Class<T> type) throws EngineException {
    Object value = inputs.get(name);
    if (value == null) {
      throw new EngineException(EngineException.Kind.INVALID_INPUT, "missing input '" + name + "'");
    }
    if (!type.isInstance(value)) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "input '" + name + "' is not " + type.getSimpleName());
    }
    return type.cast(value);
  }

  public <T> Optional<T> optionalInput(String name, Class<T> type) throws EngineException {
    return inputs.containsKey(name) ? Optional.of(input(name, type)) : Optional.empty();
  }
}
