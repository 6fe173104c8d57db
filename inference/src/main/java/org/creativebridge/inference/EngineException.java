package org.creativebridge.inference;

import java.util.Map;

/**
 * A failure with a kind the daemon maps to a stable error code, and a message a user can read.
 * {@code details} carries facts for programs (sizes, names), never secrets.
 */
public final class EngineException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** A param or input is unusable in a way no more specific kind covers. */
    INVALID_INPUT,
    IMAGE_UNREADABLE,
    IMAGE_TOO_LARGE,
    RAW_SIZE_MISMATCH,
    INPUT_SIZE_MISMATCH,
    /** The engine's model is missing, does not fit its family's contract, or cannot load. */
    MODEL_UNAVAILABLE,
    OUT_OF_MEMORY,
    FAILED,
    /** An audio input is corrupt, truncated, lies in its header, holds no samples, or is of a type not read. */
    AUDIO_UNREADABLE,
    /** An audio input is longer, or has more channels or a higher sample rate, than the limits allow. */
    AUDIO_TOO_LONG
  }

  private final Kind kind;
  private final transient Map<String, Object> details;

  public EngineException(Kind kind, String message) {
    this(kind, message, Map.of(), null);
  }

  public EngineException(Kind kind, String message, Map<String, Object> details) {
    this(kind, message, details, null);
  }

  public EngineException(Kind kind, String message, Map<String, Object> details, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.details = Map.copyOf(details);
  }

  public Kind kind() {
    return kind;
  }

  public Map<String, Object> details() {
    return details;
  }
}
