package org.creativebridge.bridge.models.download;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.Options;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.creativebridge.bridge.models.download.Downloader.FetchRequest;
import org.creativebridge.bridge.models.download.Downloader.FetchResult;
import org.creativebridge.bridge.models.download.Downloader.NetworkPolicy;
import org.creativebridge.bridge.models.download.Downloader.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WireMock publisher on 127.0.0.1 (and a second one standing in for a CDN host), a model folder,
 * and the checks every download test makes.
 */
abstract class PublisherFixture {
  /**
   * Short enough for a fast suite, long enough for a loaded CI machine to answer a local stub.
   * Response headers may take connect + read timeout (1 s); body pieces at most 500 ms apart.
   */
  static final Settings FAST =
      new Settings(Duration.ofMillis(500), Duration.ofMillis(500), 3, Duration.ofMillis(10), NetworkPolicy.ALLOWED);
  /** A stub delay that outlasts the wait for response headers. */
  static final int SLOWER_THAN_TIMEOUT_MS = 1700;

  static final int SIZE = 256 * 1024;
  static final byte[] MODEL = bytes(SIZE, 1);
  static final String MODEL_SHA256 = sha256(MODEL);

  @TempDir Path folder;
  WireMockServer publisher;
  WireMockServer cdn;
  Path target;

  @BeforeEach
  void startPublisher() {
    // The publisher states Content-Length like Hugging Face and CDNs do; the CDN stand-in keeps
    // WireMock's chunked encoding, so the size is only known from the request or X-Linked-Size.
    publisher = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
        .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER));
    cdn = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    publisher.start();
    cdn.start();
    target = folder.resolve("models").resolve("model.onnx");
  }

  @AfterEach
  void stopPublisher() {
    publisher.stop();
    cdn.stop();
  }

  FetchRequest request(String path, String sha256, long size) {
    return new FetchRequest(URI.create(publisherUrl(path)), target, sha256, size);
  }

  String publisherUrl(String path) {
    return "http://127.0.0.1:" + publisher.port() + path;
  }

  String cdnUrl(String path) {
    return "http://127.0.0.1:" + cdn.port() + path;
  }

  Path part() {
    return target.resolveSibling("model.onnx.part");
  }

  Path lockFile() {
    return target.resolveSibling("model.onnx.lock");
  }

  void writePart(byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Files.write(part(), content);
  }

  void assertInstalled(FetchResult result, String hashSource) throws IOException {
    assertEquals(target, result.file());
    assertArrayEquals(MODEL, Files.readAllBytes(target), "installed bytes");
    assertEquals(MODEL_SHA256, sha256(Files.readAllBytes(target)));
    assertEquals(MODEL_SHA256, result.sha256());
    assertEquals(SIZE, result.size());
    assertEquals(hashSource, result.hashSource());
    assertFalse(Files.exists(part()), ".part left behind");
    assertFalse(Files.exists(lockFile()), ".lock left behind");
  }

  void assertNothingInstalled() {
    assertFalse(Files.exists(target), "target installed");
    assertFalse(Files.exists(part()), ".part left behind");
    assertFalse(Files.exists(lockFile()), ".lock left behind");
  }

  static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static byte[] slice(byte[] data, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(data, from, out, 0, out.length);
    return out;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
