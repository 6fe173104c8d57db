package org.creativebridge.inference.image.inpaint;

import java.util.SplittableRandom;

/**
 * One PatchMatch pass (Barnes et al. 2009) over a level's targets: each target tries the shifted
 * matches of its already-visited neighbours (propagation), then random sources in windows halving
 * from the whole level down to one pixel around its best match (random search).
 *
 * <p>Determinism across thread counts: bands are scanned in parallel, each in its own fixed order
 * with its own random stream. A neighbour in the same band is read live, as sequential PatchMatch
 * does; a neighbour across the band edge is read from a snapshot taken before the pass, so no band
 * ever sees another band's in-progress writes.
 */
final class PatchMatchSearch {
  private final PatchSites sites;
  private final NearestNeighbourField field;
  private final PatchDistance distance;
  private final RowBands bands;

  PatchMatchSearch(PyramidLevel level, PatchSites sites, NearestNeighbourField field, RowBands bands) {
    this.sites = sites;
    this.field = field;
    this.distance = new PatchDistance(level, sites.patchSize);
    this.bands = bands;
  }

  /**
   * Improves every target's match against the level's current samples.
   *
   * @param forward scan order: top-left to bottom-right, else reversed; alternating spreads good
   *     matches in all directions
   */
  void pass(boolean forward, NearestNeighbourField.BandRandom random) {
    int[] snapshot = field.sourceOf.clone();
    bands.forEachBand(sites.height, band -> scanBand(band, forward, snapshot, random.forBand(band)));
  }

  private void scanBand(int band, boolean forward, int[] snapshot, SplittableRandom rng) {
    int firstRow = RowBands.firstRow(band);
    int endRow = RowBands.endRow(band, sites.height);
    int begin = sites.rowStart[firstRow];
    int end = sites.rowStart[endRow];
    BandScope scope = new BandScope(firstRow, endRow, snapshot);
    if (forward) {
      for (int k = begin; k < end; k++) {
        improve(sites.targets[k], -1, scope, rng);
      }
    } else {
      for (int k = end - 1; k >= begin; k--) {
        improve(sites.targets[k], 1, scope, rng);
      }
    }
  }

  /** The rows a band owns, and the pre-pass matches to read outside them. */
  private record BandScope(int firstRow, int endRow, int[] snapshot) {}

  private void improve(int target, int step, BandScope scope, SplittableRandom rng) {
    int width = sites.width;
    int x = target % width;
    int y = target / width;
    int best = field.sourceOf[target];
    float bestCost = distance.between(target, best, Float.POSITIVE_INFINITY);

    int sideX = x + step;
    if (sideX >= 0 && sideX < width) {
      int neighbourSource = field.sourceOf[target + step];
      if (neighbourSource != NearestNeighbourField.NONE) {
        int candidateX = neighbourSource % width - step;
        if (candidateX >= 0 && candidateX < width) {
          int candidate = neighbourSource - step;
          if (candidate != best && sites.isSource[candidate]) {
            float candidateCost = distance.between(target, candidate, bestCost);
            if (candidateCost < bestCost) {
              best = candidate;
              bestCost = candidateCost;
            }
          }
        }
      }
    }
    int sideY = y + step;
    if (sideY >= 0 && sideY < sites.height) {
      int neighbour = target + step * width;
      boolean inBand = sideY >= scope.firstRow() && sideY < scope.endRow();
      int neighbourSource = inBand ? field.sourceOf[neighbour] : scope.snapshot()[neighbour];
      if (neighbourSource != NearestNeighbourField.NONE) {
        int candidateY = neighbourSource / width - step;
        if (candidateY >= 0 && candidateY < sites.height) {
          int candidate = neighbourSource - step * width;
          if (candidate != best && sites.isSource[candidate]) {
            float candidateCost = distance.between(target, candidate, bestCost);
            if (candidateCost < bestCost) {
              best = candidate;
              bestCost = candidateCost;
            }
          }
        }
      }
    }

    int radius = Math.max(sites.width, sites.height);
    while (radius >= 1) {
      int bestX = best % width;
      int bestY = best / width;
      int candidateX = clamp(bestX + rng.nextInt(2 * radius + 1) - radius, width);
      int candidateY = clamp(bestY + rng.nextInt(2 * radius + 1) - radius, sites.height);
      int candidate = candidateY * width + candidateX;
      if (candidate != best && sites.isSource[candidate]) {
        float candidateCost = distance.between(target, candidate, bestCost);
        if (candidateCost < bestCost) {
          best = candidate;
          bestCost = candidateCost;
        }
      }
      radius /= 2;
    }
    field.sourceOf[target] = best;
    field.cost[target] = bestCost;
  }

  private static int clamp(int value, int size) {
    return Math.max(0, Math.min(size - 1, value));
  }
}
