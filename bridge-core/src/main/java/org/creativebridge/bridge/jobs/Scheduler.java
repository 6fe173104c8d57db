package org.creativebridge.bridge.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.creativebridge.protocol.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs in lanes, one lane per device: each accelerator runs one job at a time (two jobs on one
 * GPU only fight for its memory), the CPU lane a bounded number. Within a lane interactive jobs go
 * before batch jobs, then first come first served. Thread-safe.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  public static final String CPU_LANE = "cpu";

  /** A unit of queued work. */
  public interface Work extends Runnable {
    Priority priority();

    /** Submission order, to keep first come first served within a priority. */
    long sequence();

    /** The device lane: {@code cpu}, {@code cuda}, ... */
    String lane();
  }

  private static final Comparator<Work> ORDER =
      Comparator.comparing(Work::priority).thenComparingLong(Work::sequence);

  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final int cpuThreads;
  private volatile boolean closed;

  public Scheduler(int cpuThreads) {
    this.cpuThreads = cpuThreads;
  }

  public void enqueue(Work work) {
    if (closed) {
      throw new IllegalStateException("the scheduler is shut down");
    }
    lanes.computeIfAbsent(work.lane(), this::startLane).queue.add(work);
  }

  /** Takes a queued work item out; false when it already started (or was never queued). */
  public boolean remove(Work work) {
    Lane lane = lanes.get(work.lane());
    return lane != null && lane.queue.remove(work);
  }

  public int queuedCount() {
    return lanes.values().stream().mapToInt(lane -> lane.queue.size()).sum();
  }

  private Lane startLane(String name) {
    int threads = CPU_LANE.equals(name) ? cpuThreads : 1;
    Lane lane = new Lane(name);
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(lane::drain, "bridge-" + name + "-" + lane.started.incrementAndGet());
      thread.setDaemon(true);
      lane.threads.add(thread);
      thread.start();
    }
    return lane;
  }

  private final class Lane {
    final String name;
    final PriorityBlockingQueue<Work> queue = new PriorityBlockingQueue<>(64, ORDER);
    final List<Thread> threads = new ArrayList<>();
    final AtomicInteger started = new AtomicInteger();

    Lane(String name) {
      this.name = name;
    }

    void drain() {
      while (!closed) {
        Work work;
        try {
          work = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        try {
          work.run();
        } catch (RuntimeException | Error e) {
          // The work reports its own failures; this only keeps the lane alive if that failed too.
          LOG.error("job work in lane {} threw", name, e);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Lane lane : lanes.values()) {
      lane.threads.forEach(Thread::interrupt);
    }
  }

  /** After {@link #close()}: waits up to {@code timeout} for running work to stop. */
  public boolean awaitStopped(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Lane lane : lanes.values()) {
      for (Thread thread : lane.threads) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        thread.join(Math.max(1, left / 1_000_000));
        if (thread.isAlive()) {
          return false;
        }
      }
    }
    return true;
  }
}
