package org.creativebridge.bridge.models.download;

import java.net.URI;
import java.time.Duration;

/**
 * One attempt failed in a way a later attempt may not (a dropped connection, a timeout, a 5xx or
 * 429). It never leaves the package: after the last attempt it becomes a {@link
 * DownloadException} with the same reason.
 */
final class RetryableFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final DownloadException.Reason reason;
  private final transient Duration retryAfter;

  /**
   * @param retryAfter the wait the server asked for, or null to use the exponential back-off;
   *     {@link Duration#ZERO} retries at once (used when starting over needs no pause)
   */
  RetryableFailure(DownloadException.Reason reason, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  DownloadException.Reason reason() {
    return reason;
  }

  Duration retryAfter() {
    return retryAfter;
  }

  DownloadException exhausted(URI url, int attempts) {
    String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
    return new DownloadException(reason, url, getMessage() + " (gave up after " + tries + ")", getCause());
  }
}
