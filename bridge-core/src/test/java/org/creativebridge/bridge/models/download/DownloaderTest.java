package org.creativebridge.bridge.models.download;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.creativebridge.bridge.models.download.DownloadException.Reason;
import org.creativebridge.bridge.models.download.Downloader.FetchResult;
import org.creativebridge.bridge.models.download.Downloader.NetworkPolicy;
import org.creativebridge.bridge.models.download.Downloader.Settings;
import org.junit.jupiter.api.Test;

/** The downloader against a WireMock publisher: what gets installed, or why nothing was. */
class DownloaderTest extends PublisherFixture {
  private static final String FILE = "/org/repo/resolve/main/model.onnx";
  private static final int HALF = SIZE / 2;

  private final Downloader downloader = new Downloader(FAST);

  @Test
  void installsTheFileWhenItsHashMatchesTheCatalogue() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
  }

  @Test
  void resumesWithARangeRequestAfterTheConnectionDropsMidFile() throws Exception {
    // The first answer promises the whole file but sends half of it, then the connection closes.
    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", absent())
        .willReturn(aResponse().withStatus(200)
            .withHeader("Content-Length", String.valueOf(SIZE))
            .withBody(slice(MODEL, 0, HALF))));
    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", equalTo("bytes=" + HALF + "-"))
        .willReturn(partialContent(HALF)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
    publisher.verify(1, getRequestedFor(urlEqualTo(FILE)).withHeader("Range", equalTo("bytes=" + HALF + "-")));
  }

  @Test
  void retriesFromTheStartAfterAConnectionResetBeforeAnyByte() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("recovered").willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("reset").whenScenarioStateIs("recovered")
        .willReturn(aResponse().withStatus(200).withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
    publisher.verify(2, getRequestedFor(urlEqualTo(FILE)));
  }

  @Test
  void continuesAPartLeftByAnEarlierRun() throws Exception {
    int offset = 100_000;
    writePart(slice(MODEL, 0, offset));
    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", absent())
        .willReturn(aResponse().withStatus(500)));
    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", equalTo("bytes=" + offset + "-"))
        .willReturn(partialContent(offset)));
    List<long[]> progress = new ArrayList<>();

    FetchResult result =
        downloader.fetch(request(FILE, MODEL_SHA256, SIZE), (done, total) -> progress.add(new long[] {done, total}));

    assertInstalled(result, "catalogue");
    assertArrayEquals(new long[] {offset, SIZE}, progress.get(0), "progress starts at the resumed offset");
    assertArrayEquals(new long[] {SIZE, SIZE}, progress.get(progress.size() - 1));
  }

  @Test
  void startsOverCleanlyWhenTheServerIgnoresRange() throws Exception {
    // Junk in the .part: only a clean restart (truncating it) yields the right hash.
    writePart(bytes(100_000, 99));
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
    publisher.verify(1, getRequestedFor(urlEqualTo(FILE)).withHeader("Range", equalTo("bytes=100000-")));
  }

  @Test
  void startsOverWhenA206StartsElsewhereThanAsked() throws Exception {
    writePart(slice(MODEL, 0, 100_000));
    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", equalTo("bytes=100000-"))
        .willReturn(partialContent(HALF)));
    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", absent())
        .willReturn(aResponse().withStatus(200).withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
  }

  @Test
  void installsACompletePartWhenTheServerAnswers416() throws Exception {
    writePart(MODEL);
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(416)
        .withHeader("Content-Range", "bytes */" + SIZE)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, -1), null);

    assertInstalled(result, "catalogue");
  }

  @Test
  void wrongHashDeletesThePartAndInstallsNothing() throws Exception {
    String other = sha256(new byte[] {1, 2, 3});
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, other, SIZE), null));

    assertEquals(Reason.HASH_MISMATCH, e.reason());
    assertTrue(e.getMessage().startsWith("sha256 mismatch for model.onnx: expected " + other + ", got " + MODEL_SHA256),
        e.getMessage());
    assertTrue(e.getMessage().contains(publisherUrl(FILE)), e.getMessage());
    assertNothingInstalled();
  }

  @Test
  void wrongSizeFailsBeforeTheBodyAndInstallsNothing() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE + 1), null));

    assertEquals(Reason.SIZE_MISMATCH, e.reason());
    assertNothingInstalled();
  }

  @Test
  void notFoundFailsAtOnceWithoutRetrying() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(404)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains(publisherUrl(FILE)), e.getMessage());
    publisher.verify(1, getRequestedFor(urlEqualTo(FILE)));
    assertNothingInstalled();
  }

  @Test
  void unauthorizedFailsAtOnceAsAnHttpError() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(401)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.HTTP_ERROR, e.reason());
    assertTrue(e.getMessage().contains("gated or private"), e.getMessage());
    publisher.verify(1, getRequestedFor(urlEqualTo(FILE)));
    assertNothingInstalled();
  }

  @Test
  void retriesAServerErrorThenSucceeds() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("up").willReturn(aResponse().withStatus(500)));
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("flaky").whenScenarioStateIs("up")
        .willReturn(aResponse().withStatus(200).withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
    publisher.verify(2, getRequestedFor(urlEqualTo(FILE)));
  }

  @Test
  void waitsAsLongAsRetryAfterAsksOn429() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("ok").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("limited").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(200).withBody(MODEL)));

    long start = System.nanoTime();
    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 950, "Retry-After: 1 was not honoured");
    assertInstalled(result, "catalogue");
  }

  @Test
  void serverErrorForeverFailsAfterMaxAttempts() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(500)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.HTTP_ERROR, e.reason());
    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
    publisher.verify(FAST.maxAttempts(), getRequestedFor(urlEqualTo(FILE)));
    assertNothingInstalled();
  }

  @Test
  void followsARedirectChainToAnotherHost() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "/moved/model.onnx")));
    publisher.stubFor(get(urlEqualTo("/moved/model.onnx")).willReturn(aResponse().withStatus(307)
        .withHeader("Location", cdnUrl("/blobs/abc?signature=xyz"))));
    cdn.stubFor(get(urlEqualTo("/blobs/abc?signature=xyz")).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
  }

  @Test
  void givesUpOnAnEndlessRedirectLoop() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(302).withHeader("Location", FILE)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.HTTP_ERROR, e.reason());
    assertTrue(e.getMessage().contains("redirects"), e.getMessage());
    publisher.verify(Downloader.MAX_REDIRECTS + 1, getRequestedFor(urlEqualTo(FILE)));
    assertNothingInstalled();
  }

  @Test
  void refusesARedirectFromHttpsToHttp() {
    assertTrue(Downloader.isDowngrade(URI.create("https://huggingface.co/x"), URI.create("http://cdn.example/x")));
    assertFalse(Downloader.isDowngrade(URI.create("http://127.0.0.1/x"), URI.create("https://cdn.example/x")));
    assertFalse(Downloader.isDowngrade(URI.create("https://huggingface.co/x"), URI.create("https://cdn.example/x")));
  }

  @Test
  void aServerSlowerThanTheTimeoutIsRetriedThenFailsWithTimeout() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)
        .withFixedDelay(SLOWER_THAN_TIMEOUT_MS)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.TIMEOUT, e.reason());
    publisher.verify(FAST.maxAttempts(), getRequestedFor(urlEqualTo(FILE)));
    assertNothingInstalled();
  }

  @Test
  void aSlowFirstAnswerIsRetriedAndTheSecondSucceeds() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
        .willSetStateTo("fast").willReturn(aResponse().withStatus(200).withBody(MODEL)
            .withFixedDelay(SLOWER_THAN_TIMEOUT_MS)));
    publisher.stubFor(get(urlEqualTo(FILE)).inScenario("slow").whenScenarioStateIs("fast")
        .willReturn(aResponse().withStatus(200).withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
  }

  @Test
  void aBodyThatStallsLongerThanTheTimeoutFailsWithTimeoutAndKeepsThePart() throws Exception {
    // Four pieces 800 ms apart: the headers and first piece come in time, then the body goes quiet
    // for longer than the 500 ms inactivity limit.
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)
        .withChunkedDribbleDelay(4, 3200)));
    Downloader twoAttempts = new Downloader(new Settings(FAST.connectTimeout(), FAST.readTimeout(), 2,
        FAST.firstBackoff(), NetworkPolicy.ALLOWED));

    DownloadException e = assertThrows(DownloadException.class,
        () -> twoAttempts.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.TIMEOUT, e.reason());
    assertTrue(e.getMessage().contains("no data for 500 ms after 64.0 KiB of 256.0 KiB"), e.getMessage());
    assertFalse(Files.exists(target));
    assertEquals(SIZE / 4, Files.size(part()), "the .part is kept for a later resume");
  }

  @Test
  void usesXLinkedEtagWhenNoHashIsGiven() throws Exception {
    // Hugging Face's resolve endpoint answers 302 to its CDN and states the LFS sha256 on the 302.
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(302)
        .withHeader("X-Linked-Etag", "\"" + MODEL_SHA256 + "\"")
        .withHeader("X-Linked-Size", String.valueOf(SIZE))
        .withHeader("ETag", "\"" + MODEL_SHA256 + "\"")
        .withHeader("Location", cdnUrl("/lfs/blob"))));
    cdn.stubFor(get(urlEqualTo("/lfs/blob")).willReturn(aResponse().withStatus(200)
        .withHeader("ETag", "\"cdn-object-etag\"").withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, null, -1), null);

    assertInstalled(result, "x-linked-etag");
  }

  @Test
  void xLinkedEtagMismatchFailsWithHashMismatch() {
    String announced = sha256(new byte[] {4, 5, 6});
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200)
        .withHeader("X-Linked-Etag", "\"" + announced + "\"").withBody(MODEL)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, null, -1), null));

    assertEquals(Reason.HASH_MISMATCH, e.reason());
    assertTrue(e.getMessage().contains("expected " + announced + " (X-Linked-Etag), got " + MODEL_SHA256),
        e.getMessage());
    assertNothingInstalled();
  }

  @Test
  void aPublisherAnnouncingAnotherHashThanTheCatalogueFailsBeforeTheDownload() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(302)
        .withHeader("X-Linked-Etag", "\"" + sha256(new byte[] {7}) + "\"")
        .withHeader("Location", cdnUrl("/lfs/blob"))));
    cdn.stubFor(get(urlEqualTo("/lfs/blob")).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.HASH_MISMATCH, e.reason());
    assertTrue(e.getMessage().contains("the publisher announces"), e.getMessage());
    cdn.verify(0, anyRequestedFor(anyUrl()));
    assertNothingInstalled();
  }

  @Test
  void reportsAComputedHashWhenNothingIsKnown() throws Exception {
    // A small non-LFS file: its ETag is a git blob sha1, which is no sha256 to check against.
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200)
        .withHeader("ETag", "\"0123456789abcdef0123456789abcdef01234567\"").withBody(MODEL)));

    FetchResult result = downloader.fetch(request(FILE, null, -1), null);

    assertInstalled(result, "computed");
  }

  @Test
  void offlinePolicyRefusesWithoutAnyRequest() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)));
    Settings offline = new Settings(FAST.connectTimeout(), FAST.readTimeout(), FAST.maxAttempts(),
        FAST.firstBackoff(), NetworkPolicy.OFFLINE);

    DownloadException e = assertThrows(DownloadException.class,
        () -> new Downloader(offline).fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.OFFLINE, e.reason());
    publisher.verify(0, anyRequestedFor(anyUrl()));
    assertNothingInstalled();
  }

  @Test
  void tooLittleDiskSpaceRefusesBeforeAnyRequestWhenTheSizeIsKnown() {
    Downloader fullDisk = new Downloader(FAST, Duration.ZERO, folder -> 1000);
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> fullDisk.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertEquals(Reason.NO_SPACE, e.reason());
    assertTrue(e.getMessage().contains("256.0 KiB more"), e.getMessage());
    publisher.verify(0, anyRequestedFor(anyUrl()));
    assertNothingInstalled();
  }

  @Test
  void tooLittleDiskSpaceRefusesOnceTheServerStatesTheSize() {
    Downloader fullDisk = new Downloader(FAST, Duration.ZERO, folder -> 1000);
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)));

    DownloadException e = assertThrows(DownloadException.class,
        () -> fullDisk.fetch(request(FILE, null, -1), null));

    assertEquals(Reason.NO_SPACE, e.reason());
    assertNothingInstalled();
  }

  @Test
  void throttlesProgressCallbacks() throws Exception {
    byte[] big = bytes(512 * 1024, 3);
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(big)));
    List<long[]> progress = new ArrayList<>();

    downloader.fetch(request(FILE, sha256(big), big.length), (done, total) -> progress.add(new long[] {done, total}));

    // Start, a report per 256 KiB at most (plus a timer-driven one on a slow machine), the end.
    assertTrue(progress.size() <= 6, "too many progress calls: " + progress.size());
    assertArrayEquals(new long[] {big.length, big.length}, progress.get(progress.size() - 1));
  }

  @Test
  void returnsAnInstalledFileWithTheExpectedHashWithoutDownloading() throws Exception {
    Files.createDirectories(target.getParent());
    Files.write(target, MODEL);

    FetchResult result = downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null);

    assertInstalled(result, "catalogue");
    publisher.verify(0, anyRequestedFor(anyUrl()));
  }

  private static ResponseDefinitionBuilder partialContent(int from) {
    return aResponse().withStatus(206)
        .withHeader("Content-Range", "bytes " + from + "-" + (SIZE - 1) + "/" + SIZE)
        .withBody(slice(MODEL, from, SIZE));
  }
}
