package org.creativebridge.bridge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ProtocolJson;

/** Reads a JSON request body within a size limit, on a worker thread. */
final class JsonBody {
  private JsonBody() {}

  static <T> T read(HttpServerExchange exchange, long maxBytes, Class<T> type) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst(io.undertow.util.Headers.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new BridgeException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "send the body as Content-Type: application/json",
          Map.of("content_type", String.valueOf(contentType)));
    }
    long declared = exchange.getRequestContentLength();
    if (declared > maxBytes) {
      throw tooLarge(maxBytes);
    }
    byte[] body;
    try (InputStream in = exchange.getInputStream()) {
      // Read one byte past the limit to tell "exactly at" from "over" when no length was declared.
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
    }
    if (body.length == 0) {
      throw new BridgeException(ErrorCode.MALFORMED_JSON, "the request needs a JSON body", Map.of());
    }
    try {
      T value = ProtocolJson.mapper().readValue(body, type);
      if (value == null) {
        throw new BridgeException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object", Map.of());
      }
      return value;
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw new BridgeException(
          ErrorCode.INVALID_REQUEST,
          "unknown field '" + fieldPath(e) + "'",
          Map.of("field", fieldPath(e), "known", e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()));
    } catch (MismatchedInputException e) {
      throw new BridgeException(
          ErrorCode.INVALID_REQUEST,
          "field '" + fieldPath(e) + "' has the wrong type or value",
          Map.of("field", fieldPath(e)));
    } catch (JsonProcessingException e) {
      throw new BridgeException(
          ErrorCode.MALFORMED_JSON, "the body is not valid JSON: " + e.getOriginalMessage(), Map.of());
    }
  }

  /** The JSON path of the offending field as a client wrote it, e.g. {@code inputs.image}. */
  private static String fieldPath(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (var reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE
            .translate(reference.getFieldName()));
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static BridgeException tooLarge(long maxBytes) {
    return new BridgeException(
        ErrorCode.REQUEST_TOO_LARGE,
        "the JSON body is over the limit of " + maxBytes + " bytes",
        Map.of("max_bytes", maxBytes));
  }
}
