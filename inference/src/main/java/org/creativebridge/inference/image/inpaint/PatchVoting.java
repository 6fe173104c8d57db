package org.creativebridge.inference.image.inpaint;

import java.util.Arrays;

/**
 * The reconstruction step of Wexler et al. (2007): every hole pixel becomes the weighted mean of the
 * values that all overlapping target patches' matches propose for it. A patch's vote counts less
 * the deeper its centre lies in the hole (its context is less certain) and the worse its match is
 * relative to the level's typical match.
 *
 * <p>Votes read only source patches, which lie wholly on known pixels, so hole pixels can be
 * rewritten in place while other bands still vote.
 */
final class PatchVoting {
  private static final int CHANNELS = PyramidLevel.CHANNELS;
  /** Wexler's confidence base: a patch centred d pixels inside the hole weighs gamma^-d. */
  private static final double CONFIDENCE_BASE = 1.3;
  /** The match-quality scale is this quantile of the level's match costs. */
  private static final double COST_QUANTILE = 0.75;
  /**
   * Match cost (relative to the quantile) at which a vote's similarity weight falls to 1/e. Wexler
   * uses 2; a wider kernel averages more matches, which measured better in the hole (less variance
   * where several continuations are plausible) at little cost in sharpness.
   */
  private static final double SIMILARITY_SCALE = 8.0;
  /** Costs sampled to estimate the quantile; a fixed stride keeps it deterministic and cheap. */
  private static final int COST_SAMPLES = 4096;

  private final PyramidLevel level;
  private final PatchSites sites;
  private final float[] confidence;
  private final RowBands bands;

  PatchVoting(PyramidLevel level, PatchSites sites, RowBands bands) {
    this.level = level;
    this.sites = sites;
    this.bands = bands;
    this.confidence = confidenceOfTargets(level, sites);
  }

  private static float[] confidenceOfTargets(PyramidLevel level, PatchSites sites) {
    float[] depth = level.distanceToKnown();
    float[] confidence = new float[sites.targets.length];
    for (int k = 0; k < confidence.length; k++) {
      confidence[k] = (float) Math.pow(CONFIDENCE_BASE, -depth[sites.targets[k]]);
    }
    return confidence;
  }

  /** Rewrites every hole pixel of the level from the matches in {@code field}. */
  void vote(NearestNeighbourField field) {
    vote(field, null);
  }

  /**
   * As {@link #vote(NearestNeighbourField)}, also storing in {@code spread} (when not null) each hole
   * pixel's weighted variance of the proposed values, summed over channels: how much the matches
   * disagree about it.
   */
  void vote(NearestNeighbourField field, float[] spread) {
    float[] weightOf = new float[level.width * level.height];
    double costScale = costScale(field);
    bands.forEachBand(
        level.height,
        band -> {
          for (int k = sites.rowStart[RowBands.firstRow(band)];
              k < sites.rowStart[RowBands.endRow(band, level.height)];
              k++) {
            int target = sites.targets[k];
            double similarity = Math.exp(-field.cost[target] / costScale);
            // The floor keeps a vote alive when every match is poor, rather than dividing by zero.
            weightOf[target] = (float) (confidence[k] * similarity) + 1e-12f;
          }
        });
    bands.forEachBand(level.height, band -> voteBand(band, new Ballot(field, weightOf, spread)));
  }

  private double costScale(NearestNeighbourField field) {
    int count = sites.targets.length;
    int samples = Math.min(count, COST_SAMPLES);
    float[] costs = new float[samples];
    for (int i = 0; i < samples; i++) {
      costs[i] = field.cost[sites.targets[(int) ((long) i * count / samples)]];
    }
    Arrays.sort(costs);
    double quantile = samples == 0 ? 0 : costs[(int) Math.min(samples - 1, samples * COST_QUANTILE)];
    return SIMILARITY_SCALE * Math.max(quantile, 1e-6);
  }

  /** One round's matches, their weights, and where to put the disagreement (may be null). */
  private record Ballot(NearestNeighbourField field, float[] weightOf, float[] spread) {}

  private void voteBand(int band, Ballot ballot) {
    float[] weightOf = ballot.weightOf();
    float[] spread = ballot.spread();
    int width = level.width;
    int radius = sites.radius;
    float[] rgba = level.rgba;
    int[] sourceOf = ballot.field().sourceOf;
    for (int y = RowBands.firstRow(band); y < RowBands.endRow(band, level.height); y++) {
      for (int x = 0; x < width; x++) {
        int pixel = y * width + x;
        if (!level.hole[pixel]) {
          continue;
        }
        float r = 0;
        float g = 0;
        float b = 0;
        float a = 0;
        float total = 0;
        float squares = 0;
        for (int dy = -radius; dy <= radius; dy++) {
          int cy = y + dy;
          if (cy < 0 || cy >= level.height) {
            continue;
          }
          for (int dx = -radius; dx <= radius; dx++) {
            int cx = x + dx;
            if (cx < 0 || cx >= width) {
              continue;
            }
            int centre = cy * width + cx;
            int source = sourceOf[centre];
            if (source == NearestNeighbourField.NONE) {
              continue;
            }
            float weight = weightOf[centre];
            int at = (source - dy * width - dx) * CHANNELS;
            r += weight * rgba[at];
            g += weight * rgba[at + 1];
            b += weight * rgba[at + 2];
            a += weight * rgba[at + 3];
            total += weight;
            squares +=
                weight
                    * (rgba[at] * rgba[at]
                        + rgba[at + 1] * rgba[at + 1]
                        + rgba[at + 2] * rgba[at + 2]
                        + rgba[at + 3] * rgba[at + 3]);
          }
        }
        if (total > 0) {
          int at = pixel * CHANNELS;
          rgba[at] = r / total;
          rgba[at + 1] = g / total;
          rgba[at + 2] = b / total;
          rgba[at + 3] = a / total;
          if (spread != null) {
            float meanSquares = squares / total;
            float squaredMean =
                rgba[at] * rgba[at]
                    + rgba[at + 1] * rgba[at + 1]
                    + rgba[at + 2] * rgba[at + 2]
                    + rgba[at + 3] * rgba[at + 3];
            spread[pixel] = Math.max(0f, meanSquares - squaredMean);
          }
        }
      }
    }
  }
}
