package org.creativebridge.inference.image.inpaint;

/**
 * Exact squared Euclidean distance transform by the lower envelope of parabolas (Felzenszwalb and
 * Huttenlocher). Exactness matters: grow and feather are specified as Euclidean discs and ramps, and
 * a chamfer approximation would make their edges depend on direction. Stateless.
 */
final class SquaredDistanceTransform {
  /** Distance reported where no seed exists at all. */
  static final float NO_SEED = Float.POSITIVE_INFINITY;

  private static final double FAR = 1e20;

  private SquaredDistanceTransform() {}

  /**
   * For every pixel, the squared distance to the nearest pixel whose {@code seeds} entry is true, or
   * {@link #NO_SEED} when there is none.
   */
  static float[] toNearestSeed(boolean[] seeds, int width, int height) {
    double[] field = new double[width * height];
    for (int i = 0; i < field.length; i++) {
      field[i] = seeds[i] ? 0 : FAR;
    }
    int longest = Math.max(width, height);
    double[] line = new double[longest];
    double[] lowerEnvelope = new double[longest];
    int[] parabolaSites = new int[longest];
    double[] boundaries = new double[longest + 1];
    Envelope envelope = new Envelope(lowerEnvelope, parabolaSites, boundaries);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        line[y] = field[y * width + x];
      }
      envelope.transform(line, height);
      for (int y = 0; y < height; y++) {
        field[y * width + x] = lowerEnvelope[y];
      }
    }
    for (int y = 0; y < height; y++) {
      System.arraycopy(field, y * width, line, 0, width);
      envelope.transform(line, width);
      System.arraycopy(lowerEnvelope, 0, field, y * width, width);
    }
    float[] result = new float[field.length];
    for (int i = 0; i < field.length; i++) {
      result[i] = field[i] >= FAR / 2 ? NO_SEED : (float) field[i];
    }
    return result;
  }

  /** Scratch buffers of the one-dimensional pass, reused across lines to avoid garbage. */
  private record Envelope(double[] output, int[] sites, double[] boundaries) {

    void transform(double[] input, int length) {
      int last = 0;
      sites[0] = 0;
      boundaries[0] = Double.NEGATIVE_INFINITY;
      boundaries[1] = Double.POSITIVE_INFINITY;
      for (int q = 1; q < length; q++) {
        double crossing = crossing(input, q, sites[last]);
        while (crossing <= boundaries[last]) {
          last--;
          crossing = crossing(input, q, sites[last]);
        }
        last++;
        sites[last] = q;
        boundaries[last] = crossing;
        boundaries[last + 1] = Double.POSITIVE_INFINITY;
      }
      int current = 0;
      for (int q = 0; q < length; q++) {
        while (boundaries[current + 1] < q) {
          current++;
        }
        double offset = q - sites[current];
        output[q] = offset * offset + input[sites[current]];
      }
    }

    private static double crossing(double[] input, int q, int site) {
      return ((input[q] + (double) q * q) - (input[site] + (double) site * site)) / (2.0 * q - 2.0 * site);
    }
  }
}
