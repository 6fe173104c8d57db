package org.creativebridge.bridge.models.download;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the response headers a download relies on. Stateless. */
final class HeaderFacts {
  /** Hugging Face: the sha256 of an LFS file, on the resolve endpoint's answer (also its 302). */
  static final String LINKED_ETAG = "X-Linked-Etag";
  /** Hugging Face: the byte size of an LFS file, beside {@link #LINKED_ETAG}. */
  static final String LINKED_SIZE = "X-Linked-Size";

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern UNSATISFIED_RANGE =
      Pattern.compile("bytes\\s+\\*/(\\d+)", Pattern.CASE_INSENSITIVE);

  private HeaderFacts() {}

  /** A 206's {@code Content-Range: bytes start-end/total}; total is -1 for {@code *}. */
  record ContentRange(long start, long end, long total) {}

  static Optional<ContentRange> contentRange(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Content-Range");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = CONTENT_RANGE.matcher(value.get().trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      long total = "*".equals(m.group(3)) ? -1 : Long.parseLong(m.group(3));
      return Optional.of(new ContentRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), total));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A 416's {@code Content-Range: bytes * /total} (the full size), or -1. */
  static long unsatisfiedRangeTotal(HttpHeaders headers) {
    return headers
        .firstValue("Content-Range")
        .map(v -> UNSATISFIED_RANGE.matcher(v.trim()))
        .filter(Matcher::matches)
        .map(m -> parseLong(m.group(1)))
        .orElse(-1L);
  }

  /** Content-Length, or -1 when absent or garbled. */
  static long contentLength(HttpHeaders headers) {
    return headers.firstValue("Content-Length").map(HeaderFacts::parseLong).orElse(-1L);
  }

  /**
   * The sha256 in X-Linked-Etag, lowercase, or null. Hugging Face quotes it and a proxy may mark
   * it weak ({@code W/"..."}); a value that is not 64 hex digits (a git blob sha1, say) is no
   * sha256 and is ignored.
   */
  static String linkedSha256(HttpHeaders headers) {
    String value = headers.firstValue(LINKED_ETAG).orElse(null);
    if (value == null) {
      return null;
    }
    String etag = value.trim();
    if (etag.startsWith("W/")) {
      etag = etag.substring(2);
    }
    etag = etag.replace("\"", "").toLowerCase(Locale.ROOT);
    return SHA256_HEX.matcher(etag).matches() ? etag : null;
  }

  /** X-Linked-Size, or -1. */
  static long linkedSize(HttpHeaders headers) {
    return headers.firstValue(LINKED_SIZE).map(HeaderFacts::parseLong).orElse(-1L);
  }

  /** Retry-After as delta-seconds or an HTTP date, or null when absent or garbled. */
  static Duration retryAfter(HttpHeaders headers, Instant now) {
    String value = headers.firstValue("Retry-After").map(String::trim).orElse(null);
    if (value == null || value.isEmpty()) {
      return null;
    }
    long seconds = parseLong(value);
    if (seconds >= 0) {
      return Duration.ofSeconds(seconds);
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static boolean isSha256Hex(String value) {
    return value != null && SHA256_HEX.matcher(value).matches();
  }

  private static long parseLong(String value) {
    try {
      long parsed = Long.parseLong(value.trim());
      return parsed >= 0 ? parsed : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
