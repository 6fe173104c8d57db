package org.creativebridge.bridge.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.creativebridge.bridge.journal.Journal;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.JobContext;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.JobEvent;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.JobView;
import org.creativebridge.protocol.Priority;
import org.creativebridge.protocol.Recipe;

/**
 * A job the daemon knows in memory: what was asked, where it stands, its events so far and who is
 * listening. It is also the {@link JobContext} its engine reports to. Thread-safe: state changes
 * and event delivery happen under one lock, so a listener that subscribes sees every event once,
 * in order.
 */
final class JobRecord implements JobContext, Scheduler.Work {
  /** Progress events closer together than this are coalesced, so a chatty engine cannot flood clients. */
  private static final double PROGRESS_STEP = 0.01;

  private final Journal.JobRow submitted;
  private final Engine engine;
  private final long sequence;
  private final Clock clock;
  private final Consumer<JobRecord> runner;

  private final Object lock = new Object();
  private JobStatus status;
  private Instant startedAt;
  private Instant finishedAt;
  private String stage;
  private double progress;
  private double lastReportedProgress = -1;
  private Map<String, String> outputs;
  private Recipe recipe;
  private ErrorResponse.Error error;
  private final List<JobEvent> history = new ArrayList<>();
  private JobEvent latestProgress;
  private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;
  private final List<Runnable> cancelHooks = new ArrayList<>();
  private volatile java.util.function.Function<Object, String> previewStore = intermediate -> null;

  /** What the record needs besides the journalled row; {@code runner} runs the job on its lane. */
  record Setup(Engine engine, long sequence, Clock clock, Consumer<JobRecord> runner) {}

  JobRecord(Journal.JobRow submitted, Setup setup) {
    this.submitted = submitted;
    this.engine = setup.engine();
    this.sequence = setup.sequence();
    this.clock = setup.clock();
    this.status = submitted.status();
    this.runner = setup.runner();
    history.add(JobEvent.simple(JobEvent.QUEUED, submitted.id()));
  }

  String id() {
    return submitted.id();
  }

  Journal.JobRow submitted() {
    return submitted;
  }

  Engine engine() {
    return engine;
  }

  // ---- Scheduler.Work ----

  @Override
  public Priority priority() {
    return submitted.priority();
  }

  @Override
  public long sequence() {
    return sequence;
  }

  @Override
  public String lane() {
    String device = engine.info().device();
    return device == null ? Scheduler.CPU_LANE : device;
  }

  @Override
  public void run() {
    runner.accept(this);
  }

  // ---- state changes ----

  /** Queued to running; false when the job was cancelled before it started. */
  boolean start() {
    synchronized (lock) {
      if (status != JobStatus.QUEUED || cancelled) {
        return false;
      }
      status = JobStatus.RUNNING;
      startedAt = clock.instant();
      emit(JobEvent.simple(JobEvent.STARTED, id()));
      return true;
    }
  }

  Instant startedAt() {
    synchronized (lock) {
      return startedAt;
    }
  }

  void succeed(Map<String, String> outputs, Recipe recipe, Instant at) {
    synchronized (lock) {
      if (status.isTerminal()) {
        return;
      }
      this.outputs = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(outputs));
      this.recipe = recipe;
      this.progress = 1.0;
      finish(JobStatus.SUCCEEDED, at, JobEvent.done(id(), this.outputs, recipe));
    }
  }

  void fail(ErrorResponse.Error error, Instant at) {
    synchronized (lock) {
      if (status.isTerminal()) {
        return;
      }
      this.error = error;
      finish(JobStatus.FAILED, at, JobEvent.failed(id(), error));
    }
  }

  void markCancelled(Instant at) {
    synchronized (lock) {
      finish(JobStatus.CANCELLED, at, JobEvent.simple(JobEvent.CANCELLED, id()));
    }
  }

  private void finish(JobStatus terminal, Instant at, JobEvent event) {
    if (status.isTerminal()) {
      return;
    }
    status = terminal;
    finishedAt = at;
    emit(event);
    listeners.clear();
  }

  /** Asks the job to stop; hooks (ONNX run terminations) fire at once. */
  void requestCancel() {
    List<Runnable> hooks;
    synchronized (lock) {
      cancelled = true;
      hooks = List.copyOf(cancelHooks);
    }
    hooks.forEach(Runnable::run);
  }

  JobStatus status() {
    synchronized (lock) {
      return status;
    }
  }

  // ---- JobContext ----

  @Override
  public void stage(String name) {
    synchronized (lock) {
      if (status != JobStatus.RUNNING) {
        return;
      }
      stage = name;
      emit(JobEvent.stage(id(), name));
    }
  }

  @Override
  public void progress(double fraction) {
    synchronized (lock) {
      if (status != JobStatus.RUNNING) {
        return;
      }
      double clamped = Math.max(progress, Math.min(1.0, Math.max(0.0, fraction)));
      progress = clamped;
      if (clamped - lastReportedProgress >= PROGRESS_STEP || (clamped == 1.0 && lastReportedProgress < 1.0)) {
        lastReportedProgress = clamped;
        emit(JobEvent.progress(id(), clamped));
      }
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  /** Where previews are stored: returns the blob id of an intermediate, or null to drop it. */
  void previewsTo(java.util.function.Function<Object, String> store) {
    this.previewStore = store;
  }

  @Override
  public void preview(Object intermediate) {
    String blobId = previewStore.apply(intermediate);
    if (blobId == null) {
      return;
    }
    synchronized (lock) {
      if (status == JobStatus.RUNNING) {
        emit(new JobEvent(JobEvent.PREVIEW, id(), null, null, blobId, null, null, null));
      }
    }
  }

  @Override
  public Registration onCancel(Runnable onCancel) {
    boolean runNow;
    synchronized (lock) {
      cancelHooks.add(onCancel);
      runNow = cancelled;
    }
    if (runNow) {
      onCancel.run();
    }
    return () -> {
      synchronized (lock) {
        cancelHooks.remove(onCancel);
      }
    };
  }

  // ---- events ----

  private void emit(JobEvent event) {
    if (JobEvent.PROGRESS.equals(event.type())) {
      latestProgress = event;
    } else {
      history.add(event);
    }
    for (Consumer<JobEvent> listener : listeners) {
      listener.accept(event);
    }
  }

  /**
   * Replays the events so far (progress coalesced to the latest) to {@code listener}, then keeps it
   * informed until the job ends. Returns a handle that stops the updates.
   */
  Runnable subscribe(Consumer<JobEvent> listener) {
    synchronized (lock) {
      List<JobEvent> replay = new ArrayList<>(history);
      JobEvent terminal = null;
      if (!replay.isEmpty() && replay.get(replay.size() - 1).isTerminal()) {
        terminal = replay.remove(replay.size() - 1);
      }
      replay.forEach(listener);
      if (latestProgress != null) {
        listener.accept(latestProgress);
      }
      if (terminal != null) {
        listener.accept(terminal);
        return () -> {};
      }
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }
  }

  JobView view() {
    synchronized (lock) {
      return new JobView(
          id(),
          submitted.task(),
          submitted.engine(),
          status,
          submitted.priority(),
          submitted.inputs(),
          submitted.params(),
          submitted.outputFormat(),
          submitted.createdAt(),
          startedAt,
          finishedAt,
          stage,
          progress,
          outputs,
          recipe,
          error);
    }
  }
}
