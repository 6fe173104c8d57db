package org.creativebridge.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.creativebridge.inference.image.SampleDepth;

/**
 * Run inside a network namespace that has only loopback: proves there is no way out, then runs a
 * full job through a live daemon. Exit 0 and "NO-NETWORK-OK" mean success.
 */
public final class NoNetworkSmoke {
  private NoNetworkSmoke() {}

  public static void main(String[] args) throws Exception {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress("1.1.1.1", 443), 2000);
      System.out.println("UNEXPECTED: reached the internet; the namespace is not isolated");
      System.exit(3);
    } catch (java.io.IOException expected) {
      System.out.println("no route out, as intended: " + expected.getMessage());
    }
    Path home = Files.createTempDirectory("bridge-nonet");
    try (LiveDaemon bridge = LiveDaemon.start(home)) {
      String image = bridge.uploadPng(TestImages.scene(96, 64, SampleDepth.U8));
      String mask = bridge.uploadPng(TestImages.mask(96, 64, new int[] {30, 20, 16, 12}));
      JsonNode job = bridge.awaitTerminal(bridge.submit(LiveDaemon.inpaintJob(image, mask)));
      if (!job.get("status").asText().equals("succeeded")) {
        System.out.println("job did not succeed: " + job);
        System.exit(4);
      }
      byte[] output = bridge.get("/v1/blobs/" + job.get("outputs").get("image").asText()).body();
      System.out.println("NO-NETWORK-OK output bytes=" + output.length);
    }
    System.exit(0);
  }
}
