package org.creativebridge.inference.audio;

import java.io.IOException;
import java.util.Map;

/**
 * A file whose bytes are not the audio they claim to be; its message is written for a user and
 * becomes an {@code AUDIO_UNREADABLE} error carrying {@link #details()}. Distinct from other
 * {@link IOException}s, which mean the file could not be read at all.
 */
final class AudioFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, Object> details;

  AudioFormatException(String message) {
    this(message, Map.of());
  }

  AudioFormatException(String message, Map<String, Object> details) {
    super(message);
    this.details = Map.copyOf(details);
  }

  Map<String, Object> details() {
    return details;
  }
}
