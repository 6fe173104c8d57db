package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.image.inpaint.ModelEngineSetup;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.Assumptions;

/**
 * Writes the tiny texture-model look-alikes with src/test/python/make_texture_models.py and
 * Debian's python3-onnx. Tests skip, loudly, where that package is missing.
 */
final class TextureModels {

  static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "make_texture_models.py";

  private TextureModels() {}

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

  /** A CPU runtime with one intra-op thread, for results independent of the machine. */
  static OnnxRuntime cpuRuntime() throws EngineException {
    return OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 1L << 30));
  }

  static ModelEngineSetup setup(OnnxRuntime runtime, Path model, String id) throws EngineException {
    return new ModelEngineSetup(id, ModelFile.open(model), runtime.sessions(), runtime.device());
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
          "SKIPPED: texture model tests need Debian's python3-onnx ("
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
