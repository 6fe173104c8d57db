package org.creativebridge.inference.audio.voice;

import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.audio.Resampler;

/**
 * Pitch shift that moves the harmonics but not the spectral envelope, so a voice moves up or down
 * without the chipmunk (or giant) effect, and the envelope can be moved on its own (a formant
 * shift).
 *
 * <p><b>Method</b>: a phase vocoder stretches the take in time by the pitch ratio, then the band-
 * limited {@link Resampler} plays it back at the original length, which moves every frequency by
 * that ratio. Stretch-then-resample keeps each partial's shape intact (moving bins within one
 * spectrum cannot), so the shifted pitch is exact and free of beating. While stretching, each
 * frame's magnitudes are multiplied by {@code env(k * pitchRatio / envelopeRatio) / env(k)}: after
 * the resampling, that leaves the envelope at {@code envelopeRatio} times its old frequencies (1 to
 * keep the formants), whatever the pitch did.
 *
 * <p><b>Envelope</b>: the mid spectrum's (the channels' mean) "true envelope": iterated cepstral
 * smoothing that rests on the harmonic peaks instead of the valleys between them, keeping
 * quefrencies under {@value #LIFTER_PERIODS} of the pitch period. Röbel and Rodet allow up to half
 * a period, but this sharp lifter rings into a ripple at about the harmonic spacing from 0.4 on,
 * and below 0.3 F1 and F2 of a low voice merge (a Hann-tapered lifter merged them at any length
 * that did not ripple); measured on synthetic vowels, see PitchShiftEngineTest. The period
 * comes from {@link PitchTracker} run once over the mid signal (nearest voiced frame within 50 ms,
 * else the take's median f0, else a {@value #DEFAULT_LIFTER_SECONDS} s lifter).
 *
 * <p><b>Phases</b>: Hann frames of about 46 ms, synthesis hop a quarter frame, analysis hop that
 * over the pitch ratio. Synthesis phases advance by each bin's measured frequency, and bins around
 * each spectral peak are locked to the peak's phase with their analysis offsets (identity phase
 * locking, Laroche and Dolson), which keeps partials coherent and avoids "phasiness". With pitch
 * ratio 1 nothing is stretched: the analysis phases are used as they are, so an envelope-only
 * change (or none) leaves transients untouched and zero shift reconstructs the input.
 *
 * <p><b>Channels</b>: one set of frequencies and synthesis phases from the mid signal drives every
 * channel; each channel keeps its own magnitudes and its phase offset from the mid, so the stereo
 * image (inter-channel level and phase differences) survives the shift.
 *
 * <p><b>Length</b>: the input is taken as silent beyond its ends and the output has exactly the
 * input's length and rate. Memory: besides input and output, one float buffer of the stretched
 * take per channel (pitch ratio x input length).
 *
 * <p>Thread-safety: immutable; one instance may shift any number of takes at once (each call keeps
 * its own state).
 */
final class FormantPreservingShifter {
  /** The lifter where no f0 is known (unvoiced takes): 2 ms, 0.35 periods of a 175 Hz voice. */
  static final double DEFAULT_LIFTER_SECONDS = 0.002;
  /** The lifter as a fraction of the pitch period. */
  static final double LIFTER_PERIODS = 0.35;
  static final int ENVELOPE_ITERATIONS = 8;
  /** The envelope is computed on the spectrum decimated by this factor (peak-held); see spectralEnvelope. */
  private static final int DECIMATION = 2;
  static final double ENVELOPE_TOLERANCE_NEPERS = 0.23;
  private static final double FRAME_SECONDS = 0.046;
  private static final int OVERLAP = 4;
  /** How often (in frames) to look for a cancel and report progress. */
  private static final int FRAMES_PER_BLOCK = 64;
  private static final double TWO_PI = 2 * Math.PI;

  private final int sampleRate;
  private final int frameSize;
  private final int hop;
  private final int bins;
  private final RealFft fft;
  private final RealFft envelopeFft;
  private final double[] window;
  /** Overlap-added squared windows at the synthesis hop: the gain to divide out. */
  private final double windowGain;

  FormantPreservingShifter(int sampleRate) {
    this.sampleRate = sampleRate;
    this.frameSize = Math.max(256, RealFft.atLeast((int) Math.round(sampleRate * FRAME_SECONDS)));
    this.hop = frameSize / OVERLAP;
    this.bins = frameSize / 2 + 1;
    this.fft = new RealFft(frameSize);
    this.envelopeFft = new RealFft(frameSize / DECIMATION);
    this.window = new double[frameSize];
    double sumSquares = 0;
    for (int i = 0; i < frameSize; i++) {
      window[i] = 0.5 - 0.5 * Math.cos(TWO_PI * i / frameSize); // periodic Hann: overlap-adds flat
      sumSquares += window[i] * window[i];
    }
    this.windowGain = sumSquares / hop;
  }

  int frameSize() {
    return frameSize;
  }

  int sampleRate() {
    return sampleRate;
  }

  /**
   * Shifts planar channels (all the same length).
   *
   * @param pitchRatio frequency factor for the harmonics, e.g. 2 for an octave up
   * @param envelopeRatio frequency factor for the spectral envelope (formants), 1 to keep them
   * @return new planar channels of the same length
   */
  float[][] shift(float[][] channels, double pitchRatio, double envelopeRatio, JobContext context)
      throws CancelledException {
    int length = channels[0].length;
    int channelCount = channels.length;
    boolean stretching = pitchRatio != 1.0;
    // The resampler works between integer rates: the ratio actually applied is stretchedRate / rate
    // (within 1/rate of the asked one: a few thousandths of a cent).
    int stretchedRate = stretching ? (int) Math.round(pitchRatio * sampleRate) : sampleRate;
    double ratio = (double) stretchedRate / sampleRate;
    boolean reshaping = Math.abs(ratio / envelopeRatio - 1) > 1e-9;
    int stretchedLength = (int) Math.ceil(length * ratio) + 1;
    // Float, like the take itself: a one-hour stereo take stretched an octave up stays near 2.8 GB.
    float[][] stretched = new float[channelCount][stretchedLength + 2 * frameSize];
    ChannelState[] states = new ChannelState[channelCount];
    for (int c = 0; c < channelCount; c++) {
      states[c] = new ChannelState(frameSize);
    }
    MidState mid = new MidState(frameSize, bins);
    LifterPlan lifters = reshaping ? new LifterPlan(channels, sampleRate, frameSize) : null;
    // Synthesis frame m starts at m * hop - (frameSize - hop) in stretched time; its analysis frame
    // is centred on the original time of its centre, so the two stay aligned over the whole take.
    int frames = (stretchedLength + frameSize - hop) / hop + 1;
    int previousStart = 0;
    for (int m = 0; m < frames; m++) {
      if (m % FRAMES_PER_BLOCK == 0) {
        context.checkCancelled();
        context.progress(0.95 * m / frames);
      }
      int synthesisStart = m * hop - (frameSize - hop);
      int analysisStart = stretching
          ? (int) Math.round((synthesisStart + frameSize / 2.0) / ratio - frameSize / 2.0)
          : synthesisStart;
      analyse(channels, analysisStart, states, mid);
      measureFrequencies(mid, m == 0 ? 0 : analysisStart - previousStart);
      previousStart = analysisStart;
      if (reshaping) {
        spectralEnvelope(mid, lifters.at(analysisStart + frameSize / 2));
      }
      applyGain(mid, reshaping ? ratio / envelopeRatio : 1);
      propagatePhases(mid, stretching);
      for (int c = 0; c < channelCount; c++) {
        synthesise(states[c], mid, stretched[c], synthesisStart);
      }
    }
    context.checkCancelled();
    float[][] result = new float[channelCount][];
    Resampler back = stretching ? new Resampler(stretchedRate, sampleRate) : null;
    // Channels resample independently: on a stereo take the two cores share the work.
    java.util.stream.IntStream.range(0, channelCount).parallel().forEach(c -> {
      float[] channel = new float[stretchedLength];
      for (int i = 0; i < stretchedLength; i++) {
        channel[i] = (float) (stretched[c][i + frameSize] / windowGain);
      }
      float[] played = back == null ? channel : back.resampleChannel(channel);
      result[c] = java.util.Arrays.copyOf(played, length);
    });
    context.progress(1);
    return result;
  }

  /** One channel's spectrum this frame (bins 0..N/2 used), then its output frame. */
  private static final class ChannelState {
    final double[] re;
    final double[] im;

    ChannelState(int frameSize) {
      re = new double[frameSize];
      im = new double[frameSize];
    }
  }

  /** The mid signal's analysis, and the synthesis phases that carry over between frames. */
  private static final class MidState {
    final double[] re;
    final double[] im;
    final double[] magnitude;
    final double[] phase;
    final double[] previousPhase;
    final double[] frequency;
    final double[] envelope;
    final double[] gain;
    final double[] synthesisPhase;
    /** Per bin, the unit rotation from the mid's analysis phase to its synthesis phase. */
    final double[] rotationRe;
    final double[] rotationIm;
    /** The envelope's working arrays, on a spectrum decimated by two. */
    final double[] coarseLog;
    final double[] coarseEnvelope;
    final double[] cepstrumRe;
    final double[] cepstrumIm;
    boolean first = true;

    MidState(int frameSize, int bins) {
      re = new double[frameSize];
      im = new double[frameSize];
      magnitude = new double[bins];
      phase = new double[bins];
      previousPhase = new double[bins];
      frequency = new double[bins];
      envelope = new double[bins];
      gain = new double[bins];
      synthesisPhase = new double[bins];
      rotationRe = new double[bins];
      rotationIm = new double[bins];
      coarseLog = new double[frameSize / (2 * DECIMATION) + 1];
      coarseEnvelope = new double[frameSize / (2 * DECIMATION) + 1];
      cepstrumRe = new double[frameSize / DECIMATION];
      cepstrumIm = new double[frameSize / DECIMATION];
    }
  }

  private void analyse(float[][] channels, int start, ChannelState[] states, MidState mid) {
    int length = channels[0].length;
    java.util.Arrays.fill(mid.re, 0, bins, 0);
    java.util.Arrays.fill(mid.im, 0, bins, 0);
    double share = 1.0 / channels.length;
    for (int c = 0; c < channels.length; c++) {
      ChannelState state = states[c];
      float[] samples = channels[c];
      for (int i = 0; i < frameSize; i++) {
        int at = start + i;
        state.re[i] = at >= 0 && at < length ? samples[at] * window[i] : 0;
      }
      java.util.Arrays.fill(state.im, 0);
      fft.forward(state.re, state.im);
      for (int k = 0; k < bins; k++) {
        // The transform is linear, so the mid spectrum is the mean of the channel spectra.
        mid.re[k] += share * state.re[k];
        mid.im[k] += share * state.im[k];
      }
    }
    for (int k = 0; k < bins; k++) {
      mid.magnitude[k] = Math.sqrt(mid.re[k] * mid.re[k] + mid.im[k] * mid.im[k]);
      mid.phase[k] = Math.atan2(mid.im[k], mid.re[k]);
    }
  }

  /** Each bin's frequency (radians per sample) from its phase advance over {@code analysisHop} samples. */
  private void measureFrequencies(MidState mid, int analysisHop) {
    for (int k = 0; k < bins; k++) {
      double binFrequency = TWO_PI * k / frameSize;
      if (analysisHop <= 0) {
        mid.frequency[k] = binFrequency;
      } else {
        double deviation = wrap(mid.phase[k] - mid.previousPhase[k] - binFrequency * analysisHop);
        mid.frequency[k] = binFrequency + deviation / analysisHop;
      }
      mid.previousPhase[k] = mid.phase[k];
    }
  }

  /**
   * The mid spectrum's envelope as a linear magnitude per bin, by the "true envelope" method
   * (Imai and Abe; Röbel and Rodet): a plain cepstral smoothing follows the mean of the log
   * spectrum, which the deep valleys between harmonics drag down and off the formant peaks, so
   * the log spectrum is raised to the envelope wherever it lies below and smoothed again, until
   * the envelope rests on the harmonic peaks (within {@value #ENVELOPE_TOLERANCE_NEPERS} nepers,
   * about 2 dB) or {@value #ENVELOPE_ITERATIONS} rounds pass.
   *
   * <p>It works on the log spectrum decimated by two (each coarse bin the largest of its three
   * neighbours, so no harmonic peak is lost): the lifter stays under a quarter frame, so the
   * half-size transform loses nothing of the envelope, and each round costs half as much.
   */
  private void spectralEnvelope(MidState mid, int lifter) {
    double[] coarseLog = mid.coarseLog;
    int coarseBins = coarseLog.length;
    for (int j = 0; j < coarseBins; j++) {
      double peak = mid.magnitude[2 * j];
      if (2 * j - 1 >= 0) {
        peak = Math.max(peak, mid.magnitude[2 * j - 1]);
      }
      if (2 * j + 1 < bins) {
        peak = Math.max(peak, mid.magnitude[2 * j + 1]);
      }
      coarseLog[j] = Math.log(Math.max(peak, 1e-9));
    }
    double[] envelope = mid.coarseEnvelope;
    System.arraycopy(coarseLog, 0, envelope, 0, coarseBins);
    cepstralSmooth(envelope, lifter, mid);
    for (int round = 1; round < ENVELOPE_ITERATIONS; round++) {
      double worstBelow = 0;
      for (int j = 0; j < coarseBins; j++) {
        double gap = coarseLog[j] - envelope[j];
        if (gap > 0) {
          worstBelow = Math.max(worstBelow, gap);
          envelope[j] = coarseLog[j];
        }
      }
      if (worstBelow < ENVELOPE_TOLERANCE_NEPERS) {
        break;
      }
      cepstralSmooth(envelope, lifter, mid);
    }
    for (int k = 0; k < bins; k++) {
      mid.envelope[k] = Math.exp(interpolate(envelope, k / (double) DECIMATION));
    }
  }

  /** Keeps only the quefrencies up to the lifter of a coarse log spectrum (bins 0..N/4, in place). */
  private void cepstralSmooth(double[] logSpectrum, int lifter, MidState scratch) {
    double[] re = scratch.cepstrumRe;
    double[] im = scratch.cepstrumIm;
    int size = re.length;
    int coarseBins = logSpectrum.length;
    System.arraycopy(logSpectrum, 0, re, 0, coarseBins);
    for (int k = coarseBins; k < size; k++) {
      re[k] = re[size - k];
    }
    java.util.Arrays.fill(im, 0);
    envelopeFft.inverse(re, im); // the real cepstrum
    for (int n = lifter + 1; n < size - lifter; n++) {
      re[n] = 0;
    }
    java.util.Arrays.fill(im, 0);
    envelopeFft.forward(re, im);
    System.arraycopy(re, 0, logSpectrum, 0, coarseBins);
  }

  /**
   * The magnitude gain that, once the stretched take is resampled, puts the envelope where it
   * belongs: env(k * envelopeMove) / env(k), with envelopeMove = pitchRatio / envelopeRatio.
   */
  private void applyGain(MidState mid, double envelopeMove) {
    if (envelopeMove == 1) {
      java.util.Arrays.fill(mid.gain, 1);
      return;
    }
    for (int k = 0; k < bins; k++) {
      mid.gain[k] = interpolate(mid.envelope, k * envelopeMove) / mid.envelope[k];
      mid.magnitude[k] *= mid.gain[k];
    }
  }

  /**
   * Synthesis phases for this frame, as a unit rotation per bin from the mid's analysis phase:
   * every channel's output bin is its analysis bin times gain times that rotation, which moves
   * the mid to its synthesis phase and keeps each channel's offset from the mid.
   */
  private void propagatePhases(MidState mid, boolean stretching) {
    if (!stretching || mid.first) {
      System.arraycopy(mid.phase, 0, mid.synthesisPhase, 0, bins);
      java.util.Arrays.fill(mid.rotationRe, 1);
      java.util.Arrays.fill(mid.rotationIm, 0);
      mid.first = false;
      return;
    }
    for (int k = 0; k < bins; k++) {
      mid.synthesisPhase[k] += hop * mid.frequency[k];
    }
    // Identity phase locking: every bin in a peak's region turns by the same angle as the peak
    // (the peak's synthesis phase minus its analysis phase), keeping the partial's shape.
    double[] magnitude = mid.magnitude;
    int regionStart = 0;
    int peak = -1;
    for (int k = 0; k < bins; k++) {
      boolean isPeak =
          magnitude[k] > 0
              && (k == 0 || magnitude[k] >= magnitude[k - 1])
              && (k == bins - 1 || magnitude[k] > magnitude[k + 1]);
      if (isPeak) {
        if (peak >= 0) {
          int boundary = lowestBetween(magnitude, peak, k);
          lockRegion(mid, regionStart, boundary, peak);
          regionStart = boundary;
        }
        peak = k;
      }
    }
    if (peak >= 0) {
      lockRegion(mid, regionStart, bins, peak);
    } else {
      lockRegion(mid, 0, bins, 0);
    }
  }

  private static int lowestBetween(double[] magnitude, int from, int to) {
    int lowest = from + 1;
    for (int k = from + 1; k < to; k++) {
      if (magnitude[k] < magnitude[lowest]) {
        lowest = k;
      }
    }
    return lowest;
  }

  private static void lockRegion(MidState mid, int from, int to, int peak) {
    double turn = wrap(mid.synthesisPhase[peak] - mid.phase[peak]);
    double turnRe = Math.cos(turn);
    double turnIm = Math.sin(turn);
    for (int k = from; k < to; k++) {
      mid.rotationRe[k] = turnRe;
      mid.rotationIm[k] = turnIm;
      // Locked bins continue from their locked phase, so a peak moving to a neighbour stays coherent.
      mid.synthesisPhase[k] = mid.phase[k] + turn;
    }
  }

  /** Overlap-adds one channel's output frame, which starts at stretched sample {@code start}. */
  private void synthesise(ChannelState state, MidState mid, float[] output, int start) {
    double[] re = state.re;
    double[] im = state.im;
    for (int k = 0; k < bins; k++) {
      double gain = mid.gain[k];
      double xr = re[k] * gain;
      double xi = im[k] * gain;
      re[k] = xr * mid.rotationRe[k] - xi * mid.rotationIm[k];
      im[k] = xr * mid.rotationIm[k] + xi * mid.rotationRe[k];
    }
    im[0] = 0;
    im[bins - 1] = 0;
    for (int k = bins; k < frameSize; k++) {
      re[k] = re[frameSize - k];
      im[k] = -im[frameSize - k];
    }
    fft.inverse(re, im);
    for (int i = 0; i < frameSize; i++) {
      int at = start + i + frameSize; // output arrays carry frameSize samples of lead-in
      if (at >= 0 && at < output.length) {
        output[at] += (float) (re[i] * window[i]);
      }
    }
  }

  /**
   * The cepstral lifter (in quefrency samples) for each part of a take: half the local pitch
   * period, from one f0 track of the mid signal.
   */
  private static final class LifterPlan {
    private static final int SEARCH_FRAMES = 5;
    private final float[] f0;
    private final int sampleRate;
    private final int fallback;
    private final int shortest;
    private final int longest;

    LifterPlan(float[][] channels, int sampleRate, int frameSize) {
      int length = channels[0].length;
      float[] mid = new float[length];
      for (float[] channel : channels) {
        for (int i = 0; i < length; i++) {
          mid[i] += channel[i] / channels.length;
        }
      }
      this.f0 = new PitchTracker().track(org.creativebridge.inference.audio.AudioClip.mono(sampleRate, mid));
      this.sampleRate = sampleRate;
      this.shortest = Math.max(4, (int) Math.round(sampleRate * 0.0005));
      this.longest = frameSize / 4 - 1; // the envelope's half-size transform holds quefrencies below N/4
      double median = medianVoiced(f0);
      this.fallback = median > 0 ? lifterFor(median) : clamp((int) Math.round(sampleRate * DEFAULT_LIFTER_SECONDS));
    }

    /** The lifter for a frame centred on sample {@code centre}. */
    int at(int centre) {
      int frame = (int) Math.round((double) centre * PitchTracker.FRAME_RATE / sampleRate);
      for (int distance = 0; distance <= SEARCH_FRAMES; distance++) {
        for (int t : new int[] {frame - distance, frame + distance}) {
          if (t >= 0 && t < f0.length && f0[t] > 0) {
            return lifterFor(f0[t]);
          }
        }
      }
      return fallback;
    }

    private int lifterFor(double hz) {
      return clamp((int) Math.round(LIFTER_PERIODS * sampleRate / hz));
    }

    private int clamp(int lifter) {
      return Math.max(shortest, Math.min(longest, lifter));
    }

    private static double medianVoiced(float[] f0) {
      double[] voiced = new double[f0.length];
      int count = 0;
      for (float value : f0) {
        if (value > 0) {
          voiced[count++] = value;
        }
      }
      if (count == 0) {
        return 0;
      }
      java.util.Arrays.sort(voiced, 0, count);
      return voiced[count / 2];
    }
  }

  /** {@code values} read at fractional index {@code position}, linearly; the last value beyond the end. */
  private static double interpolate(double[] values, double position) {
    if (position <= 0) {
      return values[0];
    }
    int lower = (int) position;
    if (lower >= values.length - 1) {
      return values[values.length - 1];
    }
    double weight = position - lower;
    return values[lower] + weight * (values[lower + 1] - values[lower]);
  }

  /** {@code angle} brought into -pi..pi. */
  static double wrap(double angle) {
    return angle - TWO_PI * Math.floor((angle + Math.PI) / TWO_PI);
  }
}
