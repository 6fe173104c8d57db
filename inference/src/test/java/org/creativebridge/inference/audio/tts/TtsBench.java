package org.creativebridge.inference.audio.tts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real-time factor (processing time / audio duration) of the built-in espeak-ng engine and of the
 * Piper path with Piper's dummy test voice, and where the Piper path's time goes (phonemise, model
 * runs, everything else), on one paragraph. Prints a table; run with {@code ./mvnw -Pbench}.
 */
@Tag("bench")
class TtsBench {

  private static final String PARAGRAPH =
      "A rainbow is a meteorological phenomenon that is caused by reflection, refraction and"
          + " dispersion of light in water droplets resulting in a spectrum of light appearing in"
          + " the sky. It takes the form of a multi-colored circular arc. Rainbows caused by"
          + " sunlight always appear in the section of sky directly opposite the Sun. With"
          + " tenure, Suzie'd have all the more leisure for yachting, but her publications are no"
          + " good. Shaw, those twelve beige hooks are joined if I patch a young, gooey mouth. Are"
          + " those shy Eurasian footwear, cowboy chaps, or jolly earthmoving headgear? The beige"
          + " hue on the waters of the loch impressed all, including the French queen, before she"
          + " heard that symphony again, just as young Arthur wanted.";

  private static final int ROUNDS = 5;

  /** Records when each stage began, to split a job's time into stages. */
  private static final class StageClock implements JobContext {
    final Map<String, Long> startedAt = new LinkedHashMap<>();

    @Override
    public void stage(String name) {
      startedAt.put(name, System.nanoTime());
    }

    @Override
    public void progress(double fraction) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      return () -> {};
    }
  }

  private record Timing(double seconds, AudioClip clip, StageClock clock, long endedAt) {}

  private static Timing time(Engine engine) throws Exception {
    StageClock clock = new StageClock();
    long start = System.nanoTime();
    AudioClip clip =
        (AudioClip)
            engine.run(new EngineRequest(Map.of(), new Params(Map.of("text", PARAGRAPH))), clock).outputs().get("audio");
    long end = System.nanoTime();
    return new Timing((end - start) / 1e9, clip, clock, end);
  }

  @Test
  void realTimeFactors() throws Exception {
    TtsFixtures.assumeEspeak("TtsBench.realTimeFactors");
    List<String> rows = new ArrayList<>();

    EspeakTtsEngine espeak = new EspeakTtsEngine();
    time(espeak); // warm-up: loads voice data
    double espeakBest = Double.MAX_VALUE;
    double espeakAudio = 0;
    for (int i = 0; i < ROUNDS; i++) {
      Timing timing = time(espeak);
      espeakBest = Math.min(espeakBest, timing.seconds());
      espeakAudio = timing.clip().seconds();
    }
    rows.add(String.format("| builtin.espeak | %.3f | %.2f | %.4f | - | - | - | - |", espeakBest, espeakAudio, espeakBest / espeakAudio));

    Path voice = TtsFixtures.piperFixtures().resolve("test_voice.onnx");
    try (OnnxRuntime runtime = OnnxRuntime.start(OnnxRuntime.Config.defaults())) {
      PiperTtsEngine piper = PiperTtsEngine.open("piper-test-voice", runtime, voice);
      // The observer keeps the best round's runs: cleared before each round, read after it.
      List<PiperTtsEngine.ModelRun> runs = new CopyOnWriteArrayList<>();
      piper.observeRuns(runs::add);
      time(piper); // warm-up: loads the session
      Timing best = null;
      long bestOnnx = 0;
      for (int i = 0; i < ROUNDS; i++) {
        runs.clear();
        Timing timing = time(piper);
        if (best == null || timing.seconds() < best.seconds()) {
          best = timing;
          bestOnnx = runs.stream().mapToLong(PiperTtsEngine.ModelRun::onnxNanos).sum();
        }
      }
      Map<String, Long> stages = best.clock().startedAt;
      double phonemize = (stages.get("synthesize") - stages.get("phonemize")) / 1e9;
      double onnx = bestOnnx / 1e9;
      double overhead = best.seconds() - onnx;
      int sentences = runs.size();
      rows.add(
          String.format(
              "| piper test_voice | %.3f | %.2f | %.4f | %.4f | %.4f | %.4f | %.4f (%.2f ms per sentence) |",
              best.seconds(),
              best.clip().seconds(),
              best.seconds() / best.clip().seconds(),
              phonemize,
              onnx,
              overhead - phonemize,
              overhead,
              1000 * overhead / Math.max(1, sentences)));
    }
    System.out.println();
    System.out.println("TTS real-time factor, one paragraph (" + PARAGRAPH.length() + " chars), best of " + ROUNDS + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    System.out.println("| engine | seconds | audio s | RTF | phonemise s | ONNX runs s | tensors+join s | all but ONNX s |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }
}
