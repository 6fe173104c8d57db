package org.creativebridge.bridge.models.download;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.creativebridge.bridge.BridgeVersion;
import org.creativebridge.bridge.models.download.DownloadException.Reason;

/**
 * Downloads a model file from its publisher into a folder the user owns, so that the target is
 * either absent or complete and verified: never a broken model.
 *
 * <p>The bytes go to {@code <target>.part}, hashed (sha256) as they arrive. A dropped connection
 * is resumed with an HTTP Range request within the same fetch, and a .part left by an earlier run
 * is continued by a later fetch. Only when the size and hash are right is the .part fsynced and
 * renamed onto the target atomically; on a mismatch the .part is deleted. Redirects (Hugging Face
 * sends its files from a CDN host) are followed by hand, to bound the chain, refuse an https to
 * http downgrade and read Hugging Face's {@code X-Linked-Etag}/{@code X-Linked-Size} on the hop
 * that carries them.
 *
 * <p>Thread-safety: thread-safe. Make one per daemon or CLI run; it shares one HttpClient.
 * Fetches of different targets run in parallel. Fetches of the same target, from threads of this
 * process or from other processes, exclude each other through {@code <target>.lock}: the second
 * waits for the lock up to its wait time (none by default) and then fails with {@link
 * Reason#BUSY}. Interrupting the fetching thread stops the download promptly and keeps the .part
 * for a later resume.
 */
public final class Downloader {
  /** Hops followed before giving up; real chains are one or two (resolve, then CDN). */
  static final int MAX_REDIRECTS = 10;
  /** Left free beyond the file, so a download never fills the user's disk to the last byte. */
  static final long SPACE_MARGIN_BYTES = 64L << 20;
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /** A server's Retry-After is obeyed up to this; longer waits would look like a hang. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final String USER_AGENT = "creative-bridge/" + BridgeVersion.current();

  /**
   * One file to download.
   *
   * @param url where the publisher serves it (http or https)
   * @param target the installed file; {@code target.part} and {@code target.lock} sit beside it
   * @param expectedSha256 the catalogue's sha256 as hex (any case), or null when unknown
   * @param expectedSize the catalogue's size in bytes, or -1 when unknown
   */
  public record FetchRequest(URI url, Path target, String expectedSha256, long expectedSize) {
    public FetchRequest {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(target, "target");
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL with a host: " + url);
      }
      if (target.getFileName() == null) {
        throw new IllegalArgumentException("target has no file name: " + target);
      }
      if (expectedSha256 != null) {
        expectedSha256 = expectedSha256.trim().toLowerCase(Locale.ROOT);
        if (!HeaderFacts.isSha256Hex(expectedSha256)) {
          throw new IllegalArgumentException("expectedSha256 is not 64 hex digits: " + expectedSha256);
        }
      }
      if (expectedSize < -1) {
        throw new IllegalArgumentException("expectedSize must be -1 (unknown) or >= 0: " + expectedSize);
      }
    }
  }

  /**
   * An installed, verified file.
   *
   * @param sha256 the sha256 of its bytes, lowercase hex (always computed here)
   * @param hashSource what it was checked against: {@link #FROM_CATALOGUE}, {@link
   *     #FROM_LINKED_ETAG}, or {@link #COMPUTED} when nothing was known and the caller should
   *     record the computed hash
   */
  public record FetchResult(Path file, String sha256, long size, String hashSource) {
    public static final String FROM_CATALOGUE = "catalogue";
    public static final String FROM_LINKED_ETAG = "x-linked-etag";
    public static final String COMPUTED = "computed";
  }

  /** Download progress, called on the fetching thread at most every 256 KiB or 100 ms. */
  @FunctionalInterface
  public interface Progress {
    /** @param totalBytes the file's size, or -1 while unknown */
    void update(long doneBytes, long totalBytes);
  }

  /** Whether fetches may use the network at all. */
  public enum NetworkPolicy {
    ALLOWED,
    /** Every fetch fails with {@link Reason#OFFLINE} before opening any connection. */
    OFFLINE
  }

  /**
   * @param connectTimeout limit of one TCP/TLS connect
   * @param readTimeout limit of the wait for an answer once connected (the response headers get
   *     connectTimeout + readTimeout from the start of the request), and of each silence within
   *     the body: inactivity, not total time, since a big file may take hours
   * @param maxAttempts attempts per fetch, the first included (at least 1)
   * @param firstBackoff pause after the first failed attempt, doubled after each further one
   */
  public record Settings(
      Duration connectTimeout, Duration readTimeout, int maxAttempts, Duration firstBackoff, NetworkPolicy policy) {
    public Settings {
      requirePositive(connectTimeout, "connectTimeout");
      requirePositive(readTimeout, "readTimeout");
      Objects.requireNonNull(firstBackoff, "firstBackoff");
      Objects.requireNonNull(policy, "policy");
      if (firstBackoff.isNegative()) {
        throw new IllegalArgumentException("firstBackoff must not be negative");
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(15), Duration.ofSeconds(30), 5, Duration.ofSeconds(1), NetworkPolicy.ALLOWED);
    }

    private static void requirePositive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
    }
  }

  /** The usable bytes of a folder's file store; tests stand in a full disk. */
  @FunctionalInterface
  interface SpaceProbe {
    long usableBytes(Path folder) throws IOException;
  }

  private final Settings settings;
  private final Duration lockWait;
  private final SpaceProbe spaceProbe;
  private final HttpClient http;

  public Downloader(Settings settings) {
    this(settings, Duration.ZERO, folder -> Files.getFileStore(folder).getUsableSpace());
  }

  /**
   * @param lockWait how long a fetch waits for another pull of the same target to finish before
   *     failing with {@link Reason#BUSY}
   */
  Downloader(Settings settings, Duration lockWait, SpaceProbe spaceProbe) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
    this.spaceProbe = Objects.requireNonNull(spaceProbe, "spaceProbe");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            // Followed by hand: see the class comment.
            .followRedirects(HttpClient.Redirect.NEVER)
            // One big sequential body gains nothing from HTTP/2, and h2c upgrades trip some mirrors.
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Downloads {@code request.url()} to {@code request.target()}, resuming a .part if there is one,
   * and returns the installed file. If the target already exists with the expected sha256, it is
   * returned without downloading.
   *
   * @param progress called on this thread; may be null
   * @throws DownloadException the file was not installed; its reason and message say why
   * @throws InterruptedException this thread was interrupted; the .part is kept for a resume
   */
  public FetchResult fetch(FetchRequest request, Progress progress) throws DownloadException, InterruptedException {
    Objects.requireNonNull(request, "request");
    if (settings.policy() == NetworkPolicy.OFFLINE) {
      throw new DownloadException(
          Reason.OFFLINE,
          request.url(),
          "not downloading " + request.target().getFileName() + " from " + request.url()
              + ": the network policy is OFFLINE");
    }
    try {
      return new Fetch(request, progress).run();
    } catch (DownloadException e) {
      if (e.getCause() instanceof ClosedByInterruptException) {
        // An interrupt during a file write closes the channel; report it as the interrupt it is.
        Thread.interrupted();
        InterruptedException interrupted =
            new InterruptedException("download of " + request.url() + " interrupted; the .part is kept");
        interrupted.initCause(e);
        throw interrupted;
      }
      throw e;
    }
  }

  /**
   * A Hugging Face file URL, {@code {endpoint}/{repo}/resolve/{revision}/{path}}, percent-encoded
   * as huggingface_hub does (the revision is one segment, so {@code refs/pr/1} becomes {@code
   * refs%2Fpr%2F1}; the path keeps its folders). A null or blank revision means {@code main}.
   */
  public static URI huggingFaceUrl(String endpoint, String repo, String revision, String path) {
    return HuggingFaceUrls.fileUrl(endpoint, repo, revision, path);
  }

  /**
   * The Hugging Face endpoint: a {@code --mirror} URL if given, else the environment's {@code
   * HF_ENDPOINT}, else {@code https://huggingface.co}; without a trailing slash.
   *
   * @throws IllegalArgumentException the chosen value is not an http(s) URL
   */
  public static String huggingFaceEndpoint(String mirrorOption, Map<String, String> env) {
    return HuggingFaceUrls.endpoint(mirrorOption, env);
  }

  /** Pause before the attempt after {@code failedAttempt} (1-based). */
  Duration pauseAfter(int failedAttempt, Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    }
    Duration pause = settings.firstBackoff();
    for (int i = 1; i < failedAttempt && pause.compareTo(MAX_BACKOFF) < 0; i++) {
      pause = pause.multipliedBy(2);
    }
    return pause.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : pause;
  }

  /** The final response of a redirect chain, and the URL that gave it. */
  private record Exchange(URI uri, HttpResponse<ChunkStream> response) {}

  /** The state of one fetch call; lives on the calling thread only. */
  private final class Fetch {
    private final FetchRequest request;
    private final URI url;
    private final String name;
    private final Path target;
    private final Path folder;
    private final PartialFile partial;
    private final ProgressThrottle progress;
    /** Hugging Face's announced sha256/size, from any hop of any attempt; null/-1 until seen. */
    private String linkedSha256;
    private long linkedSize = -1;

    Fetch(FetchRequest request, Progress progress) {
      this.request = request;
      this.url = request.url();
      this.target = request.target();
      this.name = target.getFileName().toString();
      this.folder = target.toAbsolutePath().getParent();
      this.partial = new PartialFile(target.resolveSibling(name + ".part"));
      this.progress = new ProgressThrottle(progress);
    }

    FetchResult run() throws DownloadException, InterruptedException {
      try {
        Files.createDirectories(folder);
      } catch (IOException e) {
        throw new DownloadException(Reason.IO, url, "cannot create the folder " + folder + " for " + name + ": " + e, e);
      }
      TargetLock lock;
      try {
        lock = TargetLock.tryAcquire(target, lockWait);
      } catch (IOException e) {
        throw new DownloadException(Reason.IO, url, "cannot lock " + name + ".lock in " + folder + ": " + e, e);
      }
      if (lock == null) {
        throw new DownloadException(
            Reason.BUSY,
            url,
            "another pull of " + name + " is running (it holds " + name + ".lock in " + folder
                + "); not downloading " + url + " twice, try again when it has finished");
      }
      try (lock) {
        FetchResult installed = alreadyInstalled();
        if (installed != null) {
          return installed;
        }
        if (request.expectedSize() >= 0) {
          ensureSpace(request.expectedSize() - partSize());
        }
        return withRetries();
      }
    }

    /** The target, when a concurrent or earlier pull already installed exactly this file. */
    private FetchResult alreadyInstalled() throws DownloadException {
      if (request.expectedSha256() == null || !Files.isRegularFile(target)) {
        return null;
      }
      try {
        long size = Files.size(target);
        if (request.expectedSize() >= 0 && size != request.expectedSize()) {
          return null;
        }
        String sha256 = PartialFile.sha256Of(target);
        if (!sha256.equals(request.expectedSha256())) {
          return null; // an older or damaged file: download and replace it
        }
        partial.discard();
        progress.finish(size, size);
        return new FetchResult(target, sha256, size, FetchResult.FROM_CATALOGUE);
      } catch (IOException e) {
        throw localFailure("cannot read the installed " + target, e);
      }
    }

    private FetchResult withRetries() throws DownloadException, InterruptedException {
      for (int attempt = 1; ; attempt++) {
        try {
          return attempt();
        } catch (RetryableFailure failure) {
          if (attempt >= settings.maxAttempts()) {
            throw failure.exhausted(url, attempt);
          }
          Duration pause = pauseAfter(attempt, failure.retryAfter());
          if (!pause.isZero()) {
            Thread.sleep(pause.toMillis());
          }
        }
      }
    }

    private FetchResult attempt() throws DownloadException, RetryableFailure, InterruptedException {
      long offset = partSize();
      long announcedTotal = request.expectedSize() >= 0 ? request.expectedSize() : linkedSize;
      if (announcedTotal >= 0 && offset > announcedTotal) {
        discardPart(); // longer than the file: not a prefix of it
        offset = 0;
      }
      Exchange exchange = open(offset);
      ChunkStream body = exchange.response().body();
      try {
        HttpHeaders headers = exchange.response().headers();
        int status = exchange.response().statusCode();
        long total;
        if (status == 200) {
          // Also the answer of a server that ignores Range: then the whole file comes again and
          // the .part is rewritten from its start.
          offset = 0;
          total = HeaderFacts.contentLength(headers);
        } else if (status == 206) {
          HeaderFacts.ContentRange range = HeaderFacts.contentRange(headers).orElse(null);
          if (range == null || range.start() != offset) {
            discardPart();
            throw new RetryableFailure(
                Reason.IO,
                "the server for " + url + " answered the range "
                    + headers.firstValue("Content-Range").orElse("(none)") + " to a request for bytes from "
                    + offset + "; starting over",
                Duration.ZERO,
                null);
          }
          long length = HeaderFacts.contentLength(headers);
          total = range.total() >= 0 ? range.total() : length >= 0 ? offset + length : -1;
        } else if (status == 416) {
          return rangeNotSatisfiable(offset, headers);
        } else {
          throw statusFailure(exchange);
        }
        total = reconcileTotal(total);
        if (total >= 0) {
          ensureSpace(total - offset);
        }
        stream(body, offset, total);
        return verifyAndInstall();
      } finally {
        body.cancel();
      }
    }

    /** GET with the Range for {@code offset}, following redirects; the final, non-redirect answer. */
    private Exchange open(long offset) throws DownloadException, RetryableFailure, InterruptedException {
      URI current = url;
      for (int hops = 0; ; hops++) {
        HttpResponse<ChunkStream> response = send(current, offset);
        rememberLinkedHeaders(response.headers());
        if (response.statusCode() < 400) {
          // Before following Hugging Face's 302 to the CDN: no byte of the wrong file is fetched.
          try {
            checkAnnounced();
          } catch (DownloadException e) {
            response.body().cancel();
            throw e;
          }
        }
        if (!REDIRECTS.contains(response.statusCode())) {
          return new Exchange(current, response);
        }
        response.body().cancel();
        if (hops >= MAX_REDIRECTS) {
          throw new DownloadException(
              Reason.HTTP_ERROR, url, "download of " + name + " from " + url + " failed: more than "
                  + MAX_REDIRECTS + " redirects");
        }
        current = redirectTarget(current, response);
      }
    }

    private URI redirectTarget(URI from, HttpResponse<ChunkStream> response) throws DownloadException {
      String location = response.headers().firstValue("Location").orElse(null);
      if (location == null || location.isBlank()) {
        throw new DownloadException(
            Reason.HTTP_ERROR, url, "download of " + name + " from " + url + " failed: HTTP "
                + response.statusCode() + " from " + from.getHost() + " without a Location");
      }
      URI next;
      try {
        next = from.resolve(location.trim());
      } catch (IllegalArgumentException e) {
        throw new DownloadException(
            Reason.HTTP_ERROR, url, "download of " + name + " from " + url + " failed: bad redirect Location "
                + location, e);
      }
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") || next.getHost() == null) {
        throw new DownloadException(
            Reason.HTTP_ERROR, url, "download of " + name + " from " + url + " failed: redirect to " + next
                + " is not an http(s) URL");
      }
      if (isDowngrade(from, next)) {
        // Plain http exposes which model the user fetches, and a file with no known hash (checked
        // against nothing, hashSource "computed") could be swapped on the way undetected.
        throw new DownloadException(
            Reason.HTTP_ERROR, url, "download of " + name + " from " + url
                + " refused: the server redirected from https to plain http (" + next + ")");
      }
      return next;
    }

    private HttpResponse<ChunkStream> send(URI uri, long offset)
        throws DownloadException, RetryableFailure, InterruptedException {
      // The request timeout runs from the start of the connect to the response headers, so the
      // connect's own allowance is added: a slow handshake must not eat the wait for an answer.
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(uri)
              .timeout(settings.connectTimeout().plus(settings.readTimeout()))
              .header("User-Agent", USER_AGENT)
              .GET();
      if (offset > 0) {
        builder.header("Range", "bytes=" + offset + "-");
      }
      CompletableFuture<HttpResponse<ChunkStream>> pending =
          http.sendAsync(builder.build(), info -> new ChunkStream());
      try {
        return pending.get();
      } catch (InterruptedException e) {
        pending.cancel(true);
        pending.thenAccept(late -> late.body().cancel()); // in case the answer won the race
        throw e;
      } catch (ExecutionException e) {
        throw connectionFailure(uri, e.getCause());
      }
    }

    private RetryableFailure connectionFailure(URI uri, Throwable cause) throws DownloadException {
      String what = "download of " + name + " from " + url;
      if (cause instanceof HttpConnectTimeoutException) {
        return new RetryableFailure(
            Reason.TIMEOUT, what + " timed out: could not connect to " + uri.getHost() + " within "
                + settings.connectTimeout().toMillis() + " ms", null, cause);
      }
      if (cause instanceof HttpTimeoutException) {
        return new RetryableFailure(
            Reason.TIMEOUT, what + " timed out: " + uri.getHost() + " did not answer within "
                + settings.connectTimeout().plus(settings.readTimeout()).toMillis() + " ms", null, cause);
      }
      if (cause instanceof IOException) {
        return new RetryableFailure(
            Reason.IO, what + " failed: connection to " + uri.getHost() + " failed: " + describe(cause), null, cause);
      }
      throw new DownloadException(Reason.IO, url, what + " failed: " + describe(cause), cause);
    }

    /** Non-retryable statuses are thrown; retryable ones (5xx, 429, 408) are returned. */
    private RetryableFailure statusFailure(Exchange exchange) throws DownloadException {
      int status = exchange.response().statusCode();
      String from = exchange.uri().getHost().equals(url.getHost()) ? "" : " from " + exchange.uri().getHost();
      if (status == 404 || status == 410) {
        throw new DownloadException(Reason.NOT_FOUND, url, name + " not found at " + url + " (HTTP " + status + from + ")");
      }
      if (status == 401 || status == 403) {
        throw new DownloadException(
            Reason.HTTP_ERROR, url, "access to " + name + " at " + url + " was refused (HTTP " + status + from
                + "); the repository may be gated or private");
      }
      if (status == 408 || status == 429 || status >= 500) {
        Duration retryAfter = HeaderFacts.retryAfter(exchange.response().headers(), Instant.now());
        return new RetryableFailure(
            Reason.HTTP_ERROR, "download of " + name + " from " + url + " failed: HTTP " + status + from, retryAfter, null);
      }
      throw new DownloadException(
          Reason.HTTP_ERROR, url, "download of " + name + " from " + url + " failed: unexpected HTTP " + status + from);
    }

    /** 416: the .part may already hold the whole file (an earlier run stopped before installing). */
    private FetchResult rangeNotSatisfiable(long offset, HttpHeaders headers)
        throws DownloadException, RetryableFailure {
      long total = HeaderFacts.unsatisfiedRangeTotal(headers);
      total = reconcileTotal(total);
      if (offset > 0 && total >= 0 && offset == total) {
        progress.update(offset, total);
        return verifyAndInstall();
      }
      if (offset == 0) {
        throw new DownloadException(
            Reason.HTTP_ERROR, url, "download of " + name + " from " + url + " failed: HTTP 416 to a plain request");
      }
      discardPart();
      throw new RetryableFailure(
          Reason.IO, "the server for " + url + " has no bytes from " + offset + " (HTTP 416); starting over",
          Duration.ZERO, null);
    }

    private void rememberLinkedHeaders(HttpHeaders headers) {
      if (linkedSha256 == null) {
        linkedSha256 = HeaderFacts.linkedSha256(headers);
      }
      if (linkedSize < 0) {
        linkedSize = HeaderFacts.linkedSize(headers);
      }
    }

    /** Fails before any byte is read when the publisher announces another file than the catalogue. */
    private void checkAnnounced() throws DownloadException {
      reconcileTotal(-1);
      String expected = request.expectedSha256();
      if (expected != null && linkedSha256 != null && !expected.equals(linkedSha256)) {
        discardPart();
        throw new DownloadException(
            Reason.HASH_MISMATCH, url, "sha256 mismatch for " + name + ": expected " + expected
                + ", the publisher announces " + linkedSha256 + " (X-Linked-Etag of " + url
                + "); the file was not downloaded");
      }
    }

    /**
     * Checks the size the server states against the catalogue's and Hugging Face's, and returns
     * the best known total (-1 if none).
     */
    private long reconcileTotal(long fromServer) throws DownloadException {
      long expected = request.expectedSize() >= 0 ? request.expectedSize() : linkedSize;
      String source = request.expectedSize() >= 0 ? "expected" : "X-Linked-Size says";
      if (request.expectedSize() >= 0 && linkedSize >= 0 && request.expectedSize() != linkedSize) {
        throw sizeMismatch("expected " + bytes(request.expectedSize()) + ", the publisher announces "
            + bytes(linkedSize) + " (X-Linked-Size)");
      }
      if (expected >= 0 && fromServer >= 0 && fromServer != expected) {
        throw sizeMismatch(source + " " + bytes(expected) + ", the server serves " + bytes(fromServer));
      }
      return fromServer >= 0 ? fromServer : expected;
    }

    private DownloadException sizeMismatch(String detail) throws DownloadException {
      discardPart();
      return new DownloadException(
          Reason.SIZE_MISMATCH, url, "size mismatch for " + name + " from " + url + ": " + detail
              + "; the file was not installed");
    }

    /** Appends the body to the .part from {@code offset}. */
    private void stream(ChunkStream body, long offset, long total)
        throws DownloadException, RetryableFailure, InterruptedException {
      long done = offset;
      progress.update(done, total);
      boolean overran = false;
      try (FileChannel channel = partial.openAt(offset)) {
        while (!overran) {
          List<ByteBuffer> buffers = nextBuffers(body, done, total);
          if (buffers == null) {
            break;
          }
          for (ByteBuffer buffer : buffers) {
            done += partial.append(channel, buffer);
          }
          overran = total >= 0 && done > total;
          progress.update(done, total);
        }
        channel.force(true);
      } catch (IOException e) {
        throw writeFailure(e);
      }
      if (overran) {
        throw sizeMismatch("the server sent more than the " + bytes(total) + " it announced");
      }
      if (total >= 0 && done < total) {
        throw new RetryableFailure(
            Reason.IO, "download of " + name + " from " + url + " failed: the connection closed after "
                + bytes(done) + " of " + bytes(total), null, null);
      }
    }

    private List<ByteBuffer> nextBuffers(ChunkStream body, long done, long total)
        throws RetryableFailure, InterruptedException {
      try {
        return body.next(settings.readTimeout());
      } catch (TimeoutException e) {
        throw new RetryableFailure(
            Reason.TIMEOUT, "download of " + name + " from " + url + " timed out: no data for "
                + settings.readTimeout().toMillis() + " ms after " + progressText(done, total)
                + "; the .part is kept", null, e);
      } catch (IOException e) {
        throw new RetryableFailure(
            Reason.IO, "download of " + name + " from " + url + " failed: the connection dropped after "
                + progressText(done, total) + " (" + describe(e) + "); the .part is kept", null, e);
      }
    }

    private FetchResult verifyAndInstall() throws DownloadException {
      try {
        long size = partial.size();
        long expectedSize = request.expectedSize() >= 0 ? request.expectedSize() : linkedSize;
        if (expectedSize >= 0 && size != expectedSize) {
          throw sizeMismatch("expected " + bytes(expectedSize) + ", got " + bytes(size));
        }
        String actual = partial.sha256();
        String expected = request.expectedSha256() != null ? request.expectedSha256() : linkedSha256;
        if (expected != null && !expected.equals(actual)) {
          discardPart();
          String against = request.expectedSha256() != null ? "" : " (X-Linked-Etag)";
          throw new DownloadException(
              Reason.HASH_MISMATCH, url, "sha256 mismatch for " + name + ": expected " + expected + against
                  + ", got " + actual + "; the file was not installed (downloaded from " + url + ")");
        }
        partial.install(target);
        progress.finish(size, size);
        String source =
            request.expectedSha256() != null
                ? FetchResult.FROM_CATALOGUE
                : linkedSha256 != null ? FetchResult.FROM_LINKED_ETAG : FetchResult.COMPUTED;
        return new FetchResult(target, actual, size, source);
      } catch (IOException e) {
        throw localFailure("cannot verify and install " + target, e);
      }
    }

    private void ensureSpace(long remaining) throws DownloadException {
      if (remaining <= 0) {
        return;
      }
      long usable;
      try {
        usable = spaceProbe.usableBytes(folder);
      } catch (IOException e) {
        return; // unknown: let the writes find out
      }
      if (usable < remaining + SPACE_MARGIN_BYTES) {
        throw new DownloadException(
            Reason.NO_SPACE, url, "not enough disk space for " + name + " (" + url + ") in " + folder + ": it needs "
                + bytes(remaining) + " more plus a " + bytes(SPACE_MARGIN_BYTES) + " margin, and "
                + bytes(usable) + " are usable");
      }
    }

    private DownloadException writeFailure(IOException e) {
      if (!(e instanceof ClosedByInterruptException)) {
        try {
          long usable = spaceProbe.usableBytes(folder);
          if (usable < (1L << 20)) {
            return new DownloadException(
                Reason.NO_SPACE, url, "the disk filled up while writing " + partial.path() + " (" + url + "): "
                    + bytes(usable) + " usable; the .part is kept, free some space and pull again", e);
          }
        } catch (IOException ignored) {
          // fall through to the plain I/O error
        }
      }
      return localFailure("cannot write " + partial.path(), e);
    }

    private DownloadException localFailure(String what, IOException e) {
      return new DownloadException(Reason.IO, url, what + " while downloading " + url + ": " + describe(e), e);
    }

    private long partSize() throws DownloadException {
      try {
        return partial.size();
      } catch (IOException e) {
        throw localFailure("cannot read " + partial.path(), e);
      }
    }

    private void discardPart() throws DownloadException {
      try {
        partial.discard();
      } catch (IOException e) {
        throw localFailure("cannot delete " + partial.path(), e);
      }
    }
  }

  /** True for a redirect from https to plain http, which fetches refuse. */
  static boolean isDowngrade(URI from, URI to) {
    return "https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme());
  }

  private static String progressText(long done, long total) {
    return total >= 0 ? bytes(done) + " of " + bytes(total) : bytes(done);
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Sizes for people: exact below 1 KiB, else one decimal in binary units. */
  static String bytes(long count) {
    if (count < 1024) {
      return count + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = count;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
