package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.Assumptions;

/**
 * The tiny SD 1.5 look-alikes of src/test/python/make_sd_models.py (diffusers' folder layout,
 * arithmetic models; see the script for what each computes), built with Debian's python3-onnx.
 * Tests skip loudly where that package is missing instead of failing on a machine that cannot
 * build models. Public so the inpaint engine's tests use the same models.
 */
public final class SdTestModels {

  public static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "make_sd_models.py";

  /** Folder names the script writes. */
  public static final String MAIN = "sd15";

  public static final String FLOAT_TIMESTEP = "sd15-float-timestep";
  public static final String SCALAR_TIMESTEP = "sd15-scalar-timestep";
  public static final String INT64_IDS = "sd15-int64-ids";
  public static final String TEXT_TO_IMAGE_UNET = "sd15-4ch";

  /** The arithmetic, as the script states it. */
  public static final double UNET_LATENTS = 0.1;

  public static final double UNET_MASK = 0.05;
  public static final double UNET_MASKED = 0.02;
  public static final double UNET_TIMESTEP = 0.0001;
  public static final double UNET_TEXT = 0.00001;
  public static final double DECODER_GAIN = 0.02;

  private SdTestModels() {}

  /** Writes every folder into {@code dir} and returns it. */
  public static Path generate(Path dir) throws IOException, InterruptedException {
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
  public static OnnxRuntime cpuRuntime() throws EngineException {
    return OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 1L << 30));
  }

  /** One component of a generated folder, e.g. {@code unet}, opened (and hashed). */
  public static ModelFile component(Path dir, String folder, String component) throws EngineException {
    return ModelFile.open(dir.resolve(folder).resolve(component).resolve("model.onnx"));
  }

  /** CLIP's real merges, from the shared fixtures. */
  public static Path clipMerges() {
    return ClipFixtures.mergesGz();
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
          "SKIPPED: Stable Diffusion tests need Debian's python3-onnx ("
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
