package org.creativebridge.inference.audio.voice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.audio.AudioCodec;
import org.junit.jupiter.api.Assumptions;

/** Synthetic voices and measurements for the voice tests. */
final class VoiceSignals {
  static final String ESPEAK = "/usr/bin/espeak-ng";

  private VoiceSignals() {}

  static float[] sine(double hz, int rate, double seconds, double amplitude) {
    float[] out = new float[(int) Math.round(seconds * rate)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return out;
  }

  /**
   * A band-limited sawtooth whose f0 follows {@code f0AtSeconds}: harmonics summed up to 0.45 x
   * the rate, each with phase integrated from the instantaneous f0, so vibrato stays alias-free.
   */
  static float[] sawtooth(DoubleUnaryOperator f0AtSeconds, int rate, double seconds, double amplitude) {
    int n = (int) Math.round(seconds * rate);
    float[] out = new float[n];
    double phase = 0;
    for (int i = 0; i < n; i++) {
      double f0 = f0AtSeconds.applyAsDouble((double) i / rate);
      double value = 0;
      int harmonics = (int) (0.45 * rate / f0);
      for (int h = 1; h <= harmonics; h++) {
        value += Math.sin(h * phase) / h;
      }
      out[i] = (float) (amplitude * value * 2 / Math.PI);
      phase += 2 * Math.PI * f0 / rate;
      if (phase > 2 * Math.PI * 1000) {
        phase -= 2 * Math.PI * 1000;
      }
    }
    return out;
  }

  static float[] sawtooth(double f0, int rate, double seconds, double amplitude) {
    return sawtooth(t -> f0, rate, seconds, amplitude);
  }

  /**
   * {@code input} through resonators in series (a synthetic vowel): each a two-pole filter at a
   * formant frequency with the given bandwidth, normalised to unit gain at its centre.
   */
  static float[] formantFilter(float[] input, int rate, double[] formants, double bandwidth) {
    double[] signal = new double[input.length];
    for (int i = 0; i < input.length; i++) {
      signal[i] = input[i];
    }
    for (double formant : formants) {
      double r = Math.exp(-Math.PI * bandwidth / rate);
      double theta = 2 * Math.PI * formant / rate;
      double a1 = 2 * r * Math.cos(theta);
      double a2 = -r * r;
      double gain = (1 - r) * Math.sqrt(1 - 2 * r * Math.cos(2 * theta) + r * r);
      double y1 = 0;
      double y2 = 0;
      for (int i = 0; i < signal.length; i++) {
        double y = gain * signal[i] + a1 * y1 + a2 * y2;
        y2 = y1;
        y1 = y;
        signal[i] = y;
      }
    }
    double peak = 0;
    for (double v : signal) {
      peak = Math.max(peak, Math.abs(v));
    }
    float[] out = new float[input.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (0.5 * signal[i] / peak);
    }
    return out;
  }

  static double cents(double measured, double reference) {
    return 1200 * Math.log(measured / reference) / Math.log(2);
  }

  /** The median of the voiced frames in {@code from..to}, 0 if none. */
  static double medianVoiced(float[] f0, int from, int to) {
    double[] voiced = java.util.stream.IntStream.range(from, Math.min(to, f0.length))
        .filter(i -> f0[i] > 0)
        .mapToDouble(i -> f0[i])
        .sorted()
        .toArray();
    return voiced.length == 0 ? 0 : voiced[voiced.length / 2];
  }

  static double percentile(double[] values, double fraction) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(fraction * sorted.length))];
  }

  /** Skips the calling test loudly where espeak-ng is missing. */
  static void assumeEspeak(String testName) {
    if (!Files.isExecutable(Path.of(ESPEAK))) {
      String why = "SKIPPED " + testName + ": " + ESPEAK + " is missing; install Debian's espeak-ng";
      System.err.println(why);
      Assumptions.abort(why);
    }
  }

  /** Speech from espeak-ng at base pitch {@code pitch} (its -p, 0..99). */
  static AudioClip espeak(Path dir, String text, int pitch) throws IOException, InterruptedException, EngineException {
    Path wav = dir.resolve("espeak-" + pitch + "-" + Math.abs(text.hashCode()) + ".wav");
    Process process =
        new ProcessBuilder(List.of(ESPEAK, "-p", Integer.toString(pitch), "-w", wav.toString(), text))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("espeak-ng failed: " + output);
    }
    return AudioCodec.decode(wav, "audio/wav", AudioCodec.Limits.defaults());
  }
}
