package org.creativebridge.inference.audio.voice;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.creativebridge.inference.JobContext;

/** Job contexts for the voice tests: one that records, one that cancels itself after N progress reports. */
final class TestJobs {
  private TestJobs() {}

  static final class Recording implements JobContext {
    final List<String> stages = new ArrayList<>();
    final List<Double> progress = new ArrayList<>();
    private final int cancelAfterReports;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** Never cancels. */
    Recording() {
      this(Integer.MAX_VALUE);
    }

    /** Cancels itself once {@code cancelAfterReports} progress values were reported. */
    Recording(int cancelAfterReports) {
      this.cancelAfterReports = cancelAfterReports;
    }

    @Override
    public synchronized void stage(String name) {
      stages.add(name);
    }

    @Override
    public synchronized void progress(double fraction) {
      progress.add(fraction);
      if (progress.size() >= cancelAfterReports) {
        cancelled.set(true);
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled.get();
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      if (cancelled.get()) {
        onCancel.run();
      }
      return () -> {};
    }
  }
}
