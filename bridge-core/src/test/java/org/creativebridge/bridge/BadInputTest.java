package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a 4xx with its stable code, and the daemon keeps serving: after every test a good
 * job still succeeds.
 */
class BadInputTest {
  private static final long MAX_BLOB = 256 * 1024;
  private static final long MAX_JSON = 16 * 1024;

  @TempDir static Path home;
  static LiveDaemon bridge;
  static String image;
  static String mask;

  @BeforeAll
  static void start() throws IOException {
    bridge = LiveDaemon.start(home, Map.of("max_blob_bytes", MAX_BLOB, "max_json_bytes", MAX_JSON));
    image = bridge.uploadPng(TestImages.scene(48, 40, SampleDepth.U8));
    mask = bridge.uploadPng(TestImages.mask(48, 40, new int[] {10, 10, 8, 8}));
  }

  @AfterAll
  static void stop() {
    bridge.close();
  }

  @AfterEach
  void daemonStillServes_aGoodJob() {
    String id = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    assertEquals("succeeded", bridge.awaitTerminal(id).get("status").asText());
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String code) {
    assertEquals(status, response.statusCode(), () -> LiveDaemon.text(response));
    assertEquals(code, LiveDaemon.errorCode(response), () -> LiveDaemon.text(response));
    assertTrue(LiveDaemon.json(response).path("error").path("message").asText().length() > 10);
  }

  @Test
  void unknownTask_is3001() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask).put("task", "image.teleport");
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-3001");
  }

  @Test
  void unknownEngine_is3002() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask).put("engine", "no-such-engine");
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-3002");
  }

  @Test
  void missingInput_is3003() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) job.get("inputs")).remove("mask");
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-3003");
  }

  @Test
  void unknownInput_is3004() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) job.get("inputs")).put("depth", image);
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-3004");
  }

  @Test
  void inputBlobNotStored_is2001() {
    ObjectNode job = LiveDaemon.inpaintJob(image, "sha256:" + "ab".repeat(32));
    assertError(bridge.postJson("/v1/jobs", job), 404, "BRIDGE-2001");
  }

  @Test
  void malformedBlobId_is2004() {
    assertError(bridge.get("/v1/blobs/sha256:xyz"), 400, "BRIDGE-2004");
    ObjectNode job = LiveDaemon.inpaintJob(image, "not-a-blob-id");
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-2004");
  }

  @Test
  void maskOfAnotherSize_is3009() {
    String smallMask = bridge.uploadPng(TestImages.mask(40, 48, new int[] {1, 1, 4, 4}));
    HttpResponse<byte[]> response = bridge.postJson("/v1/jobs", LiveDaemon.inpaintJob(image, smallMask));
    assertError(response, 400, "BRIDGE-3009");
  }

  @Test
  void corruptPng_is3006() {
    byte[] garbage = "this is not a picture at all, just text".getBytes(StandardCharsets.US_ASCII);
    String bad = bridge.upload(garbage, "image/png");
    assertError(bridge.postJson("/v1/jobs", LiveDaemon.inpaintJob(image, bad)), 400, "BRIDGE-3006");
  }

  @Test
  void truncatedPng_is3006() {
    byte[] png = LiveDaemon.png(TestImages.scene(48, 40, SampleDepth.U8));
    String truncated = bridge.upload(Arrays.copyOf(png, png.length / 2), "image/png");
    assertError(bridge.postJson("/v1/jobs", LiveDaemon.inpaintJob(truncated, mask)), 400, "BRIDGE-3006");
  }

  @Test
  void rawWithWrongByteCount_is3008() {
    byte[] pixels = new byte[48 * 40 * 4 - 1];
    String raw = bridge.upload(pixels, "image/x-raw; width=48; height=40; format=rgba8");
    HttpResponse<byte[]> response = bridge.postJson("/v1/jobs", LiveDaemon.inpaintJob(raw, mask));
    assertError(response, 400, "BRIDGE-3008");
    var details = LiveDaemon.json(response).path("error").path("details");
    assertEquals(48 * 40 * 4, details.path("expected_bytes").asLong(), details::toString);
  }

  @Test
  void absurdSize_refusedBeforeAllocation_is3007() {
    // 100000 x 100000 rgba8 would be 40 GB; the declared size alone is refused.
    String raw = bridge.upload(new byte[64], "image/x-raw; width=100000; height=100000; format=rgba8");
    assertError(bridge.postJson("/v1/jobs", LiveDaemon.inpaintJob(raw, mask)), 413, "BRIDGE-3007");
  }

  @Test
  void paramOutOfRange_is3005() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) job.get("params")).put("grow", 100000);
    HttpResponse<byte[]> response = bridge.postJson("/v1/jobs", job);
    assertError(response, 400, "BRIDGE-3005");
    assertTrue(LiveDaemon.json(response).path("error").path("message").asText().contains("grow"));
  }

  @Test
  void unknownParam_is3005() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) job.get("params")).put("sharpness", 3);
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-3005");
  }

  @Test
  void paramOfWrongType_is3005() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) job.get("params")).put("seed", "seven");
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-3005");
  }

  @Test
  void jsonOverLimit_is1006() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) job.get("params")).put("prompt", "x".repeat((int) MAX_JSON));
    assertError(bridge.postJson("/v1/jobs", job), 413, "BRIDGE-1006");
  }

  @Test
  void malformedJson_is1007() {
    byte[] body = "{\"task\": \"image.inpaint\", ".getBytes(StandardCharsets.UTF_8);
    assertError(bridge.postJson("/v1/jobs", body), 400, "BRIDGE-1007");
  }

  @Test
  void unknownTopLevelField_is1008() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask).put("colour", "blue");
    assertError(bridge.postJson("/v1/jobs", job), 400, "BRIDGE-1008");
  }

  @Test
  void badJobId_is1008_andDuplicateJobId_is3011() {
    assertError(bridge.postJson("/v1/jobs", LiveDaemon.inpaintJob(image, mask).put("id", "../etc")), 400, "BRIDGE-1008");
    String id = bridge.submit(LiveDaemon.inpaintJob(image, mask).put("id", "once"));
    assertError(bridge.postJson("/v1/jobs", LiveDaemon.inpaintJob(image, mask).put("id", "once")), 409, "BRIDGE-3011");
    bridge.awaitTerminal(id);
  }

  @Test
  void blobOverLimit_is2002_andNothingIsStored() {
    byte[] big = new byte[(int) MAX_BLOB + 1];
    big[0] = 42;
    assertError(bridge.putBlob(big, "application/octet-stream"), 413, "BRIDGE-2002");
    assertEquals(0, countPartials());
  }

  @Test
  void blobWithoutContentType_is1009() {
    HttpResponse<byte[]> response =
        bridge.send(bridge.request("/v1/blobs").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build());
    assertError(response, 415, "BRIDGE-1009");
  }

  @Test
  void jobWithoutJsonContentType_is1009() {
    HttpResponse<byte[]> response =
        bridge.send(
            bridge.request("/v1/jobs")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(LiveDaemon.inpaintJob(image, mask).toString()))
                .build());
    assertError(response, 415, "BRIDGE-1009");
  }

  @Test
  void unknownBlob_is2001() {
    assertError(bridge.get("/v1/blobs/sha256:" + "0".repeat(64)), 404, "BRIDGE-2001");
  }

  @Test
  void cancelOfUnknownJob_is3010() {
    assertError(bridge.delete("/v1/jobs/no-such-job"), 404, "BRIDGE-3010");
    assertError(bridge.get("/v1/jobs/no-such-job"), 404, "BRIDGE-3010");
    assertError(bridge.get("/v1/jobs/no-such-job/events"), 404, "BRIDGE-3010");
  }

  @Test
  void unknownStatusFilter_is1008() {
    assertError(bridge.get("/v1/jobs?status=sleeping"), 400, "BRIDGE-1008");
  }

  private static long countPartials() {
    try (var files = java.nio.file.Files.list(home.resolve("blobs").resolve("tmp"))) {
      return files.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
