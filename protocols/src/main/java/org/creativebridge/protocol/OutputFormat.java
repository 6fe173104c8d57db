package org.creativebridge.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How image outputs come back: PNG (with the recipe inside), or raw pixels at the input's depth. */
public enum OutputFormat {
  @JsonProperty("png")
  PNG,
  @JsonProperty("raw")
  RAW
}
