package org.creativebridge.bridge.jobs;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.blobs.BlobStore;
import org.creativebridge.bridge.engines.EngineRegistry;
import org.creativebridge.bridge.journal.Journal;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.JobEvent;
import org.creativebridge.protocol.JobRequest;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.JobView;
import org.creativebridge.protocol.TaskSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts, runs, reports and cancels jobs. A submission is checked completely before it is accepted
 * (task, engine, inputs decodable and of matching sizes, params), so bad input is an error on
 * {@code POST /v1/jobs}, not a failed job later. Every state change is journalled before it is
 * announced. Thread-safe.
 */
public final class JobService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int RECENT_JOBS = 256;

  private final Journal journal;
  private final BlobStore blobs;
  private final EngineRegistry engines;
  private final ParamsValidator paramsValidator;
  private final Scheduler scheduler;
  private final Limits limits;
  private final Clock clock;
  private final Map<String, JobRecord> live = new ConcurrentHashMap<>();
  /**
   * Jobs that ended lately, kept whole so a late event subscriber still gets their stages and
   * progress; older ones are answered from the journal.
   */
  private final Map<String, JobRecord> recent =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, JobRecord> eldest) {
              return size() > RECENT_JOBS;
            }
          });
  private final Map<String, Object> probed = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  /**
   * Set while the daemon shuts down: jobs stopped by the shutdown are left "running" in the
   * journal, so the next start reports them as interrupted (BRIDGE-4001) rather than cancelled or
   * failed for a reason that was not theirs.
   */
  private volatile boolean closing;
  private final SecureRandom random = new SecureRandom();

  /** Limits on what jobs may ask for. */
  public record Limits(Media.Limits media, int maxQueuedJobs) {}

  /** The collaborators of the service. */
  public record Parts(Journal journal, BlobStore blobs, EngineRegistry engines, Scheduler scheduler) {}

  public JobService(Parts parts, Limits limits, Clock clock) {
    this.journal = parts.journal();
    this.blobs = parts.blobs();
    this.engines = parts.engines();
    this.scheduler = parts.scheduler();
    this.limits = limits;
    this.clock = clock;
    this.paramsValidator = new ParamsValidator(() -> random.nextLong() & 0xFFFF_FFFFL);
  }

  /**
   * After a crash: jobs that were running are failed with {@link ErrorCode#JOB_INTERRUPTED}; the
   * queued ones are queued again.
   */
  public void recover() {
    List<Journal.JobRow> queued =
        journal.recoverAfterRestart(
            error(ErrorCode.JOB_INTERRUPTED, "the daemon stopped while this job was running", Map.of()),
            clock.instant());
    for (Journal.JobRow row : queued) {
      try {
        Engine engine =
            engines.resolve(TaskSpec.find(row.task()).orElseThrow(), row.engine(), row.params().path("prompt").asText(""));
        enqueue(new JobRecord(row, setup(engine)));
      } catch (RuntimeException e) {
        journal.finish(
            row.id(),
            new Journal.Outcome(
                JobStatus.FAILED,
                clock.instant(),
                null,
                null,
                error(ErrorCode.ENGINE_NOT_READY, "cannot run after restart: " + e.getMessage(), Map.of())));
      }
    }
  }

  public JobView submit(JobRequest raw) {
    JobRequest request = raw.normalized();
    TaskSpec task =
        TaskSpec.find(request.task())
            .orElseThrow(
                () ->
                    new BridgeException(
                        ErrorCode.UNKNOWN_TASK,
                        "no task '" + request.task() + "'",
                        Map.of(
                            "task", String.valueOf(request.task()),
                            "known", TaskSpec.all().stream().map(TaskSpec::name).sorted().toList())));
    String id = request.id() != null ? checkJobId(request.id()) : newJobId();
    Map<String, String> inputTypes = checkInputs(task, request.inputs());
    var params = paramsValidator.effectiveParams(task, request.params());
    Engine engine = engines.resolve(task, request.engine(), params.path("prompt").asText(""));
    try {
      engine.checkParams(ParamsValidator.toParams(params));
    } catch (EngineException e) {
      throw new BridgeException(codeOf(e.kind()), e.getMessage(), e.details());
    }
    if (scheduler.queuedCount() >= limits.maxQueuedJobs()) {
      throw new BridgeException(
          ErrorCode.QUEUE_FULL,
          "too many jobs are waiting (" + limits.maxQueuedJobs() + ")",
          Map.of("max_queued_jobs", limits.maxQueuedJobs()));
    }
    Journal.JobRow row =
        new Journal.JobRow(
            id,
            task.name(),
            request.engine(),
            request.priority(),
            JobStatus.QUEUED,
            request.inputs(),
            inputTypes,
            params,
            request.outputFormat(),
            clock.instant(),
            null,
            null,
            null,
            null,
            null);
    if (!journal.insertJob(row)) {
      throw new BridgeException(
          ErrorCode.DUPLICATE_JOB_ID, "a job with id '" + id + "' already exists", Map.of("id", id));
    }
    JobRecord record = new JobRecord(row, setup(engine));
    enqueue(record);
    return record.view();
  }

  private JobRecord.Setup setup(Engine engine) {
    return new JobRecord.Setup(engine, sequence.incrementAndGet(), clock, this::execute);
  }

  private void enqueue(JobRecord record) {
    live.put(record.id(), record);
    scheduler.enqueue(record);
  }

  private static String checkJobId(String id) {
    if (!JOB_ID.matcher(id).matches()) {
      throw new BridgeException(
          ErrorCode.INVALID_REQUEST,
          "a job id is 1 to 64 of A-Z a-z 0-9 . _ -",
          Map.of("id", id));
    }
    return id;
  }

  private String newJobId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return "job-" + HexFormat.of().formatHex(bytes);
  }

  /** Checks names, existence, decodability and sizes of the inputs; returns their media types. */
  private Map<String, String> checkInputs(TaskSpec task, Map<String, String> inputs) {
    for (String name : inputs.keySet()) {
      if (task.input(name).isEmpty()) {
        throw new BridgeException(
            ErrorCode.UNKNOWN_INPUT,
            task.name() + " takes no input '" + name + "'",
            Map.of("input", name, "known", task.inputs().stream().map(i -> i.name()).toList()));
      }
    }
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, Object> headers = new LinkedHashMap<>();
    for (var input : task.inputs()) {
      String blobId = inputs.get(input.name());
      if (blobId == null) {
        if (input.required()) {
          throw new BridgeException(
              ErrorCode.MISSING_INPUT,
              task.name() + " needs the input '" + input.name() + "'",
              Map.of("input", input.name()));
        }
        continue;
      }
      BlobStore.checkId(blobId);
      BlobStore.StoredBlob blob =
          blobs
              .find(blobId)
              .orElseThrow(
                  () ->
                      new BridgeException(
                          ErrorCode.BLOB_NOT_FOUND,
                          "input '" + input.name() + "' names blob " + blobId + ", which is not stored",
                          Map.of("input", input.name(), "id", blobId)));
      Object header = probe(input, blob);
      types.put(input.name(), blob.info().type());
      headers.put(input.name(), header);
    }
    TaskRun.checkSameSize(task, headers);
    return types;
  }

  private Object probe(org.creativebridge.protocol.Capabilities.Input input, BlobStore.StoredBlob blob) {
    String inputName = input.name();
    // Blobs are immutable, so a probe result holds for as long as the id and type stay the same.
    String key = input.kind() + " " + blob.info().id() + " " + blob.info().type();
    Object cached = probed.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      Object header = Media.probe(input.kind(), blob.file(), blob.info().type(), limits.media());
      if (probed.size() > 4096) {
        probed.clear();
      }
      probed.put(key, header);
      return header;
    } catch (EngineException e) {
      Map<String, Object> details = new LinkedHashMap<>(e.details());
      details.put("input", inputName);
      throw new BridgeException(codeOf(e.kind()), "input '" + inputName + "': " + e.getMessage(), details);
    }
  }

  /** Runs on a scheduler lane. */
  private void execute(JobRecord record) {
    if (!record.start()) {
      return;
    }
    Journal.JobRow row = record.submitted();
    journal.markRunning(row.id(), record.startedAt());
    record.previewsTo(intermediate -> storePreview(intermediate));
    Map<String, TaskRun.Input> inputs = new LinkedHashMap<>();
    TaskRun.Spec spec;
    try {
      for (Map.Entry<String, String> input : row.inputs().entrySet()) {
        BlobStore.StoredBlob blob = blobs.require(input.getValue());
        blobs.touch(blob.info().id());
        inputs.put(
            input.getKey(),
            new TaskRun.Input(blob.info().id(), blob.file(), row.inputTypes().get(input.getKey())));
      }
      spec =
          new TaskRun.Spec(
              TaskSpec.find(row.task()).orElseThrow(), record.engine(), inputs, row.params(), row.outputFormat());
      TaskRun.Result result =
          TaskRun.execute(
              spec,
              limits.media(),
              (name, type, writer) -> blobs.write(type, writer).id(),
              record);
      // Journal first: once a client hears "done", a restart still serves the result.
      journal.finish(
          row.id(),
          new Journal.Outcome(JobStatus.SUCCEEDED, clock.instant(), result.outputs(), result.recipe(), null));
      record.succeed(result.outputs(), result.recipe(), clock.instant());
      retire(record);
    } catch (CancelledException e) {
      if (closing) {
        return;
      }
      journal.finish(row.id(), new Journal.Outcome(JobStatus.CANCELLED, clock.instant(), null, null, null));
      record.markCancelled(clock.instant());
      retire(record);
    } catch (EngineException e) {
      failJob(record, error(codeOf(e.kind()), e.getMessage(), e.details()));
    } catch (BridgeException e) {
      failJob(record, error(e.code(), e.getMessage(), e.details()));
    } catch (OutOfMemoryError e) {
      failJob(record, error(ErrorCode.OUT_OF_MEMORY, "not enough memory to run this job", Map.of()));
    } catch (IOException | RuntimeException e) {
      LOG.error("job {} failed", row.id(), e);
      failJob(record, error(ErrorCode.ENGINE_FAILED, "the job failed: " + e, Map.of()));
    }
  }

  /** Previews are PNGs of their own, unreferenced, so the blob store may evict them first. */
  private String storePreview(Object intermediate) {
    if (!(intermediate instanceof org.creativebridge.inference.image.RgbaImage image)) {
      return null;
    }
    try {
      return blobs
          .write("image/png", out -> org.creativebridge.inference.image.ImageCodec.writePng(image, Map.of(), out))
          .id();
    } catch (IOException | RuntimeException e) {
      LOG.warn("a preview could not be stored; the job goes on without it", e);
      return null;
    }
  }

  private void retire(JobRecord record) {
    recent.put(record.id(), record);
    live.remove(record.id());
  }

  private JobRecord known(String id) {
    JobRecord record = live.get(id);
    return record != null ? record : recent.get(id);
  }

  private void failJob(JobRecord record, ErrorResponse.Error error) {
    if (closing) {
      return;
    }
    journal.finish(record.id(), new Journal.Outcome(JobStatus.FAILED, clock.instant(), null, null, error));
    record.fail(error, clock.instant());
    retire(record);
  }

  /** The stable code of an engine failure kind. */
  public static ErrorCode codeOf(EngineException.Kind kind) {
    return switch (kind) {
      case INVALID_INPUT -> ErrorCode.INVALID_PARAM;
      case IMAGE_UNREADABLE -> ErrorCode.IMAGE_UNREADABLE;
      case IMAGE_TOO_LARGE -> ErrorCode.IMAGE_TOO_LARGE;
      case RAW_SIZE_MISMATCH -> ErrorCode.RAW_SIZE_MISMATCH;
      case INPUT_SIZE_MISMATCH -> ErrorCode.INPUT_SIZE_MISMATCH;
      case MODEL_UNAVAILABLE -> ErrorCode.ENGINE_NOT_READY;
      case OUT_OF_MEMORY -> ErrorCode.OUT_OF_MEMORY;
      case FAILED -> ErrorCode.ENGINE_FAILED;
      case AUDIO_UNREADABLE -> ErrorCode.AUDIO_UNREADABLE;
      case AUDIO_TOO_LONG -> ErrorCode.AUDIO_TOO_LONG;
    };
  }

  private static ErrorResponse.Error error(ErrorCode code, String message, Map<String, Object> details) {
    return new ErrorResponse.Error(code.code(), message, details);
  }

  // ---- queries ----

  public JobView get(String id) {
    JobRecord record = known(id);
    if (record != null) {
      return record.view();
    }
    return journal.findJob(id).map(JobService::viewOf).orElseThrow(() -> notFound(id));
  }

  public List<JobView> list(Set<JobStatus> statuses, int limit) {
    return journal.listJobs(statuses, limit).stream()
        .map(row -> Optional.ofNullable(known(row.id())).map(JobRecord::view).orElseGet(() -> viewOf(row)))
        .toList();
  }

  /** Cancels a queued or running job; a finished job is returned as it is. */
  public JobView cancel(String id) {
    JobRecord record = known(id);
    if (record == null) {
      return get(id);
    }
    record.requestCancel();
    if (scheduler.remove(record)) {
      journal.finish(id, new Journal.Outcome(JobStatus.CANCELLED, clock.instant(), null, null, null));
      record.markCancelled(clock.instant());
      retire(record);
    }
    return record.view();
  }

  /**
   * Sends the job's events so far, then live ones until it ends, to {@code listener}. Returns a
   * handle that stops the updates.
   */
  public Runnable subscribe(String id, Consumer<JobEvent> listener) {
    JobRecord record = known(id);
    if (record != null) {
      return record.subscribe(listener);
    }
    JobView view = journal.findJob(id).map(JobService::viewOf).orElseThrow(() -> notFound(id));
    listener.accept(JobEvent.simple(JobEvent.QUEUED, id));
    if (view.startedAt() != null) {
      listener.accept(JobEvent.simple(JobEvent.STARTED, id));
    }
    switch (view.status()) {
      case SUCCEEDED -> listener.accept(JobEvent.done(id, view.outputs(), view.recipe()));
      case FAILED -> listener.accept(JobEvent.failed(id, view.error()));
      case CANCELLED -> listener.accept(JobEvent.simple(JobEvent.CANCELLED, id));
      default -> {
        // Only a job of an earlier daemon run can be journalled yet not live; recover() settled it.
      }
    }
    return () -> {};
  }

  private static BridgeException notFound(String id) {
    return new BridgeException(ErrorCode.JOB_NOT_FOUND, "no job '" + id + "'", Map.of("id", id));
  }

  private static JobView viewOf(Journal.JobRow row) {
    return new JobView(
        row.id(),
        row.task(),
        row.engine(),
        row.status(),
        row.priority(),
        row.inputs(),
        row.params(),
        row.outputFormat(),
        row.createdAt(),
        row.startedAt(),
        row.finishedAt(),
        null,
        row.status() == JobStatus.SUCCEEDED ? 1.0 : 0.0,
        row.outputs(),
        row.recipe(),
        row.error());
  }

  /** Stops running jobs at their next step and waits (bounded) for the lanes to let go. */
  @Override
  public void close() {
    closing = true;
    scheduler.close();
    live.values().forEach(JobRecord::requestCancel);
    try {
      if (!scheduler.awaitStopped(java.time.Duration.ofSeconds(10))) {
        LOG.warn("jobs still running at shutdown; the next start reports them as interrupted");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
