package org.creativebridge.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of the model generators in src/test/python with Debian's python3-onnx, which write the
 * tiny ONNX look-alikes of each model family the tests use. Where that package is missing the
 * calling test is skipped, loudly and by name of the package, rather than failed.
 */
public final class GeneratedModels {
  public static final String PYTHON = "/usr/bin/python3";

  private GeneratedModels() {}

  /** Runs {@code script} with {@code dir} and {@code extraArgs}; returns {@code dir}. */
  public static Path generate(String script, Path dir, String... extraArgs) throws IOException, InterruptedException {
    assumePythonOnnx(script);
    List<String> command = new ArrayList<>(List.of(PYTHON, scriptPath(script).toString(), dir.toString()));
    command.addAll(List.of(extraArgs));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), script + " timed out");
    assertEquals(0, process.exitValue(), script + " failed:\n" + output);
    return dir;
  }

  private static void assumePythonOnnx(String script) throws IOException, InterruptedException {
    boolean available = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process probe = new ProcessBuilder(PYTHON, "-c", "import onnx, numpy").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      available = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
    if (!available) {
      String why =
          "SKIPPED: tests using "
              + script
              + " need Debian's python3-onnx and python3-numpy ("
              + PYTHON
              + " -c 'import onnx, numpy' failed); install them with: apt-get install python3-onnx python3-numpy";
      System.err.println(why);
      Assumptions.abort(why);
    }
  }

  /** Surefire runs in the module folder; the project root it passes in is the fallback. */
  private static Path scriptPath(String script) {
    Path local = Path.of("src", "test", "python", script);
    if (Files.isRegularFile(local)) {
      return local.toAbsolutePath();
    }
    String root = System.getProperty("bridge.projectRoot", ".");
    return Path.of(root, "inference", "src", "test", "python", script).toAbsolutePath();
  }
}
