package org.creativebridge.inference.image.inpaint;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs work over fixed bands of rows on a few threads. Bands have a fixed height that does not
 * depend on the thread count, and each band is processed by exactly one thread in row order, so any
 * per-band random stream and any in-band sequential dependency yields the same result whatever the
 * number of threads. One instance serves one job; it is not shared between jobs.
 */
final class RowBands implements AutoCloseable {
  /** Rows per band: small enough to balance two to sixteen cores, large enough to keep PatchMatch
   * propagation mostly inside a band. */
  static final int BAND_ROWS = 16;

  private final int threads;
  private final ExecutorService helpers;

  private RowBands(int threads) {
    this.threads = threads;
    this.helpers =
        threads > 1
            ? Executors.newFixedThreadPool(
                threads - 1,
                runnable -> {
                  Thread thread = new Thread(runnable, "patchmatch-worker");
                  thread.setDaemon(true);
                  return thread;
                })
            : null;
  }

  static RowBands withThreads(int threads) {
    return new RowBands(Math.max(1, threads));
  }

  static int bandCount(int rows) {
    return (rows + BAND_ROWS - 1) / BAND_ROWS;
  }

  static int firstRow(int band) {
    return band * BAND_ROWS;
  }

  static int endRow(int band, int rows) {
    return Math.min(rows, (band + 1) * BAND_ROWS);
  }

  /** Calls {@code body} once per band of {@code rows} rows, and returns when all have finished. */
  void forEachBand(int rows, IntConsumer body) {
    int bands = bandCount(rows);
    if (helpers == null || bands <= 1) {
      for (int band = 0; band < bands; band++) {
        body.accept(band);
      }
      return;
    }
    AtomicInteger nextBand = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int band = nextBand.getAndIncrement(); band < bands; band = nextBand.getAndIncrement()) {
            body.accept(band);
          }
        };
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < Math.min(threads - 1, bands - 1); i++) {
      running.add(helpers.submit(worker));
    }
    RuntimeException failure = null;
    try {
      worker.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure != null ? failure : new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException runtime
                  ? runtime
                  : new IllegalStateException(e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    if (helpers != null) {
      helpers.shutdownNow();
    }
  }
}
