package org.creativebridge.bridge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.creativebridge.bridge.journal.Journal;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.JobEvent;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.JobView;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.Priority;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.Recipe;
import org.junit.jupiter.api.Test;

/** A job's in-memory state and its event replay, without a daemon around it. */
class JobRecordTest {
  private static final String JOB = "job-1";
  private static final Instant CREATED = Instant.parse("2025-01-02T03:04:05Z");
  private static final Clock CLOCK = Clock.fixed(CREATED.plusSeconds(1), ZoneOffset.UTC);
  private static final String OUTPUT = "sha256:" + "c".repeat(64);

  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void lateSubscriber_getsEventsSoFarInOrder_withProgressCoalescedToTheLatest() {
    JobRecord record = record(null);
    record.start();
    record.stage("decode");
    record.progress(0.1);
    record.progress(0.3);
    record.stage("fill");
    record.progress(0.6);

    List<JobEvent> events = new ArrayList<>();
    record.subscribe(events::add);

    assertEquals(
        List.of(
            JobEvent.simple(JobEvent.QUEUED, JOB),
            JobEvent.simple(JobEvent.STARTED, JOB),
            JobEvent.stage(JOB, "decode"),
            JobEvent.stage(JOB, "fill"),
            JobEvent.progress(JOB, 0.6)),
        events);
  }

  @Test
  void subscriber_thenGetsLiveEvents_untilTheTerminalOne_andNothingAfter() {
    JobRecord record = record(null);
    List<JobEvent> events = new ArrayList<>();
    record.subscribe(events::add);

    record.start();
    record.stage("fill");
    record.progress(0.5);
    Recipe recipe = recipe();
    record.succeed(Map.of("image", OUTPUT), recipe, CREATED.plusSeconds(9));
    record.progress(0.9);
    record.stage("late");
    record.markCancelled(CREATED);

    assertEquals(
        List.of(
            JobEvent.simple(JobEvent.QUEUED, JOB),
            JobEvent.simple(JobEvent.STARTED, JOB),
            JobEvent.stage(JOB, "fill"),
            JobEvent.progress(JOB, 0.5),
            JobEvent.done(JOB, Map.of("image", OUTPUT), recipe)),
        events);
    JobView view = record.view();
    assertEquals(JobStatus.SUCCEEDED, view.status());
    assertEquals(1.0, view.progress());
    assertEquals("fill", view.stage());
    assertEquals(Map.of("image", OUTPUT), view.outputs());
    assertNull(view.error());
    assertEquals(CREATED.plusSeconds(9), view.finishedAt());
  }

  @Test
  void lateFailure_afterSuccess_changesNothing() {
    JobRecord record = record(null);
    record.start();
    Recipe recipe = recipe();
    record.succeed(Map.of("image", OUTPUT), recipe, CREATED.plusSeconds(9));
    List<JobEvent> events = new ArrayList<>();
    record.subscribe(events::add);
    events.clear();

    record.fail(new ErrorResponse.Error(ErrorCode.ENGINE_FAILED.code(), "too late", Map.of()), CREATED);

    assertEquals(List.of(), events);
    JobView view = record.view();
    assertEquals(JobStatus.SUCCEEDED, view.status());
    assertNull(view.error(), "a succeeded job shows no error");
    assertEquals(CREATED.plusSeconds(9), view.finishedAt());
  }

  @Test
  void lateSuccess_afterFailure_changesNothing() {
    JobRecord record = record(null);
    record.start();
    record.progress(0.3);
    ErrorResponse.Error error = new ErrorResponse.Error(ErrorCode.ENGINE_FAILED.code(), "broke", Map.of());
    record.fail(error, CREATED.plusSeconds(2));

    record.succeed(Map.of("image", OUTPUT), recipe(), CREATED.plusSeconds(9));

    JobView view = record.view();
    assertEquals(JobStatus.FAILED, view.status());
    assertEquals(error, view.error());
    assertNull(view.outputs(), "a failed job shows no outputs");
    assertNull(view.recipe());
    assertEquals(0.3, view.progress());
  }

  @Test
  void subscriberAfterTheEnd_getsTheWholeStoryEndingWithTheTerminalEvent() {
    JobRecord record = record(null);
    record.start();
    record.progress(0.4);
    ErrorResponse.Error error =
        new ErrorResponse.Error(ErrorCode.ENGINE_FAILED.code(), "broke", Map.of("step", "fill"));
    record.fail(error, CREATED.plusSeconds(3));

    List<JobEvent> events = new ArrayList<>();
    Runnable unsubscribe = record.subscribe(events::add);
    record.progress(0.8);
    unsubscribe.run();

    assertEquals(
        List.of(
            JobEvent.simple(JobEvent.QUEUED, JOB),
            JobEvent.simple(JobEvent.STARTED, JOB),
            JobEvent.progress(JOB, 0.4),
            JobEvent.failed(JOB, error)),
        events);
    assertEquals(JobStatus.FAILED, record.status());
    assertEquals(error, record.view().error());
  }

  @Test
  void unsubscribed_listenerHearsNothingMore() {
    JobRecord record = record(null);
    List<JobEvent> events = new ArrayList<>();
    Runnable unsubscribe = record.subscribe(events::add);

    unsubscribe.run();
    record.start();
    record.markCancelled(CREATED);

    assertEquals(List.of(JobEvent.simple(JobEvent.QUEUED, JOB)), events);
  }

  @Test
  void progress_neverGoesBackwards_andTinyStepsAreCoalesced() {
    JobRecord record = record(null);
    record.start();
    List<JobEvent> events = new ArrayList<>();
    record.subscribe(events::add);
    events.clear();

    record.progress(0.5);
    record.progress(0.505);
    record.progress(0.2);
    record.progress(7);

    assertEquals(List.of(JobEvent.progress(JOB, 0.5), JobEvent.progress(JOB, 1.0)), events);
    assertEquals(1.0, record.view().progress());
  }

  @Test
  void stageAndProgress_beforeTheStart_areIgnored() {
    JobRecord record = record(null);

    record.stage("decode");
    record.progress(0.5);

    List<JobEvent> events = new ArrayList<>();
    record.subscribe(events::add);
    assertEquals(List.of(JobEvent.simple(JobEvent.QUEUED, JOB)), events);
    assertEquals(0.0, record.view().progress());
    assertNull(record.view().stage());
  }

  @Test
  void cancelledBeforeItStarts_neverStarts() {
    JobRecord record = record(null);
    List<Boolean> hookRan = new ArrayList<>();
    record.onCancel(() -> hookRan.add(true));

    record.requestCancel();

    assertTrue(record.isCancelled());
    assertEquals(List.of(true), hookRan);
    assertFalse(record.start());
    assertEquals(JobStatus.QUEUED, record.status());
    assertNull(record.startedAt());
  }

  @Test
  void cancelHook_registeredAfterCancel_runsAtOnce_andAClosedHookDoesNot() {
    JobRecord record = record(null);
    List<String> hooks = new ArrayList<>();
    record.onCancel(() -> hooks.add("closed")).close();

    record.requestCancel();
    record.onCancel(() -> hooks.add("late"));

    assertEquals(List.of("late"), hooks);
  }

  @Test
  void start_onlyOnce() {
    JobRecord record = record(null);

    assertTrue(record.start());
    assertFalse(record.start());

    assertEquals(CLOCK.instant(), record.startedAt());
    assertEquals(JobStatus.RUNNING, record.view().status());
  }

  @Test
  void lane_isTheEnginesDevice_orCpuWhenItHasNone() {
    assertEquals(Scheduler.CPU_LANE, record(null).lane());
    assertEquals("cuda", record("cuda").lane());
  }

  @Test
  void asWork_itHasTheJobsPriorityAndSequence_andRunsThroughTheRunner() {
    JobRecord record = record(null);

    record.run();

    assertEquals(Priority.BATCH, record.priority());
    assertEquals(17, record.sequence());
    assertEquals(1, runs.get());
  }

  @Test
  void view_showsWhatWasSubmitted() {
    JobView view = record(null).view();

    assertEquals(JOB, view.id());
    assertEquals("image.inpaint", view.task());
    assertEquals("auto", view.engine());
    assertEquals(JobStatus.QUEUED, view.status());
    assertEquals(Priority.BATCH, view.priority());
    assertEquals(CREATED, view.createdAt());
    assertEquals(OutputFormat.PNG, view.outputFormat());
    assertNull(view.startedAt());
    assertNull(view.outputs());
  }

  // ---- helpers ----

  @Test
  void preview_whileRunning_isAnEventNamingTheStoredBlob() {
    JobRecord record = record(null);
    String blob = "sha256:" + "d".repeat(64);
    record.previewsTo(intermediate -> intermediate.equals("step 5") ? blob : null);
    List<JobEvent> events = new ArrayList<>();
    record.subscribe(events::add);
    record.start();

    record.preview("step 5");
    record.preview("something no store takes");

    JobEvent last = events.get(events.size() - 1);
    assertEquals(JobEvent.PREVIEW, last.type());
    assertEquals(blob, last.preview());
    assertEquals(1, events.stream().filter(e -> JobEvent.PREVIEW.equals(e.type())).count());
  }

  @Test
  void preview_afterTheJobEnded_isDropped() {
    JobRecord record = record(null);
    record.previewsTo(intermediate -> "sha256:" + "e".repeat(64));
    record.start();
    record.markCancelled(CREATED.plusSeconds(2));
    List<JobEvent> events = new ArrayList<>();
    record.subscribe(events::add);

    record.preview("late");

    assertEquals(JobEvent.CANCELLED, events.get(events.size() - 1).type());
    assertEquals(0, events.stream().filter(e -> JobEvent.PREVIEW.equals(e.type())).count());
  }

  private JobRecord record(String device) {
    Journal.JobRow row =
        new Journal.JobRow(
            JOB,
            "image.inpaint",
            "auto",
            Priority.BATCH,
            JobStatus.QUEUED,
            Map.of("image", "sha256:" + "a".repeat(64), "mask", "sha256:" + "b".repeat(64)),
            Map.of("image", "image/png", "mask", "image/png"),
            ProtocolJson.mapper().createObjectNode().put("seed", 1),
            OutputFormat.PNG,
            CREATED,
            null,
            null,
            null,
            null,
            null);
    return new JobRecord(row, new JobRecord.Setup(new StubEngine(device), 17, CLOCK, r -> runs.incrementAndGet()));
  }

  private static Recipe recipe() {
    return new Recipe(
        "image.inpaint",
        new Recipe.EngineRef("stub", "builtin", null, "1"),
        ProtocolJson.mapper().createObjectNode().put("seed", 1),
        Map.of(),
        Map.of(),
        OutputFormat.PNG,
        "test");
  }

  private record StubEngine(String device) implements Engine {
    @Override
    public EngineInfo info() {
      return new EngineInfo("stub", "image.inpaint", EngineInfo.Kind.BUILTIN, "a stub", null, device, "1", false);
    }

    @Override
    public EngineResult run(EngineRequest request, JobContext context) {
      throw new UnsupportedOperationException("the record never runs its engine itself");
    }
  }
}
