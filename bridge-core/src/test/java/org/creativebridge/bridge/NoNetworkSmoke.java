package org.creativebridge.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.audio.AudioCodec;
import org.creativebridge.inference.audio.WavEncoding;
import org.creativebridge.inference.audio.tts.EspeakTtsEngine;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.protocol.ProtocolJson;

/**
 * Run inside a network namespace that has only loopback: proves there is no way out, then runs a
 * full set of jobs (every built-in task) through a live daemon with downloads disabled, and checks
 * that a model pull is refused. Exit 0 and "NO-NETWORK-OK" mean success.
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
    try (LiveDaemon bridge = LiveDaemon.start(home, Map.of("downloads", "disabled"))) {
      String image = bridge.uploadPng(TestImages.scene(96, 64, SampleDepth.U8));
      String mask = bridge.uploadPng(TestImages.mask(96, 64, new int[] {30, 20, 16, 12}));
      expect(bridge, LiveDaemon.inpaintJob(image, mask), "succeeded");

      ObjectNode outpaint = job("image.outpaint");
      ((ObjectNode) outpaint.get("inputs")).put("image", image);
      ((ObjectNode) outpaint.get("params")).put("right", 24).put("seed", 1);
      expect(bridge, outpaint, "succeeded");

      if (EspeakTtsEngine.unavailableReason().isEmpty()) {
        ObjectNode tts = job("audio.tts");
        ((ObjectNode) tts.get("params")).put("text", "Nothing leaves this machine.");
        expect(bridge, tts, "succeeded");
      } else {
        System.out.println("tts not run: " + EspeakTtsEngine.unavailableReason().get());
      }

      ObjectNode convert = job("audio.voice_convert");
      ((ObjectNode) convert.get("inputs")).put("audio", bridge.upload(toneWav(), "audio/wav"));
      ((ObjectNode) convert.get("params")).put("semitones", 3);
      expect(bridge, convert, "succeeded");

      ObjectNode pull = job("models.pull");
      ((ObjectNode) pull.get("params")).put("model", "lama");
      JsonNode refused = expect(bridge, pull, "failed");
      if (!refused.at("/error/code").asText().equals("BRIDGE-6006")) {
        System.out.println("a pull with downloads disabled must fail with BRIDGE-6006: " + refused);
        System.exit(5);
      }
      System.out.println("NO-NETWORK-OK");
    }
    System.exit(0);
  }

  private static ObjectNode job(String task) {
    ObjectNode job = ProtocolJson.mapper().createObjectNode().put("task", task);
    job.putObject("inputs");
    job.putObject("params");
    return job;
  }

  private static JsonNode expect(LiveDaemon bridge, ObjectNode job, String status) {
    JsonNode done = bridge.awaitTerminal(bridge.submit(job));
    if (!done.get("status").asText().equals(status)) {
      System.out.println(job.get("task").asText() + " ended " + done.get("status") + ", expected " + status + ": " + done);
      System.exit(4);
    }
    System.out.println(job.get("task").asText() + ": " + status);
    return done;
  }

  /** One second of a 220 Hz tone: a stand-in voice take. */
  private static byte[] toneWav() throws java.io.IOException {
    int rate = 22_050;
    float[] samples = new float[rate];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = 0.3f * (float) Math.sin(2 * Math.PI * 220 * i / rate);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioCodec.writeWav(AudioClip.mono(rate, samples), WavEncoding.PCM24, Map.of(), out);
    return out.toByteArray();
  }
}
