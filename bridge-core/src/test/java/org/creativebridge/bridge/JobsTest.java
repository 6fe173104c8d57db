package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.protocol.Protocol;
import org.creativebridge.protocol.ProtocolJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs end to end over real HTTP: outputs, recipes, events, determinism, cancel, priority. */
class JobsTest {
  private static final int W = 64;
  private static final int H = 48;
  private static final int[] HOLE = {20, 14, 12, 10};

  @TempDir static Path home;
  @TempDir Path scratch;
  static LiveDaemon bridge;
  static RgbaImage scene;
  static String image;
  static String mask;

  @BeforeAll
  static void start() throws IOException {
    // One CPU job at a time, so queue order is observable.
    bridge = LiveDaemon.start(home, Map.of("cpu_jobs", 1));
    scene = TestImages.scene(W, H, SampleDepth.U8);
    image = bridge.uploadPng(scene);
    mask = bridge.uploadPng(TestImages.mask(W, H, HOLE));
  }

  @AfterAll
  static void stop() {
    bridge.close();
  }

  private RgbaImage download(String blobId, String expectedType) throws Exception {
    HttpResponse<byte[]> response = bridge.get("/v1/blobs/" + blobId);
    assertEquals(200, response.statusCode());
    String type = response.headers().firstValue("Content-Type").orElseThrow();
    assertTrue(type.startsWith(expectedType), type);
    Path file = Files.write(scratch.resolve("out-" + System.nanoTime()), response.body());
    return ImageCodec.decode(file, type, ImageCodec.Limits.defaults());
  }

  private static boolean inHole(int x, int y) {
    return x >= HOLE[0] && x < HOLE[0] + HOLE[2] && y >= HOLE[1] && y < HOLE[1] + HOLE[3];
  }

  @Test
  void inpaint_changesOnlyTheHole_andCarriesItsRecipe() throws Exception {
    String id = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    JsonNode job = bridge.awaitTerminal(id);
    assertEquals("succeeded", job.get("status").asText(), job::toString);
    String output = job.get("outputs").get("image").asText();
    RgbaImage result = download(output, "image/png");
    assertEquals(W, result.width());
    assertEquals(H, result.height());
    int changedInHole = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 4; c++) {
          if (!inHole(x, y)) {
            assertEquals(scene.get(x, y, c), result.get(x, y, c), "pixel outside the mask changed at " + x + "," + y);
          } else if (scene.get(x, y, c) != result.get(x, y, c)) {
            changedInHole++;
          }
        }
      }
    }
    assertTrue(changedInHole > 0, "the hole was not filled at all");

    JsonNode recipe = job.get("recipe");
    assertEquals("image.inpaint", recipe.get("task").asText());
    assertEquals("builtin.patchmatch", recipe.get("engine").get("id").asText());
    assertEquals("builtin", recipe.get("engine").get("kind").asText());
    assertEquals(7, recipe.get("params").get("seed").asInt());
    assertEquals(0, recipe.get("params").get("grow").asInt());
    assertEquals(image, recipe.get("inputs").get("image").asText());
    assertEquals(mask, recipe.get("inputs").get("mask").asText());
    assertTrue(recipe.hasNonNull("bridge_version"));

    Path png = Files.write(scratch.resolve("recipe.png"), bridge.get("/v1/blobs/" + output).body());
    JsonNode embedded = ProtocolJson.mapper().readTree(ImageCodec.readPngText(png).get(Protocol.PNG_RECIPE_KEYWORD));
    assertEquals(recipe, embedded);
  }

  @Test
  void sameRecipe_givesBitIdenticalOutput() {
    String first = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    String second = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    String a = bridge.awaitTerminal(first).get("outputs").get("image").asText();
    String b = bridge.awaitTerminal(second).get("outputs").get("image").asText();
    // Blob ids are the sha256 of the bytes: equal ids are equal files.
    assertEquals(a, b);
  }

  @Test
  void absentSeed_isChosenAndRecorded_andReplaysIdentically() {
    ObjectNode job = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) job.get("params")).remove("seed");
    JsonNode done = bridge.awaitTerminal(bridge.submit(job));
    long seed = done.get("recipe").get("params").get("seed").asLong();
    assertTrue(seed >= 0 && seed <= 0xFFFF_FFFFL);
    ObjectNode replay = LiveDaemon.inpaintJob(image, mask);
    ((ObjectNode) replay.get("params")).put("seed", seed);
    JsonNode again = bridge.awaitTerminal(bridge.submit(replay));
    assertEquals(done.get("outputs"), again.get("outputs"));
  }

  @Test
  void rawOutput_atInputDepth_keepsPixelsOutsideMaskExactly() throws Exception {
    RgbaImage deep = TestImages.scene(W, H, SampleDepth.U16);
    ByteBuffer raw = ByteBuffer.allocate(W * H * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (float sample : deep.samples()) {
      raw.putShort((short) Math.round(sample * 65535f));
    }
    String rawId = bridge.upload(raw.array(), "image/x-raw; width=" + W + "; height=" + H + "; format=rgba16");
    ObjectNode job = LiveDaemon.inpaintJob(rawId, mask).put("output_format", "raw");
    JsonNode done = bridge.awaitTerminal(bridge.submit(job));
    assertEquals("succeeded", done.get("status").asText(), done::toString);
    HttpResponse<byte[]> out = bridge.get("/v1/blobs/" + done.get("outputs").get("image").asText());
    assertEquals(
        "image/x-raw; width=" + W + "; height=" + H + "; format=rgba16",
        out.headers().firstValue("Content-Type").orElseThrow());
    byte[] bytes = out.body();
    assertEquals(W * H * 8, bytes.length);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        if (!inHole(x, y)) {
          int offset = (y * W + x) * 8;
          assertArrayEquals(
              java.util.Arrays.copyOfRange(raw.array(), offset, offset + 8),
              java.util.Arrays.copyOfRange(bytes, offset, offset + 8),
              "raw pixel changed at " + x + "," + y);
        }
      }
    }
  }

  @Test
  void events_comeInOrder_andEndWithDone() {
    String id = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    List<SseEvents.Event> events = SseEvents.readAll(bridge, id);
    List<String> types = events.stream().map(SseEvents.Event::type).toList();
    assertEquals("queued", types.get(0), types::toString);
    assertEquals("done", types.get(types.size() - 1), types::toString);
    assertTrue(types.indexOf("started") > 0, types::toString);
    JsonNode done = events.get(events.size() - 1).data();
    assertEquals(id, done.get("job").asText());
    assertEquals(bridge.awaitTerminal(id).get("outputs"), done.get("outputs"));
    for (SseEvents.Event event : events) {
      assertEquals(event.type(), event.data().get("type").asText());
    }
  }

  @Test
  void lateSubscriber_getsCurrentState_thenTheEnd() {
    String id = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    bridge.awaitTerminal(id);
    List<String> types = SseEvents.readAll(bridge, id).stream().map(SseEvents.Event::type).toList();
    assertEquals(List.of("queued", "started"), types.subList(0, 2), types::toString);
    assertTrue(types.contains("stage"), types::toString);
    assertEquals(1, types.stream().filter("progress"::equals).count(), () -> "progress coalesced: " + types);
    assertEquals("done", types.get(types.size() - 1), types::toString);
  }

  @Test
  void cancel_ofQueuedJob_removesIt_andOfRunningJob_stopsIt() {
    String big = bridge.uploadPng(TestImages.scene(1600, 1200, SampleDepth.U8));
    String bigMask = bridge.uploadPng(TestImages.mask(1600, 1200, new int[] {300, 300, 500, 400}));
    String running = bridge.submit(LiveDaemon.inpaintJob(big, bigMask));
    String queued = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    bridge.awaitRunning(running);

    JsonNode cancelledQueued = LiveDaemon.json(bridge.delete("/v1/jobs/" + queued));
    assertEquals("cancelled", cancelledQueued.get("status").asText());
    bridge.delete("/v1/jobs/" + running);
    JsonNode stopped = bridge.awaitTerminal(running);
    assertEquals("cancelled", stopped.get("status").asText(), stopped::toString);
    assertEquals("cancelled", bridge.awaitTerminal(queued).get("status").asText());
    assertEquals(
        List.of("queued", "cancelled"),
        SseEvents.readAll(bridge, queued).stream().map(SseEvents.Event::type).toList());
    // Cancelling a finished job changes nothing.
    assertEquals("cancelled", LiveDaemon.json(bridge.delete("/v1/jobs/" + running)).get("status").asText());
  }

  @Test
  void interactiveJobs_runBeforeBatchJobs() {
    String big = bridge.uploadPng(TestImages.scene(800, 600, SampleDepth.U8));
    String bigMask = bridge.uploadPng(TestImages.mask(800, 600, new int[] {200, 200, 200, 150}));
    String blocker = bridge.submit(LiveDaemon.inpaintJob(big, bigMask));
    bridge.awaitRunning(blocker);
    String batch = bridge.submit(LiveDaemon.inpaintJob(image, mask).put("priority", "batch"));
    String interactive = bridge.submit(LiveDaemon.inpaintJob(image, mask).put("priority", "interactive"));
    JsonNode b = bridge.awaitTerminal(batch);
    JsonNode i = bridge.awaitTerminal(interactive);
    bridge.awaitTerminal(blocker);
    assertTrue(
        i.get("started_at").asText().compareTo(b.get("started_at").asText()) <= 0,
        "interactive started " + i.get("started_at") + ", batch " + b.get("started_at"));
    assertNotEquals(b.get("id"), i.get("id"));
  }

  @Test
  void list_filtersByStatus_newestFirst() {
    String id = bridge.submit(LiveDaemon.inpaintJob(image, mask));
    bridge.awaitTerminal(id);
    JsonNode list = LiveDaemon.json(bridge.get("/v1/jobs?status=succeeded&limit=5"));
    assertTrue(list.get("jobs").size() >= 1);
    assertEquals(id, list.get("jobs").get(0).get("id").asText());
    for (JsonNode job : list.get("jobs")) {
      assertEquals("succeeded", job.get("status").asText());
    }
  }

  @Test
  void capabilities_listInpaint_withItsBuiltinEngineReady() {
    JsonNode capabilities = LiveDaemon.json(bridge.get("/v1/capabilities"));
    JsonNode inpaint = null;
    for (JsonNode task : capabilities.get("tasks")) {
      if (task.get("task").asText().equals("image.inpaint")) {
        inpaint = task;
      }
    }
    assertTrue(inpaint != null, capabilities::toString);
    assertEquals("builtin.patchmatch", inpaint.get("engines").get(0).get("id").asText());
    assertTrue(inpaint.get("engines").get(0).get("ready").asBoolean());
    assertEquals("object", inpaint.get("params_schema").get("type").asText());
  }

  @Test
  void blobs_areContentAddressed_andHeadAnswersWithoutBody() {
    byte[] bytes = "hello, blobs".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    HttpResponse<byte[]> first = bridge.putBlob(bytes, "text/plain");
    HttpResponse<byte[]> again = bridge.putBlob(bytes, "text/plain");
    assertEquals(201, first.statusCode());
    assertEquals(200, again.statusCode());
    String id = LiveDaemon.json(first).get("id").asText();
    assertEquals("sha256:" + sha256Hex(bytes), id);
    HttpResponse<byte[]> head = bridge.send(bridge.request("/v1/blobs/" + id).method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(bytes.length), head.headers().firstValue("Content-Length").orElseThrow());
    assertArrayEquals(bytes, bridge.get("/v1/blobs/" + id.replace(":", "%3A")).body());
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
