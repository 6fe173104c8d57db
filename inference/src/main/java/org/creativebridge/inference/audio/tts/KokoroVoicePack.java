package org.creativebridge.inference.audio.tts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.EngineException;

/**
 * A Kokoro voice pack ({@code voices/af_heart.bin}): raw little-endian float32 style vectors of
 * 256 values, one row per phoneme-token count (510 rows in Kokoro-82M's packs, shape {@code
 * [510,1,256]}). Kokoro conditions each run on the row for that run's token count.
 *
 * <p>Immutable; thread-safe.
 */
final class KokoroVoicePack {

  static final int STYLE_SIZE = 256;

  /** A real pack is 510 x 256 floats (522 KB); refuse anything far beyond that. */
  private static final long MAX_BYTES = 16L << 20;

  private final String name;
  private final float[] styles;
  private final int rows;

  private KokoroVoicePack(String name, float[] styles) {
    this.name = name;
    this.styles = styles;
    this.rows = styles.length / STYLE_SIZE;
  }

  /**
   * Reads a pack.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when it cannot be read or is not whole rows
   *     of 256 floats
   */
  static KokoroVoicePack read(Path file) throws EngineException {
    String fileName = file.getFileName().toString();
    String name = fileName.endsWith(".bin") ? fileName.substring(0, fileName.length() - 4) : fileName;
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw unavailable(file, "is larger than " + MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw unavailable(file, "cannot be read: " + e.getMessage());
    }
    if (bytes.length == 0 || bytes.length % (4 * STYLE_SIZE) != 0) {
      throw unavailable(file, "is " + bytes.length + " bytes, not whole rows of 256 float32 values");
    }
    float[] styles = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(styles);
    return new KokoroVoicePack(name, styles);
  }

  String name() {
    return name;
  }

  int rows() {
    return rows;
  }

  /** The style for a run of {@code tokenCount} phoneme tokens (padding not counted). */
  float[] styleFor(int tokenCount) {
    int row = Math.min(Math.max(tokenCount, 0), rows - 1);
    float[] style = new float[STYLE_SIZE];
    System.arraycopy(styles, row * STYLE_SIZE, style, 0, STYLE_SIZE);
    return style;
  }

  private static EngineException unavailable(Path file, String problem) {
    return new EngineException(
        EngineException.Kind.MODEL_UNAVAILABLE,
        "Kokoro voice pack " + file.getFileName() + " " + problem,
        Map.of("path", file.toString()));
  }
}
