package org.creativebridge.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Writes the tiny ONNX models the runtime tests use, with src/test/python/make_runtime_test_models.py
 * and Debian's python3-onnx. Tests skip (loudly) where that package is missing, instead of failing
 * on a machine that cannot build models.
 */
final class TestModels {

  static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "make_runtime_test_models.py";

  private TestModels() {}

  /** Generates every model into {@code dir} and returns it. */
  static Path generate(Path dir) throws IOException, InterruptedException {
    assumePythonOnnx();
    Process process =
        new ProcessBuilder(PYTHON, script().toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "model generator timed out");
    assertEquals(0, process.exitValue(), "model generator failed:\n" + output);
    return dir;
  }

  private static void assumePythonOnnx() throws IOException, InterruptedException {
    boolean available = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process probe =
          new ProcessBuilder(PYTHON, "-c", "import onnx").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      available = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
    if (!available) {
      String why =
          "SKIPPED: ONNX runtime tests need Debian's python3-onnx ("
              + PYTHON
              + " -c 'import onnx' failed); install it with: apt-get install python3-onnx";
      System.err.println(why);
      Assumptions.abort(why);
    }
  }

  private static Path script() {
    // Surefire runs in the module folder; fall back to the project root it passes in.
    Path local = Path.of("src", "test", "python", SCRIPT);
    if (Files.isRegularFile(local)) {
      return local.toAbsolutePath();
    }
    String root = System.getProperty("bridge.projectRoot", ".");
    return Path.of(root, "inference", "src", "test", "python", SCRIPT).toAbsolutePath();
  }
}
