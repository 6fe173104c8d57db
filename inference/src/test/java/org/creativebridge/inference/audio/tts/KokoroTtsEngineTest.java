package org.creativebridge.inference.audio.tts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class KokoroTtsEngineTest {

  @TempDir static Path folder;
  private static OnnxRuntime runtime;
  private static Map<String, Long> vocab;

  @BeforeAll
  static void setUp() throws Exception {
    Path generated = TtsFixtures.generateModels(folder.resolve("generated"));
    Files.copy(generated.resolve("kokoro_arith.onnx"), folder.resolve("model.onnx"));
    // A made-up vocabulary in the ONNX export's tokenizer.json layout: every symbol of Piper's
    // map plus Kokoro's single-letter diphthongs and affricates, numbered from 1 (0 frames runs).
    PiperVoiceConfig piper = PiperVoiceConfig.read(TtsFixtures.piperFixtures().resolve("test_voice.onnx.json"));
    vocab = new LinkedHashMap<>();
    for (String symbol : piper.phonemeIds().keySet()) {
      if (symbol.codePointCount(0, symbol.length()) == 1 && !"_^$".contains(symbol)) {
        vocab.put(symbol, (long) vocab.size() + 1);
      }
    }
    for (String symbol : List.of("A", "I", "O", "W", "Y", "Q", "ʤ", "ʧ")) {
      vocab.put(symbol, (long) vocab.size() + 1);
    }
    StringBuilder json = new StringBuilder("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {");
    vocab.forEach((symbol, id) -> json.append(jsonString(symbol)).append(": ").append(id).append(", "));
    json.setLength(json.length() - 2);
    json.append("}}}");
    Files.writeString(folder.resolve("tokenizer.json"), json.toString());
    writeVoicePack(folder.resolve("voices").resolve("af_heart.bin"));
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 64L << 20));
  }

  private static String jsonString(String symbol) {
    return "\"" + (symbol.equals("\"") || symbol.equals("\\") ? "\\" + symbol : symbol) + "\"";
  }

  /** 510 rows; row r holds r * 0.001 first and r * 0.002 last, so the chosen row shows. */
  private static void writeVoicePack(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    ByteBuffer bytes = ByteBuffer.allocate(510 * 256 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int row = 0; row < 510; row++) {
      for (int i = 0; i < 256; i++) {
        bytes.putFloat(i == 0 ? row * 0.001f : i == 255 ? row * 0.002f : 0f);
      }
    }
    Files.write(file, bytes.array());
  }

  @AfterAll
  static void tearDown() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @BeforeEach
  void needsEspeak(TestInfo test) {
    TtsFixtures.assumeEspeak(getClass().getSimpleName() + "." + test.getDisplayName());
  }

  private static KokoroTtsEngine engine() throws EngineException {
    return new KokoroTtsEngine("kokoro-test", runtime, ModelFile.open(folder.resolve("model.onnx")));
  }

  private static AudioClip speak(KokoroTtsEngine engine, Map<String, Object> params) throws Exception {
    return (AudioClip)
        engine.run(new EngineRequest(Map.of(), new Params(params)), JobContext.detached()).outputs().get("audio");
  }

  @Test
  void framesTokensWithZerosPicksStyleByTokenCountAndFeedsSpeed() throws Exception {
    List<PiperPhonemizer.SpokenSentence> sentences = PiperPhonemizer.phonemize("en-us", "Hi there.");
    assertEquals(1, sentences.size());
    String phonemes = String.join("", sentences.get(0).phonemes());
    // espeak-ng's "aɪ" comes out folded the Kokoro way: one letter per diphthong.
    String kokoro = phonemes.replace("aɪ", "I");
    List<Long> expectedTokens = new ArrayList<>();
    kokoro.codePoints().forEach(c -> expectedTokens.add(vocab.get(Character.toString(c))));
    assertTrue(expectedTokens.stream().allMatch(java.util.Objects::nonNull), kokoro);

    AudioClip clip = speak(engine(), new HashMap<>(Map.of("text", "Hi there.", "speed", 1.5)));

    assertEquals(24_000, clip.sampleRate());
    int n = expectedTokens.size();
    float[] expected = new float[n + 2 + 2];
    for (int i = 0; i < n; i++) {
      expected[i + 1] = (float) expectedTokens.get(i) * 0.001f * 1.5f; // framed: 0 first and last
    }
    expected[n + 2] = n * 0.001f; // style row n
    expected[n + 3] = n * 0.002f;
    assertArrayEquals(expected, clip.samples());
  }

  @Test
  void longSentencesAreSplitIntoRunsOfAtMost510Tokens() throws Exception {
    KokoroTtsEngine engine = engine();
    long space = vocab.get(" ");
    long[] tokens = new long[1200];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i % 7 == 6 ? space : 1;
    }
    List<long[]> chunks = engine.chunks(tokens);
    int total = 0;
    for (long[] chunk : chunks) {
      assertTrue(chunk.length <= KokoroTtsEngine.MAX_PHONEME_TOKENS, "chunk of " + chunk.length);
      total += chunk.length;
    }
    assertEquals(3, chunks.size());
    assertEquals(1200, total);
    assertEquals(space, chunks.get(0)[chunks.get(0).length - 1], "split after a space");
  }

  @Test
  void unknownVoiceAndMissingVocabularyAreRefused() throws Exception {
    EngineException unknown =
        assertThrows(EngineException.class, () -> speak(engine(), Map.of("text", "Hi.", "voice", "zz_nobody")));
    assertEquals(EngineException.Kind.INVALID_INPUT, unknown.kind());
    assertTrue(unknown.getMessage().contains("af_heart"), unknown.getMessage());

    Path bare = Files.createDirectories(folder.resolve("bare").resolve("inner"));
    Files.copy(folder.resolve("model.onnx"), bare.resolve("model.onnx"));
    EngineException noVocab =
        assertThrows(
            EngineException.class, () -> new KokoroTtsEngine("k", runtime, ModelFile.open(bare.resolve("model.onnx"))));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, noVocab.kind());
    assertTrue(noVocab.getMessage().contains("tokenizer.json"), noVocab.getMessage());
  }
}
