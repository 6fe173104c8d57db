package org.creativebridge.bridge.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import java.util.Map;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever {@code next} throws into the protocol's error shape: catalogued errors with their
 * code, anything else as {@link ErrorCode#INTERNAL} (logged, with no internals in the answer).
 */
final class ErrorHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  private final HttpHandler next;

  ErrorHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    try {
      next.handleRequest(exchange);
    } catch (BridgeException e) {
      Responses.error(exchange, e.code(), e.getMessage(), e.details());
    } catch (RequestTooBigException e) {
      Responses.error(exchange, ErrorCode.REQUEST_TOO_LARGE, "the request body is over the size limit", Map.of());
    } catch (OutOfMemoryError e) {
      // BRIDGE-4003 is a job's failure; a request that runs out of memory is the daemon's own error.
      Responses.error(exchange, ErrorCode.INTERNAL, "the daemon ran out of memory answering this request", Map.of());
    } catch (Exception e) {
      LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      Responses.error(exchange, ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName(), Map.of());
    }
  }
}
