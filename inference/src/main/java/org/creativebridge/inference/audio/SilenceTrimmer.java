package org.creativebridge.inference.audio;

import java.util.Arrays;

/**
 * Cuts leading and trailing silence: frames in which no channel's absolute value exceeds a
 * threshold in dBFS. A pad of the original audio is kept on each side (clamped to the clip), so
 * soft onsets and decays below the threshold are not clipped off. An all-silent clip trims to
 * zero frames.
 *
 * <p>Thread-safety: stateless; every call returns a new clip and leaves its input unchanged.
 */
public final class SilenceTrimmer {
  private SilenceTrimmer() {}

  /**
   * @param thresholdDbfs a frame louder than this in any channel is sound, e.g. -60
   * @param padSeconds audio kept before the first and after the last sound frame, e.g. 0.05
   */
  public static AudioClip trim(AudioClip clip, double thresholdDbfs, double padSeconds) {
    if (!(padSeconds >= 0)) {
      throw new IllegalArgumentException("pad must be zero or positive: " + padSeconds);
    }
    int padFrames = (int) Math.min(Integer.MAX_VALUE, Math.round(padSeconds * clip.sampleRate()));
    return trimFrames(clip, thresholdDbfs, padFrames);
  }

  /** As {@link #trim}, with the pad in frames. */
  public static AudioClip trimFrames(AudioClip clip, double thresholdDbfs, int padFrames) {
    if (padFrames < 0) {
      throw new IllegalArgumentException("pad must be zero or positive: " + padFrames);
    }
    float threshold = (float) PeakNormalizer.dbfsToLinear(thresholdDbfs);
    int channels = clip.channels();
    float[] samples = clip.samples();
    int frames = clip.frames();
    int first = 0;
    while (first < frames && isSilent(samples, first * channels, channels, threshold)) {
      first++;
    }
    if (first == frames) {
      return new AudioClip(clip.sampleRate(), channels, clip.format(), new float[0]);
    }
    int last = frames - 1;
    while (isSilent(samples, last * channels, channels, threshold)) {
      last--;
    }
    int start = Math.max(0, first - padFrames);
    int end = (int) Math.min(frames, (long) last + 1 + padFrames);
    return new AudioClip(clip.sampleRate(), channels, clip.format(),
        Arrays.copyOfRange(samples, start * channels, end * channels));
  }

  private static boolean isSilent(float[] samples, int offset, int channels, float threshold) {
    for (int c = 0; c < channels; c++) {
      if (Math.abs(samples[offset + c]) > threshold) {
        return false;
      }
    }
    return true;
  }
}
