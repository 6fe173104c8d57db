package org.creativebridge.inference.image;

import java.io.IOException;

/**
 * A PNG whose structure is broken (truncated, bad CRC, missing chunks). The message is written
 * for the person who sent the file; the codec turns it into {@code IMAGE_UNREADABLE}.
 */
final class PngFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  PngFormatException(String message) {
    super(message);
  }

  PngFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
