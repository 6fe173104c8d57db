package org.creativebridge.bridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.creativebridge.bridge.blobs.BlobStore;
import org.creativebridge.bridge.config.BridgeConfig;
import org.creativebridge.bridge.config.BridgeHome;
import org.creativebridge.bridge.config.Token;
import org.creativebridge.bridge.engines.BuiltinEngines;
import org.creativebridge.bridge.engines.EngineRegistry;
import org.creativebridge.bridge.engines.ModelPullEngine;
import org.creativebridge.bridge.http.ApiServer;
import org.creativebridge.bridge.jobs.JobService;
import org.creativebridge.bridge.jobs.Media;
import org.creativebridge.bridge.jobs.Scheduler;
import org.creativebridge.bridge.journal.Journal;
import org.creativebridge.bridge.models.ModelPuller;
import org.creativebridge.bridge.models.ModelService;
import org.creativebridge.bridge.models.ModelStore;
import org.creativebridge.bridge.models.download.Downloader;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.audio.AudioCodec;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.protocol.Protocol;
import org.creativebridge.protocol.ProtocolJson;
import org.slf4j.LoggerFactory;

/**
 * The whole daemon: journal, blob store, models, engines, scheduler and HTTP server over one
 * {@link BridgeHome}. {@link #start} recovers from a crash, serves, and announces itself in
 * {@code endpoint.json}; {@link #close} stops in the reverse order.
 */
public final class Daemon implements AutoCloseable {
  private final BridgeHome home;
  private final Journal journal;
  private final OnnxRuntime runtime;
  private final EngineRegistry engines;
  private final ModelService models;
  private final JobService jobs;
  private final ApiServer server;

  /**
   * How to serve.
   *
   * @param offline refuse every outbound connection, model pulls included
   * @param mirror a Hugging Face mirror for pulls (null: {@code HF_ENDPOINT} or the publisher)
   */
  public record Options(int port, boolean offline, String mirror) {
    public static Options onPort(int port) {
      return new Options(port, false, null);
    }
  }

  private Daemon(BridgeHome home, BridgeConfig config, Options options) throws IOException {
    this.home = home.create();
    Token token = Token.loadOrCreate(home.token());
    // Millisecond instants: what the journal keeps, so a job reads the same before and after it.
    Clock clock = Clock.tick(Clock.systemUTC(), java.time.Duration.ofMillis(1));
    this.journal = new Journal(home.journal());
    try {
      BlobStore blobs =
          new BlobStore(
              home.blobs(), journal, new BlobStore.Limits(config.maxBlobBytes(), config.blobStoreBytes()), clock);
      this.runtime = startRuntime(config);
      Optional<String> downloadsOff = downloadsDisabled(config, options);
      AtomicReference<ModelService> modelService = new AtomicReference<>();
      List<Engine> builtins = new ArrayList<>(BuiltinEngines.list());
      builtins.add(new ModelPullEngine(modelService::get, downloadsOff));
      this.engines = new EngineRegistry(builtins);
      ModelStore store = new ModelStore(home.models(), runtime);
      Downloader downloader =
          new Downloader(
              withPolicy(
                  Downloader.Settings.defaults(),
                  downloadsOff.isPresent() ? Downloader.NetworkPolicy.OFFLINE : Downloader.NetworkPolicy.ALLOWED));
      this.models =
          new ModelService(
              new ModelService.Parts(
                  store,
                  new ModelPuller(store, downloader, ModelPuller.Sources.of(home, config, options.mirror())),
                  runtime,
                  engines));
      modelService.set(models);
      models.refreshEngines();
      this.jobs =
          new JobService(
              new JobService.Parts(journal, blobs, engines, new Scheduler(config.cpuJobs())),
              new JobService.Limits(
                  new Media.Limits(
                      new ImageCodec.Limits(config.maxImageSide(), config.maxImagePixels()),
                      new AudioCodec.Limits(
                          // Counted in frames at 48 kHz: the length limit a user reads as seconds.
                          config.maxAudioSeconds() * 48_000L,
                          AudioCodec.Limits.defaults().maxChannels(),
                          AudioCodec.Limits.defaults().maxSampleRate())),
                  config.maxQueuedJobs()),
              clock);
      this.server =
          new ApiServer(
              new ApiServer.Services(token, blobs, jobs, engines, models),
              new ApiServer.Settings(
                  options.port(), Set.copyOf(config.allowedOrigins()), config.maxJsonBytes(), config.maxBlobBytes()));
    } catch (IOException | RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  /**
   * ONNX Runtime, or null when it cannot start here: the built-in engines need none, so the daemon
   * still serves them, and every model engine reports why it is not ready.
   */
  private static OnnxRuntime startRuntime(BridgeConfig config) {
    OnnxRuntime.Config defaults = OnnxRuntime.Config.defaults();
    try {
      return OnnxRuntime.start(
          new OnnxRuntime.Config(config.device(), defaults.maxIntraOpThreads(), defaults.sessionBudgetBytes()));
    } catch (EngineException e) {
      LoggerFactory.getLogger(Daemon.class).warn("model engines are off: {}", e.getMessage());
      return null;
    }
  }

  private static Optional<String> downloadsDisabled(BridgeConfig config, Options options) {
    if (options.offline()) {
      return Optional.of("the daemon runs with --offline");
    }
    if (BridgeConfig.DOWNLOADS_DISABLED.equals(config.downloads())) {
      return Optional.of("config.json sets \"downloads\": \"disabled\"");
    }
    return Optional.empty();
  }

  private static Downloader.Settings withPolicy(Downloader.Settings settings, Downloader.NetworkPolicy policy) {
    return new Downloader.Settings(
        settings.connectTimeout(), settings.readTimeout(), settings.maxAttempts(), settings.firstBackoff(), policy);
  }

  public static Daemon start(BridgeHome home, int port) throws IOException {
    return start(home, Options.onPort(port));
  }

  public static Daemon start(BridgeHome home, Options options) throws IOException {
    BridgeConfig config = BridgeConfig.load(home.config());
    Daemon daemon = new Daemon(home, config, options);
    daemon.jobs.recover();
    daemon.server.start();
    daemon.writeEndpoint();
    return daemon;
  }

  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Written atomically, so a client never reads half a file. */
  private void writeEndpoint() throws IOException {
    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("url", url());
    endpoint.put("pid", ProcessHandle.current().pid());
    endpoint.put("protocol", Protocol.VERSION);
    Path partial = home.endpoint().resolveSibling("endpoint.json.part");
    Files.write(partial, ProtocolJson.mapper().writeValueAsBytes(endpoint));
    Files.move(partial, home.endpoint(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(home.endpoint());
    } catch (IOException ignored) {
      // A stale endpoint.json only makes clients try a dead port and report "not running".
    }
    server.close();
    jobs.close();
    engines.close();
    if (runtime != null) {
      runtime.close();
    }
    journal.close();
  }
}
