package org.creativebridge.inference.image.inpaint;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.creativebridge.inference.JobContext;

/**
 * A job that records the stages and progress an engine reports, can be cancelled, and lets a test
 * wait until a given stage has started and an ONNX run has registered for cancel.
 */
final class RecordingJob implements JobContext {
  final List<String> stages = new CopyOnWriteArrayList<>();
  final List<Double> progress = new CopyOnWriteArrayList<>();
  private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
  private final CountDownLatch registered = new CountDownLatch(1);
  private volatile boolean cancelled;

  void cancel() {
    cancelled = true;
    callbacks.forEach(Runnable::run);
  }

  /** Counts down when the first cancel callback (an ONNX run starting) registers. */
  CountDownLatch runRegistered() {
    return registered;
  }

  @Override
  public void stage(String name) {
    stages.add(name);
  }

  @Override
  public void progress(double fraction) {
    progress.add(fraction);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public Registration onCancel(Runnable onCancel) {
    Runnable registration = onCancel::run;
    callbacks.add(registration);
    registered.countDown();
    if (cancelled) {
      onCancel.run();
    }
    return () -> callbacks.remove(registration);
  }
}
