package org.creativebridge.bridge.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.inference.Params;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.TaskSpec;

/**
 * Checks a job's params against its task's JSON Schema, then fills the defaults and the seed so the
 * recipe holds every value the engine ran with. Thread-safe.
 */
public final class ParamsValidator {
  static final String SEED = "seed";

  private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
  private final LongSupplier seedSource;

  /** @param seedSource picks a seed (0..2^32-1) when a job gives none */
  public ParamsValidator(LongSupplier seedSource) {
    this.seedSource = seedSource;
  }

  /** The params as the engine will run them: validated, defaults and seed filled in. */
  public ObjectNode effectiveParams(TaskSpec task, ObjectNode given) {
    JsonNode schemaNode = task.paramsSchema();
    JsonSchema schema =
        schemas.computeIfAbsent(
            task.name(),
            name ->
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode));
    Set<ValidationMessage> problems = schema.validate(given);
    if (!problems.isEmpty()) {
      List<String> messages =
          problems.stream()
              .sorted(Comparator.comparing(ValidationMessage::getMessage))
              .map(ValidationMessage::getMessage)
              .toList();
      throw new BridgeException(
          ErrorCode.INVALID_PARAM,
          "invalid params for " + task.name() + ": " + String.join("; ", messages),
          Map.of("task", task.name(), "problems", messages));
    }
    ObjectNode effective = given.deepCopy();
    JsonNode properties = schemaNode.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      JsonNode fallback = property.getValue().get("default");
      if (!effective.has(property.getKey()) && fallback != null) {
        effective.set(property.getKey(), fallback.deepCopy());
      }
    }
    if (properties.has(SEED) && !effective.has(SEED)) {
      effective.put(SEED, seedSource.getAsLong());
    }
    return effective;
  }

  /** The engine's view of JSON params: numbers as Long or Double, in key order. */
  public static Params toParams(ObjectNode params) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      values.put(field.getKey(), plain(field.getValue()));
    }
    return new Params(values);
  }

  private static Object plain(JsonNode node) {
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isArray()) {
      return java.util.stream.StreamSupport.stream(node.spliterator(), false)
          .map(ParamsValidator::plain)
          .toList();
    }
    if (node.isObject()) {
      Map<String, Object> map = new HashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), plain(f.getValue())));
      return Map.copyOf(map);
    }
    return node.toString();
  }
}
