package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The daemon needs no network: in a namespace with nothing but loopback ({@code unshare -n}, as
 * root), a full job still succeeds. Skipped, by name, where unshare cannot run.
 */
class NoNetworkTest {
  @Test
  void fullJob_succeeds_inANamespaceWithOnlyLoopback() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    Assumptions.assumeTrue(
        root && DaemonProcess.onPath("unshare") && DaemonProcess.onPath("ip"),
        "SKIPPED NoNetworkTest: needs root, unshare (util-linux) and ip (iproute2)");
    List<String> java = DaemonProcess.javaCommand("org.creativebridge.bridge.NoNetworkSmoke");
    StringBuilder script = new StringBuilder("ip link set lo up && exec");
    for (String part : java) {
      script.append(" '").append(part.replace("'", "'\\''")).append("'");
    }
    List<String> command = new ArrayList<>(List.of("unshare", "-n", "--", "sh", "-c", script.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS));
    String text = new String(output, StandardCharsets.UTF_8);
    Assumptions.assumeFalse(
        text.contains("unshare failed") && text.contains("Operation not permitted"),
        "SKIPPED NoNetworkTest: this container does not allow new network namespaces");
    assertEquals(0, process.exitValue(), text);
    assertTrue(text.contains("NO-NETWORK-OK"), text);
  }
}
