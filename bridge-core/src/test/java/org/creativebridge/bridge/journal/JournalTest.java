package org.creativebridge.bridge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.Priority;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.Recipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite journal, on a real database file in a temporary folder. */
class JournalTest {
  private static final String IMAGE = "sha256:" + "a".repeat(64);
  private static final String MASK = "sha256:" + "b".repeat(64);
  private static final String OUTPUT = "sha256:" + "c".repeat(64);

  @TempDir Path dir;

  private Path file;
  private Journal journal;

  @BeforeEach
  void open() {
    file = dir.resolve("journal.db");
    journal = new Journal(file);
  }

  @AfterEach
  void close() {
    journal.close();
  }

  // ---- jobs ----

  @Test
  void insertedJob_isFoundWithEveryField() {
    Journal.JobRow row = job("job-1", 1_700_000_000_123L, Priority.BATCH);

    assertTrue(journal.insertJob(row));

    assertEquals(Optional.of(row), journal.findJob("job-1"));
  }

  @Test
  void runningThenFinishedJob_isFoundWithEveryField() {
    Journal.JobRow row = job("job-1", 1_000, Priority.INTERACTIVE);
    journal.insertJob(row);
    Instant started = Instant.ofEpochMilli(2_000);
    Instant finished = Instant.ofEpochMilli(3_500);
    Recipe recipe = recipe();

    journal.markRunning("job-1", started);
    Journal.JobRow running = journal.findJob("job-1").orElseThrow();
    journal.finish(
        "job-1", new Journal.Outcome(JobStatus.SUCCEEDED, finished, Map.of("image", OUTPUT), recipe, null));
    Journal.JobRow done = journal.findJob("job-1").orElseThrow();

    assertEquals(JobStatus.RUNNING, running.status());
    assertEquals(started, running.startedAt());
    assertEquals(
        new Journal.JobRow(
            row.id(), row.task(), row.engine(), row.priority(), JobStatus.SUCCEEDED, row.inputs(),
            row.inputTypes(), row.params(), row.outputFormat(), row.createdAt(), started, finished,
            Map.of("image", OUTPUT), recipe, null),
        done);
  }

  @Test
  void failedJob_keepsItsError_andHasNoOutputs() {
    journal.insertJob(job("job-1", 1_000, Priority.INTERACTIVE));
    ErrorResponse.Error error =
        new ErrorResponse.Error(ErrorCode.ENGINE_FAILED.code(), "the engine broke", Map.of("step", "fill"));

    journal.finish("job-1", new Journal.Outcome(JobStatus.FAILED, Instant.ofEpochMilli(9), null, null, error));

    Journal.JobRow failed = journal.findJob("job-1").orElseThrow();
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals(error, failed.error());
    assertNull(failed.outputs());
    assertNull(failed.recipe());
    assertEquals(Instant.ofEpochMilli(9), failed.finishedAt());
  }

  @Test
  void jobWithTheIdTaken_isRefused_andTheFirstIsKept() {
    Journal.JobRow first = job("same", 1_000, Priority.INTERACTIVE);
    Journal.JobRow second =
        new Journal.JobRow(
            "same", "image.inpaint", "builtin.patchmatch", Priority.BATCH, JobStatus.QUEUED,
            Map.of("image", MASK, "mask", MASK), Map.of(), params(), OutputFormat.RAW,
            Instant.ofEpochMilli(2_000), null, null, null, null, null);

    assertTrue(journal.insertJob(first));
    assertFalse(journal.insertJob(second));

    assertEquals(Optional.of(first), journal.findJob("same"));
  }

  @Test
  void unknownJob_isNotFound() {
    assertEquals(Optional.empty(), journal.findJob("nobody"));
  }

  @Test
  void markRunning_leavesAFinishedJobAlone() {
    journal.insertJob(job("job-1", 1_000, Priority.INTERACTIVE));
    journal.finish("job-1", new Journal.Outcome(JobStatus.CANCELLED, Instant.ofEpochMilli(5), null, null, null));

    journal.markRunning("job-1", Instant.ofEpochMilli(6));

    Journal.JobRow row = journal.findJob("job-1").orElseThrow();
    assertEquals(JobStatus.CANCELLED, row.status());
    assertNull(row.startedAt());
  }

  @Test
  void listJobs_byStatus_newestFirst_withLimit() {
    journal.insertJob(job("q1", 1_000, Priority.INTERACTIVE));
    journal.insertJob(job("r2", 2_000, Priority.INTERACTIVE));
    journal.insertJob(job("q3", 3_000, Priority.BATCH));
    journal.insertJob(job("s4", 4_000, Priority.INTERACTIVE));
    journal.insertJob(job("q5", 5_000, Priority.INTERACTIVE));
    journal.markRunning("r2", Instant.ofEpochMilli(6_000));
    journal.markRunning("s4", Instant.ofEpochMilli(6_000));
    journal.finish("s4", new Journal.Outcome(JobStatus.SUCCEEDED, Instant.ofEpochMilli(7_000), Map.of(), null, null));

    assertEquals(List.of("q5", "q3", "q1"), ids(journal.listJobs(EnumSet.of(JobStatus.QUEUED), 100)));
    assertEquals(List.of("q5", "q3"), ids(journal.listJobs(EnumSet.of(JobStatus.QUEUED), 2)));
    assertEquals(
        List.of("q5", "q3", "r2", "q1"),
        ids(journal.listJobs(EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING), 100)));
    assertEquals(List.of("s4"), ids(journal.listJobs(EnumSet.of(JobStatus.SUCCEEDED), 100)));
    assertEquals(List.of(), ids(journal.listJobs(EnumSet.of(JobStatus.FAILED), 100)));
  }

  @Test
  void listJobs_withNoStatuses_listsAll_newestFirst() {
    journal.insertJob(job("a", 1_000, Priority.INTERACTIVE));
    journal.insertJob(job("b", 3_000, Priority.INTERACTIVE));
    journal.insertJob(job("c", 2_000, Priority.INTERACTIVE));

    assertEquals(List.of("b", "c", "a"), ids(journal.listJobs(Set.of(), 100)));
    assertEquals(List.of("b"), ids(journal.listJobs(Set.of(), 1)));
  }

  @Test
  void listJobs_createdInTheSameMillisecond_newestInsertFirst() {
    journal.insertJob(job("first", 1_000, Priority.INTERACTIVE));
    journal.insertJob(job("second", 1_000, Priority.INTERACTIVE));
    journal.insertJob(job("third", 1_000, Priority.INTERACTIVE));

    assertEquals(List.of("third", "second", "first"), ids(journal.listJobs(Set.of(), 100)));
  }

  @Test
  void recoverAfterRestart_failsRunningJobs_andReturnsQueuedOnesOldestFirst() {
    journal.insertJob(job("q-late", 5_000, Priority.INTERACTIVE));
    journal.insertJob(job("running", 1_000, Priority.INTERACTIVE));
    journal.insertJob(job("q-early", 2_000, Priority.BATCH));
    journal.insertJob(job("done", 500, Priority.INTERACTIVE));
    journal.markRunning("running", Instant.ofEpochMilli(3_000));
    journal.finish("done", new Journal.Outcome(JobStatus.SUCCEEDED, Instant.ofEpochMilli(900), Map.of(), recipe(), null));
    ErrorResponse.Error interrupted =
        new ErrorResponse.Error(ErrorCode.JOB_INTERRUPTED.code(), "the daemon stopped", Map.of());
    Instant now = Instant.ofEpochMilli(10_000);

    List<Journal.JobRow> queued = journal.recoverAfterRestart(interrupted, now);

    assertEquals(List.of("q-early", "q-late"), ids(queued));
    assertTrue(queued.stream().allMatch(row -> row.status() == JobStatus.QUEUED));
    Journal.JobRow failed = journal.findJob("running").orElseThrow();
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals(interrupted, failed.error());
    assertEquals(now, failed.finishedAt());
    assertEquals(Instant.ofEpochMilli(3_000), failed.startedAt());
    Journal.JobRow done = journal.findJob("done").orElseThrow();
    assertEquals(JobStatus.SUCCEEDED, done.status());
    assertNull(done.error());
    assertEquals(Instant.ofEpochMilli(900), done.finishedAt());
  }

  @Test
  void everything_survivesClosingAndReopeningTheFile() {
    Journal.JobRow row = job("job-1", 1_000, Priority.BATCH);
    journal.insertJob(row);
    journal.markRunning("job-1", Instant.ofEpochMilli(2_000));
    journal.finish(
        "job-1",
        new Journal.Outcome(JobStatus.SUCCEEDED, Instant.ofEpochMilli(3_000), Map.of("image", OUTPUT), recipe(), null));
    journal.upsertBlob(new Journal.BlobRow(OUTPUT, 42, "image/png", 77));
    Journal.JobRow before = journal.findJob("job-1").orElseThrow();
    journal.close();

    journal = new Journal(file);

    assertEquals(Optional.of(before), journal.findJob("job-1"));
    assertEquals(Optional.of(new Journal.BlobRow(OUTPUT, 42, "image/png", 77)), journal.findBlob(OUTPUT));
    assertFalse(journal.deleteUnreferencedBlob(OUTPUT), "the output pin survives too");
  }

  @Test
  void journalInAFolderThatDoesNotExist_isAClearError() {
    Path nowhere = dir.resolve("no/such/folder/journal.db");

    Journal.JournalException e = assertThrows(Journal.JournalException.class, () -> new Journal(nowhere));

    assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
    assertFalse(Files.exists(nowhere));
  }

  // ---- blobs ----

  @Test
  void upsertBlob_ofAKnownId_updatesTypeAndLastUse_butNotSize() {
    journal.upsertBlob(new Journal.BlobRow(IMAGE, 10, "application/octet-stream", 1));

    journal.upsertBlob(new Journal.BlobRow(IMAGE, 999, "image/png", 5));

    assertEquals(Optional.of(new Journal.BlobRow(IMAGE, 10, "image/png", 5)), journal.findBlob(IMAGE));
    assertEquals(10, journal.totalBlobBytes());
  }

  @Test
  void evictionCandidates_areUnreferencedBlobs_leastRecentlyUsedFirst() {
    journal.upsertBlob(new Journal.BlobRow(IMAGE, 10, "image/png", 3));
    journal.upsertBlob(new Journal.BlobRow(MASK, 20, "image/png", 1));
    journal.upsertBlob(new Journal.BlobRow(OUTPUT, 30, "image/png", 2));
    journal.insertJob(
        new Journal.JobRow(
            "job-1", "image.inpaint", "auto", Priority.INTERACTIVE, JobStatus.QUEUED, Map.of("mask", MASK),
            Map.of("mask", "image/png"), params(), OutputFormat.PNG, Instant.ofEpochMilli(1), null, null,
            null, null, null));

    assertEquals(List.of(OUTPUT, IMAGE), journal.evictionCandidates(10).stream().map(Journal.BlobRow::id).toList());
    assertEquals(List.of(OUTPUT), journal.evictionCandidates(1).stream().map(Journal.BlobRow::id).toList());

    journal.touchBlob(OUTPUT, 4);

    assertEquals(List.of(IMAGE, OUTPUT), journal.evictionCandidates(10).stream().map(Journal.BlobRow::id).toList());
    assertEquals(60, journal.totalBlobBytes());
  }

  @Test
  void deleteUnreferencedBlob_refusesAPinnedBlob() {
    journal.upsertBlob(new Journal.BlobRow(IMAGE, 10, "image/png", 1));
    journal.upsertBlob(new Journal.BlobRow(OUTPUT, 10, "image/png", 1));
    journal.insertJob(job("job-1", 1_000, Priority.INTERACTIVE));

    assertFalse(journal.deleteUnreferencedBlob(IMAGE));
    assertTrue(journal.deleteUnreferencedBlob(OUTPUT));

    assertEquals(Set.of(IMAGE), journal.allBlobIds());
  }

  @Test
  void deleteBlobRow_removesEvenAPinnedRow() {
    journal.upsertBlob(new Journal.BlobRow(IMAGE, 10, "image/png", 1));
    journal.insertJob(job("job-1", 1_000, Priority.INTERACTIVE));

    journal.deleteBlobRow(IMAGE);

    assertEquals(Optional.empty(), journal.findBlob(IMAGE));
    assertEquals(0, journal.totalBlobBytes());
  }

  // ---- helpers ----

  private static List<String> ids(List<Journal.JobRow> rows) {
    return rows.stream().map(Journal.JobRow::id).toList();
  }

  private static ObjectNode params() {
    ObjectNode params = ProtocolJson.mapper().createObjectNode();
    params.put("seed", 4_294_967_295L);
    params.put("grow", 3);
    params.put("feather", 0);
    params.put("patch_size", 7);
    params.put("prompt", "a quiet lake, \"unicode\" \u00e9\u6f22");
    return params;
  }

  private static Journal.JobRow job(String id, long createdMillis, Priority priority) {
    return new Journal.JobRow(
        id,
        "image.inpaint",
        "auto",
        priority,
        JobStatus.QUEUED,
        Map.of("image", IMAGE, "mask", MASK),
        Map.of("image", "image/png", "mask", "image/x-raw; width=2; height=2; format=rgba8"),
        params(),
        OutputFormat.PNG,
        Instant.ofEpochMilli(createdMillis),
        null,
        null,
        null,
        null,
        null);
  }

  private static Recipe recipe() {
    return new Recipe(
        "image.inpaint",
        new Recipe.EngineRef("builtin.patchmatch", "builtin", null, "1"),
        params(),
        Map.of("image", IMAGE, "mask", MASK),
        Map.of("image", "image/png", "mask", "image/png"),
        OutputFormat.PNG,
        "0.1.0-SNAPSHOT");
  }
}
