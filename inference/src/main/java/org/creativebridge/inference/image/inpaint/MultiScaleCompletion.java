package org.creativebridge.inference.image.inpaint;

import java.util.List;
import org.creativebridge.inference.CancelledException;

/**
 * Coarse-to-fine completion in the manner of Wexler et al. (2007): a membrane (smooth) fill of every
 * level to start from, then at every level alternating PatchMatch search and weighted voting (an EM scheme that
 * lowers the total patch distance of the hole), each finer level starting from the upsampled
 * estimate and matches of the one below; finally the patch fill is blended with the membrane fill
 * (see {@link MembraneBlend}). Holds no state between jobs.
 */
final class MultiScaleCompletion {
  private final List<PyramidLevel> levels;
  private final int patchSize;
  private final SeededStreams streams;
  private final RowBands bands;

  /**
   * @param levels finest first, as {@link ImagePyramid#build} returns them
   */
  MultiScaleCompletion(List<PyramidLevel> levels, int patchSize, SeededStreams streams, RowBands bands) {
    this.levels = levels;
    this.patchSize = patchSize;
    this.streams = streams;
    this.bands = bands;
  }

  /**
   * EM iterations at a level, counted from the finest (0). Coarse levels are cheap and decide the
   * layout of the fill, so they get more; the finest level only sharpens.
   */
  static int iterationsAt(int levelFromFinest) {
    return levelFromFinest == 0 ? 3 : Math.min(8, 4 + levelFromFinest);
  }

  /** PatchMatch passes before each vote; at least two so matches spread both ways. */
  static int passesAt(int levelFromFinest) {
    return levelFromFinest == 0 ? 1 : 2;
  }

  /** Work units of the whole fill, for progress: hole pixels times search passes, summed. */
  double totalWork() {
    double work = 0;
    for (int i = 0; i < levels.size(); i++) {
      work += (double) levels.get(i).holeCount() * iterationsAt(i) * passesAt(i);
    }
    return work;
  }

  /** Fills the hole of the finest level in place. */
  void run(FillProgress progress) throws CancelledException {
    MembraneFill.fillCascade(levels);
    float[] membrane = levels.get(0).rgba.clone();
    int coarsest = levels.size() - 1;
    float[] spread = new float[membrane.length / PyramidLevel.CHANNELS];
    NearestNeighbourField previous = null;
    for (int index = coarsest; index >= 0; index--) {
      progress.checkCancelled();
      PyramidLevel level = levels.get(index);
      if (index < coarsest) {
        level.seedHoleFrom(levels.get(index + 1));
      }
      PatchSites sites = PatchSites.forLevel(level, patchSize);
      int levelIndex = index;
      NearestNeighbourField field =
          previous == null
              ? NearestNeighbourField.random(sites, bands, band -> streams.forBand(levelIndex, 0, band))
              : NearestNeighbourField.upsampled(
                  previous, sites, bands, band -> streams.forBand(levelIndex, 0, band));
      PatchMatchSearch search = new PatchMatchSearch(level, sites, field, bands);
      PatchVoting voting = new PatchVoting(level, sites, bands);
      int passes = passesAt(index);
      double workPerIteration = (double) level.holeCount() * passes;
      int step = 1;
      for (int iteration = 0; iteration < iterationsAt(index); iteration++) {
        progress.checkCancelled();
        for (int pass = 0; pass < passes; pass++) {
          int stepIndex = step++;
          search.pass(stepIndex % 2 == 1, band -> streams.forBand(levelIndex, stepIndex, band));
        }
        boolean finalVote = index == 0 && iteration == iterationsAt(index) - 1;
        voting.vote(field, finalVote ? spread : null);
        progress.advance(workPerIteration);
      }
      previous = field;
    }
    MembraneBlend.blend(levels.get(0), membrane, spread);
  }
}
