package org.creativebridge.bridge.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Writes the tiny family-signature models with inference/src/test/python/make_family_models.py and
 * Debian's python3-onnx; tests skip loudly where that package is missing.
 */
public final class FamilyModels {

  static final String PYTHON = "/usr/bin/python3";

  private FamilyModels() {}

  public static Path generate(Path dir, Path secret) throws IOException, InterruptedException {
    boolean available = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process probe = new ProcessBuilder(PYTHON, "-c", "import onnx").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      available = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
    if (!available) {
      String why =
          "SKIPPED: model store tests need Debian's python3-onnx ("
              + PYTHON
              + " -c 'import onnx' failed); install it with: apt-get install python3-onnx";
      System.err.println(why);
      Assumptions.abort(why);
    }
    Process process =
        new ProcessBuilder(PYTHON, script().toString(), dir.toString(), secret.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "model generator timed out");
    assertEquals(0, process.exitValue(), "model generator failed:\n" + output);
    return dir;
  }

  private static Path script() {
    // Surefire runs in bridge-core/; the generator belongs to the inference module's tests.
    Path sibling = Path.of("..", "inference", "src", "test", "python", "make_family_models.py");
    if (Files.isRegularFile(sibling)) {
      return sibling.toAbsolutePath().normalize();
    }
    String root = System.getProperty("bridge.projectRoot", ".");
    return Path.of(root, "inference", "src", "test", "python", "make_family_models.py").toAbsolutePath();
  }
}
