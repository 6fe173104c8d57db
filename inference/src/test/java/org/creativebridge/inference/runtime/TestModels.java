package org.creativebridge.inference.runtime;

import java.io.IOException;
import java.nio.file.Path;
import org.creativebridge.inference.GeneratedModels;

/**
 * Writes the tiny ONNX models the runtime tests use, with src/test/python/make_runtime_test_models.py
 * and Debian's python3-onnx. Tests skip (loudly) where that package is missing, instead of failing
 * on a machine that cannot build models.
 */
final class TestModels {

  private static final String SCRIPT = "make_runtime_test_models.py";

  private TestModels() {}

  /** Generates every model into {@code dir} and returns it. */
  static Path generate(Path dir) throws IOException, InterruptedException {
    return GeneratedModels.generate(SCRIPT, dir);
  }

}
