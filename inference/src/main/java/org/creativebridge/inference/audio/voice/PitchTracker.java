package org.creativebridge.inference.audio.voice;

import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.audio.ChannelMixer;
import org.creativebridge.inference.audio.Resampler;

/**
 * Fundamental-frequency tracker for monophonic voice: YIN (de Cheveigné and Kawahara 2002) with
 * its difference function computed through an FFT, at {@value #FRAME_RATE} frames per second.
 *
 * <p>Audio is mixed to mono and brought to {@value #ANALYSIS_RATE} Hz first, so the hop is
 * {@value #HOP} samples (10 ms). Frame {@code t} is centred on sample {@code t * HOP}, the audio
 * taken as silent beyond its ends, and a take of {@code n} samples at 16 kHz has
 * {@code n / HOP + 1} frames: the framing RVC and RMVPE use. Unvoiced and silent frames are 0.
 *
 * <p>Per frame: the cumulative-mean-normalised difference d'(tau) over a 32 ms integration window
 * for lags between the periods of {@code maxHz} and {@code minHz}; the first lag whose d' falls
 * under {@value #DIP_THRESHOLD}, followed down to its local minimum, refined by a parabola. If no
 * lag dips that low the global minimum is taken, and the frame counts as voiced only while that
 * minimum stays under {@value #VOICED_THRESHOLD} (a clearly periodic frame) and the frame is louder
 * than {@value #SILENCE_DBFS} dBFS.
 *
 * <p>Thread-safety: immutable; one instance may track any number of takes at once.
 */
public final class PitchTracker {
  /** Frames per second of every f0 track. */
  public static final int FRAME_RATE = 100;
  /** The rate audio is analysed at. */
  public static final int ANALYSIS_RATE = 16000;
  /** Samples between frames at {@link #ANALYSIS_RATE}. */
  public static final int HOP = ANALYSIS_RATE / FRAME_RATE;
  /** RVC's f0 range: the lowest and highest f0 its coarse pitch bins cover. */
  public static final double DEFAULT_MIN_HZ = 50;
  public static final double DEFAULT_MAX_HZ = 1100;

  static final double DIP_THRESHOLD = 0.12;
  static final double VOICED_THRESHOLD = 0.3;
  static final double SILENCE_DBFS = -55;

  /** 32 ms: long enough to hold one period of the lowest voice, short enough to follow vibrato. */
  private static final int INTEGRATION_WINDOW = 512;

  private final double minHz;
  private final double maxHz;
  private final int minLag;
  private final int maxLag;
  private final int segmentLength;
  private final RealFft fft;
  private final double silenceEnergy;

  /** A tracker over RVC's range, 50..1100 Hz. */
  public PitchTracker() {
    this(DEFAULT_MIN_HZ, DEFAULT_MAX_HZ);
  }

  /** A tracker for f0 between {@code minHz} and {@code maxHz}. */
  public PitchTracker(double minHz, double maxHz) {
    if (!(minHz >= 20 && maxHz > minHz && maxHz <= ANALYSIS_RATE / 4.0)) {
      throw new IllegalArgumentException("f0 range must satisfy 20 <= min < max <= 4000 Hz: " + minHz + ".." + maxHz);
    }
    this.minHz = minHz;
    this.maxHz = maxHz;
    this.minLag = Math.max(2, (int) Math.floor(ANALYSIS_RATE / maxHz));
    this.maxLag = (int) Math.ceil(ANALYSIS_RATE / minHz) + 1;
    this.segmentLength = INTEGRATION_WINDOW + maxLag + 1;
    this.fft = new RealFft(RealFft.atLeast(segmentLength + INTEGRATION_WINDOW));
    double amplitude = Math.pow(10, SILENCE_DBFS / 20);
    this.silenceEnergy = amplitude * amplitude * INTEGRATION_WINDOW;
  }

  public double minHz() {
    return minHz;
  }

  public double maxHz() {
    return maxHz;
  }

  /** Frames of a take of {@code samples} samples at 16 kHz. */
  public static int frameCount(int samples) {
    return samples / HOP + 1;
  }

  /** f0 in Hz at 100 frames/s for any clip: mixed to mono, resampled to 16 kHz first. */
  public float[] track(AudioClip clip) {
    return track16k(toAnalysisRate(clip));
  }

  /** {@code clip} as mono samples at {@value #ANALYSIS_RATE} Hz. */
  public static float[] toAnalysisRate(AudioClip clip) {
    AudioClip mono = ChannelMixer.toMono(clip);
    return Resampler.resample(mono, ANALYSIS_RATE).samples();
  }

  /** f0 in Hz of mono samples at 16 kHz, one value per frame, 0 where unvoiced. */
  public float[] track16k(float[] samples) {
    int frames = frameCount(samples.length);
    float[] f0 = new float[frames];
    Workspace work = new Workspace(fft.size(), segmentLength);
    for (int t = 0; t < frames; t++) {
      f0[t] = (float) frameF0(samples, t * HOP, work);
    }
    return f0;
  }

  /** Scratch arrays reused across one take's frames (one per call, so calls never share). */
  private static final class Workspace {
    final double[] segmentRe;
    final double[] segmentIm;
    final double[] windowRe;
    final double[] windowIm;
    final double[] segment;
    final double[] difference;

    Workspace(int fftSize, int segmentLength) {
      segmentRe = new double[fftSize];
      segmentIm = new double[fftSize];
      windowRe = new double[fftSize];
      windowIm = new double[fftSize];
      segment = new double[segmentLength];
      difference = new double[segmentLength];
    }
  }

  private double frameF0(float[] samples, int centre, Workspace work) {
    // The integration window starts half a window before the centre; lags reach forward from it.
    int start = centre - INTEGRATION_WINDOW / 2 - maxLag / 2;
    double[] segment = work.segment;
    for (int i = 0; i < segmentLength; i++) {
      int at = start + i;
      segment[i] = at >= 0 && at < samples.length ? samples[at] : 0;
    }
    double windowEnergy = 0;
    for (int j = 0; j < INTEGRATION_WINDOW; j++) {
      windowEnergy += segment[j] * segment[j];
    }
    double[] d = lagDifferences(segment, windowEnergy, work);
    if (windowEnergy < silenceEnergy) {
      return 0;
    }
    // Cumulative-mean normalisation: d'(tau) = d(tau) * tau / sum_{1..tau} d.
    double running = 0;
    double[] normalised = work.difference;
    normalised[0] = 1;
    for (int lag = 1; lag <= maxLag; lag++) {
      running += d[lag];
      normalised[lag] = running > 0 ? d[lag] * lag / running : 1;
    }
    int best = -1;
    for (int lag = minLag; lag <= maxLag; lag++) {
      if (normalised[lag] < DIP_THRESHOLD) {
        while (lag + 1 <= maxLag && normalised[lag + 1] < normalised[lag]) {
          lag++;
        }
        best = lag;
        break;
      }
    }
    if (best < 0) {
      best = minLag;
      for (int lag = minLag + 1; lag <= maxLag; lag++) {
        if (normalised[lag] < normalised[best]) {
          best = lag;
        }
      }
      if (normalised[best] >= VOICED_THRESHOLD) {
        return 0;
      }
    }
    if (best <= minLag || best >= maxLag) {
      return 0; // a dip at the edge of the range is a pitch outside it
    }
    double refined = best + parabolicOffset(normalised[best - 1], normalised[best], normalised[best + 1]);
    double f0 = ANALYSIS_RATE / refined;
    return f0 >= minHz && f0 <= maxHz ? f0 : 0;
  }

  /**
   * d(tau) = sum_j (x_j - x_{j+tau})^2 over the integration window, for tau in 0..maxLag, as
   * E(0) + E(tau) - 2 r(tau) with the cross term r from one FFT correlation: O(N log N) per frame
   * instead of the O(N * lags) direct sum.
   */
  private double[] lagDifferences(double[] segment, double windowEnergy, Workspace work) {
    int n = fft.size();
    double[] aRe = work.segmentRe;
    double[] aIm = work.segmentIm;
    double[] bRe = work.windowRe;
    double[] bIm = work.windowIm;
    java.util.Arrays.fill(aRe, 0);
    java.util.Arrays.fill(aIm, 0);
    java.util.Arrays.fill(bRe, 0);
    java.util.Arrays.fill(bIm, 0);
    System.arraycopy(segment, 0, aRe, 0, segmentLength);
    System.arraycopy(segment, 0, bRe, 0, INTEGRATION_WINDOW);
    fft.forward(aRe, aIm);
    fft.forward(bRe, bIm);
    for (int k = 0; k < n; k++) {
      // A * conj(B): the correlation of the window with the segment at every forward lag.
      double re = aRe[k] * bRe[k] + aIm[k] * bIm[k];
      double im = aIm[k] * bRe[k] - aRe[k] * bIm[k];
      aRe[k] = re;
      aIm[k] = im;
    }
    fft.inverse(aRe, aIm);
    double[] d = new double[maxLag + 1];
    double shiftedEnergy = windowEnergy;
    for (int lag = 0; lag <= maxLag; lag++) {
      if (lag > 0) {
        double leaving = segment[lag - 1];
        double entering = segment[lag + INTEGRATION_WINDOW - 1];
        shiftedEnergy += entering * entering - leaving * leaving;
      }
      d[lag] = Math.max(0, windowEnergy + shiftedEnergy - 2 * aRe[lag]);
    }
    return d;
  }

  /** Where the parabola through three equally spaced points has its extremum, relative to the middle. */
  static double parabolicOffset(double left, double middle, double right) {
    double denominator = left - 2 * middle + right;
    if (Math.abs(denominator) < 1e-12) {
      return 0;
    }
    double offset = 0.5 * (left - right) / denominator;
    return Math.max(-1, Math.min(1, offset));
  }
}
