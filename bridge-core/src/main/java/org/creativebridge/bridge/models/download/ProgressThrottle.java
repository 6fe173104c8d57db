package org.creativebridge.bridge.models.download;

/**
 * Forwards progress at most every {@value #BYTES_STEP} bytes or {@value #NANOS_STEP} ns, so a UI
 * listener is not called once per network packet. Used by one fetch on one thread: not
 * thread-safe.
 */
final class ProgressThrottle {
  static final long BYTES_STEP = 256 * 1024;
  static final long NANOS_STEP = 100_000_000L;

  private final Downloader.Progress sink;
  private long lastBytes = -1;
  private long lastNanos;

  ProgressThrottle(Downloader.Progress sink) {
    this.sink = sink;
  }

  void update(long doneBytes, long totalBytes) {
    long now = System.nanoTime();
    boolean due =
        lastBytes < 0
            || doneBytes - lastBytes >= BYTES_STEP
            || now - lastNanos >= NANOS_STEP
            || doneBytes == totalBytes;
    if (due && doneBytes != lastBytes) {
      send(doneBytes, totalBytes, now);
    }
  }

  /** The last word: always reported unless the same count was the previous call. */
  void finish(long doneBytes, long totalBytes) {
    if (doneBytes != lastBytes) {
      send(doneBytes, totalBytes, System.nanoTime());
    }
  }

  private void send(long doneBytes, long totalBytes, long now) {
    lastBytes = doneBytes;
    lastNanos = now;
    if (sink != null) {
      sink.update(doneBytes, totalBytes);
    }
  }
}
