package org.creativebridge.inference.audio.tts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class PiperTtsEngineTest {

  private static final String TWO_SENTENCES = "Hello there. How are you today?";

  @TempDir static Path models;
  private static OnnxRuntime runtime;
  private static PiperVoiceConfig voiceConfig;

  @BeforeAll
  static void setUp() throws Exception {
    TtsFixtures.generateModels(models);
    String config = Files.readString(TtsFixtures.piperFixtures().resolve("test_voice.onnx.json"), StandardCharsets.UTF_8);
    Files.writeString(models.resolve("piper_arith.onnx.json"), config);
    Files.writeString(models.resolve("piper_int32_ids.onnx.json"), config);
    Files.writeString(
        models.resolve("piper_multi.onnx.json"),
        config
            .replace("\"num_speakers\": 1", "\"num_speakers\": 3")
            .replace("\"speaker_id_map\": {}", "\"speaker_id_map\": {\"alice\": 0, \"bob\": 1, \"carol\": 2}"));
    voiceConfig = PiperVoiceConfig.read(models.resolve("piper_arith.onnx.json"));
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 64L << 20));
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

  private static PiperTtsEngine engine(String file) throws EngineException {
    return PiperTtsEngine.open("piper-test", runtime, models.resolve(file));
  }

  private static Map<String, Object> params(String text, Object... more) {
    Map<String, Object> params = new HashMap<>();
    params.put("text", text);
    for (int i = 0; i < more.length; i += 2) {
      params.put((String) more[i], more[i + 1]);
    }
    return params;
  }

  private static AudioClip speak(PiperTtsEngine engine, Map<String, Object> params, JobContext context)
      throws Exception {
    return (AudioClip) engine.run(new EngineRequest(Map.of(), new Params(params)), context).outputs().get("audio");
  }

  /**
   * What the arithmetic model returns for {@code ids}: each id four times times 0.001 times the
   * length scale, then the three scales, the length times 0.001, and the speaker times 0.1.
   */
  private static float[] expectedSamples(long[] ids, float[] scales, Long speaker) {
    int tail = speaker == null ? 4 : 5;
    float[] samples = new float[ids.length * 4 + tail];
    for (int i = 0; i < ids.length * 4; i++) {
      samples[i] = (float) ids[i / 4] * 0.001f * scales[1];
    }
    int t = ids.length * 4;
    samples[t] = scales[0];
    samples[t + 1] = scales[1];
    samples[t + 2] = scales[2];
    samples[t + 3] = (float) ids.length * 0.001f;
    if (speaker != null) {
      samples[t + 4] = (float) speaker * 0.1f;
    }
    return samples;
  }

  private static float[] expectedClip(List<PiperPhonemizer.Sentence> sentences, float[] scales, Long speaker) {
    List<float[]> parts = new java.util.ArrayList<>();
    for (PiperPhonemizer.Sentence sentence : sentences) {
      parts.add(expectedSamples(sentence.ids(), scales, speaker));
    }
    return PiperTtsEngine.join(parts, (int) Math.round(0.2 * 22050));
  }

  @Test
  void feedsPhonemeIdsAndConfigScalesAndJoinsSentencesWithSilence() throws Exception {
    List<PiperPhonemizer.Sentence> sentences = PiperPhonemizer.forVoice(voiceConfig).sentences(TWO_SENTENCES);
    assertEquals(2, sentences.size());
    RecordingJob job = new RecordingJob();
    AudioClip clip = speak(engine("piper_arith.onnx"), params(TWO_SENTENCES), job);
    assertEquals(22050, clip.sampleRate());
    assertEquals(1, clip.channels());
    assertArrayEquals(expectedClip(sentences, new float[] {0.667f, 1f, 0.8f}, null), clip.samples());
    assertEquals(List.of(0.5, 1.0), job.progress, "one progress report per sentence");
  }

  @Test
  void paramsOverrideScalesAndSpeedDividesTheLengthScale() throws Exception {
    List<PiperPhonemizer.Sentence> sentences = PiperPhonemizer.forVoice(voiceConfig).sentences("Hi.");
    AudioClip clip =
        speak(
            engine("piper_arith.onnx"),
            params("Hi.", "noise_scale", 0.25, "noise_w", 0.5, "length_scale", 1.5, "speed", 2.0),
            JobContext.detached());
    assertArrayEquals(expectedClip(sentences, new float[] {0.25f, 0.75f, 0.5f}, null), clip.samples());
  }

  @Test
  void multiSpeakerVoiceTakesSidByIdOrName() throws Exception {
    PiperTtsEngine engine = engine("piper_multi.onnx");
    List<PiperPhonemizer.Sentence> sentences = PiperPhonemizer.forVoice(voiceConfig).sentences("Hi.");
    float[] scales = {0.667f, 1f, 0.8f};
    assertArrayEquals(expectedClip(sentences, scales, 0L), speak(engine, params("Hi."), JobContext.detached()).samples());
    assertArrayEquals(
        expectedClip(sentences, scales, 1L), speak(engine, params("Hi.", "speaker", "bob"), JobContext.detached()).samples());
    assertArrayEquals(
        expectedClip(sentences, scales, 2L), speak(engine, params("Hi.", "speaker", 2L), JobContext.detached()).samples());
    EngineException unknown =
        assertThrows(EngineException.class, () -> speak(engine, params("Hi.", "speaker", "dave"), JobContext.detached()));
    assertEquals(EngineException.Kind.INVALID_INPUT, unknown.kind());
    assertTrue(unknown.getMessage().contains("no speaker 'dave'") && unknown.getMessage().contains("alice"), unknown.getMessage());
    assertThrows(EngineException.class, () -> speak(engine, params("Hi.", "speaker", 3L), JobContext.detached()));
  }

  @Test
  void singleSpeakerVoiceRefusesASpeaker() {
    EngineException refused =
        assertThrows(
            EngineException.class,
            () -> speak(engine("piper_arith.onnx"), params("Hi.", "speaker", 1L), JobContext.detached()));
    assertEquals(EngineException.Kind.INVALID_INPUT, refused.kind());
  }

  @Test
  void modelOutsideTheContractIsRefusedWithThePreciseMismatch() {
    EngineException refused =
        assertThrows(
            EngineException.class,
            () -> speak(engine("piper_int32_ids.onnx"), params("Hi."), JobContext.detached()));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, refused.kind());
    assertEquals(
        "model piper_int32_ids.onnx does not fit the piper contract: input 'input': expected int64"
            + " [1,-1], model has int32 [1,-1]",
        refused.getMessage());
  }

  @Test
  void cancelStopsBetweenSentences() throws Exception {
    PiperTtsEngine engine = engine("piper_arith.onnx");
    List<PiperTtsEngine.ModelRun> runs = new CopyOnWriteArrayList<>();
    engine.observeRuns(runs::add);
    RecordingJob job = new RecordingJob(1);
    assertThrows(CancelledException.class, () -> speak(engine, params("One. Two. Three. Four."), job));
    assertEquals(1, runs.size(), "no model run after the cancel");
  }

  @Test
  void emptyOrPunctuationOnlyTextIsRefused() {
    for (String text : List.of("", "   ", "...")) {
      EngineException refused =
          assertThrows(EngineException.class, () -> speak(engine("piper_arith.onnx"), params(text), JobContext.detached()));
      assertEquals(EngineException.Kind.INVALID_INPUT, refused.kind(), text);
    }
  }

  @Test
  void piperTestVoiceSynthesisesThroughTheRealCodePath() throws Exception {
    Path voice = TtsFixtures.piperFixtures().resolve("test_voice.onnx");
    PiperTtsEngine engine = PiperTtsEngine.open("piper-test-voice", runtime, voice);
    List<PiperTtsEngine.ModelRun> runs = new CopyOnWriteArrayList<>();
    engine.observeRuns(runs::add);
    TtsFixtures.TestSentence first = TtsFixtures.testSentences("en-us").get(0);
    String text = first.text() + " " + TWO_SENTENCES;

    AudioClip clip = speak(engine, params(text), JobContext.detached());

    List<PiperPhonemizer.Sentence> sentences = PiperPhonemizer.forVoice(engine.config()).sentences(text);
    assertEquals(3, sentences.size());
    assertEquals(3, runs.size(), "one model run per sentence");
    assertArrayEquals(first.ids(), runs.get(0).ids(), "Piper's own ids for its first test sentence");
    int expectedFrames = 2 * (int) Math.round(0.2 * 22050);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(sentences.get(i).ids(), runs.get(i).ids());
      assertArrayEquals(new float[] {0.667f, 1f, 0.8f}, runs.get(i).scales());
      assertTrue(runs.get(i).samples() > 0, "run " + i + " returned samples");
      expectedFrames += runs.get(i).samples();
    }
    assertEquals(22050, clip.sampleRate());
    assertEquals(1, clip.channels());
    assertEquals(expectedFrames, clip.frames());
    System.out.println(
        "Piper test voice: " + runs.get(0).ids().length + " ids -> " + runs.get(0).samples() + " samples; clip " + clip);
  }
}
