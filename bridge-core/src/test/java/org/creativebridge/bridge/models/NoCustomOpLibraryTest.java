package org.creativebridge.bridge.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No custom-op library is ever registered: session options are built in exactly one place,
 * OnnxRuntime, and no main source anywhere names ORT's custom-op registration calls. A model file
 * can then only run ONNX's stock operators, never native code it brings along.
 */
class NoCustomOpLibraryTest {

  private static List<Path> mainSources() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (String module : List.of("inference", "bridge-core", "protocols")) {
      Path main = Path.of("..", module, "src", "main", "java");
      if (!Files.isDirectory(main)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(main)) {
        walk.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
      }
    }
    return sources;
  }

  @Test
  void sessionOptionsAreBuiltOnlyByOnnxRuntime() throws IOException {
    List<Path> sources = mainSources();
    assertTrue(sources.size() > 10, "main sources not found from " + Path.of("").toAbsolutePath());
    List<String> builders = new ArrayList<>();
    for (Path source : sources) {
      String text = Files.readString(source);
      if (text.contains("new SessionOptions(")
          || text.contains("new OrtSession.SessionOptions(")
          || text.contains(".createSession(")) {
        builders.add(source.getFileName().toString());
      }
    }
    assertEquals(List.of("OnnxRuntime.java"), builders.stream().distinct().collect(Collectors.toList()));
  }

  @Test
  void noSourceRegistersACustomOpLibrary() throws IOException {
    for (Path source : mainSources()) {
      String text = Files.readString(source);
      for (String call : List.of("registerCustomOpLibrary", "registerCustomOpsUsingFunction", "enableOrtCustomOps")) {
        assertTrue(!text.contains(call), source + " calls " + call);
      }
    }
  }
}
