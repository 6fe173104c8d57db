package org.creativebridge.bridge.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.creativebridge.protocol.ErrorCode;

/**
 * Refuses requests whose {@code Host} is not a loopback name: a web page that rebinds its own DNS
 * name to 127.0.0.1 still sends its own name as Host, and gets 421 here.
 */
final class HostCheckHandler implements HttpHandler {
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private final HttpHandler next;

  HostCheckHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    if (host == null || !LOOPBACK.contains(hostName(host))) {
      Responses.error(
          exchange,
          ErrorCode.MISDIRECTED_HOST,
          "the daemon only answers requests addressed to localhost, 127.0.0.1 or [::1]",
          Map.of("host", String.valueOf(host)));
      return;
    }
    next.handleRequest(exchange);
  }

  /** The name without its port; an IPv6 literal keeps its brackets. */
  static String hostName(String host) {
    String value = host.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("[")) {
      int end = value.indexOf(']');
      return end < 0 ? value : value.substring(0, end + 1);
    }
    int colon = value.indexOf(':');
    return colon < 0 ? value : value.substring(0, colon);
  }
}
