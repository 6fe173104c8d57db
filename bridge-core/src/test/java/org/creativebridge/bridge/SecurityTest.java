package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Auth, DNS-rebinding and browser defences of a live daemon. */
class SecurityTest {
  @TempDir static Path home;
  static LiveDaemon bridge;

  @BeforeAll
  static void start() throws IOException {
    bridge = LiveDaemon.start(home, Map.of("allowed_origins", List.of("http://localhost:3000")));
  }

  @AfterAll
  static void stop() {
    bridge.close();
  }

  @Test
  void health_needsNoToken() {
    HttpResponse<byte[]> response =
        bridge.send(HttpRequest.newBuilder(URI.create(bridge.url + "/v1/health")).GET().build());
    assertEquals(200, response.statusCode());
    assertEquals(1, LiveDaemon.json(response).get("protocol").asInt());
  }

  @Test
  void missingToken_is401() {
    HttpResponse<byte[]> response =
        bridge.send(HttpRequest.newBuilder(URI.create(bridge.url + "/v1/capabilities")).GET().build());
    assertEquals(401, response.statusCode());
    assertEquals("BRIDGE-1001", LiveDaemon.errorCode(response));
  }

  @Test
  void wrongToken_is401_evenForBlobs() {
    HttpResponse<byte[]> response =
        bridge.send(
            HttpRequest.newBuilder(URI.create(bridge.url + "/v1/blobs"))
                .header("Authorization", "Bearer " + "0".repeat(64))
                .header("Content-Type", "image/png")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}))
                .build());
    assertEquals(401, response.statusCode());
    assertEquals("BRIDGE-1001", LiveDaemon.errorCode(response));
  }

  @Test
  void tokenFile_isPrivateToTheUser() throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(home.resolve("token"));
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), permissions);
  }

  @Test
  void endpointFile_namesUrlPidAndProtocol() throws IOException {
    var endpoint = org.creativebridge.protocol.ProtocolJson.mapper().readTree(home.resolve("endpoint.json").toFile());
    assertEquals(bridge.url, endpoint.get("url").asText());
    assertEquals(ProcessHandle.current().pid(), endpoint.get("pid").asLong());
    assertEquals(1, endpoint.get("protocol").asInt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example", "evil.example:80", "127.0.0.1.nip.io", "192.168.1.2", "localhost.evil.example"})
  void foreignHost_is421_evenWithToken(String host) throws IOException {
    String answer = rawRequest(host, "Authorization: Bearer " + bridge.token + "\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 421"), answer);
    assertTrue(answer.contains("BRIDGE-1002"), answer);
  }

  @Test
  void missingHost_isRefused() throws IOException {
    // HTTP/1.1 requires Host; Undertow itself answers 400 before any handler runs.
    String answer = rawRequest("", "Authorization: Bearer " + bridge.token + "\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 421"), answer);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST:7860", "127.0.0.1", "[::1]", "[::1]:7860"})
  void loopbackHost_isServed(String host) throws IOException {
    String answer = rawRequest(host, "Authorization: Bearer " + bridge.token + "\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
  }

  @Test
  void foreignOrigin_is403() {
    HttpResponse<byte[]> response =
        bridge.send(bridge.request("/v1/capabilities").header("Origin", "https://evil.example").GET().build());
    assertEquals(403, response.statusCode());
    assertEquals("BRIDGE-1003", LiveDaemon.errorCode(response));
  }

  @Test
  void foreignOrigin_is403_evenForHealth() {
    HttpResponse<byte[]> response =
        bridge.send(
            HttpRequest.newBuilder(URI.create(bridge.url + "/v1/health")).header("Origin", "null").GET().build());
    assertEquals(403, response.statusCode());
  }

  @Test
  void allowlistedOrigin_isServed() {
    HttpResponse<byte[]> response =
        bridge.send(bridge.request("/v1/capabilities").header("Origin", "http://localhost:3000").GET().build());
    assertEquals(200, response.statusCode());
  }

  @Test
  void unknownEndpoint_is404_andWrongMethod_is405() {
    HttpResponse<byte[]> unknown = bridge.sendUnchecked(bridge.request("/v1/nothing-here").GET().build());
    assertEquals(404, unknown.statusCode());
    assertEquals("BRIDGE-1004", LiveDaemon.errorCode(unknown));
    HttpResponse<byte[]> wrongMethod = bridge.sendUnchecked(bridge.request("/v1/capabilities").DELETE().build());
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("BRIDGE-1005", LiveDaemon.errorCode(wrongMethod));
  }

  /** java.net.http will not let a caller set Host, so this speaks HTTP/1.1 by hand. */
  private static String rawRequest(String host, String extraHeaders) throws IOException {
    int port = URI.create(bridge.url).getPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String hostHeader = host.isEmpty() ? "" : "Host: " + host + "\r\n";
      out.write(
          ("GET /v1/capabilities HTTP/1.1\r\n" + hostHeader + extraHeaders + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
