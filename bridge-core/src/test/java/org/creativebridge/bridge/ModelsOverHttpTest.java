package org.creativebridge.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.creativebridge.bridge.models.FamilyModels;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.protocol.ProtocolJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From nothing to a working model over the daemon's own API: a pull from a publisher (WireMock, in
 * the Hugging Face URL layout), the model serving the next job, verify, remove; an import; and the
 * offline guarantee.
 */
class ModelsOverHttpTest {
  private static final String REVISION = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path home;
  @TempDir Path models;
  WireMockServer publisher;
  Path lamaFile;
  String lamaSha256;

  @BeforeEach
  void publish() throws Exception {
    FamilyModels.generate(models, models.resolve("secret.bin"));
    lamaFile = models.resolve("lama.onnx");
    byte[] bytes = Files.readAllBytes(lamaFile);
    lamaSha256 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    publisher = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    publisher.start();
    publisher.stubFor(
        get(urlEqualTo("/studio/tiny-lama/resolve/" + REVISION + "/lama.onnx"))
            .willReturn(aResponse().withStatus(200).withBody(bytes)));
    String catalogue =
        """
        {"models": [{
          "id": "tiny-lama", "task": "image.inpaint", "family": "lama",
          "description": "A tiny LaMa-shaped test model.",
          "source": {"kind": "huggingface", "repo": "studio/tiny-lama", "revision": "%s"},
          "files": [{"path": "lama.onnx", "size": %d, "sha256": "%s"}],
          "licence": {"id": "Apache-2.0", "name": "Apache License 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0", "restricted": false, "note": "free to use"},
          "hardware": {"min_ram_mb": 64, "gpu": "optional"}
        }]}
        """
            .formatted(REVISION, bytes.length, lamaSha256);
    Files.createDirectories(home);
    Files.writeString(home.resolve("studio-catalogue.json"), catalogue);
  }

  @AfterEach
  void stop() {
    publisher.stop();
  }

  private LiveDaemon daemon(String downloads) throws IOException {
    return LiveDaemon.start(
        home,
        Map.of("catalogue_file", "studio-catalogue.json", "downloads", downloads),
        new Daemon.Options(0, false, publisher.baseUrl()));
  }

  private static ObjectNode pull(String model) {
    ObjectNode job = ProtocolJson.mapper().createObjectNode().put("task", "models.pull");
    job.putObject("inputs");
    job.putObject("params").put("model", model);
    return job;
  }

  private static List<String> engineIds(LiveDaemon bridge, String task) {
    for (JsonNode entry : LiveDaemon.json(bridge.get("/v1/capabilities")).get("tasks")) {
      if (entry.get("task").asText().equals(task)) {
        return java.util.stream.StreamSupport.stream(entry.get("engines").spliterator(), false)
            .map(e -> e.get("id").asText())
            .toList();
      }
    }
    throw new AssertionError("no task " + task);
  }

  @Test
  void pull_thenTheModelServesAutoJobs_thenVerifyAndRemove() throws Exception {
    try (LiveDaemon bridge = daemon("on_request")) {
      JsonNode before = LiveDaemon.json(bridge.get("/v1/models"));
      assertEquals(0, before.get("installed").size());
      assertTrue(before.get("catalogue").toString().contains("\"tiny-lama\""));

      String pullId = bridge.submit(pull("tiny-lama"));
      List<String> events = SseEvents.readAll(bridge, pullId).stream().map(SseEvents.Event::type).toList();
      assertEquals("done", events.get(events.size() - 1), events::toString);
      assertTrue(events.contains("progress"), events::toString);

      JsonNode installed = LiveDaemon.json(bridge.get("/v1/models")).get("installed").get(0);
      assertEquals("tiny-lama", installed.get("id").asText());
      assertEquals("lama", installed.get("family").asText());
      assertEquals(lamaSha256, installed.get("files").get(0).get("sha256").asText());
      assertTrue(installed.get("ready").asBoolean(), installed::toString);
      assertTrue(engineIds(bridge, "image.inpaint").contains("tiny-lama"));
      assertTrue(engineIds(bridge, "image.outpaint").contains("outpaint.tiny-lama"));

      String image = bridge.uploadPng(TestImages.scene(96, 64, SampleDepth.U8));
      String mask = bridge.uploadPng(TestImages.mask(96, 64, new int[] {30, 20, 16, 12}));
      JsonNode job = bridge.awaitTerminal(bridge.submit(LiveDaemon.inpaintJob(image, mask)));
      assertEquals("succeeded", job.get("status").asText(), job::toString);
      assertEquals("tiny-lama", job.at("/recipe/engine/id").asText(), "auto picks the installed model");
      assertEquals("model", job.at("/recipe/engine/kind").asText());
      assertEquals(lamaSha256, job.at("/recipe/engine/sha256").asText());

      JsonNode verified = LiveDaemon.json(bridge.postJson("/v1/models/tiny-lama/verify", new byte[] {'{', '}'}));
      assertTrue(verified.get("ok").asBoolean(), verified::toString);

      assertEquals(200, bridge.delete("/v1/models/tiny-lama").statusCode());
      assertFalse(engineIds(bridge, "image.inpaint").contains("tiny-lama"));
      assertEquals("BRIDGE-6001", LiveDaemon.errorCode(bridge.delete("/v1/models/tiny-lama")));
    }
  }

  @Test
  void modelImportedByTheCli_whileTheDaemonRuns_servesItsNextJob() throws Exception {
    try (LiveDaemon bridge = daemon("disabled")) {
      assertFalse(engineIds(bridge, "image.inpaint").contains("cli-lama"));
      // What `bridge models import` does: a second store over the same folder, in another process.
      try (var runtime =
          org.creativebridge.inference.runtime.OnnxRuntime.start(
              new org.creativebridge.inference.runtime.OnnxRuntime.Config("cpu", 1, 1L << 30))) {
        new org.creativebridge.bridge.models.ModelStore(home.resolve("models"), runtime)
            .importModel(new org.creativebridge.bridge.models.ImportRequest(lamaFile, null, true, "cli-lama"));
      }
      assertTrue(engineIds(bridge, "image.inpaint").contains("cli-lama"), "the daemon notices the new model");
    }
  }

  @Test
  void downloadsDisabled_pullFails_andNothingReachesThePublisher() throws Exception {
    try (LiveDaemon bridge = daemon("disabled")) {
      JsonNode job = bridge.awaitTerminal(bridge.submit(pull("tiny-lama")));
      assertEquals("failed", job.get("status").asText(), job::toString);
      assertEquals("BRIDGE-6006", job.at("/error/code").asText(), job::toString);
      assertEquals(0, publisher.getAllServeEvents().size(), "no request may leave the daemon");
      assertEquals(0, LiveDaemon.json(bridge.get("/v1/models")).get("installed").size());
    }
  }

  @Test
  void unknownCatalogueId_failsThePull_withItsCode() throws Exception {
    try (LiveDaemon bridge = daemon("on_request")) {
      JsonNode job = bridge.awaitTerminal(bridge.submit(pull("no-such-model")));
      assertEquals("BRIDGE-6001", job.at("/error/code").asText(), job::toString);
    }
  }

  @Test
  void import_referencesTheFile_andAChangeMakesItNotReady() throws Exception {
    Path mine = Files.copy(lamaFile, models.resolve("my-lama.onnx"));
    try (LiveDaemon bridge = daemon("disabled")) {
      var response =
          bridge.postJson(
              "/v1/models/imports",
              ProtocolJson.mapper().createObjectNode().put("path", mine.toString()).put("id", "my-lama"));
      assertEquals(201, response.statusCode(), () -> LiveDaemon.text(response));
      assertEquals("lama", LiveDaemon.json(response).get("family").asText());
      assertTrue(LiveDaemon.json(response).get("referenced").asBoolean());
      assertTrue(engineIds(bridge, "image.inpaint").contains("my-lama"));

      Files.write(mine, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
      JsonNode verified = LiveDaemon.json(bridge.postJson("/v1/models/my-lama/verify", new byte[] {'{', '}'}));
      assertFalse(verified.get("ok").asBoolean());
      assertEquals("size_changed", verified.at("/problems/0/kind").asText(), verified::toString);

      var wrong =
          bridge.postJson(
              "/v1/models/imports", ProtocolJson.mapper().createObjectNode().put("path", models.resolve("secret.bin").toString()));
      assertEquals(400, wrong.statusCode(), () -> LiveDaemon.text(wrong));
      assertEquals("BRIDGE-6002", LiveDaemon.errorCode(wrong));
    }
  }
}
