package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.creativebridge.bridge.config.BridgeHome;
import org.creativebridge.bridge.contract.OpenApiContract;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.protocol.ProtocolJson;

/**
 * A real daemon on a free loopback port over a fresh {@code BRIDGE_HOME}, and a client for it that
 * checks every response against {@code protocols/openapi.yaml}.
 */
final class LiveDaemon implements AutoCloseable {
  private static final OpenApiContract CONTRACT = OpenApiContract.load();

  final Path home;
  final Daemon daemon;
  final String url;
  final String token;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private LiveDaemon(Path home) throws IOException {
    this(home, Daemon.start(new BridgeHome(home), 0));
  }

  /** Starts with {@code config} and the given serve options (port, offline, mirror). */
  static LiveDaemon start(Path home, Map<String, Object> config, Daemon.Options options) throws IOException {
    Files.createDirectories(home);
    Files.write(home.resolve("config.json"), ProtocolJson.mapper().writeValueAsBytes(config));
    return new LiveDaemon(home, Daemon.start(new BridgeHome(home), options));
  }

  private LiveDaemon(Path home, Daemon daemon) throws IOException {
    this.home = home;
    this.daemon = daemon;
    this.url =
        ProtocolJson.mapper().readTree(home.resolve("endpoint.json").toFile()).get("url").asText();
    this.token = Files.readString(home.resolve("token")).trim();
  }

  /** A client of a daemon running in another process over {@code home}. */
  static LiveDaemon attach(Path home) throws IOException {
    return new LiveDaemon(home, null);
  }

  static LiveDaemon start(Path home) throws IOException {
    return new LiveDaemon(home);
  }

  /** Starts with {@code config} (snake_case keys) written to {@code config.json} first. */
  static LiveDaemon start(Path home, Map<String, Object> config) throws IOException {
    Files.createDirectories(home);
    Files.write(home.resolve("config.json"), ProtocolJson.mapper().writeValueAsBytes(config));
    return new LiveDaemon(home);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token);
  }

  /** Sends, checks the answer against the OpenAPI document, returns it. */
  HttpResponse<byte[]> send(HttpRequest request) {
    HttpResponse<byte[]> response = sendUnchecked(request);
    CONTRACT.assertResponseConforms(response);
    return response;
  }

  /** For requests the document cannot describe (paths that do not exist). */
  HttpResponse<byte[]> sendUnchecked(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<byte[]> get(String path) {
    return send(request(path).GET().build());
  }

  HttpResponse<byte[]> delete(String path) {
    return send(request(path).DELETE().build());
  }

  HttpResponse<byte[]> putBlob(byte[] bytes, String type) {
    return send(
        request("/v1/blobs").header("Content-Type", type).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  HttpResponse<byte[]> postJson(String path, Object body) {
    try {
      byte[] json = body instanceof byte[] raw ? raw : ProtocolJson.mapper().writeValueAsBytes(body);
      return send(
          request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Uploads and returns the blob id, asserting success. */
  String upload(byte[] bytes, String type) {
    HttpResponse<byte[]> response = putBlob(bytes, type);
    assertEquals(true, response.statusCode() == 201 || response.statusCode() == 200, () -> text(response));
    return json(response).get("id").asText();
  }

  String uploadPng(RgbaImage image) {
    return upload(png(image), "image/png");
  }

  /** Submits and asserts 202; returns the job id. */
  String submit(ObjectNode job) {
    HttpResponse<byte[]> response = postJson("/v1/jobs", job);
    assertEquals(202, response.statusCode(), () -> text(response));
    return json(response).get("id").asText();
  }

  /** Polls until the job is in a terminal state; returns it. */
  JsonNode awaitTerminal(String jobId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = json(get("/v1/jobs/" + jobId));
      String status = job.get("status").asText();
      if (status.equals("succeeded") || status.equals("failed") || status.equals("cancelled")) {
        return job;
      }
      sleep(20);
    }
    throw new AssertionError("job " + jobId + " did not finish in time");
  }

  /** Polls until the job runs. */
  void awaitRunning(String jobId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      String status = json(get("/v1/jobs/" + jobId)).get("status").asText();
      if (!status.equals("queued")) {
        return;
      }
      sleep(10);
    }
    throw new AssertionError("job " + jobId + " did not start in time");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return ProtocolJson.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(HttpResponse<byte[]> response) {
    return response.statusCode() + " " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static String errorCode(HttpResponse<byte[]> response) {
    return json(response).path("error").path("code").asText();
  }

  static byte[] png(RgbaImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageCodec.writePng(image, Map.of(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static ObjectNode inpaintJob(String image, String mask) {
    ObjectNode job = ProtocolJson.mapper().createObjectNode().put("task", "image.inpaint");
    job.putObject("inputs").put("image", image).put("mask", mask);
    job.putObject("params").put("seed", 7);
    return job;
  }

  @Override
  public void close() {
    if (daemon != null) {
      daemon.close();
    }
  }
}
