package org.creativebridge.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResamplerTest {
  @Test
  void roundTripFrom44100To48000AndBackKeepsAOneKilohertzToneClean() {
    int frames = 3 * 44100;
    AudioClip tone = AudioClip.mono(44100, Signals.sine(1000, 44100, frames, 0.5));
    AudioClip up = Resampler.resample(tone, 48000);
    AudioClip back = Resampler.resample(up, 44100);
    assertEquals(frames, back.frames());
    int margin = 4410;
    double upFrequency = Signals.zeroCrossingFrequency(up.samples(), 48000, 4800, up.frames() - 4800);
    double backFrequency = Signals.zeroCrossingFrequency(back.samples(), 44100, margin, frames - margin);
    assertEquals(1000, upFrequency, 0.1);
    assertEquals(1000, backFrequency, 0.1);
    double residual = Signals.residualDb(back.samples(), 44100, 1000, margin, frames - margin);
    System.out.printf("resampler: 1 kHz 44.1k->48k->44.1k THD+N %.1f dB%n", residual);
    assertTrue(residual < -100, "THD+N " + residual + " dB");
    // Away from the edges the round trip reproduces the input closely, in amplitude and phase.
    for (int i = margin; i < frames - margin; i++) {
      assertEquals(tone.samples()[i], back.samples()[i], 2e-5);
    }
  }

  @Test
  void upsamplingRejectsImagesOfAHighTone() {
    int frames = 2 * 44100;
    AudioClip tone = AudioClip.mono(44100, Signals.sine(19000, 44100, frames, 0.5));
    AudioClip up = Resampler.resample(tone, 48000);
    // The image of 19 kHz at 44.1 kHz lies at 25.1 kHz and would fold to 22.9 kHz at 48 kHz.
    double residual = Signals.residualDb(up.samples(), 48000, 19000, 4800, up.frames() - 4800);
    System.out.printf("resampler: 19 kHz 44.1k->48k image+noise %.1f dB%n", residual);
    assertTrue(residual < -100, "image level " + residual + " dB");
  }

  @Test
  void downsamplingASweepAboveTheNewNyquistLeavesAliasesBelowMinus60Db() {
    int frames = 4 * 48000;
    float[] sweep = Signals.sweep(8100, 23900, 48000, frames, 0.5);
    AudioClip down = Resampler.resample(AudioClip.mono(48000, sweep), 16000);
    // The sweep's abrupt start and end are broadband clicks that rightly pass: measured between them.
    double alias = 20 * Math.log10(Signals.rms(down.samples(), 1600, down.frames() - 1600)
        / Signals.rms(sweep, 0, frames));
    System.out.printf("resampler: 48k->16k sweep 8.1-23.9 kHz aliases %.1f dB%n", alias);
    assertTrue(alias < -60, "alias level " + alias + " dB");
    assertTrue(alias < -95, "alias level " + alias + " dB (design stopband " + Resampler.STOPBAND_DB + ")");

    float[] inBand = Signals.sweep(100, 7000, 48000, frames, 0.5);
    AudioClip passed = Resampler.resample(AudioClip.mono(48000, inBand), 16000);
    double gain = 20 * Math.log10(Signals.rms(passed.samples(), 1600, passed.frames() - 1600)
        / Signals.rms(inBand, 4800, frames - 4800));
    assertEquals(0, gain, 0.01, "passband gain");
  }

  @Test
  void dcStaysDcAwayFromTheEdges() {
    for (int[] rates : new int[][] {{44100, 48000}, {48000, 16000}, {22050, 44100}, {44100, 47999}, {8000, 44100}}) {
      float[] dc = new float[rates[0]];
      java.util.Arrays.fill(dc, 0.5f);
      Resampler resampler = new Resampler(rates[0], rates[1]);
      float[] out = resampler.resampleChannel(dc);
      int edge = resampler.tapsPerOutputSample() * rates[1] / rates[0] + 2;
      for (int i = edge; i < out.length - edge; i++) {
        assertEquals(0.5f, out[i], 2e-6f, rates[0] + "->" + rates[1] + " at " + i);
      }
    }
  }

  @Test
  void outputLengthIsTheRoundedRatio() {
    int[][] pairs = {{44100, 48000}, {48000, 44100}, {48000, 16000}, {16000, 48000}, {44100, 47999}, {8000, 44100},
        {96000, 44100}};
    for (int[] rates : pairs) {
      for (int n : new int[] {0, 1, 2, 3, 7, 100, 44101, 48000}) {
        long expected = Math.round((double) n * rates[1] / rates[0]);
        assertEquals(expected, Resampler.outputFrames(n, rates[0], rates[1]));
        assertEquals(expected, new Resampler(rates[0], rates[1]).resampleChannel(new float[n]).length,
            rates[0] + "->" + rates[1] + " n=" + n);
      }
    }
  }

  @Test
  void stereoChannelsAreConvertedIndependentlyAndEqualRatesReturnTheClip() {
    float[] left = Signals.sine(440, 32000, 3200, 0.5);
    float[] stereo = new float[6400];
    for (int i = 0; i < 3200; i++) {
      stereo[2 * i] = left[i];
      stereo[2 * i + 1] = -left[i];
    }
    AudioClip clip = new AudioClip(32000, 2, AudioClip.SampleFormat.PCM16, stereo);
    AudioClip out = Resampler.resample(clip, 44100);
    assertEquals(2, out.channels());
    assertEquals(AudioClip.SampleFormat.PCM16, out.format());
    for (int i = 0; i < out.frames(); i++) {
      assertEquals(out.sample(i, 0), -out.sample(i, 1), 1e-7);
    }
    assertSame(clip, Resampler.resample(clip, 32000));
  }
}
