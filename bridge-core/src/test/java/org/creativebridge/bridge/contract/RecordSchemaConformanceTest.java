package org.creativebridge.bridge.contract;

import static org.creativebridge.bridge.contract.OpenApiContractTest.BLOB;
import static org.creativebridge.bridge.contract.OpenApiContractTest.OTHER_BLOB;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.creativebridge.protocol.BlobInfo;
import org.creativebridge.protocol.Capabilities;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.Health;
import org.creativebridge.protocol.JobEvent;
import org.creativebridge.protocol.JobRequest;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.Priority;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.Protocol;
import org.creativebridge.protocol.Recipe;
import org.creativebridge.protocol.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Java message record, serialised with {@link ProtocolJson#mapper()}, is valid against its
 * component schema in openapi.yaml. (It lives here rather than in protocols because only
 * bridge-core has the JSON Schema validator on its test classpath.)
 */
class RecordSchemaConformanceTest {

  private final OpenApiContract contract = OpenApiContract.load();

  static Stream<Arguments> records() {
    Capabilities.Engine builtin = new Capabilities.Engine("builtin.patchmatch", "builtin", "PatchMatch on the CPU.", null, "cpu", true);
    Capabilities.Engine model = new Capabilities.Engine("lama", "model", "LaMa.", "a".repeat(64), "cuda", false);
    TaskSpec inpaint = TaskSpec.IMAGE_INPAINT;
    Capabilities capabilities =
        new Capabilities(
            Protocol.VERSION, "0.1.0-SNAPSHOT",
            List.of(new Capabilities.Task(inpaint.name(), inpaint.description(), inpaint.inputs(), inpaint.outputs(), inpaint.paramsSchema(), List.of(builtin, model))));
    Recipe modelRecipe =
        new Recipe(
            "image.inpaint", new Recipe.EngineRef("lama", "model", "b".repeat(64), "2"), ProtocolJson.mapper().createObjectNode().put("seed", 1),
            Map.of("image", BLOB, "mask", OTHER_BLOB), Map.of("image", "image/png", "mask", "image/png"),
            OutputFormat.RAW, "0.1.0-SNAPSHOT");
    return Stream.of(
        Arguments.of("Health", new Health("ok", "0.1.0-SNAPSHOT", Protocol.VERSION)),
        Arguments.of("Capabilities", capabilities),
        Arguments.of("BlobInfo", new BlobInfo(BLOB, 0, "application/octet-stream")),
        Arguments.of("Job", OpenApiContractTest.queuedJob()),
        Arguments.of("Job", OpenApiContractTest.succeededJob()),
        Arguments.of("Job", OpenApiContractTest.failedJob()),
        Arguments.of("JobList", Map.of("jobs", List.of(OpenApiContractTest.succeededJob(), OpenApiContractTest.queuedJob()))),
        Arguments.of("Recipe", OpenApiContractTest.recipe()),
        Arguments.of("Recipe", modelRecipe),
        Arguments.of("Error", ErrorResponse.of(ErrorCode.INVALID_PARAM, "patch_size must be odd", Map.of("param", "patch_size"))),
        Arguments.of("Error", ErrorResponse.of(ErrorCode.INTERNAL, "oops", null)),
        Arguments.of("JobRequest", new JobRequest(null, "image.inpaint", Map.of("image", BLOB, "mask", OTHER_BLOB), null, null, null, null)),
        Arguments.of("JobRequest", new JobRequest("j-1", "image.inpaint", Map.of("image", BLOB), null, null, null, null).normalized()),
        Arguments.of("JobRequest", new JobRequest("j.2", "image.inpaint", Map.of(), null, "builtin.patchmatch", Priority.BATCH, OutputFormat.RAW)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("records")
  void recordValidatesAgainstItsComponentSchema(String schema, Object record) {
    contract.assertConformsToSchema(schema, record);
  }

  static Stream<Arguments> events() {
    return Stream.of(
        Arguments.of(JobEvent.simple(JobEvent.QUEUED, "job-1")),
        Arguments.of(JobEvent.simple(JobEvent.STARTED, "job-1")),
        Arguments.of(JobEvent.stage("job-1", "fill")),
        Arguments.of(JobEvent.progress("job-1", 0.5)),
        Arguments.of(new JobEvent(JobEvent.PREVIEW, "job-1", null, null, BLOB, null, null, null)),
        Arguments.of(JobEvent.done("job-1", Map.of("image", BLOB), OpenApiContractTest.recipe())),
        Arguments.of(JobEvent.failed("job-1", ErrorResponse.of(ErrorCode.OUT_OF_MEMORY, "no memory", null).error())),
        Arguments.of(JobEvent.simple(JobEvent.CANCELLED, "job-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void eventValidatesAgainstJobEvent(JobEvent event) {
    contract.assertConformsToSchema("JobEvent", event);
  }

  @Test
  void theTaskParamsSchemaIsAnObjectAsCapabilitiesDocuments() {
    contract.assertConformsToSchema(
        "Task",
        new Capabilities.Task("image.inpaint", "d", TaskSpec.IMAGE_INPAINT.inputs(), List.of("image"), TaskSpec.IMAGE_INPAINT.paramsSchema(), List.of()));
  }

  @Test
  void aRecordWithAWrongValueIsCaught() {
    // The record types allow what the wire does not: the schema is the stricter side.
    assertThrows(AssertionError.class, () -> contract.assertConformsToSchema("BlobInfo", new BlobInfo("md5:abc", -1, "")));
    assertThrows(AssertionError.class, () -> contract.assertConformsToSchema("Health", new Health("ok", "v", 2)));
    assertThrows(AssertionError.class, () -> contract.assertConformsToSchema(
        "Engine", new Capabilities.Engine("e", "plugin", "d", null, "cpu", true)));
    assertThrows(AssertionError.class, () -> contract.assertConformsToSchema("NoSuchSchema", "{}"));
  }
}
