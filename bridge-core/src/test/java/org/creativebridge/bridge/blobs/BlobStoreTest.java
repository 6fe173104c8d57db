package org.creativebridge.bridge.blobs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.journal.Journal;
import org.creativebridge.protocol.BlobInfo;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.Priority;
import org.creativebridge.protocol.ProtocolJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The content-addressed blob store over a real SQLite journal in a temporary folder. */
class BlobStoreTest {
  private static final int BLOB = 100;

  @TempDir Path home;

  private final TickingClock clock = new TickingClock();
  private Journal journal;
  private Path root;

  @BeforeEach
  void openJournal() {
    journal = new Journal(home.resolve("journal.db"));
    root = home.resolve("blobs");
  }

  @AfterEach
  void closeJournal() {
    journal.close();
  }

  private BlobStore store(long maxBlobBytes, long budgetBytes) throws IOException {
    return new BlobStore(root, journal, new BlobStore.Limits(maxBlobBytes, budgetBytes), clock);
  }

  private BlobStore roomyStore() throws IOException {
    return store(1 << 20, 1 << 24);
  }

  // ---- put ----

  @Test
  void put_returnsSha256OfTheBytes_andCreatedTrue() throws IOException {
    BlobStore store = roomyStore();
    byte[] bytes = "hello, blob".getBytes(UTF_8);

    BlobStore.PutResult result = store.put(new ByteArrayInputStream(bytes), bytes.length, "text/plain");

    assertEquals(sha256Id(bytes), result.info().id());
    assertEquals(bytes.length, result.info().size());
    assertEquals("text/plain", result.info().type());
    assertTrue(result.created());
    BlobStore.StoredBlob stored = store.require(result.info().id());
    assertArrayEquals(bytes, Files.readAllBytes(stored.file()));
    assertEquals(result.info(), stored.info());
  }

  @Test
  void putOfSameBytes_isNotCreatedAgain() throws IOException {
    BlobStore store = roomyStore();
    byte[] bytes = bytes(BLOB, 1);

    BlobStore.PutResult first = store.put(new ByteArrayInputStream(bytes), bytes.length, "image/png");
    BlobStore.PutResult second = store.put(new ByteArrayInputStream(bytes), -1, "image/png");

    assertTrue(first.created());
    assertFalse(second.created());
    assertEquals(first.info(), second.info());
    assertEquals(1, blobFiles().size());
    assertEquals(BLOB, journal.totalBlobBytes());
  }

  @Test
  void putOfSameBytes_withAnotherType_updatesTheType() throws IOException {
    BlobStore store = roomyStore();
    byte[] bytes = bytes(BLOB, 2);

    store.put(new ByteArrayInputStream(bytes), bytes.length, "application/octet-stream");
    BlobStore.PutResult again =
        store.put(new ByteArrayInputStream(bytes), bytes.length, "image/x-raw; width=5; height=5; format=rgba8");

    assertFalse(again.created());
    assertEquals("image/x-raw; width=5; height=5; format=rgba8", again.info().type());
    assertEquals(
        "image/x-raw; width=5; height=5; format=rgba8",
        store.require(again.info().id()).info().type());
    assertEquals(BLOB, journal.totalBlobBytes(), "the size is counted once");
  }

  @Test
  void emptyBlob_isStored() throws IOException {
    BlobStore store = roomyStore();

    BlobStore.PutResult result = store.put(InputStream.nullInputStream(), 0, "text/plain");

    assertEquals(sha256Id(new byte[0]), result.info().id());
    assertEquals(0, result.info().size());
    assertTrue(store.find(result.info().id()).isPresent());
  }

  @Test
  void blobOfExactlyTheLimit_isAccepted() throws IOException {
    BlobStore store = store(BLOB, 10 * BLOB);
    byte[] bytes = bytes(BLOB, 3);

    BlobStore.PutResult result = store.put(new ByteArrayInputStream(bytes), -1, "text/plain");

    assertEquals(BLOB, result.info().size());
  }

  @Test
  void declaredLengthOverTheLimit_isRefused_beforeAByteIsRead() throws IOException {
    BlobStore store = store(BLOB, 10 * BLOB);
    CountingStream in = new CountingStream(Long.MAX_VALUE);

    BridgeException e =
        assertThrows(BridgeException.class, () -> store.put(in, BLOB + 1, "text/plain"));

    assertEquals(ErrorCode.BLOB_TOO_LARGE, e.code());
    assertEquals(0, in.read.get(), "nothing may be read once the declared length is too large");
    assertEquals(List.of(), list(root.resolve("tmp")));
    assertEquals(List.of(), blobFiles());
  }

  @Test
  void streamWithoutDeclaredLength_isCutOffAtTheLimit_leavingNoPartialFile() throws IOException {
    BlobStore store = store(BLOB, 10 * BLOB);
    // An endless stream: the store must stop reading on its own.
    CountingStream endless = new CountingStream(Long.MAX_VALUE);

    BridgeException e =
        assertThrows(BridgeException.class, () -> store.put(endless, -1, "text/plain"));

    assertEquals(ErrorCode.BLOB_TOO_LARGE, e.code());
    assertTrue(endless.read.get() > BLOB);
    assertTrue(endless.read.get() < 64L << 20, "read " + endless.read.get() + " bytes of an endless stream");
    assertEquals(List.of(), list(root.resolve("tmp")), "no partial file is left behind");
    assertEquals(List.of(), blobFiles());
    assertEquals(0, journal.totalBlobBytes());
  }

  @Test
  void streamLongerThanTheLimit_isRefused_evenWhenItsDeclaredLengthLied() throws IOException {
    BlobStore store = store(BLOB, 10 * BLOB);

    BridgeException e =
        assertThrows(
            BridgeException.class,
            () -> store.put(new ByteArrayInputStream(bytes(3 * BLOB, 4)), 10, "text/plain"));

    assertEquals(ErrorCode.BLOB_TOO_LARGE, e.code());
    assertEquals(List.of(), list(root.resolve("tmp")));
    assertEquals(List.of(), blobFiles());
  }

  // ---- write ----

  @Test
  void write_storesWhatTheWriterWrites_withItsIdAndSize() throws IOException {
    BlobStore store = roomyStore();
    byte[] bytes = bytes(3 * BLOB + 7, 5);

    BlobInfo info =
        store.write(
            "image/png",
            out -> {
              out.write(bytes, 0, 10);
              for (int i = 10; i < bytes.length; i++) {
                out.write(bytes[i]);
              }
            });

    assertEquals(sha256Id(bytes), info.id());
    assertEquals(bytes.length, info.size());
    assertEquals("image/png", info.type());
    assertArrayEquals(bytes, Files.readAllBytes(store.require(info.id()).file()));
    assertEquals(List.of(), list(root.resolve("tmp")));
  }

  @Test
  void writerThatFails_leavesNothingBehind() throws IOException {
    BlobStore store = roomyStore();

    IOException e =
        assertThrows(
            IOException.class,
            () ->
                store.write(
                    "image/png",
                    out -> {
                      out.write(bytes(BLOB, 6));
                      throw new IOException("encoder broke");
                    }));

    assertEquals("encoder broke", e.getMessage());
    assertEquals(List.of(), list(root.resolve("tmp")));
    assertEquals(List.of(), blobFiles());
    assertEquals(0, journal.totalBlobBytes());
  }

  // ---- eviction ----

  @Test
  void evicts_leastRecentlyUsed_unreferencedBlob() throws IOException {
    BlobStore store = store(BLOB, 3 * BLOB);
    String a = put(store, 1);
    String b = put(store, 2);
    String c = put(store, 3);

    String d = put(store, 4);

    assertAbsent(store, a);
    assertPresent(store, b, c, d);
    assertEquals(3 * BLOB, journal.totalBlobBytes());
  }

  @Test
  void touch_makesABlobRecentlyUsed_soTheNextOldestIsEvicted() throws IOException {
    BlobStore store = store(BLOB, 3 * BLOB);
    String a = put(store, 1);
    String b = put(store, 2);
    String c = put(store, 3);
    store.touch(a);

    String d = put(store, 4);

    assertAbsent(store, b);
    assertPresent(store, a, c, d);
  }

  @Test
  void putOfStoredBytes_countsAsAUse() throws IOException {
    BlobStore store = store(BLOB, 3 * BLOB);
    String a = put(store, 1);
    String b = put(store, 2);
    String c = put(store, 3);
    assertEquals(a, put(store, 1));

    String d = put(store, 4);

    assertAbsent(store, b);
    assertPresent(store, a, c, d);
  }

  @Test
  void evicts_asManyBlobsAsNeeded_oldestFirst() throws IOException {
    BlobStore store = store(3 * BLOB, 3 * BLOB);
    String a = put(store, 1);
    String b = put(store, 2);
    String c = put(store, 3);

    byte[] big = bytes(2 * BLOB, 9);
    String d = store.put(new ByteArrayInputStream(big), big.length, "text/plain").info().id();

    assertAbsent(store, a);
    assertAbsent(store, b);
    assertPresent(store, c, d);
  }

  @Test
  void inputBlobOfAJournalledJob_isNeverEvicted() throws IOException {
    BlobStore store = store(BLOB, 3 * BLOB);
    String a = put(store, 1);
    assertTrue(journal.insertJob(job("job-1", Map.of("image", a))));
    String b = put(store, 2);
    String c = put(store, 3);

    String d = put(store, 4);
    String e = put(store, 5);

    assertPresent(store, a, d, e);
    assertAbsent(store, b);
    assertAbsent(store, c);
  }

  @Test
  void outputBlobOfAFinishedJob_isNeverEvicted() throws IOException {
    BlobStore store = store(BLOB, 3 * BLOB);
    assertTrue(journal.insertJob(job("job-1", Map.of())));
    String output = put(store, 1);
    journal.finish(
        "job-1",
        new Journal.Outcome(JobStatus.SUCCEEDED, Instant.ofEpochMilli(5), Map.of("image", output), null, null));
    String b = put(store, 2);
    String c = put(store, 3);

    String d = put(store, 4);

    assertPresent(store, output, c, d);
    assertAbsent(store, b);
  }

  @Test
  void storeFull_whenOnlyReferencedBlobsRemain() throws IOException {
    BlobStore store = store(BLOB, 2 * BLOB);
    String a = put(store, 1);
    String b = put(store, 2);
    assertTrue(journal.insertJob(job("job-1", Map.of("image", a, "mask", b))));

    BridgeException e =
        assertThrows(
            BridgeException.class,
            () -> store.put(new ByteArrayInputStream(bytes(BLOB, 3)), BLOB, "text/plain"));

    assertEquals(ErrorCode.BLOB_STORE_FULL, e.code());
    assertEquals(2L * BLOB, ((Number) e.details().get("used_bytes")).longValue());
    assertEquals(2L * BLOB, ((Number) e.details().get("budget_bytes")).longValue());
    assertPresent(store, a, b);
    assertEquals(List.of(), list(root.resolve("tmp")));
  }

  @Test
  void storeFull_forAnOutput_whenOnlyReferencedBlobsRemain() throws IOException {
    BlobStore store = store(BLOB, 2 * BLOB);
    String a = put(store, 1);
    String b = put(store, 2);
    assertTrue(journal.insertJob(job("job-1", Map.of("image", a, "mask", b))));

    BridgeException e =
        assertThrows(BridgeException.class, () -> store.write("image/png", out -> out.write(bytes(BLOB, 3))));

    assertEquals(ErrorCode.BLOB_STORE_FULL, e.code());
    assertPresent(store, a, b);
    assertEquals(List.of(), list(root.resolve("tmp")));
    assertEquals(2, blobFiles().size());
  }

  @Test
  void putOfBytesAlreadyStored_succeeds_evenWhenTheStoreIsFullOfReferencedBlobs() throws IOException {
    BlobStore store = store(BLOB, 2 * BLOB);
    String a = put(store, 1);
    String b = put(store, 2);
    assertTrue(journal.insertJob(job("job-1", Map.of("image", a, "mask", b))));

    // The protocol answers a re-upload of stored bytes with 200; it needs no room, declared or not.
    BlobStore.PutResult undeclared = store.put(new ByteArrayInputStream(bytes(BLOB, 1)), -1, "text/plain");
    BlobStore.PutResult declared = store.put(new ByteArrayInputStream(bytes(BLOB, 1)), BLOB, "text/plain");

    assertFalse(undeclared.created());
    assertFalse(declared.created());
    assertEquals(a, declared.info().id());
  }

  @Test
  void storeStaysWithinItsBudget_whenTheLengthIsNotDeclared() throws IOException {
    BlobStore store = store(BLOB, 3 * BLOB);
    String a = put(store, 1);
    put(store, 2);
    put(store, 3);

    String d = store.put(new ByteArrayInputStream(bytes(BLOB, 4)), -1, "text/plain").info().id();

    assertPresent(store, d);
    assertTrue(
        journal.totalBlobBytes() <= 3 * BLOB,
        "budget is " + 3 * BLOB + " bytes but the store holds " + journal.totalBlobBytes());
    assertAbsent(store, a);
  }

  // ---- crash recovery ----

  @Test
  void rowWhoseFileIsMissing_isAbsent_andSweptAtConstruction() throws IOException {
    BlobStore store = roomyStore();
    String a = put(store, 1);
    String b = put(store, 2);
    Files.delete(store.require(a).file());

    assertEquals(Optional.empty(), store.find(a));
    BridgeException e = assertThrows(BridgeException.class, () -> store.require(a));
    assertEquals(ErrorCode.BLOB_NOT_FOUND, e.code());

    BlobStore reopened = roomyStore();

    assertEquals(Optional.empty(), journal.findBlob(a), "the orphan row is swept");
    assertEquals(BLOB, journal.totalBlobBytes(), "the missing blob no longer counts against the budget");
    assertPresent(reopened, b);
  }

  @Test
  void leftoverPartFiles_areRemovedAtConstruction() throws IOException {
    Path tmp = Files.createDirectories(root.resolve("tmp"));
    Path leftover = Files.write(tmp.resolve("0b1c.part"), bytes(BLOB, 1));

    roomyStore();

    assertFalse(Files.exists(leftover));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void blobs_surviveReopeningTheStoreAndJournal() throws IOException {
    byte[] bytes = bytes(BLOB, 7);
    String id = roomyStore().put(new ByteArrayInputStream(bytes), BLOB, "image/jpeg").info().id();
    journal.close();
    journal = new Journal(home.resolve("journal.db"));

    BlobStore.StoredBlob stored = roomyStore().require(id);

    assertEquals(new BlobInfo(id, BLOB, "image/jpeg"), stored.info());
    assertArrayEquals(bytes, Files.readAllBytes(stored.file()));
  }

  // ---- concurrency ----

  @Test
  void concurrentPuts_ofTheSameBytes_allSucceed_withOneFile() throws Exception {
    BlobStore store = roomyStore();
    byte[] bytes = bytes(64 * 1024, 8);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<BlobStore.PutResult>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<BlobStore.PutResult> put =
            () -> {
              go.await();
              return store.put(new ByteArrayInputStream(bytes), bytes.length, "text/plain");
            };
        results.add(pool.submit(put));
      }
      go.countDown();

      boolean anyCreated = false;
      for (Future<BlobStore.PutResult> result : results) {
        BlobStore.PutResult put = result.get(30, TimeUnit.SECONDS);
        assertEquals(sha256Id(bytes), put.info().id());
        assertEquals(bytes.length, put.info().size());
        anyCreated |= put.created();
      }
      assertTrue(anyCreated, "one of the puts created the blob");
    } finally {
      pool.shutdownNow();
    }

    assertEquals(1, blobFiles().size());
    assertEquals(List.of(), list(root.resolve("tmp")));
    assertEquals(bytes.length, journal.totalBlobBytes());
    assertArrayEquals(bytes, Files.readAllBytes(store.require(sha256Id(bytes)).file()));
  }

  // ---- ids ----

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "sha256:",
        "sha256:abc",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
        "sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256:0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256:../../../../etc/passwd",
        " sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      })
  void checkId_rejectsMalformedIds(String id) throws IOException {
    BridgeException e = assertThrows(BridgeException.class, () -> BlobStore.checkId(id));
    assertEquals(ErrorCode.INVALID_BLOB_ID, e.code());
    assertEquals(String.valueOf(id), e.details().get("id"));

    BlobStore store = roomyStore();
    assertEquals(
        ErrorCode.INVALID_BLOB_ID, assertThrows(BridgeException.class, () -> store.find(id)).code());
  }

  @Test
  void checkId_acceptsSha256WithLowercaseHex() {
    String id = sha256Id(bytes(1, 1));
    assertEquals(id, BlobStore.checkId(id));
  }

  @Test
  void wellFormedIdThatWasNeverStored_isAbsent() throws IOException {
    BlobStore store = roomyStore();
    String id = sha256Id("never stored".getBytes(UTF_8));

    assertEquals(Optional.empty(), store.find(id));
    BridgeException e = assertThrows(BridgeException.class, () -> store.require(id));
    assertEquals(ErrorCode.BLOB_NOT_FOUND, e.code());
  }

  @Test
  void sha256Id_ofAFile_matchesTheIdOfItsBytes() throws IOException {
    byte[] bytes = bytes(3 * BLOB, 11);
    Path file = Files.write(home.resolve("some.bin"), bytes);

    assertEquals(sha256Id(bytes), BlobStore.sha256Id(file));
    assertEquals(
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        BlobStore.sha256Id(Files.write(home.resolve("empty"), new byte[0])));
  }

  // ---- helpers ----

  private String put(BlobStore store, int seed) throws IOException {
    byte[] bytes = bytes(BLOB, seed);
    return store.put(new ByteArrayInputStream(bytes), bytes.length, "text/plain").info().id();
  }

  private static void assertPresent(BlobStore store, String... ids) {
    for (String id : ids) {
      Optional<BlobStore.StoredBlob> found = store.find(id);
      assertTrue(found.isPresent(), id + " should be stored");
      assertTrue(Files.isRegularFile(found.get().file()));
    }
  }

  private void assertAbsent(BlobStore store, String id) throws IOException {
    assertEquals(Optional.empty(), store.find(id), id + " should be gone");
    assertEquals(Optional.empty(), journal.findBlob(id));
    String hex = id.substring("sha256:".length());
    assertFalse(Files.exists(root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex)));
  }

  private List<Path> blobFiles() throws IOException {
    Path dir = root.resolve("sha256");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  private static Journal.JobRow job(String id, Map<String, String> inputs) {
    ObjectNode params = ProtocolJson.mapper().createObjectNode();
    return new Journal.JobRow(
        id,
        "image.inpaint",
        "auto",
        Priority.INTERACTIVE,
        JobStatus.QUEUED,
        inputs,
        Map.of(),
        params,
        OutputFormat.PNG,
        Instant.ofEpochMilli(1),
        null,
        null,
        null,
        null,
        null);
  }

  /** Distinct content per seed, so each seed makes a different blob. */
  static byte[] bytes(int size, int seed) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (seed * 31 + i * 7);
    }
    if (size > 0) {
      bytes[0] = (byte) seed;
    }
    return bytes;
  }

  static String sha256Id(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** A stream of {@code length} zero bytes that counts what was read. */
  private static final class CountingStream extends InputStream {
    final AtomicLong read = new AtomicLong();
    private final long length;

    CountingStream(long length) {
      this.length = length;
    }

    @Override
    public int read() {
      if (read.get() >= length) {
        return -1;
      }
      read.incrementAndGet();
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      long left = length - read.get();
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      read.addAndGet(n);
      return n;
    }
  }

  /** A clock that moves one millisecond forward each time it is read, so every use is ordered. */
  private static final class TickingClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_000);

    @Override
    public long millis() {
      return millis.incrementAndGet();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
