package org.creativebridge.inference.audio.tts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.GeneratedModels;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared test fixtures: the project's shared Piper files, the libespeak-ng and python3-onnx
 * checks that skip tests loudly (by name, with what to install), and the tiny-model generator.
 */
final class TtsFixtures {

  private static final String SCRIPT = "make_tts_models.py";

  private TtsFixtures() {}

  /** Skips the calling test, loudly, where libespeak-ng cannot load. */
  static void assumeEspeak(String testName) {
    String reason = EspeakLibrary.unavailableReason();
    if (reason != null) {
      String why = "SKIPPED " + testName + ": " + reason;
      System.err.println(why);
      Assumptions.abort(why);
    }
  }

  /** The project root: surefire's {@code bridge.projectRoot}, else found walking up from here. */
  static Path projectRoot() {
    String configured = System.getProperty("bridge.projectRoot");
    if (configured != null && Files.isDirectory(Path.of(configured, "inference"))) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("inference"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the project root from " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** {@code ../shared/fixtures/piper} beside the project. */
  static Path piperFixtures() {
    Path dir = projectRoot().resolve("../shared/fixtures/piper").normalize();
    Assumptions.assumeTrue(Files.isDirectory(dir), "SKIPPED: no shared Piper fixtures at " + dir);
    return dir;
  }

  /** One line of Piper's test sentences. */
  record TestSentence(String text, List<String> phonemes, long[] ids) {}

  static List<TestSentence> testSentences(String language) throws IOException {
    Path file = piperFixtures().resolve("test_sentences").resolve("test_" + language + ".jsonl");
    List<TestSentence> sentences = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      Map<?, ?> row = (Map<?, ?>) org.creativebridge.inference.PlainJson.parse(line);
      List<String> phonemes = new ArrayList<>();
      for (Object phoneme : (List<?>) row.get("phonemes")) {
        phonemes.add(phoneme.toString());
      }
      List<?> idList = (List<?>) row.get("phoneme_ids");
      long[] ids = new long[idList.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = ((Number) idList.get(i)).longValue();
      }
      sentences.add(new TestSentence(row.get("text").toString(), phonemes, ids));
    }
    return sentences;
  }

  /** Writes the tiny TTS models into {@code dir}; skips loudly without python3-onnx. */
  static Path generateModels(Path dir) throws IOException, InterruptedException {
    return GeneratedModels.generate(SCRIPT, dir);
  }

}
