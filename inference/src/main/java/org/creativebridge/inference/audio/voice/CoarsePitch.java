package org.creativebridge.inference.audio.voice;

/**
 * RVC's pitch inputs: the coarse mel bin {@code pitch} (int64, 1..255) and the key shift applied to
 * {@code pitchf} (Hz).
 *
 * <p>The coarse bin: {@code mel = 1127 ln(1 + f0 / 700)}, mapped linearly so that mel(50 Hz) lands
 * on 1 and mel(1100 Hz) on 255, rounded half to even (numpy's {@code rint}), clamped to 1..255;
 * unvoiced frames (f0 = 0) are 1. The same formula RVC's training used, so the generator sees the
 * bins it learned.
 *
 * <p>Thread-safety: stateless.
 */
public final class CoarsePitch {
  public static final double MIN_HZ = 50;
  public static final double MAX_HZ = 1100;
  public static final int UNVOICED = 1;
  public static final int MAX_BIN = 255;

  private static final double MEL_MIN = mel(MIN_HZ);
  private static final double MEL_MAX = mel(MAX_HZ);

  private CoarsePitch() {}

  /** The HTK-style mel value RVC uses: 1127 ln(1 + hz / 700). */
  public static double mel(double hz) {
    return 1127 * Math.log(1 + hz / 700);
  }

  /** The coarse bin 1..255 of {@code f0Hz}; 1 for unvoiced (0 or negative). */
  public static long bin(double f0Hz) {
    if (!(f0Hz > 0)) {
      return UNVOICED;
    }
    double scaled = (mel(f0Hz) - MEL_MIN) * (MAX_BIN - 1) / (MEL_MAX - MEL_MIN) + 1;
    if (scaled <= 1) {
      return UNVOICED;
    }
    if (scaled > MAX_BIN) {
      return MAX_BIN;
    }
    return (long) Math.rint(scaled);
  }

  /** The coarse bins of a track. */
  public static long[] bins(float[] f0Hz) {
    long[] bins = new long[f0Hz.length];
    for (int i = 0; i < bins.length; i++) {
      bins[i] = bin(f0Hz[i]);
    }
    return bins;
  }

  /** {@code f0Hz} moved by {@code semitones}; unvoiced frames stay 0. Returns a new array. */
  public static float[] shifted(float[] f0Hz, double semitones) {
    double ratio = Math.pow(2, semitones / 12);
    float[] out = new float[f0Hz.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = f0Hz[i] > 0 ? (float) (f0Hz[i] * ratio) : 0f;
    }
    return out;
  }
}
