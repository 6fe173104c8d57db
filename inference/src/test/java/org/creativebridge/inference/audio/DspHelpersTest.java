package org.creativebridge.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DspHelpersTest {
  private static AudioClip clip(int channels, float... samples) {
    return new AudioClip(8000, channels, AudioClip.SampleFormat.FLOAT32, samples);
  }

  @Test
  void stereoToMonoIsTheMeanAndMonoToStereoCopies() {
    assertArrayEquals(new float[] {0.5f, -0.25f}, ChannelMixer.toMono(clip(2, 1f, 0f, -0.5f, 0f)).samples());
    assertArrayEquals(new float[] {0.5f, 0.5f, -1f, -1f}, ChannelMixer.toStereo(clip(1, 0.5f, -1f)).samples());
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, ChannelMixer.remix(clip(1, 0.25f), 3).samples());
  }

  @Test
  void upmixKeepsChannelsAndAddsSilenceAndDownmixAveragesByPosition() {
    assertArrayEquals(new float[] {0.1f, 0.2f, 0f, 0f}, ChannelMixer.remix(clip(2, 0.1f, 0.2f), 4).samples());
    assertArrayEquals(new float[] {0.5f, 0.25f}, ChannelMixer.remix(clip(4, 1f, 0.5f, 0f, 0f), 2).samples());
    assertArrayEquals(new float[] {1f / 3, 0.5f, 1f / 3},
        ChannelMixer.remix(clip(3, 1f / 3, 0.5f, 1f / 3), 3).samples());
  }

  @Test
  void fivePointOneDownmixUsesMinusThreeDecibelCentreAndSurroundsAndDropsLfe() {
    AudioClip mixed = ChannelMixer.toStereo(clip(6, 1f, 1f, 1f, 1f, 1f, 1f));
    assertArrayEquals(new float[] {1f, 1f}, mixed.samples(), 1e-6f);
    AudioClip lfeOnly = ChannelMixer.toStereo(clip(6, 0f, 0f, 0f, 1f, 0f, 0f));
    assertArrayEquals(new float[] {0f, 0f}, lfeOnly.samples());
    float norm = (float) (1 / (1 + Math.sqrt(2)));
    AudioClip centre = ChannelMixer.toStereo(clip(6, 0f, 0f, 1f, 0f, 0f, 0f));
    assertArrayEquals(new float[] {norm * (float) Math.sqrt(0.5), norm * (float) Math.sqrt(0.5)},
        centre.samples(), 1e-7f);
  }

  @Test
  void peakNormalisationReachesTheTargetExactly() {
    AudioClip clip = clip(2, 0.25f, -0.5f, 0.125f, 0f);
    assertArrayEquals(new float[] {0.5f, -1f, 0.25f, 0f}, PeakNormalizer.normalize(clip, 0).samples());
    AudioClip minusSix = PeakNormalizer.normalize(clip, -6.020599913279624);
    assertArrayEquals(new float[] {0.25f, -0.5f, 0.125f, 0f}, minusSix.samples(), 1e-7f);
    AudioClip silence = clip(1, 0f, 0f);
    assertArrayEquals(new float[] {0f, 0f}, PeakNormalizer.normalize(silence, -1).samples());
    assertArrayEquals(new float[] {0.25f, -0.5f, 0.125f, 0f}, clip.samples(), "input left unchanged");
    assertThrows(IllegalArgumentException.class, () -> PeakNormalizer.normalize(clip, Double.NaN));
  }

  @Test
  void silenceTrimmingKeepsTheSoundAndAPad() {
    float quiet = 0.0005f; // -66 dBFS: silence for a -60 dBFS threshold
    AudioClip clip = clip(1, 0f, quiet, 0f, 0f, 0.5f, 0.01f, -0.3f, 0f, quiet, 0f, 0f);
    assertArrayEquals(new float[] {0.5f, 0.01f, -0.3f}, SilenceTrimmer.trimFrames(clip, -60, 0).samples());
    assertArrayEquals(new float[] {0f, 0f, 0.5f, 0.01f, -0.3f, 0f, quiet},
        SilenceTrimmer.trimFrames(clip, -60, 2).samples());
    assertArrayEquals(clip.samples(), SilenceTrimmer.trimFrames(clip, -60, 100).samples());
    assertEquals(0, SilenceTrimmer.trimFrames(clip(1, 0f, quiet), -60, 3).frames());
    // Pad in seconds: 2 frames at 8 kHz.
    assertEquals(7, SilenceTrimmer.trim(clip, -60, 2 / 8000.0).frames());
  }

  @Test
  void silenceTrimmingLooksAtEveryChannel() {
    AudioClip stereo = clip(2, 0f, 0f, 0f, 0.2f, 0.3f, 0f, 0f, 0f);
    assertArrayEquals(new float[] {0f, 0.2f, 0.3f, 0f}, SilenceTrimmer.trimFrames(stereo, -40, 0).samples());
  }
}
