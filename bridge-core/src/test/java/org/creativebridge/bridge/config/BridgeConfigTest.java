package org.creativebridge.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigTest {
  private static final int HALF_THE_CORES = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  @TempDir Path dir;

  @Test
  void defaults_areTheDocumentedOnes() {
    BridgeConfig config = BridgeConfig.defaults();

    assertEquals(List.of(), config.allowedOrigins());
    assertEquals(1L << 20, config.maxJsonBytes());
    assertEquals(2L << 30, config.maxBlobBytes());
    assertEquals(20L << 30, config.blobStoreBytes());
    assertEquals(16384, config.maxImageSide());
    assertEquals(64L * 1024 * 1024, config.maxImagePixels());
    assertEquals(HALF_THE_CORES, config.cpuJobs());
    assertEquals(1000, config.maxQueuedJobs());
    assertEquals("auto", config.device());
  }

  @Test
  void missingFile_givesTheDefaults() throws IOException {
    assertEquals(BridgeConfig.defaults(), BridgeConfig.load(dir.resolve("config.json")));
  }

  @Test
  void emptyObject_givesTheDefaults() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{}");

    assertEquals(BridgeConfig.defaults(), BridgeConfig.load(file));
  }

  @Test
  void snakeCaseKeys_areRead_andTheRestDefault() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("config.json"),
            """
            {
              "allowed_origins": ["http://localhost:3000"],
              "max_json_bytes": 2048,
              "max_blob_bytes": 1000000,
              "blob_store_bytes": 5000000,
              "max_image_side": 4096,
              "cpu_jobs": 3,
              "device": "cpu"
            }
            """);

    BridgeConfig config = BridgeConfig.load(file);

    assertEquals(
        new BridgeConfig(
            List.of("http://localhost:3000"), 2048L, 1_000_000L, 5_000_000L, 4096,
            64L * 1024 * 1024, 3600, 3, 1000, "cpu", "on_request", null),
        config);
  }

  @Test
  void everyKey_canBeSet() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("config.json"),
            "{\"max_image_pixels\": 100, \"max_queued_jobs\": 5, \"allowed_origins\": []}");

    BridgeConfig config = BridgeConfig.load(file);

    assertEquals(100L, config.maxImagePixels());
    assertEquals(5, config.maxQueuedJobs());
    assertEquals(List.of(), config.allowedOrigins());
  }

  @Test
  void cpuJobsZero_meansHalfTheCores() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"cpu_jobs\": 0}");

    assertEquals(HALF_THE_CORES, BridgeConfig.load(file).cpuJobs());
  }

  @Test
  void unknownKey_isAnErrorNamingTheFileAndTheKey() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"max_blob_bytez\": 10}");

    IOException e = assertThrows(IOException.class, () -> BridgeConfig.load(file));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("max_blob_bytez"), e.getMessage());
  }

  @Test
  void camelCaseKey_isUnknown() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"maxBlobBytes\": 10}");

    IOException e = assertThrows(IOException.class, () -> BridgeConfig.load(file));

    assertTrue(e.getMessage().contains("maxBlobBytes"), e.getMessage());
  }

  @Test
  void malformedJson_isAnErrorNamingTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"cpu_jobs\": 2,");

    IOException e = assertThrows(IOException.class, () -> BridgeConfig.load(file));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void valueOfTheWrongType_isAnErrorNamingTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"cpu_jobs\": \"many\"}");

    IOException e = assertThrows(IOException.class, () -> BridgeConfig.load(file));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
