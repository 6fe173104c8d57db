package org.creativebridge.bridge.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.creativebridge.protocol.ProtocolJson;

/**
 * Checks real HTTP traffic against the wire contract, {@code protocols/openapi.yaml} (read from the
 * classpath resource {@value #RESOURCE}, i.e. the copy the protocols jar ships).
 *
 * <p>A response is checked for: a documented path and method, a documented status (or {@code
 * default}), a documented content type, a JSON body valid against the response schema (JSON Schema
 * 2020-12, refs to {@code #/components/...} resolved inside the document), an error code that is one
 * the response lists in {@code x-error-codes} and whose catalogue status is the HTTP status, and for
 * {@code text/event-stream} every event's {@code data} against {@code x-sse-data-schema}. A request
 * is checked for its path and query parameters and its body. Every violation is collected and
 * reported at once in one {@link AssertionError}.
 *
 * <p>Thread-safety: instances are immutable after construction apart from a concurrent cache of
 * compiled schemas, and networknt schemas are safe to share once built, so one instance (as {@link
 * #load()} returns) can serve parallel tests.
 */
public final class OpenApiContract {

  /** Where the protocols jar puts the document. */
  public static final String RESOURCE = "/org/creativebridge/protocol/openapi.yaml";

  /**
   * A made-up base URI under which the document is registered with the validator; refs such as
   * {@code #/components/schemas/Job} resolve against it, and nothing is ever fetched from it.
   */
  private static final String DOCUMENT_URI = "https://creativebridge.org/protocol/v1/openapi.json";

  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final int MAX_BODY_IN_MESSAGE = 2000;

  private final JsonNode document;
  private final JsonSchemaFactory factory;
  private final SchemaValidatorsConfig config;
  private final ConcurrentMap<String, JsonSchema> compiled = new ConcurrentHashMap<>();

  /** A response body with its media type; {@code text} null or empty means no body. */
  public record Body(String contentType, String text) {
    public static Body of(String contentType, String text) {
      return new Body(contentType, text);
    }

    public static Body json(String text) {
      return new Body("application/json", text);
    }

    public static Body none() {
      return new Body(null, null);
    }

    boolean isEmpty() {
      return text == null || text.isEmpty();
    }
  }

  private OpenApiContract(JsonNode document) {
    this.document = document;
    String json;
    try {
      json = new ObjectMapper().writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot re-serialise the OpenAPI document", e);
    }
    // The OpenAPI document's own keys (openapi, paths, x-...) are not schema keywords; taking every
    // unknown keyword as a plain annotation keeps the validator from warning about each of them.
    JsonMetaSchema dialect =
        JsonMetaSchema.builder(JsonMetaSchema.getV202012())
            .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
            .build();
    // The whole document is one schema resource, so internal refs resolve without any network.
    this.factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder ->
                builder
                    .metaSchema(dialect)
                    .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_URI, json))));
    this.config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  }

  /** The contract as packaged by the protocols module; parsed once per JVM. */
  public static OpenApiContract load() {
    return Shared.INSTANCE;
  }

  /** A contract from YAML text (for testing the checker itself against variants of the document). */
  public static OpenApiContract fromYaml(String yaml) {
    try {
      return new OpenApiContract(new YAMLMapper().readTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The parsed document; do not modify it. */
  public JsonNode document() {
    return document;
  }

  private static final class Shared {
    static final OpenApiContract INSTANCE = read();

    private static OpenApiContract read() {
      try (InputStream in = OpenApiContract.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is not on the classpath (is protocols built?)");
        }
        return new OpenApiContract(new YAMLMapper().readTree(in));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // ---- public assertions ----------------------------------------------------------------------

  /**
   * Asserts that a response to {@code method requestPath} conforms. {@code requestPath} is the raw
   * path, optionally with its query ({@code /v1/jobs?status=queued}); percent-escapes are decoded
   * per segment before matching the templates.
   *
   * @throws AssertionError listing every violation
   */
  public void assertResponseConforms(String method, String requestPath, int status, Body body) {
    fail(method + " " + requestPath + " -> " + status, responseViolations(method, requestPath, status, body), body.text());
  }

  /**
   * Asserts that a response received with {@link java.net.http.HttpClient} conforms, headers
   * included. The body may be a {@code String}, a {@code byte[]} or absent ({@code Void}).
   */
  public void assertResponseConforms(HttpResponse<?> response) {
    String method = response.request().method();
    URI uri = response.request().uri();
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    String text = bodyText(response.body(), contentType);
    Body body = Body.of(contentType, text);
    List<String> violations = new ArrayList<>(responseViolations(method, path, response.statusCode(), body));
    violations.addAll(headerViolations(method, path, response.statusCode(), response.headers().map()));
    fail(method + " " + path + " -> " + response.statusCode(), violations, text);
  }

  /**
   * Asserts that the response headers of {@code method requestPath -> status} include every
   * header the document marks required, with values valid against their schemas.
   */
  public void assertResponseHeadersConform(
      String method, String requestPath, int status, Map<String, List<String>> headers) {
    fail(method + " " + requestPath + " -> " + status, headerViolations(method, requestPath, status, headers), null);
  }

  /**
   * Asserts that a request conforms: documented path and method, path and query parameters valid,
   * a body where one is documented (of a documented content type and, for JSON, valid).
   *
   * @param body the request body, null or empty for none
   */
  public void assertRequestConforms(String method, String requestPath, String contentType, String body) {
    fail(method + " " + requestPath + " (request)", requestViolations(method, requestPath, Body.of(contentType, body)), body);
  }

  /**
   * Asserts that a value, serialised with {@link ProtocolJson#mapper()} unless it already is JSON
   * (a {@link JsonNode} or a JSON {@code String}), is valid against {@code
   * #/components/schemas/<componentName>}.
   */
  public void assertConformsToSchema(String componentName, Object value) {
    JsonNode json;
    try {
      if (value instanceof JsonNode node) {
        json = node;
      } else if (value instanceof String text) {
        json = ProtocolJson.mapper().readTree(text);
      } else {
        // Through the text form, so the check sees exactly the bytes the daemon would send.
        json = ProtocolJson.mapper().readTree(ProtocolJson.mapper().writeValueAsString(value));
      }
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + e.getOriginalMessage(), e);
    }
    String pointer = "/components/schemas/" + escape(componentName);
    if (document.at(pointer).isMissingNode()) {
      throw new AssertionError("no schema components/schemas/" + componentName);
    }
    List<String> violations = validate(pointer, json);
    fail("components/schemas/" + componentName, violations, json.toString());
  }

  // ---- violation finders (public so tests can look at individual findings) ---------------------

  /** Every way the response departs from the document; empty when it conforms. */
  public List<String> responseViolations(String method, String requestPath, int status, Body body) {
    List<String> violations = new ArrayList<>();
    Optional<Located> operation = findOperation(method, requestPath, violations);
    if (operation.isEmpty()) {
      return violations;
    }
    Optional<Located> response = findResponse(operation.get(), status, violations);
    if (response.isEmpty()) {
      return violations;
    }
    JsonNode content = response.get().node().path("content");
    // HEAD answers never have a body, whatever the status; the document models them without content.
    if (method.equalsIgnoreCase("HEAD") || content.isMissingNode()) {
      if (!body.isEmpty()) {
        violations.add("documented without a body, but the body has " + body.text().length() + " characters");
      }
      return violations;
    }
    Optional<String> mediaKey = findMediaType(content, body.contentType(), violations);
    if (mediaKey.isEmpty()) {
      return violations;
    }
    String mediaPointer = response.get().pointer() + "/content/" + escape(mediaKey.get());
    checkBody(mediaPointer, body, violations);
    checkErrorCode(response.get().node(), status, body, violations);
    return violations;
  }

  /** Every way the request departs from the document; empty when it conforms. */
  public List<String> requestViolations(String method, String requestPath, Body body) {
    List<String> violations = new ArrayList<>();
    Optional<Located> operation = findOperation(method, requestPath, violations);
    if (operation.isEmpty()) {
      return violations;
    }
    checkParameters(operation.get(), requestPath, violations);
    JsonNode requestBody = operation.get().node().path("requestBody");
    if (requestBody.isMissingNode()) {
      if (!body.isEmpty()) {
        violations.add("the operation takes no body, but one of " + body.text().length() + " characters was sent");
      }
      return violations;
    }
    Located located = resolve(requestBody, operation.get().pointer() + "/requestBody");
    if (body.isEmpty()) {
      if (located.node().path("required").asBoolean(false)) {
        violations.add("the request body is required");
      }
      return violations;
    }
    findMediaType(located.node().path("content"), body.contentType(), violations)
        .ifPresent(key -> checkBody(located.pointer() + "/content/" + escape(key), body, violations));
    return violations;
  }

  /** Required headers missing or with values their schemas refuse. */
  public List<String> headerViolations(
      String method, String requestPath, int status, Map<String, List<String>> headers) {
    List<String> violations = new ArrayList<>();
    Optional<Located> operation = findOperation(method, requestPath, violations);
    if (operation.isEmpty()) {
      return violations;
    }
    Optional<Located> response = findResponse(operation.get(), status, violations);
    if (response.isEmpty()) {
      return violations;
    }
    Map<String, List<String>> byLowerName = new LinkedHashMap<>();
    headers.forEach((name, values) -> {
      if (name != null) {
        byLowerName.put(name.toLowerCase(Locale.ROOT), values);
      }
    });
    response.get().node().path("headers").properties().forEach(entry -> {
      Located header = resolve(entry.getValue(), response.get().pointer() + "/headers/" + escape(entry.getKey()));
      List<String> values = byLowerName.get(entry.getKey().toLowerCase(Locale.ROOT));
      if (values == null || values.isEmpty()) {
        if (header.node().path("required").asBoolean(false)) {
          violations.add("required header " + entry.getKey() + " is missing");
        }
        return;
      }
      if (header.node().has("schema")) {
        JsonNode value = coerce(values.get(0), resolve(header.node().path("schema"), header.pointer() + "/schema").node());
        for (String problem : validate(header.pointer() + "/schema", value)) {
          violations.add("header " + entry.getKey() + ": " + problem);
        }
      }
    });
    return violations;
  }

  // ---- matching --------------------------------------------------------------------------------

  /** A node of the document with the JSON pointer it was found at. */
  private record Located(JsonNode node, String pointer) {}

  private Optional<Located> findOperation(String method, String requestPath, List<String> violations) {
    String rawPath = stripQuery(requestPath);
    String template = matchTemplate(rawPath);
    if (template == null) {
      violations.add("no documented path matches " + rawPath);
      return Optional.empty();
    }
    String methodKey = method.toLowerCase(Locale.ROOT);
    JsonNode pathItem = document.path("paths").path(template);
    if (!HTTP_METHODS.contains(methodKey) || !pathItem.has(methodKey)) {
      List<String> documented = new ArrayList<>();
      pathItem.fieldNames().forEachRemaining(name -> {
        if (HTTP_METHODS.contains(name)) {
          documented.add(name.toUpperCase(Locale.ROOT));
        }
      });
      violations.add(method + " is not documented for " + template + " (documented: " + documented + ")");
      return Optional.empty();
    }
    return Optional.of(new Located(pathItem.path(methodKey), "/paths/" + escape(template) + "/" + methodKey));
  }

  /**
   * The template matching a concrete path; with several matches the one with the most literal
   * segments wins, as OpenAPI prescribes ({@code /v1/jobs/mine} before {@code /v1/jobs/{id}}).
   */
  private String matchTemplate(String rawPath) {
    List<String> segments = decodedSegments(rawPath);
    String best = null;
    int bestLiterals = -1;
    for (var it = document.path("paths").fieldNames(); it.hasNext(); ) {
      String template = it.next();
      String[] parts = template.substring(1).split("/", -1);
      if (parts.length != segments.size()) {
        continue;
      }
      int literals = 0;
      boolean matches = true;
      for (int i = 0; i < parts.length && matches; i++) {
        if (isTemplateParameter(parts[i])) {
          matches = !segments.get(i).isEmpty();
        } else {
          matches = parts[i].equals(segments.get(i));
          literals++;
        }
      }
      if (matches && literals > bestLiterals) {
        best = template;
        bestLiterals = literals;
      }
    }
    return best;
  }

  private Optional<Located> findResponse(Located operation, int status, List<String> violations) {
    JsonNode responses = operation.node().path("responses");
    String exact = Integer.toString(status);
    String range = exact.charAt(0) + "XX";
    for (String key : List.of(exact, range, "default")) {
      if (responses.has(key)) {
        return Optional.of(resolve(responses.path(key), operation.pointer() + "/responses/" + escape(key)));
      }
    }
    List<String> documented = new ArrayList<>();
    responses.fieldNames().forEachRemaining(documented::add);
    violations.add("status " + status + " is not documented (documented: " + documented + ")");
    return Optional.empty();
  }

  /** The content key a media type falls under: exact, then {@code type/*}, then {@code *}{@code /*}. */
  private static Optional<String> findMediaType(JsonNode content, String contentType, List<String> violations) {
    List<String> documented = new ArrayList<>();
    content.fieldNames().forEachRemaining(documented::add);
    if (contentType == null || contentType.isBlank()) {
      violations.add("no Content-Type (documented: " + documented + ")");
      return Optional.empty();
    }
    String base = baseMediaType(contentType);
    String wildcardSubtype = base.contains("/") ? base.substring(0, base.indexOf('/')) + "/*" : base;
    for (String candidate : List.of(base, wildcardSubtype, "*/*")) {
      for (String key : documented) {
        if (key.toLowerCase(Locale.ROOT).equals(candidate)) {
          return Optional.of(key);
        }
      }
    }
    violations.add("Content-Type " + contentType + " is not documented (documented: " + documented + ")");
    return Optional.empty();
  }

  // ---- body checks -----------------------------------------------------------------------------

  private void checkBody(String mediaPointer, Body body, List<String> violations) {
    String base = baseMediaType(body.contentType());
    JsonNode media = document.at(mediaPointer);
    if (isJson(base)) {
      JsonNode json = parseJson(body.text(), violations);
      if (json != null && media.has("schema")) {
        violations.addAll(validate(mediaPointer + "/schema", json));
      }
    } else if (base.equals("text/event-stream") && media.has("x-sse-data-schema")) {
      checkEventStream(mediaPointer + "/x-sse-data-schema", body.text(), violations);
    }
    // Other media types (blob bytes) have no structure the document can state.
  }

  /**
   * Parses Server-Sent Events ({@code id:}, {@code event:}, {@code data:} lines, a blank line
   * ending each event) and checks each one: a numeric id, the event name equal to {@code
   * data.type}, the data valid, and nothing after a terminal event.
   */
  private void checkEventStream(String dataSchemaPointer, String text, List<String> violations) {
    if (text == null) {
      return;
    }
    List<Map<String, String>> events = parseEvents(text);
    boolean terminated = false;
    for (int i = 0; i < events.size(); i++) {
      Map<String, String> event = events.get(i);
      String where = "event #" + (i + 1);
      if (terminated) {
        violations.add(where + " follows the terminal event");
      }
      if (event.get("id") == null || !event.get("id").matches("\\d+")) {
        violations.add(where + ": id is not a number: " + event.get("id"));
      }
      JsonNode data = parseJson(event.get("data"), violations);
      if (data == null) {
        continue;
      }
      String type = data.path("type").asText(null);
      if (!Objects.equals(event.get("event"), type)) {
        violations.add(where + ": event name " + event.get("event") + " differs from data.type " + type);
      }
      for (String problem : validate(dataSchemaPointer, data)) {
        violations.add(where + " (" + type + "): " + problem);
      }
      terminated |= "done".equals(type) || "failed".equals(type) || "cancelled".equals(type);
    }
  }

  private static List<Map<String, String>> parseEvents(String text) {
    List<Map<String, String>> events = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    for (String line : text.split("\r\n|\r|\n", -1)) {
      if (line.isEmpty()) {
        if (!current.isEmpty()) {
          events.add(current);
          current = new LinkedHashMap<>();
        }
        continue;
      }
      if (line.startsWith(":")) {
        continue; // an SSE comment (keep-alive)
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      // Several data lines make one data value joined by newlines, as the SSE spec says.
      current.merge(field, value, (a, b) -> a + "\n" + b);
    }
    if (!current.isEmpty()) {
      events.add(current);
    }
    return events;
  }

  /** An error body must carry a code the response lists, and that code's catalogue status. */
  private void checkErrorCode(JsonNode response, int status, Body body, List<String> violations) {
    JsonNode listed = response.path("x-error-codes");
    if (!listed.isArray() || !isJson(baseMediaType(body.contentType()))) {
      return;
    }
    JsonNode json;
    try {
      json = ProtocolJson.mapper().readTree(body.text());
    } catch (JsonProcessingException e) {
      return; // already reported by checkBody
    }
    String code = json.path("error").path("code").asText(null);
    if (code == null) {
      return;
    }
    List<String> codes = new ArrayList<>();
    listed.forEach(c -> codes.add(c.asText()));
    if (!codes.contains(code)) {
      violations.add("error code " + code + " is not one this response lists " + codes);
    }
    JsonNode catalogued = document.path("x-error-catalogue").path(code);
    if (catalogued.isObject() && catalogued.path("status").asInt() != status) {
      violations.add("error code " + code + " has status " + catalogued.path("status").asInt() + " in the catalogue, not " + status);
    }
  }

  // ---- parameters ------------------------------------------------------------------------------

  private void checkParameters(Located operation, String requestPath, List<String> violations) {
    String template = matchTemplate(stripQuery(requestPath));
    String pathItemPointer = "/paths/" + escape(template);
    Map<String, Located> pathParameters = new LinkedHashMap<>();
    Map<String, Located> queryParameters = new LinkedHashMap<>();
    List<Located> declared = new ArrayList<>();
    collectParameters(pathItemPointer + "/parameters", declared);
    collectParameters(operation.pointer() + "/parameters", declared);
    for (Located parameter : declared) {
      String name = parameter.node().path("name").asText();
      switch (parameter.node().path("in").asText()) {
        case "path" -> pathParameters.put(name, parameter);
        case "query" -> queryParameters.put(name, parameter);
        default -> { } // headers and cookies are not part of what this checker sees
      }
    }

    List<String> segments = decodedSegments(stripQuery(requestPath));
    String[] parts = template.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      if (isTemplateParameter(parts[i])) {
        String name = parts[i].substring(1, parts[i].length() - 1);
        checkParameterValue("path parameter " + name, pathParameters.get(name), segments.get(i), violations);
      }
    }

    Map<String, String> query = parseQuery(requestPath);
    query.forEach((name, value) -> {
      if (!queryParameters.containsKey(name)) {
        violations.add("query parameter " + name + " is not documented (documented: " + queryParameters.keySet() + ")");
      } else {
        checkParameterValue("query parameter " + name, queryParameters.get(name), value, violations);
      }
    });
    queryParameters.forEach((name, parameter) -> {
      if (parameter.node().path("required").asBoolean(false) && !query.containsKey(name)) {
        violations.add("required query parameter " + name + " is missing");
      }
    });
  }

  private void collectParameters(String pointer, List<Located> out) {
    JsonNode list = document.at(pointer);
    for (int i = 0; i < list.size(); i++) {
      out.add(resolve(list.get(i), pointer + "/" + i));
    }
  }

  private void checkParameterValue(String what, Located parameter, String raw, List<String> violations) {
    if (parameter == null || !parameter.node().has("schema")) {
      return;
    }
    String schemaPointer = parameter.pointer() + "/schema";
    JsonNode value = coerce(raw, resolve(parameter.node().path("schema"), schemaPointer).node());
    for (String problem : validate(schemaPointer, value)) {
      violations.add(what + " '" + raw + "': " + problem);
    }
  }

  /**
   * Turns a parameter's text into the JSON its schema describes: comma-separated arrays (style
   * form, explode false, as the document uses), integers, numbers and booleans; text that does not
   * parse stays a string so the schema reports the type mismatch.
   */
  private JsonNode coerce(String raw, JsonNode schema) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    String type = schema.path("type").asText("");
    switch (type) {
      case "array" -> {
        ArrayNode array = nodes.arrayNode();
        JsonNode items = resolve(schema.path("items"), "").node();
        for (String part : raw.split(",", -1)) {
          array.add(coerce(part, items));
        }
        return array;
      }
      case "integer" -> {
        try {
          return nodes.numberNode(Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
          return nodes.textNode(raw);
        }
      }
      case "number" -> {
        try {
          return nodes.numberNode(Double.parseDouble(raw.trim()));
        } catch (NumberFormatException e) {
          return nodes.textNode(raw);
        }
      }
      case "boolean" -> {
        return raw.equals("true") || raw.equals("false") ? nodes.booleanNode(Boolean.parseBoolean(raw)) : nodes.textNode(raw);
      }
      default -> {
        return nodes.textNode(raw);
      }
    }
  }

  // ---- validation ------------------------------------------------------------------------------

  private List<String> validate(String schemaPointer, JsonNode instance) {
    JsonSchema schema =
        compiled.computeIfAbsent(
            schemaPointer, pointer -> factory.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + pointer), config));
    List<String> problems = new ArrayList<>();
    Set<ValidationMessage> messages = schema.validate(instance);
    // Sorted, so the report of one failure reads the same on every run.
    for (String message : new TreeSet<>(messagesByText(messages))) {
      problems.add(message.startsWith(":") ? "(root)" + message : message);
    }
    return problems;
  }

  private static List<String> messagesByText(Set<ValidationMessage> messages) {
    List<String> texts = new ArrayList<>();
    for (ValidationMessage message : messages) {
      texts.add(message.getMessage());
    }
    return texts;
  }

  private Located resolve(JsonNode node, String pointer) {
    JsonNode current = node;
    String at = pointer;
    // Bounded, so a ref cycle in a broken document ends instead of looping.
    for (int hops = 0; hops < 16 && current.path("$ref").isTextual() && current.path("$ref").asText().startsWith("#"); hops++) {
      at = current.path("$ref").asText().substring(1);
      current = document.at(at);
    }
    return new Located(current, at);
  }

  // ---- small parsing helpers -------------------------------------------------------------------

  private static JsonNode parseJson(String text, List<String> violations) {
    if (text == null || text.isEmpty()) {
      violations.add("a JSON body is documented but the body is empty");
      return null;
    }
    try {
      return ProtocolJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      violations.add("the body is not valid JSON: " + e.getOriginalMessage());
      return null;
    }
  }

  private static String bodyText(Object body, String contentType) {
    if (body == null) {
      return null;
    }
    if (body instanceof String text) {
      return text;
    }
    if (body instanceof byte[] bytes) {
      // JSON and SSE are UTF-8; other bytes are only counted, and ISO-8859-1 keeps one char per byte.
      boolean textual = contentType != null && (isJson(baseMediaType(contentType)) || baseMediaType(contentType).startsWith("text/"));
      return new String(bytes, textual ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }
    throw new IllegalArgumentException("use a String, byte[] or discarding body handler, not " + body.getClass().getName());
  }

  private static String baseMediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isJson(String baseMediaType) {
    return baseMediaType.equals("application/json") || baseMediaType.endsWith("+json");
  }

  private static boolean isTemplateParameter(String segment) {
    return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
  }

  private static String stripQuery(String requestPath) {
    int question = requestPath.indexOf('?');
    return question < 0 ? requestPath : requestPath.substring(0, question);
  }

  private static List<String> decodedSegments(String rawPath) {
    List<String> segments = new ArrayList<>();
    String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    for (String segment : trimmed.split("/", -1)) {
      segments.add(percentDecode(segment));
    }
    return segments;
  }

  /** Percent-decoding of a path segment: unlike form decoding, a '+' stays a '+'. */
  private static String percentDecode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment; // a stray '%' is matched literally, and then refused by the id pattern
    }
  }

  private static Map<String, String> parseQuery(String requestPath) {
    Map<String, String> query = new LinkedHashMap<>();
    int question = requestPath.indexOf('?');
    if (question < 0 || question == requestPath.length() - 1) {
      return query;
    }
    for (String pair : requestPath.substring(question + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      query.put(name, value);
    }
    return query;
  }

  /** Escapes one JSON pointer token (RFC 6901). */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static void fail(String what, List<String> violations, String body) {
    if (violations.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder();
    message.append(what).append(" does not conform to openapi.yaml (").append(violations.size()).append(violations.size() == 1 ? " violation):" : " violations):");
    for (String violation : violations) {
      message.append("\n  - ").append(violation);
    }
    if (body != null && !body.isEmpty()) {
      String shown = body.length() > MAX_BODY_IN_MESSAGE ? body.substring(0, MAX_BODY_IN_MESSAGE) + "..." : body;
      message.append("\n  body: ").append(shown);
    }
    throw new AssertionError(message.toString());
  }
}
