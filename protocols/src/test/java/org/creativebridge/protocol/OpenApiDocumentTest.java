package org.creativebridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Structural checks of {@code protocols/openapi.yaml} as packaged in the jar: it is an OpenAPI 3.1
 * document, it agrees with {@link ErrorCode}, with the Java records' JSON property names and with
 * the endpoint list of WIRE.md. Validating actual JSON against its schemas needs a JSON Schema
 * validator, which only bridge-core has on its test classpath; that half lives in
 * {@code org.creativebridge.bridge.contract.RecordSchemaConformanceTest}.
 */
class OpenApiDocumentTest {

  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Pattern STATUS_KEY = Pattern.compile("[1-5](\\d\\d|XX)|default");
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");
  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  private static JsonNode doc;

  @BeforeAll
  static void load() throws IOException {
    // The packaged copy, not the source file: this proves the jar carries the document.
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("openapi.yaml")) {
      assertNotNull(in, "openapi.yaml is not on the classpath under org/creativebridge/protocol/");
      doc = new YAMLMapper().readTree(in);
    }
  }

  // ---- error catalogue ----------------------------------------------------------------------

  @Test
  void errorCatalogueEqualsErrorCodeBothWays() {
    JsonNode catalogue = doc.path("x-error-catalogue");
    assertTrue(catalogue.isObject(), "x-error-catalogue must be an object keyed by code");

    Map<String, Integer> fromDoc = new LinkedHashMap<>();
    catalogue.properties().forEach(e -> fromDoc.put(e.getKey(), e.getValue().path("status").asInt(-1)));
    Map<String, Integer> fromJava = new LinkedHashMap<>();
    for (ErrorCode code : ErrorCode.values()) {
      fromJava.put(code.code(), code.httpStatus());
    }
    assertEquals(fromJava, fromDoc, "x-error-catalogue (code -> status) differs from ErrorCode");

    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(
          code.summary(),
          catalogue.path(code.code()).path("meaning").asText(),
          "meaning of " + code.code() + " differs from ErrorCode.summary()");
    }
  }

  @Test
  void errorCodeSchemaEnumListsEveryCodeInOrder() {
    List<String> enumValues = texts(schema("ErrorCode").path("enum"));
    List<String> javaCodes = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList();
    assertEquals(javaCodes, enumValues);
    assertEquals("string", schema("ErrorCode").path("type").asText());
  }

  @Test
  void errorResponsesReferenceErrorSchemaAndListCodesOfTheirStatus() {
    JsonNode catalogue = doc.path("x-error-catalogue");
    forEachOperation(
        (where, operation) ->
            operation.path("responses").properties().forEach(entry -> {
              String at = where + " " + entry.getKey();
              JsonNode response = resolve(entry.getValue());
              boolean isError = entry.getKey().startsWith("4") || entry.getKey().startsWith("5");
              if (!isError) {
                assertTrue(response.path("x-error-codes").isMissingNode(), at + ": success with error codes");
                return;
              }
              List<String> codes = texts(response.path("x-error-codes"));
              assertFalse(codes.isEmpty(), at + ": error response without x-error-codes");
              for (String code : codes) {
                JsonNode entryOfCode = catalogue.path(code);
                assertTrue(entryOfCode.isObject(), at + ": unknown code " + code);
                assertEquals(entry.getKey(), entryOfCode.path("status").asText(), at + ": " + code + " has another status");
                assertFalse(entryOfCode.path("job_failure").asBoolean(), at + ": job failure code " + code);
              }
              JsonNode content = response.path("content");
              if (where.startsWith("HEAD ")) {
                // HEAD answers never carry a body, so their errors are documented without content.
                assertTrue(content.isMissingNode(), at + ": HEAD response with content");
                return;
              }
              assertEquals(List.of("application/json"), fieldNames(content), at + ": error content types");
              assertEquals(
                  "#/components/schemas/Error",
                  content.path("application/json").path("schema").path("$ref").asText(),
                  at + ": error schema");
            }));
  }

  @Test
  void jobFailureCodesAreMarkedAndOnlyThose() {
    doc.path("x-error-catalogue").properties().forEach(e ->
        assertEquals(
            e.getKey().startsWith("BRIDGE-4"),
            e.getValue().path("job_failure").asBoolean(false),
            e.getKey() + " job_failure flag"));
  }

  // ---- OpenAPI 3.1 structure -----------------------------------------------------------------

  @Test
  void isOpenApi31WithTheDraft202012Dialect() {
    assertEquals("3.1.0", doc.path("openapi").asText());
    assertEquals("https://json-schema.org/draft/2020-12/schema", doc.path("jsonSchemaDialect").asText());
    assertFalse(doc.path("info").path("title").asText().isBlank());
    assertFalse(doc.path("info").path("version").asText().isBlank());
    assertTrue(doc.path("paths").size() > 0);
    // OpenAPI 3.1 allows only these top-level fields besides x- extensions.
    Set<String> allowed =
        Set.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags", "externalDocs");
    for (String field : fieldNames(doc)) {
      assertTrue(allowed.contains(field) || field.startsWith("x-"), "unexpected top-level field " + field);
    }
  }

  @Test
  void everyPathIsUnderV1AndEveryOperationHasResponses() {
    Set<String> operationIds = new HashSet<>();
    doc.path("paths").properties().forEach(pathEntry -> {
      String path = pathEntry.getKey();
      assertTrue(path.startsWith(Protocol.PREFIX + "/"), path + " is not under /v1");
      int operations = 0;
      for (String key : fieldNames(pathEntry.getValue())) {
        if (!HTTP_METHODS.contains(key)) {
          assertTrue(key.equals("parameters") || key.equals("summary") || key.equals("description"), path + ": " + key);
          continue;
        }
        operations++;
        JsonNode operation = pathEntry.getValue().path(key);
        String where = key.toUpperCase() + " " + path;
        JsonNode responses = operation.path("responses");
        assertTrue(responses.isObject() && responses.size() > 0, where + " has no responses");
        for (String status : fieldNames(responses)) {
          assertTrue(STATUS_KEY.matcher(status).matches(), where + ": bad status key " + status);
          assertFalse(resolve(responses.path(status)).path("description").asText().isBlank(), where + " " + status + " has no description");
        }
        assertTrue(operationIds.add(operation.path("operationId").asText()), where + ": missing or duplicate operationId");
      }
      assertTrue(operations > 0, path + " has no operation");
    });
  }

  @Test
  void pathTemplateParametersAreDeclaredAsRequiredPathParameters() {
    doc.path("paths").properties().forEach(pathEntry -> {
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAM.matcher(pathEntry.getKey());
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      for (String method : fieldNames(pathEntry.getValue())) {
        if (!HTTP_METHODS.contains(method)) {
          continue;
        }
        Set<String> declared = new TreeSet<>();
        List<JsonNode> parameters = new ArrayList<>();
        pathEntry.getValue().path("parameters").forEach(parameters::add);
        pathEntry.getValue().path(method).path("parameters").forEach(parameters::add);
        for (JsonNode p : parameters) {
          JsonNode parameter = resolve(p);
          assertTrue(parameter.path("schema").isObject(), pathEntry.getKey() + ": parameter without schema");
          if (parameter.path("in").asText().equals("path")) {
            assertTrue(parameter.path("required").asBoolean(), pathEntry.getKey() + ": path parameter not required");
            declared.add(parameter.path("name").asText());
          }
        }
        assertEquals(inTemplate, declared, method + " " + pathEntry.getKey() + " path parameters");
      }
    });
  }

  @Test
  void everyRefResolvesInsideTheDocument() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertTrue(refs.size() > 20, "suspiciously few $refs: " + refs.size());
    for (String ref : refs) {
      assertTrue(ref.startsWith("#/"), "only local refs are used: " + ref);
      assertFalse(doc.at(ref.substring(1)).isMissingNode(), "unresolved $ref " + ref);
    }
  }

  @Test
  void bearerSecurityAppliesToEverythingButHealth() {
    JsonNode scheme = doc.path("components").path("securitySchemes").path("bearerToken");
    assertEquals("http", scheme.path("type").asText());
    assertEquals("bearer", scheme.path("scheme").asText());
    assertTrue(doc.path("security").get(0).has("bearerToken"));
    forEachOperation((where, operation) -> {
      if (where.equals("GET /v1/health")) {
        assertTrue(operation.path("security").isArray() && operation.path("security").isEmpty(), "health needs no auth");
        assertFalse(operation.path("responses").has("401"), "health cannot answer 401");
      } else {
        assertTrue(operation.path("security").isMissingNode(), where + " overrides security");
        assertTrue(operation.path("responses").has("401"), where + " does not document 401");
      }
    });
  }

  @Test
  void everyOperationDocumentsTheChecksThatApplyToIt() {
    forEachOperation((where, operation) -> {
      JsonNode responses = operation.path("responses");
      for (String status : List.of("403", "421", "500")) {
        assertTrue(responses.has(status), where + " does not document " + status);
      }
      if (operation.has("requestBody")) {
        // Body-taking endpoints can be refused for the size or the type of the body.
        assertTrue(responses.has("413"), where + " does not document 413");
        assertTrue(responses.has("415"), where + " does not document 415");
      }
    });
  }

  @Test
  void idPatternsAreTheWireOnes() {
    assertEquals("^sha256:[0-9a-f]{64}$", schema("BlobId").path("pattern").asText());
    assertEquals("^[A-Za-z0-9._-]{1,64}$", schema("JobId").path("pattern").asText());
    assertEquals(List.of("queued", "running", "succeeded", "failed", "cancelled"), texts(schema("JobStatus").path("enum")));
    assertEquals(List.of("interactive", "batch"), texts(schema("Priority").path("enum")));
    assertEquals(List.of("png", "raw"), texts(schema("OutputFormat").path("enum")));
    assertEquals(
        List.of(JobEvent.QUEUED, JobEvent.STARTED, JobEvent.STAGE, JobEvent.PROGRESS, JobEvent.PREVIEW, JobEvent.DONE, JobEvent.FAILED, JobEvent.CANCELLED),
        texts(schema("JobEvent").path("properties").path("type").path("enum")));
  }

  @Test
  void eventStreamDocumentsItsDataSchema() {
    JsonNode media =
        doc.at("/paths/~1v1~1jobs~1{id}~1events/get/responses/200/content/text~1event-stream");
    assertTrue(media.isObject(), "events answer text/event-stream");
    assertEquals("#/components/schemas/JobEvent", media.path("x-sse-data-schema").path("$ref").asText());
  }

  @Test
  void blobAnswersDocumentContentTypeAndLength() {
    for (String method : List.of("head", "get")) {
      JsonNode headers = resolve(doc.path("paths").path("/v1/blobs/{id}").path(method).path("responses").path("200")).path("headers");
      assertTrue(headers.has("Content-Type"), method + " blob: Content-Type");
      assertTrue(headers.has("Content-Length"), method + " blob: Content-Length");
    }
  }

  // ---- schemas versus the Java records -------------------------------------------------------

  @Test
  void componentSchemasListExactlyTheRecordsJsonProperties() {
    Map<Class<?>, String> schemaOf = new LinkedHashMap<>();
    schemaOf.put(Health.class, "Health");
    schemaOf.put(Capabilities.class, "Capabilities");
    schemaOf.put(Capabilities.Task.class, "Task");
    schemaOf.put(Capabilities.Input.class, "TaskInput");
    schemaOf.put(Capabilities.Engine.class, "Engine");
    schemaOf.put(BlobInfo.class, "BlobInfo");
    schemaOf.put(JobRequest.class, "JobRequest");
    schemaOf.put(JobView.class, "Job");
    schemaOf.put(Recipe.class, "Recipe");
    schemaOf.put(Recipe.EngineRef.class, "EngineRef");
    schemaOf.put(JobEvent.class, "JobEvent");
    schemaOf.put(ErrorResponse.class, "Error");
    schemaOf.put(ErrorResponse.Error.class, "ErrorInfo");

    List<String> problems = new ArrayList<>();
    schemaOf.forEach((type, name) -> {
      JsonNode schema = schema(name);
      Set<String> documented = new LinkedHashSet<>(fieldNames(schema.path("properties")));
      Map<String, Class<?>> serialized = jsonProperties(type);
      if (!documented.equals(serialized.keySet())) {
        problems.add(name + ": schema properties " + documented + " but " + type.getSimpleName() + " serialises " + serialized.keySet());
      }
      if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").asBoolean()) {
        problems.add(name + ": additionalProperties must be false");
      }
      Set<String> required = new LinkedHashSet<>(texts(schema.path("required")));
      for (String field : required) {
        if (!documented.contains(field)) {
          problems.add(name + ": required " + field + " is not a property");
        }
      }
      serialized.forEach((field, javaType) -> {
        // A primitive is never null, so it is always on the wire and must be required.
        if (javaType.isPrimitive() && !required.contains(field)) {
          problems.add(name + ": " + field + " is a Java primitive, always sent, but not required");
        }
      });
      documented.forEach(field -> {
        if (!SNAKE_CASE.matcher(field).matches()) {
          problems.add(name + ": " + field + " is not snake_case");
        }
      });
    });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void jobRequestRequiresOnlyTaskAndInputs() {
    assertEquals(List.of("task", "inputs"), texts(schema("JobRequest").path("required")));
    assertEquals("object", schema("JobRequest").path("properties").path("params").path("type").asText());
    assertTrue(
        schema("JobRequest").path("properties").path("params").path("description").asText().contains("protocols/schemas/<task>.json"),
        "params must point at the per-task schema");
  }

  @Test
  void everyTaskHasItsParamsSchemaInTheJar() throws IOException {
    for (TaskSpec task : TaskSpec.all()) {
      JsonNode params = task.paramsSchema();
      assertEquals("https://json-schema.org/draft/2020-12/schema", params.path("$schema").asText(), task.name());
      assertEquals("object", params.path("type").asText(), task.name());
      assertFalse(params.path("additionalProperties").asBoolean(true), task.name() + " params must refuse unknown fields");
    }
  }

  // ---- WIRE.md -------------------------------------------------------------------------------

  @Test
  void wireMdAndTheDocumentListTheSameEndpoints() throws IOException {
    Path wire = Path.of("WIRE.md");
    if (!Files.exists(wire)) {
      wire = Path.of(System.getProperty("bridge.projectRoot", "."), "protocols", "WIRE.md");
    }
    String text = Files.readString(wire);
    Set<String> inWire = new TreeSet<>();
    Matcher m = Pattern.compile("\\b(GET|PUT|POST|DELETE|HEAD|PATCH) (/v1/[A-Za-z0-9_{}/.-]*)").matcher(text);
    while (m.find()) {
      inWire.add(m.group(1) + " " + m.group(2));
    }
    Set<String> inDoc = new TreeSet<>();
    forEachOperation((where, operation) -> inDoc.add(where));
    assertEquals(inDoc, inWire, "endpoints of WIRE.md vs openapi.yaml");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private interface OperationVisitor {
    void visit(String where, JsonNode operation);
  }

  private static void forEachOperation(OperationVisitor visitor) {
    doc.path("paths").properties().forEach(pathEntry -> {
      for (String method : fieldNames(pathEntry.getValue())) {
        if (HTTP_METHODS.contains(method)) {
          visitor.visit(method.toUpperCase() + " " + pathEntry.getKey(), pathEntry.getValue().path(method));
        }
      }
    });
  }

  private static JsonNode schema(String name) {
    JsonNode schema = doc.path("components").path("schemas").path(name);
    assertTrue(schema.isObject(), "no components/schemas/" + name);
    return schema;
  }

  /** Follows a local {@code $ref} (responses and parameters are often shared). */
  private static JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    for (int hops = 0; current.has("$ref") && hops < 10; hops++) {
      current = doc.at(current.path("$ref").asText().substring(1));
    }
    return current;
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
          out.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, out));
    }
  }

  /** The JSON property names Jackson writes for a type through {@link ProtocolJson}, with their Java types. */
  private static Map<String, Class<?>> jsonProperties(Class<?> type) {
    ObjectMapper mapper = ProtocolJson.mapper();
    BeanDescription description = mapper.getSerializationConfig().introspect(mapper.constructType(type));
    Map<String, Class<?>> properties = new LinkedHashMap<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (property.couldSerialize()) {
        properties.put(property.getName(), property.getRawPrimaryType());
      }
    }
    return properties;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values.stream().collect(Collectors.toList());
  }
}
