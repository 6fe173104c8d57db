package org.creativebridge.inference.audio.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class EspeakTtsEngineTest {

  private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";

  private final EspeakTtsEngine engine = new EspeakTtsEngine();

  @BeforeEach
  void needsEspeak(TestInfo test) {
    TtsFixtures.assumeEspeak(getClass().getSimpleName() + "." + test.getDisplayName());
  }

  static AudioClip speak(EspeakTtsEngine engine, Map<String, Object> params, JobContext context)
      throws Exception {
    return (AudioClip) engine.run(new EngineRequest(Map.of(), new Params(params)), context).outputs().get("audio");
  }

  private static Map<String, Object> params(String text, Object... more) {
    Map<String, Object> params = new HashMap<>();
    params.put("text", text);
    for (int i = 0; i < more.length; i += 2) {
      params.put((String) more[i], more[i + 1]);
    }
    return params;
  }

  @Test
  void speaksASentenceAsPlausibleAudio() throws Exception {
    AudioClip clip = speak(engine, params(SENTENCE), JobContext.detached());
    assertEquals(22050, clip.sampleRate());
    assertEquals(1, clip.channels());
    // Nine words at 175 words per minute: about three seconds, give or take the pauses.
    assertTrue(clip.seconds() > 1.5 && clip.seconds() < 6, clip.toString());
    double energy = 0;
    for (float sample : clip.samples()) {
      energy += sample * sample;
      assertTrue(sample >= -1 && sample <= 1);
    }
    assertTrue(Math.sqrt(energy / clip.frames()) > 0.01, "the clip is not silent");
  }

  @Test
  void fasterRateGivesShorterAudio() throws Exception {
    double previous = Double.MAX_VALUE;
    for (int rate : new int[] {100, 175, 300, 450}) {
      double seconds = speak(engine, params(SENTENCE, "rate", rate), JobContext.detached()).seconds();
      assertTrue(seconds < previous, "rate " + rate + " gave " + seconds + " s, not less than " + previous);
      previous = seconds;
    }
  }

  @Test
  void otherVoicesAndPitchesSpeak() throws Exception {
    AudioClip german = speak(engine, params("Guten Tag, wie geht es?", "voice", "de", "pitch", 80), JobContext.detached());
    assertTrue(german.seconds() > 0.5, german.toString());
  }

  @Test
  void unknownVoiceIsRefusedWithSuggestions() {
    EngineException refused =
        assertThrows(
            EngineException.class,
            () -> speak(engine, params(SENTENCE, "voice", "en-xx-nope"), JobContext.detached()));
    assertEquals(EngineException.Kind.INVALID_INPUT, refused.kind());
    assertTrue(refused.getMessage().contains("unknown espeak-ng voice 'en-xx-nope'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("en-us"), refused.getMessage());
    // The library still works after the refusal.
    assertTrue(speak0(SENTENCE) > 0);
  }

  private double speak0(String text) {
    try {
      return speak(engine, params(text), JobContext.detached()).seconds();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void outOfRangeParamsAndEmptyTextAreRefused() {
    for (Map<String, Object> bad :
        List.of(params(SENTENCE, "rate", 20), params(SENTENCE, "pitch", 101), params("  "))) {
      EngineException refused =
          assertThrows(EngineException.class, () -> speak(engine, bad, JobContext.detached()));
      assertEquals(EngineException.Kind.INVALID_INPUT, refused.kind(), refused.getMessage());
    }
    EngineException tooLong =
        assertThrows(
            EngineException.class,
            () -> speak(engine, params("a".repeat(1 << 20)), JobContext.detached()));
    assertTrue(tooLong.getMessage().contains("at most"), tooLong.getMessage());
  }

  @Test
  void longTextReportsProgressPerSentence() throws Exception {
    RecordingJob job = new RecordingJob();
    speak(engine, params("One sentence here. Another one follows! Is this the third? And the fourth."), job);
    assertEquals(List.of(0.25, 0.5, 0.75, 1.0), job.progress);
  }

  @Test
  void cancelStopsBetweenSentences() {
    RecordingJob job = new RecordingJob(2);
    assertThrows(
        CancelledException.class,
        () -> speak(engine, params("First. Second. Third. Fourth. Fifth. Sixth."), job));
    assertEquals(2, job.progress.size(), "no sentence after the cancel was spoken");
  }
}
