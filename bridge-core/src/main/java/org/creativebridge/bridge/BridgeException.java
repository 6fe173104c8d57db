package org.creativebridge.bridge;

import java.util.Map;
import org.creativebridge.protocol.ErrorCode;

/** A request that ends in a catalogued error; the HTTP error handler turns it into the JSON shape. */
public final class BridgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> details;

  public BridgeException(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public BridgeException(ErrorCode code, String message, Map<String, Object> details) {
    super(message, null, false, false);
    this.code = code;
    this.details = Map.copyOf(details);
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }
}
