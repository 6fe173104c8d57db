package org.creativebridge.bridge.models.download;

import java.net.URI;
import java.util.Objects;

/**
 * A model download that did not install its file. The message is meant for the user as is: it
 * names the file, the URL and what went wrong, and says whether a partial download was kept.
 */
public final class DownloadException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a download failed; callers map these to their own error codes and exit statuses. */
  public enum Reason {
    /** The network policy is OFFLINE; no connection was attempted. */
    OFFLINE,
    /** The publisher answered 404 or 410: wrong repository, revision or path. */
    NOT_FOUND,
    /** Any other HTTP failure: 401/403, 5xx/429 after the retries, a bad redirect. */
    HTTP_ERROR,
    /** Connecting, or waiting for data, took longer than the configured timeouts, every attempt. */
    TIMEOUT,
    /** The bytes' sha256 is not the expected one; nothing was installed and the .part is gone. */
    HASH_MISMATCH,
    /** The publisher's size, or the bytes received, disagree with the expected size. */
    SIZE_MISMATCH,
    /** The target folder has too little usable space for the rest of the file. */
    NO_SPACE,
    /** Another pull of the same file (this process or another) holds its lock. */
    BUSY,
    /** A local file-system failure, or a connection failure that outlasted the retries. */
    IO
  }

  private final Reason reason;
  private final URI url;

  public DownloadException(Reason reason, URI url, String message) {
    this(reason, url, message, null);
  }

  public DownloadException(Reason reason, URI url, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.url = url;
  }

  public Reason reason() {
    return reason;
  }

  /** The URL that was asked for (before redirects). */
  public URI url() {
    return url;
  }
}
