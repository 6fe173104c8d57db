package org.creativebridge.inference.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files are untrusted input: external data leading outside the model's folder is refused by
 * {@link ModelFile#open} before ONNX Runtime ever sees the file, and broken files get a clear error.
 */
class UntrustedModelFileTest {

  @TempDir static Path work;
  static Path dir;
  static Path secret;
  static OnnxRuntime runtime;

  @BeforeAll
  static void generate() throws Exception {
    dir = work.resolve("models");
    secret = work.resolve("secret.bin");
    Files.write(secret, new byte[16]);
    FamilyModels.generate(dir, secret);
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 0));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void externalDataInsideTheFolderLoads() throws Exception {
    ModelFile model = ModelFile.open(dir.resolve("ext_ok.onnx"));
    assertEquals(16, model.externalDataSize());
    assertEquals(1, runtime.describe(model).inputs().size());
  }

  @Test
  void externalDataUpTheTreeIsRefused() {
    EngineException e = assertThrows(EngineException.class, () -> ModelFile.open(dir.resolve("ext_parent.onnx")));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertEquals("model ext_parent.onnx names external data outside its folder: ../secret.bin", e.getMessage());
  }

  @Test
  void externalDataAtAnAbsolutePathIsRefused() {
    EngineException e = assertThrows(EngineException.class, () -> ModelFile.open(dir.resolve("ext_absolute.onnx")));
    assertEquals("model ext_absolute.onnx names external data at an absolute path: " + secret, e.getMessage());
  }

  @Test
  void externalDataThroughASymlinkLeadingOutIsRefused(@TempDir Path elsewhere) throws Exception {
    Path model = elsewhere.resolve("ext_ok.onnx");
    Files.copy(dir.resolve("ext_ok.onnx"), model);
    Files.createSymbolicLink(elsewhere.resolve("ext_ok.bin"), secret);
    EngineException e = assertThrows(EngineException.class, () -> ModelFile.open(model));
    assertEquals("model ext_ok.onnx names external data 'ext_ok.bin' that links outside its folder", e.getMessage());
  }

  @Test
  void externalDataThatIsAHardlinkIsRefused(@TempDir Path elsewhere) throws Exception {
    Path model = elsewhere.resolve("ext_ok.onnx");
    Files.copy(dir.resolve("ext_ok.onnx"), model);
    Files.createLink(elsewhere.resolve("ext_ok.bin"), secret);
    EngineException e = assertThrows(EngineException.class, () -> ModelFile.open(model));
    assertEquals(
        "model ext_ok.onnx names external data 'ext_ok.bin' that is hardlinked elsewhere; copy it instead",
        e.getMessage());
  }

  @Test
  void truncatedAndGarbageFilesAreRefusedClearlyAndTheRuntimeKeepsServing() throws Exception {
    byte[] whole = Files.readAllBytes(dir.resolve("lama.onnx"));
    Path truncated = work.resolve("truncated.onnx");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    Path garbage = work.resolve("garbage.onnx");
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    Files.write(garbage, noise);
    for (Path broken : new Path[] {truncated, garbage}) {
      EngineException e = assertThrows(EngineException.class, () -> runtime.describe(ModelFile.open(broken)));
      assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("is truncated or not an ONNX model"), e.getMessage());
    }
    assertEquals(2, runtime.describe(ModelFile.open(dir.resolve("lama.onnx"))).inputs().size());
  }
}
