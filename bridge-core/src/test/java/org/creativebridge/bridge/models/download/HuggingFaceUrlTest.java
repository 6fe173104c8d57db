package org.creativebridge.bridge.models.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hugging Face URL building and the response headers the downloader reads. */
class HuggingFaceUrlTest {
  private static final String SHA = "a".repeat(64);

  @Test
  void aMirrorOptionWinsOverHfEndpointAndTheDefault() {
    assertEquals("https://mirror.example/hf",
        Downloader.huggingFaceEndpoint("https://mirror.example/hf/", Map.of("HF_ENDPOINT", "https://env.example")));
  }

  @Test
  void hfEndpointIsUsedWithoutAMirror() {
    assertEquals("https://env.example",
        Downloader.huggingFaceEndpoint(null, Map.of("HF_ENDPOINT", "https://env.example/")));
    assertEquals("https://env.example",
        Downloader.huggingFaceEndpoint("  ", Map.of("HF_ENDPOINT", "https://env.example")));
  }

  @Test
  void theDefaultEndpointIsHuggingFace() {
    assertEquals("https://huggingface.co", Downloader.huggingFaceEndpoint(null, Map.of()));
    assertEquals("https://huggingface.co", Downloader.huggingFaceEndpoint(null, Map.of("HF_ENDPOINT", "")));
  }

  @Test
  void anEndpointThatIsNotAnHttpUrlIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Downloader.huggingFaceEndpoint("ftp://x.example", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Downloader.huggingFaceEndpoint("not a url", Map.of()));
  }

  @Test
  void buildsTheResolveUrl() {
    assertEquals(URI.create("https://huggingface.co/org/model/resolve/main/onnx/model.onnx"),
        Downloader.huggingFaceUrl("https://huggingface.co", "org/model", "main", "onnx/model.onnx"));
  }

  @Test
  void encodesTheRevisionAsOneSegmentAndThePathKeepingItsFolders() {
    assertEquals(URI.create("https://mirror.example/hf/org/model/resolve/refs%2Fpr%2F1/sub%20dir/f%C3%BC.onnx"),
        Downloader.huggingFaceUrl("https://mirror.example/hf/", "org/model", "refs/pr/1", "sub dir/fü.onnx"));
  }

  @Test
  void aMissingRevisionMeansMain() {
    assertEquals(URI.create("https://huggingface.co/org/model/resolve/main/model.onnx"),
        Downloader.huggingFaceUrl("https://huggingface.co", "org/model", null, "model.onnx"));
  }

  @Test
  void readsXLinkedEtagQuotedOrWeakAndIgnoresAGitSha1() {
    assertEquals(SHA, HeaderFacts.linkedSha256(headers("X-Linked-Etag", "\"" + SHA + "\"")));
    assertEquals(SHA, HeaderFacts.linkedSha256(headers("x-linked-etag", "W/\"" + SHA.toUpperCase() + "\"")));
    assertNull(HeaderFacts.linkedSha256(headers("X-Linked-Etag", "\"0123456789abcdef0123456789abcdef01234567\"")));
    assertEquals(1234, HeaderFacts.linkedSize(headers("X-Linked-Size", "1234")));
  }

  @Test
  void readsContentRangeOfPartialAndUnsatisfiableAnswers() {
    assertEquals(new HeaderFacts.ContentRange(10, 99, 100),
        HeaderFacts.contentRange(headers("Content-Range", "bytes 10-99/100")).orElseThrow());
    assertEquals(-1, HeaderFacts.contentRange(headers("Content-Range", "bytes 10-99/*")).orElseThrow().total());
    assertEquals(100, HeaderFacts.unsatisfiedRangeTotal(headers("Content-Range", "bytes */100")));
  }

  @Test
  void readsRetryAfterAsSecondsOrADate() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    assertEquals(Duration.ofSeconds(7), HeaderFacts.retryAfter(headers("Retry-After", "7"), now));
    assertEquals(Duration.ofSeconds(30),
        HeaderFacts.retryAfter(headers("Retry-After", "Wed, 01 Jan 2025 00:00:30 GMT"), now));
    assertNull(HeaderFacts.retryAfter(headers("Retry-After", "soon"), now));
  }

  @Test
  void backsOffExponentiallyAndCapsRetryAfter() {
    Downloader downloader = new Downloader(PublisherFixture.FAST);
    assertEquals(Duration.ofMillis(10), downloader.pauseAfter(1, null));
    assertEquals(Duration.ofMillis(40), downloader.pauseAfter(3, null));
    assertEquals(Downloader.MAX_BACKOFF, downloader.pauseAfter(40, null));
    assertEquals(Downloader.MAX_RETRY_AFTER, downloader.pauseAfter(1, Duration.ofHours(1)));
  }

  private static HttpHeaders headers(String name, String value) {
    return HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
  }
}
