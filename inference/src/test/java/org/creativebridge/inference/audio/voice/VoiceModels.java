package org.creativebridge.inference.audio.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Writes the tiny RVC, content-encoder and RMVPE models with src/test/python/make_voice_models.py
 * and Debian's python3-onnx; tests skip loudly, by name, where that package is missing.
 */
final class VoiceModels {
  static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "make_voice_models.py";

  private VoiceModels() {}

  static Path generate(Path dir, String testName) throws IOException, InterruptedException {
    assumePythonOnnx(testName);
    Process process =
        new ProcessBuilder(PYTHON, script().toString(), dir.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "model generator timed out");
    assertEquals(0, process.exitValue(), "model generator failed:\n" + output);
    return dir;
  }

  private static void assumePythonOnnx(String testName) throws IOException, InterruptedException {
    boolean available = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process probe = new ProcessBuilder(PYTHON, "-c", "import onnx, numpy").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      available = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
    if (!available) {
      String why =
          "SKIPPED " + testName + ": needs Debian's python3-onnx and python3-numpy (" + PYTHON
              + " -c 'import onnx, numpy' failed); install them with: apt-get install python3-onnx python3-numpy";
      System.err.println(why);
      Assumptions.abort(why);
    }
  }

  private static Path script() {
    Path local = Path.of("src", "test", "python", SCRIPT);
    if (Files.isRegularFile(local)) {
      return local.toAbsolutePath();
    }
    String root = System.getProperty("bridge.projectRoot", ".");
    return Path.of(root, "inference", "src", "test", "python", SCRIPT).toAbsolutePath();
  }
}
