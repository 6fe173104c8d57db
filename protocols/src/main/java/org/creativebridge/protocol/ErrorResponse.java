package org.creativebridge.protocol;

import java.util.Map;

/** The one error shape: {@code {"error": {"code": "BRIDGE-xxxx", "message": ..., "details": ...}}}. */
public record ErrorResponse(Error error) {

  /** {@code details} is free-form and may be empty, never null on the wire. */
  public record Error(String code, String message, Map<String, Object> details) {
    public Error {
      details = details == null ? Map.of() : Map.copyOf(details);
    }
  }

  public static ErrorResponse of(ErrorCode code, String message, Map<String, Object> details) {
    return new ErrorResponse(new Error(code.code(), message, details));
  }
}
