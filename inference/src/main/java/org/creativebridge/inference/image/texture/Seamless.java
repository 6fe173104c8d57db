package org.creativebridge.inference.image.texture;

import java.util.Locale;
import org.creativebridge.inference.EngineException;

/**
 * Which axes a texture must tile along: the {@code seamless} param of {@code
 * image.texture_from_depth}. Immutable; thread-safe.
 */
public enum Seamless {
  NONE(false, false),
  X(true, false),
  Y(false, true),
  BOTH(true, true);

  private final boolean wrapX;
  private final boolean wrapY;

  Seamless(boolean wrapX, boolean wrapY) {
    this.wrapX = wrapX;
    this.wrapY = wrapY;
  }

  /** Whether the left and right edges must meet. */
  public boolean wrapX() {
    return wrapX;
  }

  /** Whether the top and bottom edges must meet. */
  public boolean wrapY() {
    return wrapY;
  }

  /** The param's wire name: {@code none}, {@code x}, {@code y} or {@code both}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire name; {@code INVALID_INPUT} for anything else. */
  public static Seamless parse(String value) throws EngineException {
    for (Seamless mode : values()) {
      if (mode.wireName().equals(value)) {
        return mode;
      }
    }
    throw new EngineException(
        EngineException.Kind.INVALID_INPUT,
        "seamless must be none, x, y or both, not '" + value + "'");
  }
}
