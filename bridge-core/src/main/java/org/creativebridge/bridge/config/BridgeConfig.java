package org.creativebridge.bridge.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.creativebridge.protocol.ProtocolJson;

/**
 * The daemon's settings, read from {@code $BRIDGE_HOME/config.json}; every field is optional there
 * and falls back to the default below. Immutable.
 *
 * @param allowedOrigins browser origins that may call the daemon (empty: none)
 * @param maxJsonBytes limit of a JSON request body
 * @param maxBlobBytes limit of one uploaded blob
 * @param blobStoreBytes budget of the blob store; unreferenced blobs are evicted LRU beyond it
 * @param maxImageSide limit of either side of an input image
 * @param maxImagePixels limit of an input image's pixel count
 * @param maxAudioSeconds limit of an input audio's length (counted at 48 kHz)
 * @param cpuJobs jobs run at once on the CPU (0: half the cores, at least one)
 * @param maxQueuedJobs jobs that may wait before submissions get BRIDGE-3013
 * @param device {@code auto} or {@code cpu} to keep ONNX Runtime off the GPU
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record BridgeConfig(
    List<String> allowedOrigins,
    Long maxJsonBytes,
    Long maxBlobBytes,
    Long blobStoreBytes,
    Integer maxImageSide,
    Long maxImagePixels,
    Integer maxAudioSeconds,
    Integer cpuJobs,
    Integer maxQueuedJobs,
    String device) {

  public static BridgeConfig defaults() {
    return new BridgeConfig(null, null, null, null, null, null, null, null, null, null).withDefaults();
  }

  public static BridgeConfig load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return defaults();
    }
    ObjectMapper mapper =
        ProtocolJson.mapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      return mapper.readValue(file.toFile(), BridgeConfig.class).withDefaults();
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  BridgeConfig withDefaults() {
    return new BridgeConfig(
        allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins),
        maxJsonBytes == null ? 1L << 20 : maxJsonBytes,
        maxBlobBytes == null ? 2L << 30 : maxBlobBytes,
        blobStoreBytes == null ? 20L << 30 : blobStoreBytes,
        maxImageSide == null ? 16384 : maxImageSide,
        maxImagePixels == null ? 64L * 1024 * 1024 : maxImagePixels,
        maxAudioSeconds == null ? 3600 : maxAudioSeconds,
        cpuJobs == null || cpuJobs <= 0
            ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2)
            : cpuJobs,
        maxQueuedJobs == null ? 1000 : maxQueuedJobs,
        device == null ? "auto" : device);
  }
}
