package org.creativebridge.inference.audio.tts;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.creativebridge.inference.JobContext;

/** A job context that records stages and progress, and cancels itself after a set progress count. */
final class RecordingJob implements JobContext {
  final List<String> stages = new CopyOnWriteArrayList<>();
  final List<Double> progress = new CopyOnWriteArrayList<>();
  private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
  private final int cancelAfterProgressReports;
  private volatile boolean cancelled;

  /** Never cancels. */
  RecordingJob() {
    this(Integer.MAX_VALUE);
  }

  RecordingJob(int cancelAfterProgressReports) {
    this.cancelAfterProgressReports = cancelAfterProgressReports;
  }

  @Override
  public void stage(String name) {
    stages.add(name);
  }

  @Override
  public void progress(double fraction) {
    progress.add(fraction);
    if (progress.size() >= cancelAfterProgressReports) {
      cancelled = true;
      callbacks.forEach(Runnable::run);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public Registration onCancel(Runnable onCancel) {
    Runnable registered = onCancel::run;
    callbacks.add(registered);
    if (cancelled) {
      onCancel.run();
    }
    return () -> callbacks.remove(registered);
  }
}
