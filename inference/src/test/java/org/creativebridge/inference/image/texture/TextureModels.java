package org.creativebridge.inference.image.texture;

import java.io.IOException;
import java.nio.file.Path;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.GeneratedModels;
import org.creativebridge.inference.image.inpaint.ModelEngineSetup;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;

/**
 * Writes the tiny texture-model look-alikes with src/test/python/make_texture_models.py and
 * Debian's python3-onnx. Tests skip, loudly, where that package is missing.
 */
final class TextureModels {

  private static final String SCRIPT = "make_texture_models.py";

  private TextureModels() {}

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
