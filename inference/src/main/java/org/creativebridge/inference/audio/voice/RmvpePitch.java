package org.creativebridge.inference.audio.voice;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * f0 from an RMVPE ONNX model, as the RVC project exports and feeds it.
 *
 * <p><b>Input</b> {@code input} float32 [1,128,T]: log-mel frames of 16 kHz audio: STFT with a
 * 1024-point periodic Hann window, hop 160 (100 frames/s), centred frames (the audio reflected by
 * 512 samples at both ends), magnitude, 128 HTK-scale mel filters from 30 to 8000 Hz with Slaney
 * area normalisation (librosa's {@code mel(htk=True)}), then {@code ln(max(x, 1e-5))}. T is padded
 * with zero frames to a multiple of 32 (the network halves time five times). <b>Output</b>
 * {@code output} float32 [1,T,360]: salience over 360 pitch bins 20 cents apart, bin b at {@code
 * 1997.38 + 20 b} cents above 10 Hz.
 *
 * <p><b>Decoding</b>: per frame, the salience-weighted mean of the cents of the 9 bins around the
 * strongest one; a frame whose strongest salience is at most {@value #THRESHOLD} is unvoiced (0),
 * else f0 = 10 * 2^(cents / 1200) Hz.
 *
 * <p>Long takes run in windows of {@value #WINDOW_FRAMES} frames with {@value #CONTEXT_FRAMES}
 * frames of context on each side (the network sees about that far), so memory stays bounded.
 *
 * <p>Thread-safety: immutable; the mel filters are shared read-only.
 */
final class RmvpePitch {
  static final int MELS = 128;
  static final int PITCH_BINS = 360;
  static final double THRESHOLD = 0.03;
  static final int FFT_SIZE = 1024;
  static final double MEL_FLOOR = 1e-5;
  static final double MIN_HZ = 30;
  static final double MAX_HZ = 8000;
  private static final int WINDOW_FRAMES = 2048;
  private static final int CONTEXT_FRAMES = 64;
  private static final int TIME_MULTIPLE = 32;
  private static final double CENTS_OF_BIN_ZERO = 1997.3794084376191;
  private static final double CENTS_PER_BIN = 20;

  /** The RMVPE model contract: log-mel frames in, pitch salience out. */
  static final ModelContract CONTRACT =
      ModelContract.builder("rmvpe")
          .input("input", ElementType.FLOAT32, 1, MELS, -1)
          .output("output", ElementType.FLOAT32, 1, -1, PITCH_BINS)
          .build();

  private static final MelFilters FILTERS = new MelFilters();

  private RmvpePitch() {}

  /** f0 in Hz at 100 frames/s for mono 16 kHz samples: {@code samples.length / 160 + 1} frames. */
  static float[] track(SessionCache.Lease lease, float[] samples, JobContext context)
      throws EngineException, CancelledException {
    int frames = PitchTracker.frameCount(samples.length);
    float[] f0 = new float[frames];
    for (int from = 0; from < frames; from += WINDOW_FRAMES) {
      context.checkCancelled();
      int to = Math.min(frames, from + WINDOW_FRAMES);
      int first = Math.max(0, from - CONTEXT_FRAMES);
      int last = Math.min(frames, to + CONTEXT_FRAMES);
      float[][] salience = salience(lease, logMel(samples, first, last), context);
      for (int t = from; t < to; t++) {
        f0[t] = (float) decode(salience[t - first]);
      }
    }
    return f0;
  }

  /** Log-mel frames {@code first..last-1} as [128][frames], frame t centred on sample 160 t. */
  static float[][] logMel(float[] samples, int first, int last) {
    RealFft fft = new RealFft(FFT_SIZE);
    double[] window = new double[FFT_SIZE];
    for (int i = 0; i < FFT_SIZE; i++) {
      window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / FFT_SIZE);
    }
    float[][] mel = new float[MELS][last - first];
    double[] re = new double[FFT_SIZE];
    double[] im = new double[FFT_SIZE];
    double[] magnitude = new double[FFT_SIZE / 2 + 1];
    for (int t = first; t < last; t++) {
      int start = t * PitchTracker.HOP - FFT_SIZE / 2;
      for (int i = 0; i < FFT_SIZE; i++) {
        re[i] = reflected(samples, start + i) * window[i];
        im[i] = 0;
      }
      fft.forward(re, im);
      for (int k = 0; k < magnitude.length; k++) {
        magnitude[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
      }
      for (int m = 0; m < MELS; m++) {
        mel[m][t - first] = (float) Math.log(Math.max(FILTERS.apply(m, magnitude), MEL_FLOOR));
      }
    }
    return mel;
  }

  /** The sample at {@code index}, mirrored at the ends without repeating the edge (numpy's "reflect"). */
  private static float reflected(float[] samples, int index) {
    int n = samples.length;
    if (n == 1) {
      return samples[0];
    }
    int period = 2 * (n - 1);
    int folded = Math.floorMod(index, period);
    return samples[folded < n ? folded : period - folded];
  }

  private static float[][] salience(SessionCache.Lease lease, float[][] mel, JobContext context)
      throws EngineException, CancelledException {
    int frames = mel[0].length;
    int padded = (frames + TIME_MULTIPLE - 1) / TIME_MULTIPLE * TIME_MULTIPLE;
    float[] flat = new float[MELS * padded]; // padding frames are 0, as the RVC project pads them
    for (int m = 0; m < MELS; m++) {
      System.arraycopy(mel[m], 0, flat, m * padded, frames);
    }
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(flat), new long[] {1, MELS, padded});
        OrtSession.Result result = lease.run(Map.of("input", input), context)) {
      OnnxTensor output = (OnnxTensor) result.get("output").orElseThrow();
      long[] shape = output.getInfo().getShape();
      if (shape.length != 3 || shape[1] < frames || shape[2] != PITCH_BINS) {
        throw new EngineException(
            EngineException.Kind.FAILED,
            "RMVPE returned salience of shape " + java.util.Arrays.toString(shape) + " for " + padded + " frames");
      }
      FloatBuffer buffer = output.getFloatBuffer();
      float[][] salience = new float[frames][PITCH_BINS];
      for (int t = 0; t < frames; t++) {
        buffer.position(t * PITCH_BINS);
        buffer.get(salience[t]);
      }
      return salience;
    } catch (OrtException e) {
      throw new EngineException(EngineException.Kind.FAILED, "RMVPE failed: " + e.getMessage(), Map.of(), e);
    }
  }

  /** One frame's f0 in Hz from its salience, 0 when unvoiced. */
  static double decode(float[] salience) {
    int centre = 0;
    for (int b = 1; b < salience.length; b++) {
      if (salience[b] > salience[centre]) {
        centre = b;
      }
    }
    if (salience[centre] <= THRESHOLD) {
      return 0;
    }
    double weighted = 0;
    double total = 0;
    for (int b = Math.max(0, centre - 4); b <= Math.min(salience.length - 1, centre + 4); b++) {
      weighted += salience[b] * (CENTS_OF_BIN_ZERO + CENTS_PER_BIN * b);
      total += salience[b];
    }
    double cents = weighted / total;
    return 10 * Math.pow(2, cents / 1200);
  }

  /**
   * 128 triangular filters on the HTK mel scale (2595 log10(1 + f/700)), their edges equally
   * spaced in mel from 30 to 8000 Hz, each scaled by 2 / (its width in Hz) so all have equal area.
   * Stored sparsely: each filter touches only the bins under its triangle.
   */
  private static final class MelFilters {
    final int[] firstBin = new int[MELS];
    final double[][] weights = new double[MELS][];

    MelFilters() {
      double melLow = htkMel(MIN_HZ);
      double melHigh = htkMel(MAX_HZ);
      double[] edges = new double[MELS + 2];
      for (int i = 0; i < edges.length; i++) {
        edges[i] = htkHz(melLow + (melHigh - melLow) * i / (MELS + 1));
      }
      int bins = FFT_SIZE / 2 + 1;
      for (int m = 0; m < MELS; m++) {
        double lower = edges[m];
        double centre = edges[m + 1];
        double upper = edges[m + 2];
        double area = 2 / (upper - lower);
        double[] row = new double[bins];
        int first = -1;
        int last = -1;
        for (int k = 0; k < bins; k++) {
          double hz = (double) k * PitchTracker.ANALYSIS_RATE / FFT_SIZE;
          double rising = (hz - lower) / (centre - lower);
          double falling = (upper - hz) / (upper - centre);
          double weight = Math.max(0, Math.min(rising, falling)) * area;
          row[k] = weight;
          if (weight > 0) {
            first = first < 0 ? k : first;
            last = k;
          }
        }
        firstBin[m] = Math.max(0, first);
        weights[m] = first < 0 ? new double[0] : java.util.Arrays.copyOfRange(row, first, last + 1);
      }
    }

    double apply(int filter, double[] magnitude) {
      double sum = 0;
      double[] row = weights[filter];
      int first = firstBin[filter];
      for (int i = 0; i < row.length; i++) {
        sum += row[i] * magnitude[first + i];
      }
      return sum;
    }

    static double htkMel(double hz) {
      return 2595 * Math.log10(1 + hz / 700);
    }

    static double htkHz(double mel) {
      return 700 * (Math.pow(10, mel / 2595) - 1);
    }
  }
}
