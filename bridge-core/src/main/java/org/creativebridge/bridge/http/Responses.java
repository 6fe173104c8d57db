package org.creativebridge.bridge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.ProtocolJson;

/** Writes JSON answers and errors in the protocol's one shape. Stateless. */
final class Responses {
  static final String JSON = "application/json";

  private Responses() {}

  static void json(HttpServerExchange exchange, int status, Object body) {
    byte[] bytes;
    try {
      bytes = ProtocolJson.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  static void error(HttpServerExchange exchange, ErrorCode code, String message, Map<String, Object> details) {
    if (exchange.isResponseStarted()) {
      // Nothing sensible can follow a started body; closing tells the client it is incomplete.
      org.xnio.IoUtils.safeClose(exchange.getConnection());
      return;
    }
    json(exchange, code.httpStatus(), ErrorResponse.of(code, message, details));
  }
}
