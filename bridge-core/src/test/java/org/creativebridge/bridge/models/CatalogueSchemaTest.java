package org.creativebridge.bridge.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.creativebridge.inference.models.Catalogue;
import org.creativebridge.inference.models.ModelFamily;
import org.junit.jupiter.api.Test;

/** The shipped model catalogue against protocols/schemas/catalogue.schema.json. */
class CatalogueSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode read(Class<?> anchor, String resource) throws Exception {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      assertNotNull(in, "missing resource " + resource);
      return JSON.readTree(in);
    }
  }

  private static JsonSchema schema() throws Exception {
    JsonNode schema = read(org.creativebridge.protocol.ErrorCode.class, "/org/creativebridge/protocol/schemas/catalogue.schema.json");
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
  }

  private static JsonNode catalogue() throws Exception {
    return read(Catalogue.class, Catalogue.RESOURCE);
  }

  @Test
  void shippedCatalogueValidatesAgainstItsSchema() throws Exception {
    Set<ValidationMessage> violations = schema().validate(catalogue());
    assertTrue(violations.isEmpty(), violations.toString());
  }

  @Test
  void idsAreUniqueAndEveryFamilyNamedExists() throws Exception {
    Set<String> ids = new HashSet<>();
    for (JsonNode model : catalogue().path("models")) {
      assertTrue(ids.add(model.path("id").asText()), "duplicate id " + model.path("id"));
      String family = model.path("family").asText();
      assertTrue(ModelFamily.byId(family).isPresent(), "unknown family " + family);
    }
    assertEquals(ids.size(), Catalogue.shipped().entries().size());
  }

  @Test
  void schemaRefusesAWrongHashAndAPathLeavingTheModelFolder() throws Exception {
    ObjectNode broken = (ObjectNode) catalogue().deepCopy();
    ObjectNode file = (ObjectNode) broken.path("models").path(0).path("files").path(0);
    file.put("sha256", "not-a-hash");
    file.put("install_as", "../outside.onnx");
    Set<ValidationMessage> violations = schema().validate(broken);
    assertFalse(violations.isEmpty());
    assertTrue(violations.toString().contains("sha256"), violations.toString());
    assertTrue(violations.toString().contains("install_as"), violations.toString());
  }
}
