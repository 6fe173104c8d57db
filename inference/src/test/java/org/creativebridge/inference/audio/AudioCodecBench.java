package org.creativebridge.inference.audio;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Throughput of the WAV codec and real-time factor of the resampler on 60 s of stereo. Run with -Dgroups=bench. */
@Tag("bench")
class AudioCodecBench {
  @TempDir Path dir;

  private static final int SECONDS = 60;

  private static AudioClip stereo(int rate) {
    float[] left = Signals.sweep(20, rate * 0.45, rate, SECONDS * rate, 0.5);
    float[] samples = new float[left.length * 2];
    for (int i = 0; i < left.length; i++) {
      samples[2 * i] = left[i];
      samples[2 * i + 1] = -left[i];
    }
    return new AudioClip(rate, 2, AudioClip.SampleFormat.FLOAT32, samples);
  }

  private static double best(Runnable work) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 4; i++) { // the first runs warm the JIT up
      long start = System.nanoTime();
      work.run();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return best;
  }

  @Test
  void wavEncodeAndDecodeThroughput() throws Exception {
    AudioClip clip = stereo(48000);
    for (WavEncoding encoding : WavEncoding.values()) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      AudioCodec.writeWav(clip, encoding, Map.of(), buffer);
      double megabytes = buffer.size() / 1e6;
      double encode = best(() -> {
        try {
          AudioCodec.writeWav(clip, encoding, Map.of(), OutputStream.nullOutputStream());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Path file = Files.write(dir.resolve(encoding + ".wav"), buffer.toByteArray());
      double decode = best(() -> {
        try {
          AudioCodec.decode(file, "audio/wav", AudioCodec.Limits.defaults());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      System.out.printf("bench: WAV %s 60 s stereo 48 kHz (%.1f MB): encode %.0f MB/s, decode %.0f MB/s%n",
          encoding, megabytes, megabytes / encode, megabytes / decode);
    }
  }

  @Test
  void resamplerRealTimeFactor() {
    for (int[] rates : new int[][] {{48000, 16000}, {44100, 48000}}) {
      AudioClip clip = stereo(rates[0]);
      Resampler resampler = new Resampler(rates[0], rates[1]);
      double seconds = best(() -> resampler.resample(clip));
      System.out.printf("bench: resample %d->%d 60 s stereo: %.3f s, real-time factor %.4f (%d taps/sample)%n",
          rates[0], rates[1], seconds, seconds / SECONDS, resampler.tapsPerOutputSample());
    }
  }
}
