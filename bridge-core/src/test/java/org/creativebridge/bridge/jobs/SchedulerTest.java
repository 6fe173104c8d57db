package org.creativebridge.bridge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.creativebridge.protocol.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lanes, priorities and order. No sleeps: a latch holds a lane's only thread busy while work is
 * queued behind it, so the order the queue gives is the order observed. (Latch waits have a
 * generous bound only so a broken scheduler fails instead of hanging the build.)
 */
class SchedulerTest {
  private static final long WAIT_SECONDS = 30;

  private Scheduler scheduler;
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private long sequence;

  @AfterEach
  void close() {
    if (scheduler != null) {
      scheduler.close();
    }
  }

  @Test
  void interactiveRunsBeforeBatch_andFifoWithinAPriority() throws InterruptedException {
    scheduler = new Scheduler(1);
    Blocker blocker = block(Scheduler.CPU_LANE);
    CountDownLatch done = new CountDownLatch(6);
    scheduler.enqueue(work("batch-1", Priority.BATCH, Scheduler.CPU_LANE, done));
    scheduler.enqueue(work("interactive-1", Priority.INTERACTIVE, Scheduler.CPU_LANE, done));
    scheduler.enqueue(work("batch-2", Priority.BATCH, Scheduler.CPU_LANE, done));
    scheduler.enqueue(work("interactive-2", Priority.INTERACTIVE, Scheduler.CPU_LANE, done));
    scheduler.enqueue(work("batch-3", Priority.BATCH, Scheduler.CPU_LANE, done));
    scheduler.enqueue(work("interactive-3", Priority.INTERACTIVE, Scheduler.CPU_LANE, done));
    assertEquals(6, scheduler.queuedCount());

    blocker.release();

    await(done);
    assertEquals(
        List.of("blocker", "interactive-1", "interactive-2", "interactive-3", "batch-1", "batch-2", "batch-3"),
        ran);
    assertEquals(0, scheduler.queuedCount());
  }

  @Test
  void workQueuedEarlier_runsFirst_evenWhenEnqueuedLater() throws InterruptedException {
    scheduler = new Scheduler(1);
    Blocker blocker = block(Scheduler.CPU_LANE);
    CountDownLatch done = new CountDownLatch(3);
    // The sequence is the submission order; it decides, not the order of enqueue() calls.
    scheduler.enqueue(new TestWork("third", Priority.INTERACTIVE, 30, Scheduler.CPU_LANE, record("third", done)));
    scheduler.enqueue(new TestWork("first", Priority.INTERACTIVE, 10, Scheduler.CPU_LANE, record("first", done)));
    scheduler.enqueue(new TestWork("second", Priority.INTERACTIVE, 20, Scheduler.CPU_LANE, record("second", done)));

    blocker.release();

    await(done);
    assertEquals(List.of("blocker", "first", "second", "third"), ran);
  }

  @Test
  void removedQueuedWork_neverRuns() throws InterruptedException {
    scheduler = new Scheduler(1);
    Blocker blocker = block(Scheduler.CPU_LANE);
    CountDownLatch done = new CountDownLatch(1);
    Scheduler.Work doomed = work("doomed", Priority.INTERACTIVE, Scheduler.CPU_LANE, new CountDownLatch(1));
    Scheduler.Work kept = work("kept", Priority.BATCH, Scheduler.CPU_LANE, done);
    scheduler.enqueue(doomed);
    scheduler.enqueue(kept);

    assertTrue(scheduler.remove(doomed));
    assertFalse(scheduler.remove(doomed), "already removed");
    assertEquals(1, scheduler.queuedCount());
    blocker.release();

    // "doomed" is interactive and older than "kept": had it stayed queued it would have run first.
    await(done);
    assertEquals(List.of("blocker", "kept"), ran);
  }

  @Test
  void remove_ofRunningOrUnknownWork_isFalse() throws InterruptedException {
    scheduler = new Scheduler(1);
    Blocker blocker = block(Scheduler.CPU_LANE);

    assertFalse(scheduler.remove(blocker.work), "already running");
    assertFalse(
        scheduler.remove(work("never-queued", Priority.BATCH, "cuda", new CountDownLatch(1))),
        "a lane that was never started");
    assertFalse(
        scheduler.remove(work("never-queued", Priority.BATCH, Scheduler.CPU_LANE, new CountDownLatch(1))));

    blocker.release();
  }

  @Test
  void exceptionInOneWorkItem_doesNotKillTheLane() throws InterruptedException {
    scheduler = new Scheduler(1);
    Blocker blocker = block(Scheduler.CPU_LANE);
    CountDownLatch done = new CountDownLatch(1);
    scheduler.enqueue(
        new TestWork("throws", Priority.INTERACTIVE, ++sequence, Scheduler.CPU_LANE, () -> {
          ran.add("throws");
          throw new IllegalStateException("engine exploded");
        }));
    scheduler.enqueue(
        new TestWork("errors", Priority.INTERACTIVE, ++sequence, Scheduler.CPU_LANE, () -> {
          ran.add("errors");
          throw new AssertionError("an Error, not an exception");
        }));
    scheduler.enqueue(work("after", Priority.INTERACTIVE, Scheduler.CPU_LANE, done));

    blocker.release();

    await(done);
    assertEquals(List.of("blocker", "throws", "errors", "after"), ran);
  }

  @Test
  void separateLanes_runIndependently() throws InterruptedException {
    scheduler = new Scheduler(1);
    Blocker cpu = block(Scheduler.CPU_LANE);
    CountDownLatch cudaDone = new CountDownLatch(1);

    scheduler.enqueue(work("on-cuda", Priority.BATCH, "cuda", cudaDone));

    // The CPU lane's only thread is still held, yet the cuda work runs.
    await(cudaDone);
    assertEquals(List.of("blocker", "on-cuda"), ran);
    cpu.release();
  }

  @Test
  void acceleratorLane_hasOneThread_whateverTheCpuThreadCount() throws InterruptedException {
    scheduler = new Scheduler(4);
    Blocker cuda = block("cuda");
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger active = new AtomicInteger();
    AtomicInteger mostActive = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(3);
    for (int i = 1; i <= 3; i++) {
      String name = "cuda-" + i;
      scheduler.enqueue(
          new TestWork(name, Priority.INTERACTIVE, ++sequence, "cuda", () -> {
            mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
            ran.add(name);
            active.decrementAndGet();
            done.countDown();
          }));
    }

    // With one thread held by the blocker, nothing else in the lane can have been taken.
    assertEquals(3, scheduler.queuedCount());
    cuda.release();

    await(done);
    assertEquals(List.of("blocker", "cuda-1", "cuda-2", "cuda-3"), ran);
    assertEquals(1, mostActive.get());
    assertEquals(Set.of(cuda.threadName), threads, "all cuda work runs on the lane's one thread");
    assertTrue(cuda.threadName.contains("cuda"), cuda.threadName);
  }

  @Test
  void cpuLane_runsAsManyWorkItemsAtOnceAsItHasThreads() throws InterruptedException {
    scheduler = new Scheduler(3);

    Blocker first = block(Scheduler.CPU_LANE);
    Blocker second = block(Scheduler.CPU_LANE);
    Blocker third = block(Scheduler.CPU_LANE);

    // All three started and are held at once: three distinct threads.
    assertEquals(3, Set.of(first.threadName, second.threadName, third.threadName).size());
    first.release();
    second.release();
    third.release();
  }

  @Test
  void enqueue_afterClose_isRefused() {
    scheduler = new Scheduler(1);
    scheduler.close();

    assertThrows(
        IllegalStateException.class,
        () -> scheduler.enqueue(work("late", Priority.INTERACTIVE, Scheduler.CPU_LANE, new CountDownLatch(1))));
    assertEquals(0, scheduler.queuedCount());
  }

  // ---- helpers ----

  private Scheduler.Work work(String name, Priority priority, String lane, CountDownLatch done) {
    return new TestWork(name, priority, ++sequence, lane, record(name, done));
  }

  private Runnable record(String name, CountDownLatch done) {
    return () -> {
      ran.add(name);
      done.countDown();
    };
  }

  /** Occupies one thread of {@code lane} until released; returns once it is running. */
  private Blocker block(String lane) throws InterruptedException {
    Blocker blocker = new Blocker();
    blocker.work =
        new TestWork("blocker", Priority.INTERACTIVE, ++sequence, lane, () -> {
          blocker.threadName = Thread.currentThread().getName();
          if (ran.stream().noneMatch("blocker"::equals)) {
            ran.add("blocker");
          }
          blocker.started.countDown();
          try {
            blocker.release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    scheduler.enqueue(blocker.work);
    await(blocker.started);
    return blocker;
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "the scheduler did not get to the work");
  }

  private static final class Blocker {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile String threadName;
    Scheduler.Work work;

    void release() {
      release.countDown();
    }
  }

  private record TestWork(String name, Priority priority, long sequence, String lane, Runnable body)
      implements Scheduler.Work {
    @Override
    public void run() {
      body.run();
    }
  }
}
