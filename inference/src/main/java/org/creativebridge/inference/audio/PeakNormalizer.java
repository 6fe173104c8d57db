package org.creativebridge.inference.audio;

/**
 * Scales a clip so its largest absolute sample sits at a target level in dBFS (0 dBFS = 1.0).
 * A silent clip is returned unchanged, since no gain can bring it to the target.
 *
 * <p>Thread-safety: stateless; every call returns a new clip and leaves its input unchanged.
 */
public final class PeakNormalizer {
  private PeakNormalizer() {}

  /** The largest absolute sample value (NaN ignored). */
  public static float peak(AudioClip clip) {
    float peak = 0;
    for (float sample : clip.samples()) {
      float magnitude = Math.abs(sample);
      if (magnitude > peak) {
        peak = magnitude;
      }
    }
    return peak;
  }

  /** The gain that brings {@code clip}'s peak to {@code targetDbfs}; 1 for silence. */
  public static double gainFor(AudioClip clip, double targetDbfs) {
    float peak = peak(clip);
    return peak == 0 ? 1 : dbfsToLinear(targetDbfs) / peak;
  }

  /**
   * @param targetDbfs the wanted peak, e.g. -1.0; at most +24 dBFS (float output may exceed 0 dBFS,
   *     but a larger target is surely a mistake)
   */
  public static AudioClip normalize(AudioClip clip, double targetDbfs) {
    if (!(targetDbfs <= 24)) {
      throw new IllegalArgumentException("target peak must be at most +24 dBFS: " + targetDbfs);
    }
    double gain = gainFor(clip, targetDbfs);
    float[] in = clip.samples();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = (float) (in[i] * gain);
    }
    return new AudioClip(clip.sampleRate(), clip.channels(), clip.format(), out);
  }

  public static double dbfsToLinear(double dbfs) {
    return Math.pow(10, dbfs / 20);
  }
}
