package org.creativebridge.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.creativebridge.inference.EngineException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

  @TempDir static Path dir;

  @BeforeAll
  static void models() throws Exception {
    TestModels.generate(dir);
  }

  @Test
  void opensARegularFileWithItsSha256AndSize() throws Exception {
    Path path = dir.resolve("affine_2.onnx");
    byte[] bytes = Files.readAllBytes(path);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

    ModelFile model = ModelFile.open(path);

    assertEquals(path, model.path());
    assertEquals(expected, model.sha256());
    assertEquals(bytes.length, model.size());
    assertFalse(model.hasExternalData());
    assertEquals(bytes.length, model.totalBytes());
    assertEquals("affine_2.onnx", model.name());
  }

  @Test
  void countsExternalDataNamedInsideTheModel() throws Exception {
    ModelFile model = ModelFile.open(dir.resolve("external_weights.onnx"));
    assertTrue(model.hasExternalData());
    assertEquals(Files.size(dir.resolve("external_weights.onnx.data")), model.externalDataSize());
    assertEquals(model.size() + model.externalDataSize(), model.totalBytes());
  }

  @Test
  void refusesAModelWhoseExternalDataIsMissing(@TempDir Path elsewhere) throws Exception {
    Path lonely = elsewhere.resolve("external_weights.onnx");
    Files.copy(dir.resolve("external_weights.onnx"), lonely);
    EngineException e = assertThrows(EngineException.class, () -> ModelFile.open(lonely));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertEquals(
        "model external_weights.onnx names external data file 'external_weights.onnx.data', "
            + "which is missing",
        e.getMessage());
  }

  @Test
  void refusesADirectory() {
    EngineException e = assertThrows(EngineException.class, () -> ModelFile.open(dir));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().endsWith(" is a directory, not a file"), e.getMessage());
  }

  @Test
  void refusesAMissingPath() {
    EngineException e =
        assertThrows(EngineException.class, () -> ModelFile.open(dir.resolve("nope.onnx")));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertEquals("model nope.onnx does not exist", e.getMessage());
  }

  @Test
  void refusesASha256ThatIsNotOne() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelFile.open(dir.resolve("affine_2.onnx"), "ABC"));
  }

  @Test
  void trustsAGivenSha256WithoutHashing() throws Exception {
    String given = "0".repeat(64);
    assertEquals(given, ModelFile.open(dir.resolve("affine_2.onnx"), given).sha256());
  }

  @Test
  void garbageIsOpenableSoOnnxRuntimeCanGiveTheLoadError() throws Exception {
    // The external-data scan must not choke on noise: loading is where garbage is refused.
    Path garbage = dir.resolve("noise.onnx");
    byte[] noise = new byte[10_000];
    new java.util.Random(7).nextBytes(noise);
    Files.write(garbage, noise);
    ModelFile model = ModelFile.open(garbage);
    assertEquals(10_000, model.size());
    assertFalse(model.hasExternalData());
  }
}
