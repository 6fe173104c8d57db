package org.creativebridge.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * A job as the daemon reports it. {@code outputs}, {@code recipe} are set once it succeeded;
 * {@code error} once it failed.
 */
public record JobView(
    String id,
    String task,
    String engine,
    JobStatus status,
    Priority priority,
    Map<String, String> inputs,
    ObjectNode params,
    OutputFormat outputFormat,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String stage,
    double progress,
    Map<String, String> outputs,
    Recipe recipe,
    ErrorResponse.Error error) {}
