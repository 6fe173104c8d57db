package org.creativebridge.protocol;

import java.util.List;

/** {@code POST /v1/models/{id}/verify}: whether every file is as installed. */
public record ModelVerifyResult(String id, boolean ok, List<Problem> problems) {

  /** @param kind {@code missing}, {@code size_changed}, {@code content_changed} or {@code unreadable} */
  public record Problem(String path, String kind, String message) {}
}
