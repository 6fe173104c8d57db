package org.creativebridge.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * One Server-Sent Event of {@code GET /v1/jobs/{id}/events}. The SSE {@code event:} field is
 * {@link #type()}; the {@code data:} field is this record as JSON. Fields that do not apply to a
 * type are null.
 */
public record JobEvent(
    String type,
    String job,
    String stage,
    Double progress,
    String preview,
    Map<String, String> outputs,
    Recipe recipe,
    ErrorResponse.Error error) {

  public static final String QUEUED = "queued";
  public static final String STARTED = "started";
  public static final String STAGE = "stage";
  public static final String PROGRESS = "progress";
  public static final String PREVIEW = "preview";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  public static JobEvent simple(String type, String job) {
    return new JobEvent(type, job, null, null, null, null, null, null);
  }

  public static JobEvent stage(String job, String stage) {
    return new JobEvent(STAGE, job, stage, null, null, null, null, null);
  }

  public static JobEvent progress(String job, double progress) {
    return new JobEvent(PROGRESS, job, null, progress, null, null, null, null);
  }

  public static JobEvent done(String job, Map<String, String> outputs, Recipe recipe) {
    return new JobEvent(DONE, job, null, 1.0, null, outputs, recipe, null);
  }

  public static JobEvent failed(String job, ErrorResponse.Error error) {
    return new JobEvent(FAILED, job, null, null, null, null, null, error);
  }

  @JsonIgnore
  public boolean isTerminal() {
    return DONE.equals(type) || FAILED.equals(type) || CANCELLED.equals(type);
  }
}
