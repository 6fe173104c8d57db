package org.creativebridge.inference.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.creativebridge.inference.JobContext;

/** A job the test can cancel; it keeps its cancel callbacks so tests can see registrations end. */
final class TestJob implements JobContext {
  private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  void cancel() {
    cancelled = true;
    callbacks.forEach(Runnable::run);
  }

  int registrations() {
    return callbacks.size();
  }

  @Override
  public void stage(String name) {}

  @Override
  public void progress(double fraction) {}

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public Registration onCancel(Runnable onCancel) {
    // A wrapper per registration, so removing it removes exactly this one.
    Runnable registered = onCancel::run;
    callbacks.add(registered);
    if (cancelled) {
      onCancel.run();
    }
    return () -> callbacks.remove(registered);
  }
}
