package org.creativebridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.audio.AudioCodec;
import org.creativebridge.inference.audio.WavEncoding;
import org.creativebridge.inference.audio.tts.EspeakTtsEngine;
import org.creativebridge.protocol.ProtocolJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad audio input and bad speech params: a 4xx with its code at once, and the next job works. */
class AudioBadInputTest {
  private static final int RATE = 16_000;

  @TempDir static Path home;
  static LiveDaemon bridge;

  @BeforeAll
  static void start() throws IOException {
    // Two seconds at most, so "too long" needs no hour of audio.
    bridge = LiveDaemon.start(home, Map.of("max_audio_seconds", 2, "downloads", "disabled"));
  }

  @AfterAll
  static void stop() {
    bridge.close();
  }

  @AfterEach
  void aGoodVoiceJob_stillWorks() throws IOException {
    ObjectNode job = convert(bridge.upload(wav(tone(RATE / 2)), "audio/wav"));
    assertEquals("succeeded", bridge.awaitTerminal(bridge.submit(job)).get("status").asText());
  }

  private static ObjectNode convert(String audio) {
    ObjectNode job = ProtocolJson.mapper().createObjectNode().put("task", "audio.voice_convert");
    job.putObject("inputs").put("audio", audio);
    job.putObject("params").put("semitones", 2);
    return job;
  }

  private static ObjectNode speak(String text) {
    ObjectNode job = ProtocolJson.mapper().createObjectNode().put("task", "audio.tts");
    job.putObject("inputs");
    job.putObject("params").put("text", text);
    return job;
  }

  private static void assertRefused(HttpResponse<byte[]> response, int status, String code) {
    assertEquals(status, response.statusCode(), () -> LiveDaemon.text(response));
    assertEquals(code, LiveDaemon.errorCode(response), () -> LiveDaemon.text(response));
  }

  private static float[] tone(int frames) {
    float[] samples = new float[frames];
    for (int i = 0; i < frames; i++) {
      samples[i] = 0.25f * (float) Math.sin(2 * Math.PI * 200 * i / RATE);
    }
    return samples;
  }

  private static byte[] wav(float[] samples) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioCodec.writeWav(AudioClip.mono(RATE, samples), WavEncoding.PCM24, Map.of(), out);
    return out.toByteArray();
  }

  @Test
  void emptyText_is3005() {
    assertRefused(bridge.postJson("/v1/jobs", speak("")), 400, "BRIDGE-3005");
  }

  @Test
  void textOfOneMegabyte_isRefused() {
    HttpResponse<byte[]> response = bridge.postJson("/v1/jobs", speak("a".repeat(1_000_000)));
    assertEquals(400, response.statusCode(), () -> LiveDaemon.text(response));
    assertEquals("BRIDGE-3005", LiveDaemon.errorCode(response));
  }

  @Test
  void unknownVoice_is3005_atSubmission() {
    Assumptions.assumeTrue(
        EspeakTtsEngine.unavailableReason().isEmpty(),
        () -> "SKIPPED unknownVoice: " + EspeakTtsEngine.unavailableReason().orElse(""));
    ObjectNode job = speak("Hello.");
    ((ObjectNode) job.get("params")).put("voice", "klingon-imperial");
    HttpResponse<byte[]> response = bridge.postJson("/v1/jobs", job);
    assertRefused(response, 400, "BRIDGE-3005");
  }

  @Test
  void wavWithZeroSamples_is3014() throws IOException {
    String empty = bridge.upload(wav(new float[0]), "audio/wav");
    assertRefused(bridge.postJson("/v1/jobs", convert(empty)), 400, "BRIDGE-3014");
  }

  @Test
  void truncatedWav_is3014() throws IOException {
    byte[] whole = wav(tone(RATE));
    String cut = bridge.upload(Arrays.copyOf(whole, whole.length / 3), "audio/wav");
    assertRefused(bridge.postJson("/v1/jobs", convert(cut)), 400, "BRIDGE-3014");
  }

  @Test
  void wavWhoseHeaderLies_is3014() throws IOException {
    byte[] lying = wav(tone(RATE));
    // The fmt chunk's channel count (offset 22) claims 0 channels.
    lying[22] = 0;
    lying[23] = 0;
    String bad = bridge.upload(lying, "audio/wav");
    assertRefused(bridge.postJson("/v1/jobs", convert(bad)), 400, "BRIDGE-3014");
  }

  @Test
  void mp3ThatIsNotOne_is3014() {
    String fake = bridge.upload("ID3 this is no mpeg audio at all".getBytes(StandardCharsets.US_ASCII), "audio/mpeg");
    assertRefused(bridge.postJson("/v1/jobs", convert(fake)), 400, "BRIDGE-3014");
  }

  @Test
  void audioOverTheLengthLimit_is3015() throws IOException {
    String longTake = bridge.upload(wav(tone(RATE * 8)), "audio/wav");
    assertRefused(bridge.postJson("/v1/jobs", convert(longTake)), 413, "BRIDGE-3015");
  }
}
