package org.creativebridge.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Interactive jobs (a user waiting in a host app) run before batch jobs. */
public enum Priority {
  @JsonProperty("interactive")
  INTERACTIVE,
  @JsonProperty("batch")
  BATCH
}
