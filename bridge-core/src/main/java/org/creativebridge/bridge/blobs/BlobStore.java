package org.creativebridge.bridge.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.journal.Journal;
import org.creativebridge.protocol.BlobInfo;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.Protocol;

/**
 * Content-addressed blobs: files named by the sha256 of their bytes under {@code blobs/sha256/},
 * metadata in the journal. A blob becomes visible only once complete: bytes go to a temporary file,
 * are fsynced, then renamed into place, so nothing half-written is ever served. Storage is bounded:
 * blobs no job references are evicted least recently used first. Thread-safe.
 */
public final class BlobStore {
  private static final Pattern BLOB_ID = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final int COPY_BUFFER = 1 << 20;

  private final Path root;
  private final Path tmp;
  private final Journal journal;
  private final long maxBlobBytes;
  private final long budgetBytes;
  private final Clock clock;

  /** A stored blob and where its bytes are. */
  public record StoredBlob(BlobInfo info, Path file) {}

  /** The result of a put: {@code created} is false when the bytes were already stored. */
  public record PutResult(BlobInfo info, boolean created) {}

  /** Limits of the store: one blob, and all of them together. */
  public record Limits(long maxBlobBytes, long budgetBytes) {}

  public BlobStore(Path root, Journal journal, Limits limits, Clock clock) throws IOException {
    this.root = root;
    this.tmp = root.resolve("tmp");
    this.journal = journal;
    this.maxBlobBytes = limits.maxBlobBytes();
    this.budgetBytes = limits.budgetBytes();
    this.clock = clock;
    Files.createDirectories(tmp);
    Files.createDirectories(root.resolve("sha256"));
    sweepAfterCrash();
  }

  /** Throws {@link ErrorCode#INVALID_BLOB_ID} unless {@code id} is {@code sha256:<64 hex>}. */
  public static String checkId(String id) {
    if (id == null || !BLOB_ID.matcher(id).matches()) {
      throw new BridgeException(
          ErrorCode.INVALID_BLOB_ID,
          "'" + id + "' is not a blob id; ids look like sha256:<64 lowercase hex digits>",
          Map.of("id", String.valueOf(id)));
    }
    return id;
  }

  public Optional<StoredBlob> find(String id) {
    checkId(id);
    Optional<Journal.BlobRow> row = journal.findBlob(id);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Path file = fileOf(id);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Journal.BlobRow blob = row.get();
    return Optional.of(new StoredBlob(new BlobInfo(blob.id(), blob.size(), blob.type()), file));
  }

  public StoredBlob require(String id) {
    return find(id)
        .orElseThrow(
            () -> new BridgeException(ErrorCode.BLOB_NOT_FOUND, "no blob " + id, Map.of("id", id)));
  }

  /** Marks a blob as used now, for least-recently-used eviction. */
  public void touch(String id) {
    journal.touchBlob(id, clock.millis());
  }

  /**
   * Stores the bytes of {@code in}. {@code declaredLength} (-1 when unknown) is checked against the
   * limit before a byte is read; the stream is cut off at the limit otherwise.
   */
  public PutResult put(InputStream in, long declaredLength, String type) throws IOException {
    if (declaredLength > maxBlobBytes) {
      throw tooLarge(declaredLength);
    }
    Path partial = tmp.resolve(UUID.randomUUID() + ".part");
    try {
      MessageDigest sha256 = sha256();
      long size = 0;
      try (FileChannel channel =
          FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[COPY_BUFFER];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        int n;
        while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
          size += n;
          if (size > maxBlobBytes) {
            throw tooLarge(size);
          }
          sha256.update(buffer, 0, n);
          wrapped.clear().limit(n);
          while (wrapped.hasRemaining()) {
            channel.write(wrapped);
          }
        }
        channel.force(false);
      }
      String id = Protocol.BLOB_ID_PREFIX + HexFormat.of().formatHex(sha256.digest());
      boolean created = install(partial, id, size, type);
      return new PutResult(new BlobInfo(id, size, type), created);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** A writer of a blob's bytes, e.g. an image encoder. */
  @FunctionalInterface
  public interface BlobWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Stores what {@code writer} writes: how engines' outputs enter the store. */
  public BlobInfo write(String type, BlobWriter writer) throws IOException {
    Path partial = tmp.resolve(UUID.randomUUID() + ".part");
    try {
      MessageDigest sha256 = sha256();
      long size = writeDurably(partial, out -> writer.writeTo(new DigestOutputStream(out, sha256)));
      String id = Protocol.BLOB_ID_PREFIX + HexFormat.of().formatHex(sha256.digest());
      install(partial, id, size, type);
      return new BlobInfo(id, size, type);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * Writes a new file and fsyncs it before returning its size; the caller renames it into place.
   * The writer may close the stream it is given (some encoders do) without cutting the fsync off.
   */
  public static long writeDurably(Path file, BlobWriter writer) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      CountingOutputStream counting = new CountingOutputStream(Channels.newOutputStream(channel));
      OutputStream out = new java.io.BufferedOutputStream(counting, COPY_BUFFER);
      writer.writeTo(new FlushOnClose(out));
      out.flush();
      channel.force(false);
      return counting.count();
    }
  }

  /** Turns close() into flush(), so the file stays open for the fsync that must follow. */
  private static final class FlushOnClose extends java.io.FilterOutputStream {
    FlushOnClose(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }


  /**
   * Moves a complete, fsynced file into place. Room is made only for bytes not stored yet (known
   * once hashed), and under the store's lock, so concurrent puts cannot overshoot the budget
   * together.
   */
  private synchronized boolean install(Path partial, String id, long size, String type)
      throws IOException {
    Path target = fileOf(id);
    boolean existed = Files.isRegularFile(target) && journal.findBlob(id).isPresent();
    if (!existed) {
      reserve(size);
    }
    // The row goes in before the rename: a crash between the two leaves a row without a file,
    // which find() treats as absent, never a file nobody accounts for.
    journal.upsertBlob(new Journal.BlobRow(id, size, type, clock.millis()));
    if (!existed) {
      Files.createDirectories(target.getParent());
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the blob folder " + root + " does not support atomic renames", e);
      }
    }
    return !existed;
  }

  /** Makes room for {@code incoming} bytes by evicting unreferenced blobs, or refuses. Holds the lock. */
  private void reserve(long incoming) throws IOException {
    long total = journal.totalBlobBytes();
    while (total + incoming > budgetBytes) {
      var candidates = journal.evictionCandidates(64);
      if (candidates.isEmpty()) {
        throw new BridgeException(
            ErrorCode.BLOB_STORE_FULL,
            "the blob store is full (" + total + " of " + budgetBytes + " bytes) with blobs jobs still use",
            Map.of("used_bytes", total, "budget_bytes", budgetBytes, "incoming_bytes", incoming));
      }
      for (Journal.BlobRow candidate : candidates) {
        if (journal.deleteUnreferencedBlob(candidate.id())) {
          Files.deleteIfExists(fileOf(candidate.id()));
          total -= candidate.size();
          if (total + incoming <= budgetBytes) {
            break;
          }
        }
      }
    }
  }

  private BridgeException tooLarge(long size) {
    return new BridgeException(
        ErrorCode.BLOB_TOO_LARGE,
        "the blob is over the limit of " + maxBlobBytes + " bytes",
        Map.of("size", size, "max_bytes", maxBlobBytes));
  }

  Path fileOf(String id) {
    String hex = id.substring(Protocol.BLOB_ID_PREFIX.length());
    return root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex);
  }

  /** Removes partial files and rows whose files never arrived (a crash mid-write). */
  private void sweepAfterCrash() throws IOException {
    try (var partials = Files.list(tmp)) {
      for (Path partial : (Iterable<Path>) partials::iterator) {
        Files.deleteIfExists(partial);
      }
    }
    for (String id : journal.allBlobIds()) {
      if (!Files.isRegularFile(fileOf(id))) {
        journal.deleteBlobRow(id);
      }
    }
  }

  public static String sha256Id(Path file) throws IOException {
    MessageDigest sha256 = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[COPY_BUFFER];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
      }
    }
    return Protocol.BLOB_ID_PREFIX + HexFormat.of().formatHex(sha256.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
