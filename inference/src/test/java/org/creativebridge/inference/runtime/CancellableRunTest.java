package org.creativebridge.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancellableRunTest {

  @TempDir static Path dir;
  private static OnnxRuntime runtime;

  private static final ModelContract LOOP =
      ModelContract.builder("loop")
          .input("x", ElementType.FLOAT32, 64, 64)
          .output("y", ElementType.FLOAT32, 64, 64)
          .build();

  @BeforeAll
  static void start() throws Exception {
    TestModels.generate(dir);
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 1L << 30));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void cancellingTheJobTerminatesARunningSessionAsCancelled() throws Exception {
    TestJob job = new TestJob();
    try (SessionCache.Lease lease =
            runtime.sessions().lease(ModelFile.open(dir.resolve("endless_loop.onnx")), LOOP);
        OnnxTensor x = matrix(0.01f)) {
      CountDownLatch registered = new CountDownLatch(1);
      JobContext watched = watching(job, registered);
      CompletableFuture<Throwable> outcome =
          CompletableFuture.supplyAsync(
              () -> {
                try (OrtSession.Result result = lease.run(Map.of("x", x), watched)) {
                  return new AssertionError("the run finished with " + result.size() + " outputs");
                } catch (Throwable t) {
                  return t;
                }
              });
      assertTrue(registered.await(10, TimeUnit.SECONDS), "the run never registered for cancel");
      // 2^40 iterations: without terminate this would run for days.
      assertThrowsTimeout(outcome, 300);

      long cancelledAt = System.nanoTime();
      job.cancel();
      Throwable thrown = outcome.get(10, TimeUnit.SECONDS);

      assertInstanceOf(CancelledException.class, thrown);
      assertTrue(
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt) < 5_000,
          "terminate should stop the run within seconds");
      assertEquals(0, job.registrations(), "the cancel registration ends with the run");
    }
  }

  @Test
  void aJobCancelledBeforeTheRunDoesNotRun() throws Exception {
    TestJob job = new TestJob();
    job.cancel();
    try (SessionCache.Lease lease =
            runtime.sessions().lease(ModelFile.open(dir.resolve("endless_loop.onnx")), LOOP);
        OnnxTensor x = matrix(0.01f)) {
      assertThrows(CancelledException.class, () -> lease.run(Map.of("x", x), job).close());
      assertEquals(0, job.registrations());
    }
  }

  @Test
  void cancellingAfterTheRunFinishedTouchesNothing() throws Exception {
    TestJob job = new TestJob();
    ModelContract affine =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, -1, -1)
            .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
            .build();
    try (SessionCache.Lease lease =
            runtime.sessions().lease(ModelFile.open(dir.resolve("affine_2.onnx")), affine);
        OnnxTensor x =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(),
                FloatBuffer.wrap(new float[] {1, 2, 3}),
                new long[] {1, 3, 1, 1})) {
      try (OrtSession.Result result = lease.run(Map.of("x", x), job)) {
        float[] y = new float[3];
        ((OnnxTensor) result.get(0)).getFloatBuffer().get(y);
        assertEquals(7f, y[2], 0f);
      }
      assertEquals(0, job.registrations());
      job.cancel(); // must not reach the freed RunOptions
      assertTrue(job.isCancelled());
    }
  }

  @Test
  void anAllocationOnnxRuntimeCannotMakeIsOutOfMemory() throws Exception {
    ModelContract alloc =
        ModelContract.builder("alloc")
            .input("shape", ElementType.INT64, 1)
            .output("y", ElementType.FLOAT32, -1)
            .build();
    try (SessionCache.Lease lease =
            runtime.sessions().lease(ModelFile.open(dir.resolve("huge_alloc.onnx")), alloc);
        OnnxTensor shape =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(),
                LongBuffer.wrap(new long[] {1L << 50}), // 4 PiB of floats
                new long[] {1})) {
      EngineException e =
          assertThrows(
              EngineException.class,
              () -> lease.run(Map.of("shape", shape), JobContext.detached()).close());
      assertEquals(EngineException.Kind.OUT_OF_MEMORY, e.kind(), e.getMessage());
    }
  }

  @Test
  void allocationFailuresAreRecognisedInEachProvidersWording() {
    String[] wordings = {
      "std::bad_alloc",
      "bad allocation",
      "Failed to allocate memory for requested buffer of size 4294967296",
      "CUDA failure 2: out of memory ; GPU=0",
      "CUBLAS failure 3: CUBLAS_STATUS_ALLOC_FAILED",
      "DML: E_OUTOFMEMORY",
      "HRESULT 0x8007000E"
    };
    for (String wording : wordings) {
      EngineException e =
          OrtFailures.atRun(new OrtException(OrtException.OrtErrorCode.ORT_RUNTIME_EXCEPTION, wording));
      assertEquals(EngineException.Kind.OUT_OF_MEMORY, e.kind(), wording);
    }
    EngineException other =
        OrtFailures.atRun(
            new OrtException(OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT, "Got invalid dimensions"));
    assertEquals(EngineException.Kind.FAILED, other.kind());
    assertEquals("ONNX Runtime failed: Got invalid dimensions", other.getMessage());
  }

  private static OnnxTensor matrix(float value) throws OrtException {
    float[] values = new float[64 * 64];
    java.util.Arrays.fill(values, value);
    return OnnxTensor.createTensor(
        OrtEnvironment.getEnvironment(), FloatBuffer.wrap(values), new long[] {64, 64});
  }

  /** {@code job}, counting down {@code registered} once the run has registered its callback. */
  private static JobContext watching(TestJob job, CountDownLatch registered) {
    return new JobContext() {
      @Override
      public void stage(String name) {}

      @Override
      public void progress(double fraction) {}

      @Override
      public boolean isCancelled() {
        return job.isCancelled();
      }

      @Override
      public Registration onCancel(Runnable onCancel) {
        Registration registration = job.onCancel(onCancel);
        registered.countDown();
        return registration;
      }
    };
  }

  private static void assertThrowsTimeout(CompletableFuture<?> future, long millis)
      throws InterruptedException, ExecutionException {
    try {
      Object done = future.get(millis, TimeUnit.MILLISECONDS);
      fail("the endless loop ended by itself: " + done);
    } catch (TimeoutException expected) {
      // still running, as it should
    }
  }
}
