package org.creativebridge.inference.diffusion;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared CLIP fixture lives: {@code ../shared/fixtures/clip/} next to the project root. */
final class ClipFixtures {
  private static final Path RELATIVE = Path.of("..", "shared", "fixtures", "clip", "bpe_simple_vocab_16e6.txt.gz");

  private ClipFixtures() {}

  /** The root comes from surefire's {@code bridge.projectRoot}; run from an IDE, it is found by
   *  walking up from the working directory to the first folder that has the fixture beside it. */
  static Path mergesGz() {
    String root = System.getProperty("bridge.projectRoot");
    if (root != null && Files.isRegularFile(Path.of(root).resolve(RELATIVE))) {
      return Path.of(root).resolve(RELATIVE).normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isRegularFile(candidate)) {
        return candidate.normalize();
      }
    }
    throw new IllegalStateException("CLIP merges fixture not found: set -Dbridge.projectRoot to the checkout "
        + "(expected <root>/" + RELATIVE + ")");
  }
}
