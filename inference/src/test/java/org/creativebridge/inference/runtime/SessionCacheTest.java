package org.creativebridge.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionCacheTest {

  @TempDir static Path dir;
  private static OnnxRuntime runtime;
  private static ModelFile two; // y = 2x + 1
  private static ModelFile three; // y = 3x + 1
  private static ModelFile five; // y = 5x + 1

  private static final ModelContract AFFINE =
      ModelContract.builder("affine")
          .input("x", ElementType.FLOAT32, 1, 3, -1, -1)
          .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
          .build();

  private final AtomicInteger loads = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    TestModels.generate(dir);
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 0));
    two = ModelFile.open(dir.resolve("affine_2.onnx"));
    three = ModelFile.open(dir.resolve("affine_3.onnx"));
    five = ModelFile.open(dir.resolve("affine_5.onnx"));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @BeforeEach
  void resetLoads() {
    loads.set(0);
  }

  /** A cache over the real runtime that counts loads and makes each one slow enough to overlap. */
  private SessionCache cache(long budget, long loadMillis) {
    return new SessionCache(
        model -> {
          loads.incrementAndGet();
          try {
            Thread.sleep(loadMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return runtime.openSession(model);
        },
        budget,
        "cpu");
  }

  /** A budget that holds exactly {@code n} of the tiny affine models. */
  private static long budgetFor(int n) {
    return n * SessionCache.estimatedCost(two);
  }

  @Test
  void concurrentLeasesOfOneModelLoadItOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (SessionCache cache = cache(budgetFor(4), 300)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<SessionCache.Lease>> leases = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        leases.add(
            pool.submit(
                () -> {
                  go.await();
                  return cache.lease(two, AFFINE);
                }));
      }
      go.countDown();
      List<SessionCache.Lease> held = new ArrayList<>();
      for (Future<SessionCache.Lease> lease : leases) {
        held.add(lease.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, loads.get());
      OrtSession shared = held.get(0).session();
      for (SessionCache.Lease lease : held) {
        assertSame(shared, lease.session());
        assertEquals(2f * 3f + 1f, runAffine(lease, 3f));
        lease.close();
      }
      assertEquals(List.of(two.sha256()), cache.cachedModels());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCachedSessionIsReusedWithoutLoading() throws Exception {
    try (SessionCache cache = cache(budgetFor(2), 0)) {
      OrtSession first;
      try (SessionCache.Lease lease = cache.lease(two, AFFINE)) {
        first = lease.session();
      }
      try (SessionCache.Lease lease = cache.lease(two, AFFINE)) {
        assertSame(first, lease.session());
      }
      assertEquals(1, loads.get());
    }
  }

  @Test
  void evictsTheLeastRecentlyUsedIdleSessionWhenOverBudget() throws Exception {
    try (SessionCache cache = cache(budgetFor(2), 0)) {
      OrtSession threeSession;
      cache.lease(two, AFFINE).close();
      try (SessionCache.Lease lease = cache.lease(three, AFFINE)) {
        threeSession = lease.session();
      }
      cache.lease(two, AFFINE).close(); // two is now more recently used than three
      assertEquals(List.of(three.sha256(), two.sha256()), cache.cachedModels());

      try (SessionCache.Lease lease = cache.lease(five, AFFINE)) {
        assertEquals(5f * 2f + 1f, runAffine(lease, 2f));
      }

      assertEquals(List.of(two.sha256(), five.sha256()), cache.cachedModels());
      assertEquals(budgetFor(2), cache.usedBytes());
      // The evicted session really was closed, not just forgotten.
      assertThrows(IllegalStateException.class, () -> runDirect(threeSession));
      assertEquals(3, loads.get());
      cache.lease(three, AFFINE).close();
      assertEquals(4, loads.get(), "an evicted model loads again");
    }
  }

  @Test
  void recencyCountsFromWhenTheLastLeaseEnded() throws Exception {
    try (SessionCache cache = cache(budgetFor(2), 0)) {
      SessionCache.Lease longJob = cache.lease(two, AFFINE);
      cache.lease(three, AFFINE).close();
      longJob.close(); // two finished last, so three is the least recently used now
      cache.lease(five, AFFINE).close();
      assertEquals(List.of(two.sha256(), five.sha256()), cache.cachedModels());
    }
  }

  @Test
  void neverClosesALeasedSessionEvenOverBudget() throws Exception {
    try (SessionCache cache = cache(budgetFor(1), 0)) {
      SessionCache.Lease held = cache.lease(two, AFFINE);
      try (SessionCache.Lease other = cache.lease(three, AFFINE)) {
        // Both loaded although only one fits: the held session must keep working.
        assertEquals(2, cache.cachedModels().size());
        assertTrue(cache.usedBytes() > budgetFor(1));
        assertEquals(2f * 4f + 1f, runAffine(held, 4f));
        assertEquals(3f * 4f + 1f, runAffine(other, 4f));
        held.close();
        // Released while over budget: the idle session is closed to pay the budget back.
        assertEquals(List.of(three.sha256()), cache.cachedModels());
        assertEquals(3f * 4f + 1f, runAffine(other, 4f));
      }
      assertEquals(budgetFor(1), cache.usedBytes());
    }
  }

  @Test
  void anEndedLeaseRefusesTheSessionAndClosingTwiceIsHarmless() throws Exception {
    try (SessionCache cache = cache(budgetFor(1), 0)) {
      SessionCache.Lease lease = cache.lease(two, AFFINE);
      lease.close();
      lease.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, lease::session);
      assertEquals("the lease on model affine_2.onnx has ended", e.getMessage());
      // The double close must not have released someone else's hold.
      try (SessionCache.Lease again = cache.lease(two, AFFINE)) {
        cache.lease(three, AFFINE).close();
        assertEquals(2f * 1f + 1f, runAffine(again, 1f));
      }
    }
  }

  @Test
  void aModelThatFailsToLoadIsNotCachedAndLoadsAgainNextTime() throws Exception {
    Path broken = dir.resolve("broken.onnx");
    Files.write(broken, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    ModelFile model = ModelFile.open(broken);
    try (SessionCache cache = cache(budgetFor(2), 0)) {
      for (int attempt = 1; attempt <= 2; attempt++) {
        EngineException e = assertThrows(EngineException.class, () -> cache.lease(model, AFFINE));
        assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
        assertEquals(attempt, loads.get());
      }
      assertEquals(List.of(), cache.cachedModels());
      assertEquals(0, cache.usedBytes());
    }
  }

  @Test
  void aFreshlyLoadedModelThatMissesTheContractIsClosedAndNamed() throws Exception {
    ModelContract wants512 =
        ModelContract.builder("big")
            .input("x", ElementType.FLOAT32, 1, 3, -1, -1)
            .output("out", ElementType.FLOAT32, 1, 3, -1, -1)
            .build();
    try (SessionCache cache = cache(budgetFor(2), 0)) {
      EngineException e = assertThrows(EngineException.class, () -> cache.lease(two, wants512));
      assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
      assertEquals(
          "model affine_2.onnx does not fit the big contract: missing output 'out'; "
              + "unexpected output 'y'",
          e.getMessage());
      assertEquals(List.of(), cache.cachedModels());
      assertEquals(0, cache.usedBytes());
    }
  }

  @Test
  void closingTheCacheLeavesLeasedSessionsOpenUntilTheirLeaseEnds() throws Exception {
    SessionCache cache = cache(budgetFor(2), 0);
    cache.lease(three, AFFINE).close();
    SessionCache.Lease held = cache.lease(two, AFFINE);
    OrtSession session = held.session();
    cache.close();
    assertEquals(List.of(two.sha256()), cache.cachedModels());
    assertEquals(2f * 2f + 1f, runAffine(held, 2f));
    held.close();
    assertEquals(List.of(), cache.cachedModels());
    assertThrows(IllegalStateException.class, () -> runDirect(session));
    assertThrows(IllegalStateException.class, () -> cache.lease(two, AFFINE));
  }

  /** Runs y = k*x + 1 on a 1x3x1x1 tensor of {@code x} and returns y[0]. */
  private static float runAffine(SessionCache.Lease lease, float x) throws Exception {
    try (OnnxTensor input = tensor(x);
        OrtSession.Result result = lease.run(Map.of("x", input), JobContext.detached())) {
      float[] y = new float[3];
      ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer().get(y);
      assertArrayEquals(new float[] {y[0], y[0], y[0]}, y, 0f);
      return y[0];
    }
  }

  private static void runDirect(OrtSession session) throws Exception {
    try (OnnxTensor input = tensor(1f);
        OrtSession.Result result = session.run(Map.of("x", input))) {
      result.get(0);
    }
  }

  private static OnnxTensor tensor(float x) throws Exception {
    return OnnxTensor.createTensor(
        OrtEnvironment.getEnvironment(), FloatBuffer.wrap(new float[] {x, x, x}), new long[] {1, 3, 1, 1});
  }
}
