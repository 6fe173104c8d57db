package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After {@code kill -9} the restarted daemon serves every finished result and settles the rest. */
class CrashRecoveryTest {
  @TempDir Path home;
  @TempDir Path logs;

  @Test
  void killDashNine_keepsFinishedResults_andFailsInterruptedJobs() throws Exception {
    Path log = logs.resolve("daemon.log");
    Process first = DaemonProcess.serve(home, log);
    String finishedJob;
    String finishedOutput;
    byte[] finishedBytes;
    String interruptedJob;
    try {
      LiveDaemon bridge = LiveDaemon.attach(home);
      String image = bridge.uploadPng(TestImages.scene(64, 48, SampleDepth.U8));
      String mask = bridge.uploadPng(TestImages.mask(64, 48, new int[] {10, 10, 12, 12}));
      finishedJob = bridge.submit(LiveDaemon.inpaintJob(image, mask));
      JsonNode done = bridge.awaitTerminal(finishedJob);
      assertEquals("succeeded", done.get("status").asText());
      finishedOutput = done.get("outputs").get("image").asText();
      finishedBytes = bridge.get("/v1/blobs/" + finishedOutput).body();

      String big = bridge.uploadPng(TestImages.scene(2000, 1500, SampleDepth.U8));
      String bigMask = bridge.uploadPng(TestImages.mask(2000, 1500, new int[] {400, 300, 600, 500}));
      interruptedJob = bridge.submit(LiveDaemon.inpaintJob(big, bigMask));
      bridge.awaitRunning(interruptedJob);
    } finally {
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(137, first.exitValue(), "the daemon should have died of SIGKILL");

    Process second = DaemonProcess.serve(home, log);
    try {
      LiveDaemon bridge = LiveDaemon.attach(home);
      JsonNode finished = LiveDaemon.json(bridge.get("/v1/jobs/" + finishedJob));
      assertEquals("succeeded", finished.get("status").asText());
      assertEquals(finishedOutput, finished.get("outputs").get("image").asText());
      assertArrayEquals(finishedBytes, bridge.get("/v1/blobs/" + finishedOutput).body());

      JsonNode interrupted = LiveDaemon.json(bridge.get("/v1/jobs/" + interruptedJob));
      assertEquals("failed", interrupted.get("status").asText(), interrupted::toString);
      assertEquals("BRIDGE-4001", interrupted.get("error").get("code").asText());
      assertEquals(
          java.util.List.of("queued", "started", "failed"),
          SseEvents.readAll(bridge, interruptedJob).stream().map(SseEvents.Event::type).toList());
      try (var partials = Files.list(home.resolve("blobs").resolve("tmp"))) {
        assertEquals(0, partials.count(), "half-written blobs must be swept at start");
      }
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
