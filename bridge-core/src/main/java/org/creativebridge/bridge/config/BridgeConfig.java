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
 * @param downloads {@code on_request} (a model pull the user asks for may connect to its
 *     publisher; nothing else ever connects) or {@code disabled} (no outbound connection at all)
 * @param catalogueFile a local catalogue (same format as the shipped one, path relative to
 *     BRIDGE_HOME or absolute) whose entries are added to the shipped ones: a studio's own models
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
    String device,
    String downloads,
    String catalogueFile) {

  public static final String DOWNLOADS_ON_REQUEST = "on_request";
  public static final String DOWNLOADS_DISABLED = "disabled";

  public static BridgeConfig defaults() {
    return new BridgeConfig(null, null, null, null, null, null, null, null, null, null, null, null).withDefaults();
  }

  public static BridgeConfig load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return defaults();
    }
    ObjectMapper mapper =
        ProtocolJson.mapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      return mapper.readValue(file.toFile(), BridgeConfig.class).withDefaults();
    } catch (IOException | IllegalArgumentException e) {
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
        device == null ? "auto" : device,
        checkDownloads(downloads == null ? DOWNLOADS_ON_REQUEST : downloads),
        catalogueFile);
  }

  private static String checkDownloads(String value) {
    if (!value.equals(DOWNLOADS_ON_REQUEST) && !value.equals(DOWNLOADS_DISABLED)) {
      throw new IllegalArgumentException(
          "config: downloads is '" + DOWNLOADS_ON_REQUEST + "' or '" + DOWNLOADS_DISABLED + "', not '" + value + "'");
    }
    return value;
  }
}
