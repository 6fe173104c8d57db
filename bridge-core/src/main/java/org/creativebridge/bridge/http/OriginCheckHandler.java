package org.creativebridge.bridge.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Map;
import java.util.Set;
import org.creativebridge.protocol.ErrorCode;

/**
 * Refuses requests that carry an {@code Origin} (browsers add it; the host-app clients do not)
 * unless the user put that origin in the config's allowlist.
 */
final class OriginCheckHandler implements HttpHandler {
  private final Set<String> allowedOrigins;
  private final HttpHandler next;

  OriginCheckHandler(Set<String> allowedOrigins, HttpHandler next) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (origin != null && !allowedOrigins.contains(origin)) {
      Responses.error(
          exchange,
          ErrorCode.FORBIDDEN_ORIGIN,
          "requests from web pages are refused unless their origin is in the config's allowlist",
          Map.of("origin", origin));
      return;
    }
    next.handleRequest(exchange);
  }
}
