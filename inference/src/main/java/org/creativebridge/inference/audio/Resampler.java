package org.creativebridge.inference.audio;

/**
 * Band-limited sample-rate conversion between any two rates: a windowed-sinc polyphase filter
 * (Kaiser window) evaluated at each output sample's exact position in the input.
 *
 * <p><b>Response</b>, relative to the lower of the two Nyquist frequencies: flat passband to
 * 0.90, cutoff (-6 dB) at 0.95, stopband from 1.00 attenuated by at least {@value #STOPBAND_DB}
 * dB by design (Kaiser beta 11.16; the tests measure image and alias levels below -100 dB). So
 * content that would alias when going down, or images when going up, is removed before it can
 * fold into the audible band, and 0.9 x 22.05 kHz = 19.8 kHz survives a 44.1 kHz round trip.
 * Linear phase and no delay: output sample {@code j} is centred exactly on input time
 * {@code j * sourceRate / targetRate}. Each phase's taps sum to 1, so DC passes unchanged.
 *
 * <p><b>Phases:</b> the rate ratio reduced to lowest terms {@code L/M} gives L distinct output
 * positions; up to {@value #MAX_EXACT_PHASES} phases the filter for each is tabulated exactly
 * (44.1 to 48 kHz needs 160), beyond that (awkward ratios) a table of {@value #MAX_EXACT_PHASES}
 * phases is interpolated linearly, which adds error below -120 dB.
 *
 * <p><b>Length:</b> {@code round(frames * targetRate / sourceRate)} output frames; the input is
 * taken as silent beyond its ends.
 *
 * <p><b>Thread-safety:</b> immutable after construction; one instance may serve any number of
 * threads (each call allocates its own output).
 */
public final class Resampler {
  /** Designed stopband attenuation in dB. */
  public static final double STOPBAND_DB = 110;
  /** Passband edge as a fraction of the lower Nyquist frequency. */
  public static final double PASSBAND = 0.90;
  static final int MAX_EXACT_PHASES = 4096;

  private static final double CUTOFF = (PASSBAND + 1.0) / 2;
  private static final double KAISER_BETA = 0.1102 * (STOPBAND_DB - 8.7);

  private final int sourceRate;
  private final int targetRate;
  /** Output positions per input step, reduced: output j sits at input time j * step / phasesPerCycle. */
  private final long upFactor;
  private final long downFactor;
  private final int tableRows;
  private final int halfTaps;
  /** tableRows + 1 rows of 2 * halfTaps taps; row p is the filter for fractional position p / tableRows. */
  private final float[][] taps;

  public Resampler(int sourceRate, int targetRate) {
    if (sourceRate <= 0 || targetRate <= 0) {
      throw new IllegalArgumentException("rates must be positive: " + sourceRate + " -> " + targetRate);
    }
    this.sourceRate = sourceRate;
    this.targetRate = targetRate;
    long gcd = gcd(sourceRate, targetRate);
    this.upFactor = targetRate / gcd;
    this.downFactor = sourceRate / gcd;
    this.tableRows = (int) Math.min(upFactor, MAX_EXACT_PHASES);
    // Everything is in input samples: going down, the filter stretches by source/target.
    double bandScale = Math.min(1.0, (double) targetRate / sourceRate);
    double transitionWidth = 0.5 * (1.0 - PASSBAND) * bandScale; // cycles per input sample
    double length = (STOPBAND_DB - 8) / (2.285 * 2 * Math.PI * transitionWidth) + 1;
    double halfWidth = length / 2;
    this.halfTaps = (int) Math.ceil(halfWidth);
    this.taps = sourceRate == targetRate ? null : tabulate(CUTOFF * bandScale, halfWidth);
  }

  /** Converts {@code clip} to {@code targetRate}; returns {@code clip} itself when the rates match. */
  public static AudioClip resample(AudioClip clip, int targetRate) {
    return new Resampler(clip.sampleRate(), targetRate).resample(clip);
  }

  /** round(frames * targetRate / sourceRate), computed exactly. */
  public static long outputFrames(long inputFrames, int sourceRate, int targetRate) {
    return Math.floorDiv(2 * inputFrames * targetRate + sourceRate, 2L * sourceRate);
  }

  public int sourceRate() {
    return sourceRate;
  }

  public int targetRate() {
    return targetRate;
  }

  /** Taps per output sample (per channel): the cost of one output sample. */
  public int tapsPerOutputSample() {
    return 2 * halfTaps;
  }

  /** Converts every channel of {@code clip}, which must be at this resampler's source rate. */
  public AudioClip resample(AudioClip clip) {
    if (clip.sampleRate() != sourceRate) {
      throw new IllegalArgumentException(clip + " is not at this resampler's source rate " + sourceRate);
    }
    if (sourceRate == targetRate) {
      return clip;
    }
    int channels = clip.channels();
    int inFrames = clip.frames();
    int outFrames = Math.toIntExact(outputFrames(inFrames, sourceRate, targetRate));
    float[] out = new float[Math.multiplyExact(outFrames, channels)];
    float[] channel = new float[inFrames];
    float[] samples = clip.samples();
    for (int c = 0; c < channels; c++) {
      for (int f = 0; f < inFrames; f++) {
        channel[f] = samples[f * channels + c];
      }
      float[] converted = resampleChannel(channel);
      for (int f = 0; f < outFrames; f++) {
        out[f * channels + c] = converted[f];
      }
    }
    return new AudioClip(targetRate, channels, clip.format(), out);
  }

  /** Converts one channel of samples. */
  public float[] resampleChannel(float[] input) {
    int outFrames = Math.toIntExact(outputFrames(input.length, sourceRate, targetRate));
    float[] output = new float[outFrames];
    if (sourceRate == targetRate) {
      System.arraycopy(input, 0, output, 0, Math.min(outFrames, input.length));
      return output;
    }
    float[] blended = tableRows == upFactor ? null : new float[2 * halfTaps];
    for (int j = 0; j < outFrames; j++) {
      long position = j * downFactor;
      int base = (int) (position / upFactor);
      long remainder = position % upFactor;
      float[] filter;
      if (blended == null) {
        filter = taps[(int) remainder];
      } else {
        double row = (double) remainder * tableRows / upFactor;
        int lower = (int) row;
        float weight = (float) (row - lower);
        float[] a = taps[lower];
        float[] b = taps[lower + 1];
        for (int t = 0; t < blended.length; t++) {
          blended[t] = a[t] + weight * (b[t] - a[t]);
        }
        filter = blended;
      }
      output[j] = convolve(input, base - halfTaps + 1, filter);
    }
    return output;
  }

  /** sum of input[first + t] * filter[t], input taken as zero outside its bounds. */
  private static float convolve(float[] input, int first, float[] filter) {
    int from = Math.max(0, -first);
    int to = Math.min(filter.length, input.length - first);
    // Four partial sums keep the multiply-adds independent, so the CPU can overlap them.
    float sum0 = 0;
    float sum1 = 0;
    float sum2 = 0;
    float sum3 = 0;
    int t = from;
    for (; t + 3 < to; t += 4) {
      sum0 += input[first + t] * filter[t];
      sum1 += input[first + t + 1] * filter[t + 1];
      sum2 += input[first + t + 2] * filter[t + 2];
      sum3 += input[first + t + 3] * filter[t + 3];
    }
    for (; t < to; t++) {
      sum0 += input[first + t] * filter[t];
    }
    return (sum0 + sum1) + (sum2 + sum3);
  }

  private float[][] tabulate(double cutoff, double halfWidth) {
    float[][] table = new float[tableRows + 1][2 * halfTaps];
    double besselBeta = besselI0(KAISER_BETA);
    for (int row = 0; row <= tableRows; row++) {
      double fraction = (double) row / tableRows;
      double[] values = new double[2 * halfTaps];
      double sum = 0;
      for (int t = 0; t < values.length; t++) {
        // Tap t multiplies input[base - halfTaps + 1 + t]; the output sits at base + fraction.
        double offset = t - halfTaps + 1 - fraction;
        double x = offset / halfWidth;
        if (Math.abs(x) >= 1) {
          continue;
        }
        double window = besselI0(KAISER_BETA * Math.sqrt(1 - x * x)) / besselBeta;
        values[t] = cutoff * sinc(cutoff * offset) * window;
        sum += values[t];
      }
      for (int t = 0; t < values.length; t++) {
        table[row][t] = (float) (values[t] / sum);
      }
    }
    return table;
  }

  private static double sinc(double x) {
    if (Math.abs(x) < 1e-12) {
      return 1;
    }
    return Math.sin(Math.PI * x) / (Math.PI * x);
  }

  /** Modified Bessel function of the first kind, order 0, by its power series (converges fast for beta < 20). */
  static double besselI0(double x) {
    double sum = 1;
    double term = 1;
    double quarterSquare = x * x / 4;
    for (int k = 1; k < 200; k++) {
      term *= quarterSquare / ((double) k * k);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long r = a % b;
      a = b;
      b = r;
    }
    return a;
  }
}
