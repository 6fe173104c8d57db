package org.creativebridge.inference.audio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian command-line tools (python3, flac, lame, oggenc) for tests; absent tools skip loudly. */
final class ExternalTools {
  private ExternalTools() {}

  static boolean available(String executable) {
    for (String dir : new String[] {"/usr/bin", "/usr/local/bin"}) {
      if (Files.isExecutable(Path.of(dir, executable))) {
        return true;
      }
    }
    System.out.println("SKIPPED: " + executable + " is not installed (see inference/AUDIO_DEPENDENCIES.txt)");
    return false;
  }

  /** Runs the command, fails on a non-zero exit, returns its standard output. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(command + " failed: " + new String(err, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
