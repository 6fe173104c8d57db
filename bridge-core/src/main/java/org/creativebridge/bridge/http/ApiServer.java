package org.creativebridge.bridge.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import org.creativebridge.bridge.BridgeVersion;
import org.creativebridge.bridge.blobs.BlobStore;
import org.creativebridge.bridge.config.Token;
import org.creativebridge.bridge.engines.EngineRegistry;
import org.creativebridge.bridge.jobs.JobService;
import org.creativebridge.bridge.models.ModelService;
import org.creativebridge.protocol.Capabilities;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.Health;
import org.creativebridge.protocol.Protocol;
import org.creativebridge.protocol.TaskSpec;

/**
 * The HTTP face of the daemon on 127.0.0.1. Each concern is one handler wrapping the next: host
 * check, origin check, auth, routing; API handlers run on worker threads (they touch disk and
 * SQLite), never on the IO threads. Not reusable after {@link #close()}.
 */
public final class ApiServer implements AutoCloseable {
  private final Undertow undertow;

  /** What the server serves. */
  public record Services(
      Token token, BlobStore blobs, JobService jobs, EngineRegistry engines, ModelService models) {}

  /** Where and within which limits it listens. */
  public record Settings(int port, Set<String> allowedOrigins, long maxJsonBytes, long maxBlobBytes) {}

  public ApiServer(Services services, Settings settings) {
    BlobHandlers blobs = new BlobHandlers(services.blobs());
    JobHandlers jobs = new JobHandlers(services.jobs(), settings.maxJsonBytes());
    ModelHandlers models = new ModelHandlers(services.models(), settings.maxJsonBytes());
    EngineRegistry engines = services.engines();
    RoutingHandler routes =
        new RoutingHandler()
            .get("/v1/health", worker(ex -> Responses.json(ex, 200, new Health("ok", BridgeVersion.current(), Protocol.VERSION))))
            // Built per request: installing or removing a model changes the engines.
            .get("/v1/capabilities", worker(ex -> Responses.json(ex, 200, capabilities(engines))))
            .put("/v1/blobs", worker(blobs.put()))
            .get("/v1/blobs/{id}", worker(blobs.get()))
            .add(Methods.HEAD, "/v1/blobs/{id}", worker(blobs.get()))
            .post("/v1/jobs", worker(jobs.submit()))
            .get("/v1/jobs", worker(jobs.list()))
            .get("/v1/jobs/{id}", worker(jobs.get()))
            .delete("/v1/jobs/{id}", worker(jobs.cancel()))
            .get("/v1/jobs/{id}/events", worker(jobs.events()))
            .get("/v1/models", worker(models.list()))
            .post("/v1/models/imports", worker(models.importModel()))
            .post("/v1/models/{id}/verify", worker(models.verify()))
            .delete("/v1/models/{id}", worker(models.remove()))
            .setFallbackHandler(
                ex -> Responses.error(ex, ErrorCode.NOT_FOUND, "no endpoint " + ex.getRequestPath(), Map.of()))
            .setInvalidMethodHandler(
                ex ->
                    Responses.error(
                        ex,
                        ErrorCode.METHOD_NOT_ALLOWED,
                        ex.getRequestPath() + " does not take " + ex.getRequestMethod(),
                        Map.of("method", ex.getRequestMethod().toString())));
    HttpHandler root =
        new HostCheckHandler(
            new OriginCheckHandler(settings.allowedOrigins(), new BearerAuthHandler(services.token(), routes)));
    undertow =
        Undertow.builder()
            .addHttpListener(settings.port(), "127.0.0.1")
            .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false)
            .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
            // Our handlers enforce the real limits with catalogued errors; this is only the backstop.
            .setServerOption(
                UndertowOptions.MAX_ENTITY_SIZE, Math.max(settings.maxBlobBytes(), settings.maxJsonBytes()) + 1)
            .setHandler(root)
            .build();
  }

  private static HttpHandler worker(HttpHandler handler) {
    return new BlockingHandler(new ErrorHandler(handler));
  }

  private static Capabilities capabilities(EngineRegistry engines) {
    return new Capabilities(
        Protocol.VERSION,
        BridgeVersion.current(),
        TaskSpec.all().stream()
            .sorted(java.util.Comparator.comparing(TaskSpec::name))
            .map(
                task ->
                    new Capabilities.Task(
                        task.name(),
                        task.description(),
                        task.inputs(),
                        task.outputs(),
                        task.paramsSchema(),
                        engines.describe(task.name())))
            .toList());
  }

  public ApiServer start() {
    undertow.start();
    return this;
  }

  /** The port actually bound (useful when asked for port 0). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  @Override
  public void close() {
    undertow.stop();
  }
}
