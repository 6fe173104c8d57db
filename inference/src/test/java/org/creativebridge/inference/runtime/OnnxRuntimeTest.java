package org.creativebridge.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeTest {

  @TempDir static Path dir;
  private static OnnxRuntime runtime;

  private static final ModelContract AFFINE =
      ModelContract.builder("affine")
          .input("x", ElementType.FLOAT32, 1, 3, -1, -1)
          .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
          .build();

  @BeforeAll
  static void start() throws Exception {
    TestModels.generate(dir);
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("auto", 2, 1L << 30));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void choosesCpuWhenNoGpuProviderIsAvailable() {
    assertEquals(Device.CPU, Device.choose(EnumSet.of(OrtProvider.CPU), false, d -> true));
    assertEquals(
        Device.CPU,
        Device.choose(EnumSet.of(OrtProvider.CPU, OrtProvider.XNNPACK), false, d -> true));
  }

  @Test
  void thisCpuBuildOfOnnxRuntimeRunsOnCpu() throws Exception {
    Assumptions.assumeTrue(
        OrtEnvironment.getAvailableProviders().stream()
            .noneMatch(
                p -> p == OrtProvider.CUDA || p == OrtProvider.DIRECT_ML || p == OrtProvider.CORE_ML),
        "this ONNX Runtime build offers a GPU provider");
    assertEquals("cpu", runtime.device());
    try (SessionCache.Lease lease = runtime.sessions().lease(model("affine_2.onnx"), AFFINE)) {
      assertEquals("cpu", lease.device());
    }
  }

  @Test
  void prefersCudaThenDirectMlThenCoreMl() {
    EnumSet<OrtProvider> all =
        EnumSet.of(OrtProvider.CPU, OrtProvider.CORE_ML, OrtProvider.DIRECT_ML, OrtProvider.CUDA);
    assertEquals(Device.CUDA, Device.choose(all, false, d -> true));
    all.remove(OrtProvider.CUDA);
    assertEquals(Device.DML, Device.choose(all, false, d -> true));
    all.remove(OrtProvider.DIRECT_ML);
    assertEquals(Device.COREML, Device.choose(all, false, d -> true));
    assertEquals("coreml", Device.COREML.wireName);
    assertEquals("dml", Device.DML.wireName);
  }

  @Test
  void skipsAListedGpuProviderThatDoesNotLoad() {
    EnumSet<OrtProvider> listed = EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA);
    assertEquals(Device.CPU, Device.choose(listed, false, d -> d != Device.CUDA));
    listed.add(OrtProvider.DIRECT_ML);
    assertEquals(Device.DML, Device.choose(listed, false, d -> d != Device.CUDA));
  }

  @Test
  void configForcingCpuIgnoresGpuProviders() throws Exception {
    EnumSet<OrtProvider> gpus = EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.DIRECT_ML);
    assertEquals(Device.CPU, Device.choose(gpus, true, d -> true));
    try (OnnxRuntime forced = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 0))) {
      assertEquals("cpu", forced.device());
    }
  }

  @Test
  void configRefusesUnknownDevicesAndNonsenseBounds() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OnnxRuntime.Config("gpu", 1, 0));
    assertEquals("device must be 'auto' or 'cpu', got 'gpu'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OnnxRuntime.Config("auto", 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new OnnxRuntime.Config("auto", 1, -1));
    OnnxRuntime.Config defaults = OnnxRuntime.Config.defaults();
    assertEquals("auto", defaults.device());
    assertTrue(defaults.maxIntraOpThreads() >= 1);
    assertTrue(defaults.sessionBudgetBytes() > 0);
  }

  @Test
  void intraOpThreadsAreBoundedByConfigAndMachine() throws Exception {
    assertEquals(2, runtime.intraOpThreads());
    try (OnnxRuntime greedy = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 100_000, 0))) {
      assertEquals(Runtime.getRuntime().availableProcessors(), greedy.intraOpThreads());
    }
  }

  @Test
  void theDeviceProbeModelIsARealOnnxModel() throws Exception {
    // The GPU probe builds a session from these bytes; prove they load and run (here, on CPU).
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = runtime.sessionOptions();
        OrtSession probe = env.createSession(ProbeModel.bytes(), options);
        OnnxTensor x = OnnxTensor.createTensor(env, new float[] {42.5f});
        OrtSession.Result result = probe.run(Map.of("x", x))) {
      assertEquals(java.util.Set.of("x"), probe.getInputNames());
      assertArrayEquals(new float[] {42.5f}, (float[]) result.get("y").orElseThrow().getValue(), 0f);
    }
  }

  @Test
  void sessionOptionsStopIdleThreadsSpinning() throws Exception {
    try (OrtSession.SessionOptions options = runtime.sessionOptions()) {
      assertEquals("0", options.getConfigEntries().get("session.intra_op.allow_spinning"));
    }
  }

  @Test
  void affineModelComputesTwoXPlusOneExactly() throws Exception {
    float[] x = new float[1 * 3 * 2 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 0.5f - 4f; // halves: exact in float, so 2x+1 is exact too
    }
    float[] expected = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = 2 * x[i] + 1;
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (SessionCache.Lease lease = runtime.sessions().lease(model("affine_2.onnx"), AFFINE);
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 2, 5});
        OrtSession.Result result = lease.run(Map.of("x", input), JobContext.detached())) {
      OnnxTensor y = (OnnxTensor) result.get("y").orElseThrow();
      assertArrayEquals(new long[] {1, 3, 2, 5}, y.getInfo().getShape());
      float[] actual = new float[x.length];
      y.getFloatBuffer().get(actual);
      assertArrayEquals(expected, actual, 0f);
    }
  }

  @Test
  void modelWithExternalWeightsLoadsThemFromBesideIt() throws Exception {
    ModelFile model = model("external_weights.onnx");
    assertTrue(model.hasExternalData());
    assertEquals(4096, model.externalDataSize());
    ModelContract contract =
        ModelContract.builder("external")
            .input("x", ElementType.FLOAT32, 1, 1024)
            .output("y", ElementType.FLOAT32, 1, 1024)
            .build();
    float[] x = new float[1024];
    java.util.Arrays.fill(x, 0.25f);
    try (SessionCache.Lease lease = runtime.sessions().lease(model, contract);
        OnnxTensor input =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(), FloatBuffer.wrap(x), new long[] {1, 1024});
        OrtSession.Result result = lease.run(Map.of("x", input), JobContext.detached())) {
      float[] y = new float[1024];
      ((OnnxTensor) result.get(0)).getFloatBuffer().get(y);
      for (int i = 0; i < y.length; i++) {
        assertEquals(i + 0.25f, y[i], 0f, "y[" + i + "]");
      }
    }
  }

  @Test
  void truncatedModelIsUnavailableWithAClearMessage() throws Exception {
    byte[] whole = Files.readAllBytes(dir.resolve("endless_loop.onnx"));
    Path truncated = dir.resolve("truncated.onnx");
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    EngineException e =
        assertThrows(EngineException.class, () -> runtime.openSession(ModelFile.open(truncated)));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertTrue(
        e.getMessage().startsWith("model truncated.onnx is truncated or not an ONNX model: "),
        e.getMessage());
  }

  @Test
  void garbageFileIsUnavailableWithAClearMessage() throws Exception {
    byte[] noise = new byte[4096];
    new Random(42).nextBytes(noise);
    Path garbage = dir.resolve("garbage.onnx");
    Files.write(garbage, noise);
    EngineException e =
        assertThrows(EngineException.class, () -> runtime.openSession(ModelFile.open(garbage)));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertTrue(
        e.getMessage().startsWith("model garbage.onnx is truncated or not an ONNX model: "),
        e.getMessage());
  }

  @Test
  void emptyFileIsUnavailable() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.onnx"));
    EngineException e =
        assertThrows(EngineException.class, () -> runtime.openSession(ModelFile.open(empty)));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertTrue(
        e.getMessage().startsWith("model empty.onnx is truncated or not an ONNX model: "),
        e.getMessage());
  }

  private static ModelFile model(String name) throws EngineException {
    return ModelFile.open(dir.resolve(name));
  }
}
