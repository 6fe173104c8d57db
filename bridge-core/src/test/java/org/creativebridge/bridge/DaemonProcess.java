package org.creativebridge.bridge;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A daemon in a child JVM, started with this test run's class path, for tests that kill it. */
final class DaemonProcess {
  private DaemonProcess() {}

  /**
   * The class path goes in an @argfile: ONNX Runtime 1.29 crashes the JVM when the process command
   * line is longer than about 4 KB, which the test class path is.
   */
  static List<String> javaCommand(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + classPathArgFile());
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  /** Starts {@code bridge serve --port 0} over {@code home} and waits for its endpoint file. */
  static Process serve(Path home, Path log) throws IOException {
    Files.deleteIfExists(home.resolve("endpoint.json"));
    ProcessBuilder builder =
        new ProcessBuilder(javaCommand("org.creativebridge.bridge.cli.BridgeCli", "serve", "--port", "0"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("BRIDGE_HOME", home.toString());
    Process process = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(home.resolve("endpoint.json"))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new AssertionError("daemon did not start:\n" + Files.readString(log));
      }
      LiveDaemon.sleep(50);
    }
    return process;
  }

  private static Path classPathArgFile() {
    try {
      Path file = Files.createTempFile("bridge-test-classpath", ".args");
      file.toFile().deleteOnExit();
      String classPath = System.getProperty("java.class.path").replace("\\", "\\\\").replace("\"", "\\\"");
      Files.writeString(file, "-cp \"" + classPath + "\"\n");
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
