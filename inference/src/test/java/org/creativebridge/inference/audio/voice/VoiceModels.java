package org.creativebridge.inference.audio.voice;

import java.io.IOException;
import java.nio.file.Path;
import org.creativebridge.inference.GeneratedModels;

/**
 * Writes the tiny RVC, content-encoder and RMVPE models with src/test/python/make_voice_models.py
 * and Debian's python3-onnx; tests skip loudly, by name, where that package is missing.
 */
final class VoiceModels {
  private static final String SCRIPT = "make_voice_models.py";

  private VoiceModels() {}

  static Path generate(Path dir, String testName) throws IOException, InterruptedException {
    return GeneratedModels.generate(SCRIPT, dir);
  }

}
