package org.creativebridge.inference.image.inpaint;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * For every target patch centre of one level, the centre of the source patch it currently copies
 * and their patch distance. Pixels that are not targets hold {@link #NONE}. Rows are written by the
 * one thread that owns their band.
 */
final class NearestNeighbourField {
  static final int NONE = -1;

  final int width;
  final int height;
  final int[] sourceOf;
  final float[] cost;

  NearestNeighbourField(int width, int height) {
    this.width = width;
    this.height = height;
    this.sourceOf = new int[width * height];
    this.cost = new float[width * height];
    Arrays.fill(sourceOf, NONE);
  }

  /** Every target starts at a uniformly random source. */
  static NearestNeighbourField random(PatchSites sites, RowBands bands, BandRandom random) {
    NearestNeighbourField field = new NearestNeighbourField(sites.width, sites.height);
    bands.forEachBand(
        sites.height,
        band -> {
          SplittableRandom rng = random.forBand(band);
          for (int k = sites.rowStart[RowBands.firstRow(band)];
              k < sites.rowStart[RowBands.endRow(band, sites.height)];
              k++) {
            field.sourceOf[sites.targets[k]] = sites.sources[rng.nextInt(sites.sources.length)];
          }
        });
    return field;
  }

  /**
   * Each fine target inherits the match of its coarse parent, doubled and offset by the target's
   * position within the parent, which keeps coherent coarse copies coherent; where that lands on an
   * unusable source it starts from a random one instead.
   */
  static NearestNeighbourField upsampled(
      NearestNeighbourField coarse, PatchSites sites, RowBands bands, BandRandom random) {
    NearestNeighbourField field = new NearestNeighbourField(sites.width, sites.height);
    bands.forEachBand(
        sites.height,
        band -> {
          SplittableRandom rng = random.forBand(band);
          for (int k = sites.rowStart[RowBands.firstRow(band)];
              k < sites.rowStart[RowBands.endRow(band, sites.height)];
              k++) {
            int target = sites.targets[k];
            int x = target % sites.width;
            int y = target / sites.width;
            int parent =
                Math.min(coarse.height - 1, y / 2) * coarse.width + Math.min(coarse.width - 1, x / 2);
            int inherited = coarse.sourceOf[parent];
            int chosen = NONE;
            if (inherited != NONE) {
              int sx = 2 * (inherited % coarse.width) + (x & 1);
              int sy = 2 * (inherited / coarse.width) + (y & 1);
              if (sx < sites.width && sy < sites.height && sites.isSource[sy * sites.width + sx]) {
                chosen = sy * sites.width + sx;
              }
            }
            if (chosen == NONE) {
              chosen = sites.sources[rng.nextInt(sites.sources.length)];
            }
            field.sourceOf[target] = chosen;
          }
        });
    return field;
  }

  /** A random stream per band of one step; lets callers fix which step a stream belongs to. */
  @FunctionalInterface
  interface BandRandom {
    SplittableRandom forBand(int band);
  }
}
