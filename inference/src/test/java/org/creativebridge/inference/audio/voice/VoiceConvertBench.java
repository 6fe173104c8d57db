package org.creativebridge.inference.audio.voice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-time factor (processing time / audio duration) of the built-in pitch shift on 60 s takes
 * (espeak-ng speech repeated, at its 22.05 kHz mono, and a synthetic stereo voice at 48 kHz), and
 * of the RVC pipeline with the tiny test models, split into ONNX run time and the pipeline's own
 * time (resampling, f0 tracking, feature repeat, noise, crossfades). Prints a table; run with
 * {@code ./mvnw -Pbench}.
 */
@Tag("bench")
class VoiceConvertBench {
  private static final double TAKE_SECONDS = 60;
  private static final int ROUNDS = 3;

  @Test
  void pitchShiftRealTimeFactor(@TempDir Path dir) throws Exception {
    PitchShiftEngine engine = new PitchShiftEngine();
    Map<String, AudioClip> takes = new java.util.LinkedHashMap<>();
    if (Files.isExecutable(Path.of(VoiceSignals.ESPEAK))) {
      takes.put("espeak speech, 22.05 kHz mono", repeatTo(VoiceSignals.espeak(dir,
          "A rainbow is a meteorological phenomenon that is caused by reflection, refraction and dispersion of light"
              + " in water droplets, resulting in a spectrum of light appearing in the sky.", 50)));
    } else {
      System.err.println("SKIPPED espeak take of pitchShiftRealTimeFactor: " + VoiceSignals.ESPEAK + " is missing");
    }
    takes.put("synthetic voice, 48 kHz stereo", syntheticStereo(48000));
    System.out.println("| take | semitones | seconds | real-time factor |");
    System.out.println("|---|---|---|---|");
    for (Map.Entry<String, AudioClip> take : takes.entrySet()) {
      for (int semitones : new int[] {4, -7}) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
          long started = System.nanoTime();
          engine.run(
              new EngineRequest(Map.of("audio", take.getValue()), new Params(Map.of("semitones", semitones))),
              JobContext.detached());
          best = Math.min(best, (System.nanoTime() - started) / 1e9);
        }
        System.out.printf("| %s | %+d | %.2f | %.3f |%n", take.getKey(), semitones, best, best / take.getValue().seconds());
      }
    }
  }

  @Test
  void rvcPipelineOverhead(@TempDir Path dir) throws Exception {
    VoiceModels.generate(dir, "rvcPipelineOverhead");
    try (OnnxRuntime runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 64L << 20))) {
      RvcVoiceEngine engine =
          new RvcVoiceEngine(
              new RvcVoiceEngine.Setup(
                  new RvcVoiceEngine.Model("voice", ModelFile.open(dir.resolve("rvc-v2.onnx"))),
                  new RvcVoiceEngine.Model("encoder", ModelFile.open(dir.resolve("contentvec-768.onnx"))),
                  null,
                  runtime.sessions()),
              RvcVoiceEngine.Options.defaults("cpu"));
      AtomicLong onnxNanos = new AtomicLong();
      engine.observe((model, nanos) -> onnxNanos.addAndGet(nanos));
      float[] voice = VoiceSignals.formantFilter(
          VoiceSignals.sawtooth(t -> 150 + 40 * Math.sin(2 * Math.PI * 0.3 * t), 44100, TAKE_SECONDS, 0.5),
          44100, new double[] {700, 1220, 2600}, 110);
      AudioClip take = AudioClip.mono(44100, voice);
      System.out.println("| RVC pipeline (tiny v2 models, 60 s at 44.1 kHz) | total s | ONNX runs s | pipeline s | RTF | pipeline RTF |");
      System.out.println("|---|---|---|---|---|---|");
      for (int round = 0; round < ROUNDS; round++) {
        onnxNanos.set(0);
        long started = System.nanoTime();
        engine.run(new EngineRequest(Map.of("audio", take), new Params(new HashMap<>(Map.of("semitones", 3)))), JobContext.detached());
        double total = (System.nanoTime() - started) / 1e9;
        double onnx = onnxNanos.get() / 1e9;
        System.out.printf("| round %d | %.2f | %.2f | %.2f | %.3f | %.3f |%n", round + 1, total, onnx, total - onnx, total / TAKE_SECONDS, (total - onnx) / TAKE_SECONDS);
      }
    }
  }

  private static AudioClip repeatTo(AudioClip speech) {
    int frames = (int) Math.round(TAKE_SECONDS * speech.sampleRate());
    float[] samples = new float[frames];
    float[] source = org.creativebridge.inference.audio.ChannelMixer.toMono(speech).samples();
    for (int i = 0; i < frames; i++) {
      samples[i] = source[i % source.length];
    }
    return new AudioClip(speech.sampleRate(), 1, speech.format(), samples);
  }

  private static AudioClip syntheticStereo(int rate) {
    float[] mono = VoiceSignals.formantFilter(
        VoiceSignals.sawtooth(t -> 120 + 30 * Math.sin(2 * Math.PI * 0.2 * t), rate, TAKE_SECONDS, 0.5),
        rate, new double[] {700, 1220, 2600}, 110);
    float[] stereo = new float[mono.length * 2];
    for (int i = 0; i < mono.length; i++) {
      stereo[2 * i] = mono[i];
      stereo[2 * i + 1] = 0.7f * mono[i];
    }
    return new AudioClip(rate, 2, AudioClip.SampleFormat.PCM24, stereo);
  }
}
