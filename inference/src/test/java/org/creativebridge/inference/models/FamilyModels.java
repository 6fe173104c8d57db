package org.creativebridge.inference.models;

import java.io.IOException;
import java.nio.file.Path;
import org.creativebridge.inference.GeneratedModels;

/**
 * Writes the tiny family-signature models with src/test/python/make_family_models.py and Debian's
 * python3-onnx; tests skip loudly where that package is missing.
 */
final class FamilyModels {

  static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "make_family_models.py";

  private FamilyModels() {}

  /** Generates every model into {@code dir}; {@code secret} is the target of the absolute case. */
  static Path generate(Path dir, Path secret) throws IOException, InterruptedException {
    return GeneratedModels.generate(SCRIPT, dir, secret.toString());
  }

}
