package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon stopped while a job runs leaves it for the next start to report as interrupted, not as
 * cancelled or failed for a reason that was not the job's; finished results stay served.
 */
class GracefulShutdownTest {
  @TempDir Path home;

  @Test
  void stopWithARunningJob_nextStartReportsItInterrupted_andKeepsFinishedOnes() throws Exception {
    String finished;
    String running;
    try (LiveDaemon bridge = LiveDaemon.start(home, Map.of("cpu_jobs", 1))) {
      String image = bridge.uploadPng(TestImages.scene(64, 48, SampleDepth.U8));
      String mask = bridge.uploadPng(TestImages.mask(64, 48, new int[] {10, 10, 12, 12}));
      finished = bridge.submit(LiveDaemon.inpaintJob(image, mask));
      assertEquals("succeeded", bridge.awaitTerminal(finished).get("status").asText());
      String big = bridge.uploadPng(TestImages.scene(1600, 1200, SampleDepth.U8));
      String bigMask = bridge.uploadPng(TestImages.mask(1600, 1200, new int[] {300, 300, 500, 400}));
      running = bridge.submit(LiveDaemon.inpaintJob(big, bigMask));
      bridge.awaitRunning(running);
    }
    try (LiveDaemon bridge = LiveDaemon.start(home)) {
      assertEquals("succeeded", LiveDaemon.json(bridge.get("/v1/jobs/" + finished)).get("status").asText());
      JsonNode stopped = LiveDaemon.json(bridge.get("/v1/jobs/" + running));
      assertEquals("failed", stopped.get("status").asText(), stopped::toString);
      assertEquals("BRIDGE-4001", stopped.at("/error/code").asText());
    }
  }
}
