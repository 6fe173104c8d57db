package org.creativebridge.inference.audio.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.junit.jupiter.api.Test;

class PitchShiftEngineTest {
  private static final int RATE = 22050;
  private final PitchShiftEngine engine = new PitchShiftEngine();
  private final PitchTracker tracker = new PitchTracker();

  @Test
  void describesItselfAsTheBuiltInDefault() {
    EngineInfo info = engine.info();
    assertEquals("builtin.pitchshift", info.id());
    assertEquals("audio.voice_convert", info.task());
    assertEquals(EngineInfo.Kind.BUILTIN, info.kind());
    assertEquals("cpu", info.device());
    assertTrue(info.concurrent());
  }

  @Test
  void movesA220HzSawtoothAnOctaveUpTo440Hz() throws Exception {
    AudioClip input = AudioClip.mono(RATE, VoiceSignals.sawtooth(220, RATE, 1.5, 0.5));
    AudioClip output = shift(input, Map.of("semitones", 12));
    assertEquals(input.frames(), output.frames());
    assertEquals(RATE, output.sampleRate());
    float[] f0 = tracker.track(output);
    double median = VoiceSignals.medianVoiced(f0, 20, f0.length - 20);
    System.out.printf("220 Hz sawtooth +12: median f0 %.2f Hz (%.2f cents off 440)%n", median, VoiceSignals.cents(median, 440));
    assertTrue(Math.abs(VoiceSignals.cents(median, 440)) < 10, "median f0 " + median);
    assertVoicedThroughout(f0, 20, f0.length - 20);
  }

  @Test
  void movesDownAFifthToo() throws Exception {
    AudioClip input = AudioClip.mono(RATE, VoiceSignals.sawtooth(220, RATE, 1.5, 0.5));
    float[] f0 = tracker.track(shift(input, Map.of("semitones", -7)));
    double expected = 220 * Math.pow(2, -7 / 12.0);
    double median = VoiceSignals.medianVoiced(f0, 20, f0.length - 20);
    System.out.printf("220 Hz sawtooth -7: median f0 %.2f Hz (%.2f cents off)%n", median, VoiceSignals.cents(median, expected));
    assertTrue(Math.abs(VoiceSignals.cents(median, expected)) < 10, "median f0 " + median);
  }

  @Test
  void movesEspeakSpeechByTheAskedInterval(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    VoiceSignals.assumeEspeak("movesEspeakSpeechByTheAskedInterval");
    AudioClip speech = VoiceSignals.espeak(dir, "Every good boy deserves fudge, and every voice can move up or down.", 50);
    AudioClip moved = shift(speech, Map.of("semitones", 4));
    assertEquals(speech.frames(), moved.frames());
    float[] before = tracker.track(speech);
    float[] after = tracker.track(moved);
    double[] intervals = java.util.stream.IntStream.range(0, before.length)
        .filter(t -> before[t] > 0 && after[t] > 0)
        .mapToDouble(t -> VoiceSignals.cents(after[t], before[t]))
        .toArray();
    double median = VoiceSignals.percentile(intervals, 0.5);
    System.out.printf("espeak speech +4: median interval %.1f cents over %d voiced frames%n", median, intervals.length);
    assertTrue(intervals.length > 100, "voiced frames " + intervals.length);
    assertEquals(400, median, 15);
  }

  @Test
  void zeroShiftReturnsNearlyTheSameSignal() throws Exception {
    float[] samples = VoiceSignals.formantFilter(VoiceSignals.sawtooth(180, RATE, 1.0, 0.5), RATE, new double[] {700, 1200}, 120);
    AudioClip output = shift(AudioClip.mono(RATE, samples), Map.of());
    double worst = 0;
    for (int i = 0; i < samples.length; i++) {
      worst = Math.max(worst, Math.abs(output.samples()[i] - samples[i]));
    }
    System.out.printf("zero shift: largest sample difference %.2e%n", worst);
    assertTrue(worst < 1e-4, "largest difference " + worst);
  }

  @Test
  void keepsTheFirstFormantWhileTheFundamentalMoves() throws Exception {
    int rate = 16000;
    double[] formants = {700, 1220, 2600};
    float[] vowel = VoiceSignals.formantFilter(VoiceSignals.sawtooth(150, rate, 2.0, 0.5), rate, formants, 110);
    AudioClip input = AudioClip.mono(rate, vowel);
    double before = firstFormant(vowel, rate);

    AudioClip preserved = shift(input, Map.of("semitones", 5));
    AudioClip chipmunk = shift(input, Map.of("semitones", 5, "preserve_formants", false));
    double f1Preserved = firstFormant(preserved.samples(), rate);
    double f1Chipmunk = firstFormant(chipmunk.samples(), rate);
    double f0 = VoiceSignals.medianVoiced(tracker.track(preserved), 20, 180);
    System.out.printf(
        "vowel F1 %.0f Hz; +5 semitones preserved F1 %.0f Hz, not preserved %.0f Hz; f0 150 -> %.1f Hz%n",
        before, f1Preserved, f1Chipmunk, f0);
    assertTrue(Math.abs(before - 700) < 60, "input F1 " + before);
    assertTrue(Math.abs(f1Preserved - before) < 0.08 * before, "preserved F1 " + f1Preserved + " vs " + before);
    assertTrue(f1Chipmunk > before * 1.2, "unpreserved F1 should move up with the pitch: " + f1Chipmunk);
    assertTrue(Math.abs(VoiceSignals.cents(f0, 150 * Math.pow(2, 5 / 12.0))) < 10, "f0 " + f0);
  }

  @Test
  void movesFormantsAloneWithoutMovingThePitch() throws Exception {
    int rate = 16000;
    float[] vowel = VoiceSignals.formantFilter(VoiceSignals.sawtooth(130, rate, 2.0, 0.5), rate, new double[] {600, 1100, 2500}, 110);
    AudioClip output = shift(AudioClip.mono(rate, vowel), Map.of("formant_shift", 4));
    double before = firstFormant(vowel, rate);
    double after = firstFormant(output.samples(), rate);
    double f0 = VoiceSignals.medianVoiced(tracker.track(output), 20, 180);
    System.out.printf("formant +4: F1 %.0f -> %.0f Hz (expected %.0f), f0 %.1f Hz%n", before, after, before * Math.pow(2, 4 / 12.0), f0);
    assertTrue(Math.abs(after - before * Math.pow(2, 4 / 12.0)) < 0.1 * before, "F1 " + after);
    assertTrue(Math.abs(VoiceSignals.cents(f0, 130)) < 10, "f0 " + f0);
  }

  @Test
  void keepsTheStereoImage() throws Exception {
    float[] left = VoiceSignals.sawtooth(200, RATE, 1.0, 0.5);
    float[] stereo = new float[left.length * 2];
    for (int i = 0; i < left.length; i++) {
      stereo[2 * i] = left[i];
      stereo[2 * i + 1] = 0.5f * left[i]; // panned left, same phase
    }
    AudioClip output = shift(new AudioClip(RATE, 2, AudioClip.SampleFormat.PCM24, stereo), Map.of("semitones", 3));
    assertEquals(2, output.channels());
    assertEquals(left.length, output.frames());
    assertEquals(AudioClip.SampleFormat.PCM24, output.format());
    double leftEnergy = 0;
    double rightEnergy = 0;
    double mismatch = 0;
    for (int f = 2000; f < output.frames() - 2000; f++) {
      float l = output.sample(f, 0);
      float r = output.sample(f, 1);
      leftEnergy += l * l;
      rightEnergy += r * r;
      mismatch += (r - 0.5 * l) * (r - 0.5 * l);
    }
    double ratio = Math.sqrt(rightEnergy / leftEnergy);
    System.out.printf("stereo: right/left level %.4f, residual %.2e%n", ratio, mismatch / rightEnergy);
    assertEquals(0.5, ratio, 0.01);
    assertTrue(mismatch < 1e-4 * rightEnergy, "channels drifted apart: " + mismatch / rightEnergy);
  }

  @Test
  void keepsTheInputLengthForEveryShape() throws Exception {
    for (int frames : new int[] {1, 100, 1023, 4097, 22050}) {
      AudioClip input = AudioClip.mono(RATE, VoiceSignals.sine(300, RATE, frames / (double) RATE, 0.3));
      assertEquals(frames, shift(input, Map.of("semitones", 7)).frames(), "length for " + frames + " frames");
    }
    AudioClip empty = AudioClip.mono(RATE, new float[0]);
    assertEquals(0, shift(empty, Map.of("semitones", 7)).frames());
  }

  @Test
  void stopsBetweenBlocksWhenCancelled() {
    AudioClip input = AudioClip.mono(RATE, VoiceSignals.sine(300, RATE, 10, 0.3));
    TestJobs.Recording job = new TestJobs.Recording(2);
    assertThrows(CancelledException.class, () -> engine.run(request(input, Map.of("semitones", 4)), job));
    assertTrue(job.progress.size() <= 3, "kept working after the cancel: " + job.progress);
  }

  @Test
  void refusesShiftsOutOfRange() {
    AudioClip input = AudioClip.mono(RATE, VoiceSignals.sine(300, RATE, 0.1, 0.3));
    EngineException tooFar =
        assertThrows(EngineException.class, () -> engine.run(request(input, Map.of("semitones", 25)), JobContext.detached()));
    assertEquals(EngineException.Kind.INVALID_INPUT, tooFar.kind());
    EngineException formant =
        assertThrows(EngineException.class, () -> engine.run(request(input, Map.of("formant_shift", -13)), JobContext.detached()));
    assertTrue(formant.getMessage().contains("formant_shift"), formant.getMessage());
  }

  private AudioClip shift(AudioClip input, Map<String, Object> params) throws Exception {
    return (AudioClip) engine.run(request(input, params), JobContext.detached()).outputs().get("audio");
  }

  private static EngineRequest request(AudioClip input, Map<String, Object> params) {
    Map<String, Object> all = new HashMap<>(params);
    all.putIfAbsent("seed", 1L);
    return new EngineRequest(Map.of("audio", input), new Params(all));
  }

  private static void assertVoicedThroughout(float[] f0, int from, int to) {
    for (int t = from; t < to; t++) {
      assertTrue(f0[t] > 0, "frame " + t + " unvoiced");
    }
  }

  /**
   * The first formant by a method unlike the engine's: an LPC envelope (order 2 + rate / 1000,
   * autocorrelation method over the whole steady middle), its highest peak between 250 and 1100 Hz.
   */
  static double firstFormant(float[] samples, int rate) {
    int order = 2 + rate / 1000;
    int from = samples.length / 4;
    int to = samples.length * 3 / 4;
    double[] r = new double[order + 1];
    int frame = 1024;
    for (int start = from; start + frame <= to; start += frame / 2) {
      for (int lag = 0; lag <= order; lag++) {
        double sum = 0;
        for (int i = lag; i < frame; i++) {
          double w1 = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / frame);
          double w0 = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i - lag) / frame);
          sum += samples[start + i] * w1 * samples[start + i - lag] * w0;
        }
        r[lag] += sum;
      }
    }
    double[] a = levinson(r, order);
    double best = 0;
    double bestGain = -1;
    for (double hz = 250; hz <= 1100; hz += 1) {
      double w = 2 * Math.PI * hz / rate;
      double re = 0;
      double im = 0;
      for (int k = 0; k <= order; k++) {
        re += a[k] * Math.cos(w * k);
        im -= a[k] * Math.sin(w * k);
      }
      double gain = 1 / (re * re + im * im);
      if (gain > bestGain) {
        bestGain = gain;
        best = hz;
      }
    }
    return best;
  }

  private static double[] levinson(double[] r, int order) {
    double[] a = new double[order + 1];
    a[0] = 1;
    double error = r[0] * (1 + 1e-9);
    for (int i = 1; i <= order; i++) {
      double acc = r[i];
      for (int j = 1; j < i; j++) {
        acc += a[j] * r[i - j];
      }
      double k = -acc / error;
      double[] next = a.clone();
      for (int j = 1; j < i; j++) {
        next[j] = a[j] + k * a[i - j];
      }
      next[i] = k;
      a = next;
      error *= 1 - k * k;
    }
    return a;
  }
}
