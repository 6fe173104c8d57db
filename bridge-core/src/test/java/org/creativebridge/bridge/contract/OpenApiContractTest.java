package org.creativebridge.bridge.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.creativebridge.bridge.contract.OpenApiContract.Body;
import org.creativebridge.protocol.BlobInfo;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.Health;
import org.creativebridge.protocol.JobRequest;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.JobView;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.Priority;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Proves {@link OpenApiContract} accepts what the records produce and catches what is wrong. */
class OpenApiContractTest {

  static final String HEX = "0123456789abcdef".repeat(4);
  static final String BLOB = "sha256:" + HEX;
  static final String OTHER_BLOB = "sha256:" + "f".repeat(64);
  private static final ObjectMapper JSON = ProtocolJson.mapper();

  private final OpenApiContract contract = OpenApiContract.load();

  // ---- samples built from the Java records -----------------------------------------------------

  static JobView queuedJob() {
    return new JobView(
        "job-1", "image.inpaint", "auto", JobStatus.QUEUED, Priority.INTERACTIVE,
        Map.of("image", BLOB, "mask", OTHER_BLOB), JSON.createObjectNode(), OutputFormat.PNG,
        Instant.parse("2025-01-02T03:04:05.123456Z"), null, null, null, 0.0, null, null, null);
  }

  static Recipe recipe() {
    ObjectNode params = JSON.createObjectNode().put("seed", 42).put("grow", 0).put("feather", 0).put("patch_size", 7).put("prompt", "");
    return new Recipe(
        "image.inpaint", new Recipe.EngineRef("builtin.patchmatch", "builtin", null, "1"), params,
        Map.of("image", BLOB, "mask", OTHER_BLOB), Map.of("image", "image/png", "mask", "image/png"),
        OutputFormat.PNG, "0.1.0-SNAPSHOT");
  }

  static JobView succeededJob() {
    JobView q = queuedJob();
    return new JobView(
        q.id(), q.task(), q.engine(), JobStatus.SUCCEEDED, q.priority(), q.inputs(), q.params(), q.outputFormat(),
        q.createdAt(), q.createdAt().plusSeconds(1), q.createdAt().plusSeconds(2), "fill", 1.0,
        Map.of("image", BLOB), recipe(), null);
  }

  static JobView failedJob() {
    JobView q = queuedJob();
    return new JobView(
        q.id(), q.task(), q.engine(), JobStatus.FAILED, q.priority(), q.inputs(), q.params(), q.outputFormat(),
        q.createdAt(), q.createdAt().plusSeconds(1), q.createdAt().plusSeconds(2), null, 0.5, null, null,
        ErrorResponse.of(ErrorCode.ENGINE_FAILED, "boom", Map.of("stage", "fill")).error());
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode tree(Object value) {
    try {
      return (ObjectNode) JSON.readTree(json(value));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String error(ErrorCode code) {
    return json(ErrorResponse.of(code, code.summary(), Map.of()));
  }

  /** Runs the check, expects it to fail, and returns the message for closer looks. */
  private static String failure(Executable check) {
    return assertThrows(AssertionError.class, check).getMessage();
  }

  // ---- accepted --------------------------------------------------------------------------------

  @Test
  void acceptsCorrectResponsesBuiltFromTheRecords() {
    assertDoesNotThrow(() -> {
      contract.assertResponseConforms("GET", "/v1/health", 200, Body.json(json(new Health("ok", "0.1.0-SNAPSHOT", 1))));
      contract.assertResponseConforms("GET", "/v1/jobs/job-1", 200, Body.json(json(queuedJob())));
      contract.assertResponseConforms("DELETE", "/v1/jobs/job-1", 200, Body.json(json(succeededJob())));
      contract.assertResponseConforms("POST", "/v1/jobs", 202, Body.of("application/json; charset=utf-8", json(queuedJob())));
      contract.assertResponseConforms("GET", "/v1/jobs?status=failed&limit=3", 200, Body.json(json(Map.of("jobs", List.of(failedJob(), succeededJob())))));
      contract.assertResponseConforms("PUT", "/v1/blobs", 201, Body.json(json(new BlobInfo(BLOB, 123, "image/png"))));
      contract.assertResponseConforms("PUT", "/v1/blobs", 200, Body.json(json(new BlobInfo(BLOB, 16, "image/x-raw; width=2; height=2; format=rgba8"))));
      contract.assertResponseConforms("GET", "/v1/blobs/sha256%3A" + HEX, 200, Body.of("image/png", "\u0089PNG..."));
      contract.assertResponseConforms("HEAD", "/v1/blobs/" + BLOB, 200, Body.of("image/png", ""));
      contract.assertResponseConforms("HEAD", "/v1/blobs/" + BLOB, 404, Body.none());
      contract.assertResponseConforms("GET", "/v1/jobs/nope", 404, Body.json(error(ErrorCode.JOB_NOT_FOUND)));
      contract.assertResponseConforms("GET", "/v1/capabilities", 401, Body.json(error(ErrorCode.UNAUTHORIZED)));
      contract.assertResponseConforms("POST", "/v1/jobs", 400, Body.json(error(ErrorCode.INVALID_PARAM)));
    });
  }

  @Test
  void acceptsAWellFormedEventStream() {
    String stream =
        "id: 1\nevent: queued\ndata: {\"type\":\"queued\",\"job\":\"job-1\"}\n\n"
            + ": keep-alive\n\n"
            + "id: 2\nevent: started\ndata: {\"type\":\"started\",\"job\":\"job-1\"}\n\n"
            + "id: 3\nevent: stage\ndata: {\"type\":\"stage\",\"job\":\"job-1\",\"stage\":\"fill\"}\n\n"
            + "id: 4\nevent: progress\ndata: {\"type\":\"progress\",\"job\":\"job-1\",\"progress\":0.25}\n\n"
            + "id: 5\nevent: preview\ndata: {\"type\":\"preview\",\"job\":\"job-1\",\"preview\":\"" + BLOB + "\"}\n\n"
            + "id: 6\nevent: done\ndata: {\"type\":\"done\",\"job\":\"job-1\",\"progress\":1.0,\"outputs\":{\"image\":\"" + BLOB + "\"},\"recipe\":" + json(recipe()) + "}\n\n";
    assertDoesNotThrow(() -> contract.assertResponseConforms("GET", "/v1/jobs/job-1/events", 200, Body.of("text/event-stream", stream)));
  }

  @Test
  void acceptsCorrectRequests() {
    JobRequest minimal = new JobRequest(null, "image.inpaint", Map.of("image", BLOB, "mask", OTHER_BLOB), null, null, null, null);
    JobRequest full =
        new JobRequest("my.job_1", "image.inpaint", Map.of("image", BLOB, "mask", OTHER_BLOB),
            JSON.createObjectNode().put("seed", 7), "builtin.patchmatch", Priority.BATCH, OutputFormat.RAW);
    assertDoesNotThrow(() -> {
      contract.assertRequestConforms("POST", "/v1/jobs", "application/json", json(minimal));
      contract.assertRequestConforms("POST", "/v1/jobs", "application/json", json(full));
      contract.assertRequestConforms("POST", "/v1/jobs", "application/json", json(full.normalized()));
      contract.assertRequestConforms("PUT", "/v1/blobs", "image/x-raw; width=1; height=1; format=rgba8", "abcd");
      contract.assertRequestConforms("GET", "/v1/jobs?status=queued,running&limit=100", null, null);
      contract.assertRequestConforms("GET", "/v1/jobs?status=queued%2Crunning", null, null);
      contract.assertRequestConforms("GET", "/v1/blobs/sha256%3A" + HEX, null, null);
      contract.assertRequestConforms("DELETE", "/v1/jobs/job-1", null, "");
    });
  }

  @Test
  void acceptsDocumentedHeaders() {
    assertDoesNotThrow(() -> contract.assertResponseHeadersConform(
        "HEAD", "/v1/blobs/" + BLOB, 200, Map.of("content-type", List.of("image/png"), "Content-Length", List.of("123"))));
  }

  @Test
  void checksAnHttpClientResponseWithItsHeaders() {
    Map<String, List<String>> good = Map.of("Content-Type", List.of("image/png"), "Content-Length", List.of("5"));
    assertDoesNotThrow(() -> contract.assertResponseConforms(new FakeResponse("HEAD", "/v1/blobs/" + BLOB, good, "")));
    assertDoesNotThrow(() -> contract.assertResponseConforms(
        new FakeResponse("GET", "/v1/jobs?limit=2", Map.of("Content-Type", List.of("application/json")), "{\"jobs\":[]}")));
    String message = failure(() -> contract.assertResponseConforms(
        new FakeResponse("HEAD", "/v1/blobs/" + BLOB, Map.of("Content-Type", List.of("image/png")), "")));
    assertTrue(message.contains("Content-Length"), message);
    failure(() -> contract.assertResponseConforms(
        new FakeResponse("GET", "/v1/jobs", Map.of("Content-Type", List.of("application/json")), "{\"jobs\":{}}")));
  }

  /** Just enough of an {@link HttpResponse} (status 200) for the checker, which reads no more than this. */
  private record FakeResponse(HttpRequest request, int status, Map<String, List<String>> headerMap, String text)
      implements HttpResponse<String> {
    FakeResponse(String method, String path, Map<String, List<String>> headerMap, String text) {
      this(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1" + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
          200, headerMap, text);
    }

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return HttpHeaders.of(headerMap, (name, value) -> true);
    }

    @Override
    public String body() {
      return text;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request().uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }

  // ---- caught: bodies ------------------------------------------------------------------------

  @Test
  void catchesAMissingRequiredField() {
    ObjectNode job = tree(queuedJob());
    job.remove("created_at");
    String message = failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/job-1", 200, Body.json(job.toString())));
    assertTrue(message.contains("created_at"), message);
    assertTrue(message.startsWith("GET /v1/jobs/job-1 -> 200"), "names the request and status: " + message);
  }

  @Test
  void catchesAWrongEnumValue() {
    ObjectNode job = tree(queuedJob());
    job.put("status", "done");
    String message = failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/job-1", 200, Body.json(job.toString())));
    assertTrue(message.contains("/status"), message);
  }

  @Test
  void catchesAnExtraFieldWhereForbidden() {
    String message = failure(() -> contract.assertResponseConforms(
        "GET", "/v1/health", 200, Body.json("{\"status\":\"ok\",\"version\":\"x\",\"protocol\":1,\"uptime\":3}")));
    assertTrue(message.contains("uptime"), message);
    // camelCase leaking out of a record is the same mistake.
    ObjectNode job = tree(queuedJob());
    job.set("createdAt", job.remove("created_at"));
    failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/job-1", 200, Body.json(job.toString())));
  }

  @Test
  void catchesASucceededJobWithoutItsOutputsAndReportsEveryViolation() {
    ObjectNode job = tree(succeededJob());
    job.remove("outputs");
    job.remove("recipe");
    job.put("progress", 1.5);
    job.put("id", "bad id!");
    String message = failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/job-1", 200, Body.json(job.toString())));
    for (String expected : List.of("outputs", "recipe", "/progress", "/id", "4 violations")) {
      assertTrue(message.contains(expected), expected + " in " + message);
    }
  }

  @Test
  void catchesBadJsonAndEmptyJsonBodies() {
    failure(() -> contract.assertResponseConforms("GET", "/v1/health", 200, Body.json("{\"status\":")));
    failure(() -> contract.assertResponseConforms("GET", "/v1/health", 200, Body.json("")));
  }

  @Test
  void catchesAnErrorBodyOfTheWrongShapeOrCode() {
    failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/x", 404, Body.json("{\"error\":\"no such job\"}")));
    failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/x", 404, Body.json("{\"error\":{\"code\":\"BRIDGE-3010\",\"message\":\"m\"}}")));
    failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/x", 404, Body.json("{\"error\":{\"code\":\"BRIDGE-9999\",\"message\":\"m\",\"details\":{}}}")));
    // A real code, but not one this response lists.
    String message = failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/x", 404, Body.json(error(ErrorCode.BLOB_NOT_FOUND))));
    assertTrue(message.contains("BRIDGE-2001"), message);
  }

  // ---- caught: status, path, method, media type ------------------------------------------------

  @Test
  void catchesAnUndocumentedStatus() {
    String message = failure(() -> contract.assertResponseConforms("POST", "/v1/jobs", 201, Body.json(json(queuedJob()))));
    assertTrue(message.contains("status 201 is not documented"), message);
    failure(() -> contract.assertResponseConforms("GET", "/v1/health", 401, Body.json(error(ErrorCode.UNAUTHORIZED))));
  }

  @Test
  void catchesAnUnknownPathOrMethod() {
    String message = failure(() -> contract.assertResponseConforms("GET", "/v1/nope", 200, Body.json("{}")));
    assertTrue(message.contains("no documented path matches /v1/nope"), message);
    failure(() -> contract.assertResponseConforms("GET", "/v2/health", 200, Body.json(json(new Health("ok", "v", 1)))));
    failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/a/b", 200, Body.json("{}")));
    String method = failure(() -> contract.assertResponseConforms("PATCH", "/v1/jobs/job-1", 200, Body.json(json(queuedJob()))));
    assertTrue(method.contains("PATCH is not documented for /v1/jobs/{id}"), method);
  }

  @Test
  void catchesAnUndocumentedContentType() {
    failure(() -> contract.assertResponseConforms("GET", "/v1/health", 200, Body.of("text/plain", "ok")));
    failure(() -> contract.assertResponseConforms("GET", "/v1/health", 200, Body.of(null, json(new Health("ok", "v", 1)))));
    failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/job-1/events", 200, Body.json(json(queuedJob()))));
  }

  @Test
  void catchesABodyOnAHeadAnswer() {
    failure(() -> contract.assertResponseConforms("HEAD", "/v1/blobs/" + BLOB, 404, Body.json(error(ErrorCode.BLOB_NOT_FOUND))));
  }

  @Test
  void catchesMissingOrMalformedBlobHeaders() {
    failure(() -> contract.assertResponseHeadersConform("HEAD", "/v1/blobs/" + BLOB, 200, Map.of("Content-Type", List.of("image/png"))));
    failure(() -> contract.assertResponseHeadersConform(
        "GET", "/v1/blobs/" + BLOB, 200, Map.of("Content-Type", List.of("image/png"), "Content-Length", List.of("many"))));
  }

  @Test
  void catchesABrokenEventStream() {
    String nameMismatch = "id: 1\nevent: started\ndata: {\"type\":\"queued\",\"job\":\"job-1\"}\n\n";
    String missingStage = "id: 1\nevent: stage\ndata: {\"type\":\"stage\",\"job\":\"job-1\"}\n\n";
    String afterTerminal =
        "id: 1\nevent: cancelled\ndata: {\"type\":\"cancelled\",\"job\":\"job-1\"}\n\n"
            + "id: 2\nevent: queued\ndata: {\"type\":\"queued\",\"job\":\"job-1\"}\n\n";
    String noId = "event: queued\ndata: {\"type\":\"queued\",\"job\":\"job-1\"}\n\n";
    String extraField = "id: 1\nevent: queued\ndata: {\"type\":\"queued\",\"job\":\"job-1\",\"terminal\":false}\n\n";
    for (String stream : List.of(nameMismatch, missingStage, afterTerminal, noId, extraField)) {
      failure(() -> contract.assertResponseConforms("GET", "/v1/jobs/job-1/events", 200, Body.of("text/event-stream", stream)));
    }
  }

  // ---- caught: requests ------------------------------------------------------------------------

  @Test
  void catchesBadRequests() {
    ObjectNode extra = tree(new JobRequest(null, "image.inpaint", Map.of("image", BLOB), null, null, null, null));
    extra.put("colour", "red");
    String message = failure(() -> contract.assertRequestConforms("POST", "/v1/jobs", "application/json", extra.toString()));
    assertTrue(message.contains("colour") && message.contains("(request)"), message);

    JobRequest badBlob = new JobRequest(null, "image.inpaint", Map.of("image", "sha256:XYZ"), null, null, null, null);
    failure(() -> contract.assertRequestConforms("POST", "/v1/jobs", "application/json", json(badBlob)));
    ObjectNode badPriority = tree(new JobRequest(null, "image.inpaint", Map.of("image", BLOB), null, null, null, null).normalized());
    badPriority.put("priority", "urgent");
    failure(() -> contract.assertRequestConforms("POST", "/v1/jobs", "application/json", badPriority.toString()));
    JobRequest badId = new JobRequest("has space", "image.inpaint", Map.of("image", BLOB), null, null, null, null);
    failure(() -> contract.assertRequestConforms("POST", "/v1/jobs", "application/json", json(badId)));

    failure(() -> contract.assertRequestConforms("POST", "/v1/jobs", "text/plain", "{}"));
    failure(() -> contract.assertRequestConforms("POST", "/v1/jobs", "application/json", null));
    failure(() -> contract.assertRequestConforms("PUT", "/v1/blobs", null, "bytes"));
    failure(() -> contract.assertRequestConforms("GET", "/v1/health", "application/json", "{}"));
  }

  @Test
  void catchesBadParameters() {
    failure(() -> contract.assertRequestConforms("GET", "/v1/jobs?status=done", null, null));
    failure(() -> contract.assertRequestConforms("GET", "/v1/jobs?limit=0", null, null));
    failure(() -> contract.assertRequestConforms("GET", "/v1/jobs?limit=ten", null, null));
    failure(() -> contract.assertRequestConforms("GET", "/v1/jobs?sort=asc", null, null));
    failure(() -> contract.assertRequestConforms("GET", "/v1/blobs/sha256:ABC", null, null));
    failure(() -> contract.assertRequestConforms("GET", "/v1/jobs/" + "x".repeat(65), null, null));
  }

  // ---- the checker on a variant of the document ------------------------------------------------

  @Test
  void aDefaultResponseCoversUndocumentedStatuses() {
    String yaml =
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /v1/things/{id}:\n    get:\n      parameters:\n"
            + "        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n"
            + "        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}\n"
            + "        default: {description: any, content: {application/json: {schema: {type: object, required: [error]}}}}\n"
            + "components:\n  schemas:\n    Thing: {type: object, required: [n], properties: {n: {type: integer}}}\n";
    OpenApiContract variant = OpenApiContract.fromYaml(yaml);
    assertDoesNotThrow(() -> variant.assertResponseConforms("GET", "/v1/things/a", 200, Body.json("{\"n\":1}")));
    assertDoesNotThrow(() -> variant.assertResponseConforms("GET", "/v1/things/a", 418, Body.json("{\"error\":1}")));
    failure(() -> variant.assertResponseConforms("GET", "/v1/things/a", 200, Body.json("{\"n\":\"1\"}")));
    failure(() -> variant.assertResponseConforms("GET", "/v1/things/a", 418, Body.json("{}")));
  }

  @Test
  void violationsAreAlsoAvailableAsAList() {
    List<String> none = contract.responseViolations("GET", "/v1/health", 200, Body.json(json(new Health("ok", "v", 1))));
    assertEquals(List.of(), none);
    JsonNode document = contract.document();
    assertEquals("3.1.0", document.path("openapi").asText());
  }
}
