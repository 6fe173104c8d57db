package org.creativebridge.inference.audio.voice;

import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.JobContext;

/**
 * Pitch shift by a phase vocoder that moves the harmonics but not the spectral envelope, so a
 * voice moves up or down without the chipmunk (or giant) effect, and the envelope can be moved on
 * its own (a formant shift).
 *
 * <p><b>Per frame</b> (Hann window of about 46 ms, hop a quarter of it): each channel's spectrum;
 * the mid spectrum (the channels' mean) gives the instantaneous frequency of every bin and the
 * spectral envelope, by cepstral smoothing of its log magnitude (quefrencies under {@value
 * #LIFTER_SECONDS} s kept: below the period of any voice up to ~650 Hz, so harmonics are smoothed
 * away and formants stay). The fine structure (magnitude / envelope) of analysis bin k moves to
 * bin round(k * pitchRatio) with its frequency scaled by pitchRatio; then the envelope is put back,
 * read at j / envelopeRatio for output bin j. With envelopeRatio 1 the formants stay where they
 * were; with envelopeRatio = pitchRatio everything moves (plain resampling's timbre).
 *
 * <p><b>Phases</b>: synthesis phases advance by each output bin's frequency (the vocoder's phase
 * propagation), and bins around each spectral peak are locked to the peak's phase with their
 * analysis phase offsets (identity phase locking, Laroche and Dolson), which keeps the partials'
 * shape and avoids the vocoder's "phasiness". With pitchRatio 1 the analysis phases are used as
 * they are, so an envelope-only change does not smear transients at all.
 *
 * <p><b>Channels</b>: one set of frequencies and synthesis phases from the mid signal drives every
 * channel; each channel keeps its own magnitudes and its phase offset from the mid, so the stereo
 * image (inter-channel level and phase differences) survives the shift.
 *
 * <p><b>Length</b>: the input is taken as silent beyond its ends and the output has exactly the
 * input's length and rate.
 *
 * <p>Thread-safety: immutable; one instance may shift any number of takes at once (each call keeps
 * its own state).
 */
final class FormantPreservingShifter {
  static final double LIFTER_SECONDS = 0.0015;
  private static final double FRAME_SECONDS = 0.046;
  private static final int OVERLAP = 4;
  /** How often (in frames) to look for a cancel and report progress. */
  private static final int FRAMES_PER_BLOCK = 64;
  private static final double TWO_PI = 2 * Math.PI;

  private final int sampleRate;
  private final int frameSize;
  private final int hop;
  private final int bins;
  private final int lifter;
  private final RealFft fft;
  private final double[] window;
  /** Overlap-added squared windows: the synthesis gain to divide out. */
  private final double windowGain;

  FormantPreservingShifter(int sampleRate) {
    this.sampleRate = sampleRate;
    this.frameSize = Math.max(256, RealFft.atLeast((int) Math.round(sampleRate * FRAME_SECONDS)));
    this.hop = frameSize / OVERLAP;
    this.bins = frameSize / 2 + 1;
    this.lifter = Math.max(4, (int) Math.round(sampleRate * LIFTER_SECONDS));
    this.fft = new RealFft(frameSize);
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
    double[][] output = new double[channelCount][length + 2 * frameSize];
    ChannelState[] states = new ChannelState[channelCount];
    for (int c = 0; c < channelCount; c++) {
      states[c] = new ChannelState(frameSize);
    }
    MidState mid = new MidState(frameSize, bins);
    // Frame m starts at m * hop - (frameSize - hop), so every sample is covered by OVERLAP frames.
    int frames = (length + frameSize - hop) / hop + 1;
    for (int m = 0; m < frames; m++) {
      if (m % FRAMES_PER_BLOCK == 0) {
        context.checkCancelled();
        context.progress((double) m / frames);
      }
      int start = m * hop - (frameSize - hop);
      analyse(channels, start, states, mid);
      mapBins(states, mid, pitchRatio, envelopeRatio);
      for (int c = 0; c < channelCount; c++) {
        synthesise(states[c], mid, output[c], start);
      }
    }
    float[][] result = new float[channelCount][length];
    for (int c = 0; c < channelCount; c++) {
      for (int i = 0; i < length; i++) {
        result[c][i] = (float) (output[c][i + frameSize] / windowGain);
      }
    }
    context.progress(1);
    return result;
  }

  /** One channel's spectrum this frame and the output spectrum built for it. */
  private static final class ChannelState {
    final double[] re;
    final double[] im;
    final double[] magnitude;
    final double[] phase;
    final double[] outMagnitude;
    final double[] outPhaseOffset;

    ChannelState(int frameSize) {
      re = new double[frameSize];
      im = new double[frameSize];
      magnitude = new double[frameSize / 2 + 1];
      phase = new double[frameSize / 2 + 1];
      outMagnitude = new double[frameSize / 2 + 1];
      outPhaseOffset = new double[frameSize / 2 + 1];
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
    final double[] outFineStructure;
    final double[] outFrequency;
    final int[] outSource;
    final double[] synthesisPhase;
    final double[] lockedPhase;
    boolean first = true;

    MidState(int frameSize, int bins) {
      re = new double[frameSize];
      im = new double[frameSize];
      magnitude = new double[bins];
      phase = new double[bins];
      previousPhase = new double[bins];
      frequency = new double[bins];
      envelope = new double[bins];
      outFineStructure = new double[bins];
      outFrequency = new double[bins];
      outSource = new int[bins];
      synthesisPhase = new double[bins];
      lockedPhase = new double[bins];
    }
  }

  private void analyse(float[][] channels, int start, ChannelState[] states, MidState mid) {
    int length = channels[0].length;
    java.util.Arrays.fill(mid.re, 0);
    java.util.Arrays.fill(mid.im, 0);
    double share = 1.0 / channels.length;
    for (int c = 0; c < channels.length; c++) {
      ChannelState state = states[c];
      float[] samples = channels[c];
      for (int i = 0; i < frameSize; i++) {
        int at = start + i;
        state.re[i] = at >= 0 && at < length ? samples[at] * window[i] : 0;
        state.im[i] = 0;
      }
      fft.forward(state.re, state.im);
      for (int k = 0; k < bins; k++) {
        state.magnitude[k] = Math.hypot(state.re[k], state.im[k]);
        state.phase[k] = Math.atan2(state.im[k], state.re[k]);
        // The transform is linear, so the mid spectrum is the mean of the channel spectra.
        mid.re[k] += share * state.re[k];
        mid.im[k] += share * state.im[k];
      }
    }
    double expectedAdvance = TWO_PI * hop / frameSize;
    for (int k = 0; k < bins; k++) {
      mid.magnitude[k] = Math.hypot(mid.re[k], mid.im[k]);
      mid.phase[k] = Math.atan2(mid.im[k], mid.re[k]);
      double deviation = mid.first ? 0 : wrap(mid.phase[k] - mid.previousPhase[k] - k * expectedAdvance);
      mid.frequency[k] = TWO_PI * k / frameSize + deviation / hop; // radians per sample
      mid.previousPhase[k] = mid.phase[k];
    }
    spectralEnvelope(mid);
  }

  /** Cepstral smoothing of the mid log magnitude: the envelope, as a linear magnitude per bin. */
  private void spectralEnvelope(MidState mid) {
    double[] re = mid.re;
    double[] im = mid.im;
    double floor = 1e-9;
    for (int k = 0; k < bins; k++) {
      re[k] = Math.log(Math.max(mid.magnitude[k], floor));
      im[k] = 0;
    }
    for (int k = bins; k < frameSize; k++) {
      re[k] = re[frameSize - k];
      im[k] = 0;
    }
    fft.inverse(re, im); // the real cepstrum
    for (int n = lifter + 1; n < frameSize - lifter; n++) {
      re[n] = 0;
      im[n] = 0;
    }
    for (int n = 0; n < frameSize; n++) {
      im[n] = 0;
    }
    fft.forward(re, im);
    for (int k = 0; k < bins; k++) {
      mid.envelope[k] = Math.exp(re[k]);
    }
  }

  private void mapBins(ChannelState[] states, MidState mid, double pitchRatio, double envelopeRatio) {
    java.util.Arrays.fill(mid.outFineStructure, 0);
    java.util.Arrays.fill(mid.outSource, -1);
    for (ChannelState state : states) {
      java.util.Arrays.fill(state.outMagnitude, 0);
    }
    boolean identity = pitchRatio == 1.0;
    for (int k = 0; k < bins; k++) {
      int target = identity ? k : (int) Math.round(k * pitchRatio);
      if (target >= bins) {
        break;
      }
      double inverseEnvelope = 1 / mid.envelope[k];
      double fine = mid.magnitude[k] * inverseEnvelope;
      // Several bins may land on one when shifting down: the strongest decides frequency and phase.
      if (mid.outSource[target] < 0 || fine > mid.outFineStructure[target]) {
        mid.outSource[target] = k;
        mid.outFrequency[target] = mid.frequency[k] * pitchRatio;
      }
      mid.outFineStructure[target] = Math.max(mid.outFineStructure[target], fine);
      for (ChannelState state : states) {
        state.outMagnitude[target] = Math.max(state.outMagnitude[target], state.magnitude[k] * inverseEnvelope);
      }
    }
    for (int j = 0; j < bins; j++) {
      double envelope = interpolate(mid.envelope, j / envelopeRatio);
      mid.outFineStructure[j] *= envelope;
      int source = mid.outSource[j];
      for (ChannelState state : states) {
        state.outMagnitude[j] *= envelope;
        state.outPhaseOffset[j] = source < 0 ? 0 : state.phase[source] - mid.phase[source];
      }
    }
    propagatePhases(mid, identity);
  }

  private void propagatePhases(MidState mid, boolean identity) {
    if (identity) {
      System.arraycopy(mid.phase, 0, mid.lockedPhase, 0, bins);
      System.arraycopy(mid.phase, 0, mid.synthesisPhase, 0, bins);
      mid.first = false;
      return;
    }
    for (int j = 0; j < bins; j++) {
      if (mid.first) {
        int source = mid.outSource[j];
        mid.synthesisPhase[j] = source < 0 ? 0 : mid.phase[source];
      } else {
        mid.synthesisPhase[j] = wrap(mid.synthesisPhase[j] + hop * mid.outFrequency[j]);
      }
    }
    mid.first = false;
    // Identity phase locking: every bin takes its region's peak phase plus its analysis offset.
    double[] magnitude = mid.outFineStructure;
    int regionStart = 0;
    int peak = -1;
    for (int j = 0; j < bins; j++) {
      boolean isPeak =
          magnitude[j] > 0
              && (j == 0 || magnitude[j] >= magnitude[j - 1])
              && (j == bins - 1 || magnitude[j] > magnitude[j + 1]);
      if (isPeak) {
        if (peak >= 0) {
          int boundary = lowestBetween(magnitude, peak, j);
          lockRegion(mid, regionStart, boundary, peak);
          regionStart = boundary;
        }
        peak = j;
      }
    }
    if (peak >= 0) {
      lockRegion(mid, regionStart, bins, peak);
    } else {
      System.arraycopy(mid.synthesisPhase, 0, mid.lockedPhase, 0, bins);
    }
  }

  private static int lowestBetween(double[] magnitude, int from, int to) {
    int lowest = from + 1;
    for (int j = from + 1; j < to; j++) {
      if (magnitude[j] < magnitude[lowest]) {
        lowest = j;
      }
    }
    return lowest;
  }

  private static void lockRegion(MidState mid, int from, int to, int peak) {
    int peakSource = mid.outSource[peak];
    for (int j = from; j < to; j++) {
      int source = mid.outSource[j];
      if (source < 0 || peakSource < 0 || j == peak) {
        mid.lockedPhase[j] = mid.synthesisPhase[j];
      } else {
        mid.lockedPhase[j] = mid.synthesisPhase[peak] + mid.phase[source] - mid.phase[peakSource];
      }
    }
  }

  /** Overlap-adds one channel's output frame, which starts at sample {@code start}. */
  private void synthesise(ChannelState state, MidState mid, double[] output, int start) {
    double[] re = state.re;
    double[] im = state.im;
    for (int j = 0; j < bins; j++) {
      double phase = mid.lockedPhase[j] + state.outPhaseOffset[j];
      re[j] = state.outMagnitude[j] * Math.cos(phase);
      im[j] = state.outMagnitude[j] * Math.sin(phase);
    }
    im[0] = 0;
    im[bins - 1] = 0;
    for (int j = bins; j < frameSize; j++) {
      re[j] = re[frameSize - j];
      im[j] = -im[frameSize - j];
    }
    fft.inverse(re, im);
    for (int i = 0; i < frameSize; i++) {
      int at = start + i + frameSize; // output arrays carry frameSize samples of lead-in
      if (at >= 0 && at < output.length) {
        output[at] += re[i] * window[i];
      }
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
