package org.creativebridge.bridge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.inference.Params;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Params of image.inpaint against its shipped JSON Schema. */
class ParamsValidatorTest {
  private static final TaskSpec INPAINT = TaskSpec.IMAGE_INPAINT;

  private final AtomicInteger seedsPicked = new AtomicInteger();
  private final ParamsValidator validator =
      new ParamsValidator(() -> {
        seedsPicked.incrementAndGet();
        return 3_141_592_653L;
      });

  @Test
  void emptyParams_getEveryDefault_andAPickedSeed() {
    ObjectNode effective = validator.effectiveParams(INPAINT, params("{}"));

    ObjectNode expected = schemaDefaults();
    expected.put("seed", 3141592653L);
    assertEquals(expected, effective);
    assertEquals(0, effective.get("grow").asInt());
    assertEquals(7, effective.get("patch_size").asInt());
    assertEquals(1, seedsPicked.get());
  }

  @Test
  void givenSeed_isKept_andNoSeedIsPicked() {
    ObjectNode effective = validator.effectiveParams(INPAINT, params("{\"seed\": 1}"));

    assertEquals(1, effective.get("seed").asLong());
    assertEquals(0, seedsPicked.get());
  }

  @Test
  void seedZero_isKept() {
    assertEquals(0, validator.effectiveParams(INPAINT, params("{\"seed\": 0}")).get("seed").asLong());
    assertEquals(0, seedsPicked.get());
  }

  @Test
  void givenValues_winOverDefaults() {
    ObjectNode effective =
        validator.effectiveParams(
            INPAINT, params("{\"grow\": 4, \"feather\": 256, \"patch_size\": 15, \"prompt\": \"moss\"}"));

    assertEquals(4, effective.get("grow").asInt());
    assertEquals(256, effective.get("feather").asInt());
    assertEquals(15, effective.get("patch_size").asInt());
    assertEquals("moss", effective.get("prompt").asText());
    assertEquals(3_141_592_653L, effective.get("seed").asLong());
  }

  @Test
  void givenParams_areNotModified() {
    ObjectNode given = params("{\"grow\": 2}");

    validator.effectiveParams(INPAINT, given);

    assertEquals(params("{\"grow\": 2}"), given);
  }

  @Test
  void largestSeed_isAccepted() {
    ObjectNode effective = validator.effectiveParams(INPAINT, params("{\"seed\": 4294967295}"));

    assertEquals(4_294_967_295L, effective.get("seed").asLong());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"seed\": -1}",
        "{\"seed\": 4294967296}",
        "{\"grow\": 257}",
        "{\"grow\": -1}",
        "{\"feather\": 1000}",
        "{\"patch_size\": 8}",
        "{\"patch_size\": 1}",
        "{\"patch_size\": 17}",
      })
  void outOfRangeParam_isRefused(String json) {
    String name = params(json).fieldNames().next();

    BridgeException e = refused(json);

    assertProblemNames(e, name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"seed\": \"1\"}",
        "{\"seed\": 1.5}",
        "{\"grow\": \"big\"}",
        "{\"feather\": true}",
        "{\"patch_size\": [7]}",
        "{\"prompt\": 7}",
        "{\"prompt\": null}",
      })
  void paramOfTheWrongType_isRefused(String json) {
    String name = params(json).fieldNames().next();

    BridgeException e = refused(json);

    assertProblemNames(e, name);
  }

  @Test
  void unknownParam_isRefused() {
    BridgeException e = refused("{\"sharpness\": 0.5}");

    assertProblemNames(e, "sharpness");
  }

  @Test
  void overlongPrompt_isRefused() {
    BridgeException e = refused("{\"prompt\": \"" + "x".repeat(2001) + "\"}");

    assertProblemNames(e, "prompt");
  }

  @Test
  void everyProblem_isListed() {
    BridgeException e = refused("{\"grow\": 999, \"patch_size\": \"seven\", \"colour\": \"red\"}");

    List<?> problems = (List<?>) e.details().get("problems");
    assertTrue(problems.size() >= 3, "problems: " + problems);
    assertProblemNames(e, "grow");
    assertProblemNames(e, "patch_size");
    assertProblemNames(e, "colour");
    assertEquals("image.inpaint", e.details().get("task"));
    assertTrue(e.getMessage().contains("image.inpaint"), e.getMessage());
    assertEquals(0, seedsPicked.get(), "no seed is picked for refused params");
  }

  @Test
  void toParams_givesIntegersAsLong_decimalsAsDouble_andEveryOtherJsonType() {
    Params params =
        ParamsValidator.toParams(
            params(
                "{\"seed\": 4294967295, \"grow\": 3, \"ratio\": 0.25, \"whole\": 2.0, \"flag\": true,"
                    + " \"prompt\": \"sky\", \"list\": [1, 2.5, \"x\"], \"nested\": {\"k\": 1}}"));

    Map<String, Object> values = params.asMap();
    assertEquals(4_294_967_295L, values.get("seed"));
    assertEquals(3L, values.get("grow"));
    assertInstanceOf(Long.class, values.get("grow"));
    assertEquals(0.25, values.get("ratio"));
    assertInstanceOf(Double.class, values.get("whole"));
    assertEquals(Boolean.TRUE, values.get("flag"));
    assertEquals("sky", values.get("prompt"));
    assertEquals(List.of(1L, 2.5, "x"), values.get("list"));
    assertEquals(Map.of("k", 1L), values.get("nested"));
    assertEquals(3, params.getInt("grow", -1));
    assertEquals(4_294_967_295L, params.getLong("seed", -1));
  }

  @Test
  void effectiveParams_convertForTheEngine() {
    Params params = ParamsValidator.toParams(validator.effectiveParams(INPAINT, params("{\"grow\": 5}")));

    assertEquals(3_141_592_653L, params.asMap().get("seed"));
    assertEquals(5L, params.asMap().get("grow"));
    assertEquals(7L, params.asMap().get("patch_size"));
    assertEquals("", params.asMap().get("prompt"));
    assertEquals(schemaDefaults().size() + 1, params.asMap().size(), "every default and the seed");
  }

  // ---- helpers ----

  /** Every default the shipped schema declares: the engine runs with all of them. */
  private static ObjectNode schemaDefaults() {
    ObjectNode defaults = org.creativebridge.protocol.ProtocolJson.mapper().createObjectNode();
    INPAINT.paramsSchema().get("properties").fields().forEachRemaining(p -> {
      if (p.getValue().has("default")) {
        defaults.set(p.getKey(), p.getValue().get("default"));
      }
    });
    return defaults;
  }

  private BridgeException refused(String json) {
    BridgeException e =
        assertThrows(BridgeException.class, () -> validator.effectiveParams(INPAINT, params(json)));
    assertEquals(ErrorCode.INVALID_PARAM, e.code());
    return e;
  }

  private static void assertProblemNames(BridgeException e, String param) {
    Object problems = e.details().get("problems");
    assertInstanceOf(List.class, problems);
    assertTrue(
        ((List<?>) problems).stream().anyMatch(p -> p.toString().contains(param)),
        "no problem names '" + param + "': " + problems);
    assertTrue(e.getMessage().contains(param), e.getMessage());
  }

  private static ObjectNode params(String json) {
    try {
      JsonNode node = ProtocolJson.mapper().readTree(json);
      return (ObjectNode) node;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
