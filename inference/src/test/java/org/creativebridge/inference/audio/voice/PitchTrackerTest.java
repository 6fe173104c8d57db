package org.creativebridge.inference.audio.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.creativebridge.inference.audio.AudioClip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PitchTrackerTest {
  private static final int RATE = 16000;
  private final PitchTracker tracker = new PitchTracker();

  @ParameterizedTest
  @ValueSource(doubles = {55, 82.41, 110, 220, 440, 880, 1046.5})
  void tracksSinesWithinCents(double hz) {
    float[] f0 = tracker.track16k(VoiceSignals.sine(hz, RATE, 1.0, 0.5));
    double worst = worstCents(f0, 5, f0.length - 5, t -> hz);
    System.out.printf("sine %.2f Hz: worst error %.3f cents%n", hz, worst);
    // Above ~600 Hz a period is under 27 samples at 16 kHz and the parabolic refinement is coarser.
    double bound = hz < 600 ? 1 : 5;
    assertTrue(worst < bound, "worst error " + worst + " cents at " + hz + " Hz");
  }

  @ParameterizedTest
  @ValueSource(doubles = {65.41, 110, 220, 330, 587.33})
  void tracksSawtoothsWithoutOctaveErrors(double hz) {
    float[] f0 = tracker.track16k(VoiceSignals.sawtooth(hz, RATE, 1.0, 0.5));
    double worst = worstCents(f0, 5, f0.length - 5, t -> hz);
    System.out.printf("sawtooth %.2f Hz: worst error %.3f cents%n", hz, worst);
    assertTrue(worst < 5, "worst error " + worst + " cents at " + hz + " Hz");
  }

  @Test
  void followsVibrato() {
    // 220 Hz with +-50 cents of vibrato at 5.5 Hz, a singer's typical depth and rate.
    java.util.function.DoubleUnaryOperator f0At = t -> 220 * Math.pow(2, 50 * Math.sin(2 * Math.PI * 5.5 * t) / 1200);
    float[] f0 = tracker.track16k(VoiceSignals.sawtooth(f0At, RATE, 2.0, 0.5));
    double worst = worstCents(f0, 5, f0.length - 5, t -> f0At.applyAsDouble(t / 100.0));
    System.out.printf("vibrato 220 Hz +-50 cents: worst error %.2f cents%n", worst);
    // The 52 ms analysis span averages over the f0 slope (up to 1700 cents/s): ~16 cents of lag.
    assertTrue(worst < 25, "worst error " + worst + " cents");
  }

  @Test
  void reportsSilenceAndNoiseAsUnvoiced() {
    float[] silent = new float[RATE];
    for (float f : tracker.track16k(silent)) {
      assertEquals(0f, f);
    }
    java.util.Random random = new java.util.Random(7);
    float[] noise = new float[RATE];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (0.3 * random.nextGaussian());
    }
    float[] f0 = tracker.track16k(noise);
    long voiced = java.util.stream.IntStream.range(0, f0.length).filter(i -> f0[i] > 0).count();
    assertTrue(voiced < f0.length / 10, voiced + " of " + f0.length + " noise frames called voiced");
  }

  @Test
  void framesEveryTenMillisecondsAtAnyRate() {
    assertEquals(101, PitchTracker.frameCount(16000));
    AudioClip clip = AudioClip.mono(44100, VoiceSignals.sine(220, 44100, 1.0, 0.5));
    float[] f0 = tracker.track(clip);
    assertEquals(101, f0.length);
    assertTrue(Math.abs(VoiceSignals.cents(f0[50], 220)) < 2, "f0 " + f0[50]);
  }

  /**
   * espeak-ng speech against a reference from a different method: the normalised autocorrelation
   * peak, searched within half an octave of the tracker's value and kept only where it is clearly
   * periodic (peak > 0.85). And espeak's own pitch setting must move the tracked median.
   */
  @Test
  void tracksEspeakSpeechAgainstAutocorrelation(@TempDir Path dir) throws Exception {
    VoiceSignals.assumeEspeak("tracksEspeakSpeechAgainstAutocorrelation");
    List<Double> errors = new ArrayList<>();
    int gross = 0;
    double lowMedian = 0;
    double highMedian = 0;
    for (int pitch : new int[] {20, 50, 80}) {
      AudioClip speech =
          VoiceSignals.espeak(dir, "The quick brown fox jumps over the lazy dog, and sings a long song.", pitch);
      float[] samples = PitchTracker.toAnalysisRate(speech);
      float[] f0 = tracker.track16k(samples);
      for (int t = 0; t < f0.length; t++) {
        if (f0[t] <= 0) {
          continue;
        }
        double reference = autocorrelationF0(samples, t * PitchTracker.HOP, f0[t]);
        if (reference <= 0) {
          continue;
        }
        double error = Math.abs(VoiceSignals.cents(f0[t], reference));
        errors.add(error);
        gross += error > 50 ? 1 : 0;
      }
      double median = VoiceSignals.medianVoiced(f0, 0, f0.length);
      System.out.printf("espeak -p %d: median f0 %.1f Hz%n", pitch, median);
      if (pitch == 20) {
        lowMedian = median;
      }
      if (pitch == 80) {
        highMedian = median;
      }
    }
    double[] values = errors.stream().mapToDouble(Double::doubleValue).toArray();
    double median = VoiceSignals.percentile(values, 0.5);
    double p90 = VoiceSignals.percentile(values, 0.9);
    double mean = java.util.Arrays.stream(values).average().orElse(0);
    System.out.printf(
        "espeak speech vs autocorrelation: %d frames, median %.2f cents, mean %.2f, p90 %.2f, gross (>50 cents) %.2f%%%n",
        values.length, median, mean, p90, 100.0 * gross / values.length);
    assertTrue(values.length > 200, "too few comparable frames: " + values.length);
    assertTrue(median < 10, "median error " + median + " cents");
    assertTrue(p90 < 40, "p90 error " + p90 + " cents");
    assertTrue(gross < values.length * 0.05, gross + " gross errors of " + values.length);
    assertTrue(highMedian > lowMedian * 1.2, "espeak -p 80 should sound higher than -p 20: " + lowMedian + " vs " + highMedian);
  }

  /** f0 from the normalised autocorrelation's highest peak within half an octave of {@code near}; 0 if not clearly periodic. */
  private static double autocorrelationF0(float[] samples, int centre, double near) {
    int window = 640;
    int start = centre - window / 2;
    int minLag = (int) Math.floor(RATE / (near * Math.sqrt(2)));
    int maxLag = (int) Math.ceil(RATE * Math.sqrt(2) / near);
    if (start < 0 || start + window + maxLag + 1 >= samples.length) {
      return 0;
    }
    double[] r = new double[maxLag + 2];
    for (int lag = minLag - 1; lag <= maxLag + 1; lag++) {
      double cross = 0;
      double e0 = 0;
      double e1 = 0;
      for (int j = 0; j < window; j++) {
        double a = samples[start + j];
        double b = samples[start + j + lag];
        cross += a * b;
        e0 += a * a;
        e1 += b * b;
      }
      r[lag] = e0 > 0 && e1 > 0 ? cross / Math.sqrt(e0 * e1) : 0;
    }
    int best = minLag;
    for (int lag = minLag; lag <= maxLag; lag++) {
      if (r[lag] > r[best]) {
        best = lag;
      }
    }
    if (r[best] < 0.85 || best == minLag || best == maxLag) {
      return 0;
    }
    return RATE / (best + PitchTracker.parabolicOffset(-r[best - 1], -r[best], -r[best + 1]));
  }

  private static double worstCents(float[] f0, int from, int to, java.util.function.IntToDoubleFunction expected) {
    double worst = 0;
    for (int t = from; t < to; t++) {
      assertTrue(f0[t] > 0, "frame " + t + " unvoiced");
      worst = Math.max(worst, Math.abs(VoiceSignals.cents(f0[t], expected.applyAsDouble(t))));
    }
    return worst;
  }
}
