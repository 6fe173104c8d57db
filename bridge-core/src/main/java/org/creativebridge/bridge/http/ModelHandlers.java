package org.creativebridge.bridge.http;

import io.undertow.server.HttpHandler;
import org.creativebridge.bridge.models.ModelService;
import org.creativebridge.protocol.ModelImportRequest;

/**
 * {@code /v1/models}: the catalogue and the installed models, imports, verification and removal.
 * Pulls are jobs of task {@code models.pull}, so they report progress on the job's event stream.
 */
final class ModelHandlers {
  private final ModelService models;
  private final long maxJsonBytes;

  ModelHandlers(ModelService models, long maxJsonBytes) {
    this.models = models;
    this.maxJsonBytes = maxJsonBytes;
  }

  HttpHandler list() {
    return exchange -> Responses.json(exchange, 200, models.list());
  }

  /** The path names a file on this machine: the daemon only ever listens on loopback. */
  HttpHandler importModel() {
    return exchange -> {
      ModelImportRequest request = JsonBody.read(exchange, maxJsonBytes, ModelImportRequest.class);
      if (request.path() == null || request.path().isBlank()) {
        throw new org.creativebridge.bridge.BridgeException(
            org.creativebridge.protocol.ErrorCode.INVALID_REQUEST, "an import needs the path of a model file or folder");
      }
      Responses.json(exchange, 201, models.importModel(request));
    };
  }

  HttpHandler verify() {
    return exchange -> Responses.json(exchange, 200, models.verify(pathId(exchange)));
  }

  HttpHandler remove() {
    return exchange -> Responses.json(exchange, 200, models.remove(pathId(exchange)));
  }

  private static String pathId(io.undertow.server.HttpServerExchange exchange) {
    return exchange.getQueryParameters().get("id").getFirst();
  }
}
