package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.audio.AudioCodec;
import org.creativebridge.inference.audio.tts.EspeakTtsEngine;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.protocol.Protocol;
import org.creativebridge.protocol.ProtocolJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in engines of every task work over the daemon's API with no model installed. */
class BuiltinTasksTest {
  @TempDir static Path home;
  @TempDir Path scratch;
  static LiveDaemon bridge;

  @BeforeAll
  static void start() throws IOException {
    bridge = LiveDaemon.start(home, Map.of("downloads", "disabled"));
  }

  @AfterAll
  static void stop() {
    bridge.close();
  }

  private static ObjectNode job(String task) {
    ObjectNode job = ProtocolJson.mapper().createObjectNode().put("task", task);
    job.putObject("inputs");
    job.putObject("params");
    return job;
  }

  @Test
  void outpaint_growsTheCanvas_andKeepsTheOriginalInPlace() throws Exception {
    RgbaImage scene = TestImages.scene(64, 48, SampleDepth.U8);
    ObjectNode job = job("image.outpaint");
    ((ObjectNode) job.get("inputs")).put("image", bridge.uploadPng(scene));
    ((ObjectNode) job.get("params")).put("left", 16).put("bottom", 8).put("seed", 3).put("feather", 4);
    JsonNode done = bridge.awaitTerminal(bridge.submit(job));
    assertEquals("succeeded", done.get("status").asText(), done::toString);
    assertEquals("builtin.outpaint", done.at("/recipe/engine/id").asText());
    Path png = Files.write(scratch.resolve("out.png"), bridge.get("/v1/blobs/" + done.at("/outputs/image").asText()).body());
    RgbaImage out = ImageCodec.decode(png, "image/png", ImageCodec.Limits.defaults());
    assertEquals(80, out.width());
    assertEquals(56, out.height());
    // Away from the seam band, the original sits unchanged at its new offset.
    for (int y = 0; y < 40; y++) {
      for (int x = 4; x < 64; x++) {
        for (int c = 0; c < 4; c++) {
          assertEquals(scene.get(x, y, c), out.get(x + 16, y, c), "moved pixel " + x + "," + y);
        }
      }
    }
    assertEquals(1f, out.get(2, 52, 3), "the new border is filled, not transparent");
  }

  @Test
  void tts_withTheBuiltinVoice_givesAWavCarryingItsRecipe() throws Exception {
    Assumptions.assumeTrue(
        EspeakTtsEngine.unavailableReason().isEmpty(),
        () -> "SKIPPED BuiltinTasksTest.tts: " + EspeakTtsEngine.unavailableReason().orElse(""));
    ObjectNode job = job("audio.tts");
    ((ObjectNode) job.get("params")).put("text", "Hello there. This is the bridge speaking.");
    JsonNode done = bridge.awaitTerminal(bridge.submit(job));
    assertEquals("succeeded", done.get("status").asText(), done::toString);
    assertEquals("builtin.espeak", done.at("/recipe/engine/id").asText());
    var response = bridge.get("/v1/blobs/" + done.at("/outputs/audio").asText());
    assertEquals("audio/wav", response.headers().firstValue("Content-Type").orElseThrow());
    Path wav = Files.write(scratch.resolve("speech.wav"), response.body());
    AudioClip clip = AudioCodec.decode(wav, "audio/wav", AudioCodec.Limits.defaults());
    assertTrue(clip.seconds() > 1.0 && clip.seconds() < 10.0, clip::toString);
    assertEquals(AudioClip.SampleFormat.PCM24, clip.format());
    JsonNode recipe =
        ProtocolJson.mapper().readTree(AudioCodec.readWavMetadata(wav).get(Protocol.PNG_RECIPE_KEYWORD));
    assertEquals(done.get("recipe"), recipe);
  }

  @Test
  void tts_badText_isRefusedAtSubmission() {
    ObjectNode empty = job("audio.tts");
    ((ObjectNode) empty.get("params")).put("text", "");
    assertEquals("BRIDGE-3005", LiveDaemon.errorCode(bridge.postJson("/v1/jobs", empty)));
    ObjectNode missing = job("audio.tts");
    assertEquals("BRIDGE-3005", LiveDaemon.errorCode(bridge.postJson("/v1/jobs", missing)));
  }

  @Test
  void voiceConvert_refusesAudioThatIsNot() {
    String notAudio = bridge.upload("RIFF....WAVEfmt lies".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "audio/wav");
    ObjectNode job = job("audio.voice_convert");
    ((ObjectNode) job.get("inputs")).put("audio", notAudio);
    var response = bridge.postJson("/v1/jobs", job);
    assertEquals(400, response.statusCode(), () -> LiveDaemon.text(response));
    assertEquals("BRIDGE-3014", LiveDaemon.errorCode(response));
  }
}
