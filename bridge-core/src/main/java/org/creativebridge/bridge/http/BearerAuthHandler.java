package org.creativebridge.bridge.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Map;
import org.creativebridge.bridge.config.Token;
import org.creativebridge.protocol.ErrorCode;

/** Lets through requests that present the token; {@code GET /v1/health} needs none. */
final class BearerAuthHandler implements HttpHandler {
  private static final String BEARER = "Bearer ";
  private static final String HEALTH = "/v1/health";

  private final Token token;
  private final HttpHandler next;

  BearerAuthHandler(Token token, HttpHandler next) {
    this.token = token;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (Methods.GET.equals(exchange.getRequestMethod()) && HEALTH.equals(exchange.getRelativePath())) {
      next.handleRequest(exchange);
      return;
    }
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    boolean ok =
        header != null
            && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
            && token.matches(header.substring(BEARER.length()).trim());
    if (!ok) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"creative-bridge\"");
      Responses.error(
          exchange,
          ErrorCode.UNAUTHORIZED,
          header == null
              ? "send the token from $BRIDGE_HOME/token as 'Authorization: Bearer <token>'"
              : "the bearer token is wrong; read it again from $BRIDGE_HOME/token",
          Map.of());
      return;
    }
    next.handleRequest(exchange);
  }
}
