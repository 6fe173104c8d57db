package org.creativebridge.inference.image.inpaint;

import java.io.IOException;
import java.nio.file.Path;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.GeneratedModels;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;

/**
 * Writes the tiny LaMa and MI-GAN look-alikes with src/test/python/make_inpaint_models.py and
 * Debian's python3-onnx, and builds engines on them. Tests skip (loudly) where that package is
 * missing instead of failing on a machine that cannot build models.
 */
final class InpaintModels {

  static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "make_inpaint_models.py";

  /** The arithmetic models' hole values: LaMa's 0.25 of full scale, MI-GAN's code 64. */
  static final float LAMA_HOLE = 0.25f;

  static final int MIGAN_HOLE_CODE = 64;

  private InpaintModels() {}

  /** Generates every model into {@code dir} and returns it. */
  static Path generate(Path dir) throws IOException, InterruptedException {
    return GeneratedModels.generate(SCRIPT, dir);
  }

  /** A CPU runtime with one intra-op thread, for results independent of the machine. */
  static OnnxRuntime cpuRuntime() throws EngineException {
    return OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 1L << 30));
  }

  static ModelEngineSetup setup(OnnxRuntime runtime, Path model, String id) throws EngineException {
    return new ModelEngineSetup(id, ModelFile.open(model), runtime.sessions(), runtime.device());
  }

}
