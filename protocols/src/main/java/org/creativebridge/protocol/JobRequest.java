package org.creativebridge.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code POST /v1/jobs}. Optional fields are null when absent; {@link #normalized()}
 * fills the defaults.
 *
 * @param id client-chosen job id, or null for one the daemon picks
 * @param inputs input name to blob id
 * @param params task parameters, validated against the task's schema
 * @param engine {@code auto}, an engine id or an installed model id
 */
public record JobRequest(
    String id,
    String task,
    Map<String, String> inputs,
    ObjectNode params,
    String engine,
    Priority priority,
    OutputFormat outputFormat) {

  public static final String AUTO_ENGINE = "auto";

  public JobRequest normalized() {
    return new JobRequest(
        id,
        task,
        inputs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(inputs)),
        params == null ? ProtocolJson.mapper().createObjectNode() : params,
        engine == null ? AUTO_ENGINE : engine,
        priority == null ? Priority.INTERACTIVE : priority,
        outputFormat == null ? OutputFormat.PNG : outputFormat);
  }
}
