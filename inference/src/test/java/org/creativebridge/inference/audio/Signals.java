package org.creativebridge.inference.audio;

/** Test signals and measurements: tones, sweeps, frequency by zero crossings, residual after a sine fit. */
final class Signals {
  private Signals() {}

  static float[] sine(double frequency, int rate, int frames, double amplitude) {
    float[] samples = new float[frames];
    for (int i = 0; i < frames; i++) {
      samples[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
    }
    return samples;
  }

  /** A linear sweep from {@code from} to {@code to} Hz. */
  static float[] sweep(double from, double to, int rate, int frames, double amplitude) {
    float[] samples = new float[frames];
    double seconds = (double) frames / rate;
    for (int i = 0; i < frames; i++) {
      double t = (double) i / rate;
      double phase = 2 * Math.PI * (from * t + (to - from) * t * t / (2 * seconds));
      samples[i] = (float) (amplitude * Math.sin(phase));
    }
    return samples;
  }

  /** Frequency from rising zero crossings (interpolated) over samples [from, to). */
  static double zeroCrossingFrequency(float[] samples, int rate, int from, int to) {
    double first = -1;
    double last = -1;
    int crossings = 0;
    for (int i = from + 1; i < to; i++) {
      if (samples[i - 1] < 0 && samples[i] >= 0) {
        double t = i - 1 + samples[i - 1] / (double) (samples[i - 1] - samples[i]);
        if (first < 0) {
          first = t;
        }
        last = t;
        crossings++;
      }
    }
    return (crossings - 1) * rate / (last - first);
  }

  /**
   * Level in dB of what remains of samples [from, to) after removing the best-fitting sine at
   * {@code frequency} (and DC), relative to the fitted sine: THD+N plus images and aliases.
   */
  static double residualDb(float[] samples, int rate, double frequency, int from, int to) {
    double[][] basis = new double[3][to - from];
    for (int i = from; i < to; i++) {
      double w = 2 * Math.PI * frequency * i / rate;
      basis[0][i - from] = Math.sin(w);
      basis[1][i - from] = Math.cos(w);
      basis[2][i - from] = 1;
    }
    double[][] normal = new double[3][4];
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        normal[a][b] = dot(basis[a], basis[b]);
      }
      double sum = 0;
      for (int i = from; i < to; i++) {
        sum += basis[a][i - from] * samples[i];
      }
      normal[a][3] = sum;
    }
    double[] coefficients = solve(normal);
    double residual = 0;
    double signal = 0;
    for (int i = from; i < to; i++) {
      double fit = 0;
      for (int a = 0; a < 3; a++) {
        fit += coefficients[a] * basis[a][i - from];
      }
      double sine = coefficients[0] * basis[0][i - from] + coefficients[1] * basis[1][i - from];
      residual += (samples[i] - fit) * (samples[i] - fit);
      signal += sine * sine;
    }
    return 10 * Math.log10(residual / signal);
  }

  static double rms(float[] samples, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += (double) samples[i] * samples[i];
    }
    return Math.sqrt(sum / (to - from));
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** Gaussian elimination on a 3x4 augmented matrix. */
  private static double[] solve(double[][] m) {
    int n = m.length;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int row = col + 1; row < n; row++) {
        if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
          pivot = row;
        }
      }
      double[] swap = m[col];
      m[col] = m[pivot];
      m[pivot] = swap;
      for (int row = 0; row < n; row++) {
        if (row != col) {
          double factor = m[row][col] / m[col][col];
          for (int k = col; k <= n; k++) {
            m[row][k] -= factor * m[col][k];
          }
        }
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = m[i][n] / m[i][i];
    }
    return x;
  }
}
