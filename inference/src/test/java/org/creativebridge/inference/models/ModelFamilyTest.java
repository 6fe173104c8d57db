package org.creativebridge.inference.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelContract.Signature;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelFamilyTest {

  @TempDir static Path dir;
  static OnnxRuntime runtime;

  @BeforeAll
  static void generate() throws Exception {
    FamilyModels.generate(dir, dir.resolve("secret.bin"));
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 0));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  static Signature signature(Path model) throws Exception {
    return runtime.describe(ModelFile.open(model));
  }

  @ParameterizedTest
  @CsvSource({
    "lama.onnx, lama, image.inpaint",
    "migan.onnx, migan, image.inpaint",
    "piper.onnx, piper, audio.tts",
    "piper_multi.onnx, piper, audio.tts",
    "kokoro.onnx, kokoro, audio.tts",
    "rvc.onnx, rvc, audio.voice_convert",
    "contentvec.onnx, contentvec, ",
    "rmvpe.onnx, rmvpe, "
  })
  void detectsEachFamilyFromItsSignatureAlone(String file, String family, String task) throws Exception {
    ModelFamily.Detection detection = ModelFamily.detect(signature(dir.resolve(file)));
    assertEquals(List.of(ModelFamily.byId(family).orElseThrow()), detection.families(), detection.message());
    assertEquals(task, detection.families().get(0).task());
    assertNull(detection.lookalike());
  }

  @Test
  void detectsTheSdInpaintingFolderFromItsFourComponents() throws Exception {
    Map<String, Signature> signatures = new java.util.LinkedHashMap<>();
    for (String part : List.of("text_encoder", "unet", "vae_encoder", "vae_decoder")) {
      signatures.put(part + "/model.onnx", signature(dir.resolve("sd15").resolve(part).resolve("model.onnx")));
    }
    assertEquals(List.of(ModelFamily.SD15_INPAINT), ModelFamily.detectFolder(signatures).families());

    signatures.remove("vae_encoder/model.onnx");
    ModelFamily.Detection partial = ModelFamily.detectFolder(signatures);
    assertFalse(partial.found());
    assertEquals(
        List.of("missing vae_encoder/model.onnx"),
        ModelFamily.SD15_INPAINT.folderMismatches(signatures));
  }

  @Test
  void aFileThatFitsNoFamilySaysWhatItLooksLike() throws Exception {
    ModelFamily.Detection detection = ModelFamily.detect(signature(dir.resolve("unknown_image.onnx")));
    assertFalse(detection.found());
    assertEquals(
        "looks like an image model with inputs image uint8 [1,3,-1,-1], mask uint8 [1,1,-1,-1];"
            + " outputs output uint8 [1,3,-1,-1]; no supported family has that signature",
        detection.message());
  }

  @Test
  void aWrongFamilyNamedExplicitlyListsTheMismatches() throws Exception {
    Signature migan = signature(dir.resolve("migan.onnx"));
    List<String> mismatches = ModelFamily.LAMA.mismatches(migan);
    assertTrue(
        mismatches.contains("input 'image': expected float32 [1,3,512,512], model has uint8 [1,3,-1,-1]"),
        mismatches.toString());
    assertTrue(mismatches.contains("missing output 'output'"), mismatches.toString());
    assertTrue(ModelFamily.MIGAN.mismatches(migan).isEmpty());
  }

  @Test
  void piperSpeakerIdIsOptionalAndTheFitSaysWhetherToFeedIt() throws Exception {
    ModelContract contract = ModelFamily.PIPER.contract();
    try (var lease = runtime.sessions().lease(ModelFile.open(dir.resolve("piper_multi.onnx")), contract)) {
      assertTrue(lease.fit().hasInput("sid"));
    }
    try (var lease = runtime.sessions().lease(ModelFile.open(dir.resolve("piper.onnx")), contract)) {
      assertFalse(lease.fit().hasInput("sid"));
    }
  }

  @Test
  void positionalHelpersBindTheModelsOwnTensorNames() throws Exception {
    Signature rmvpe = signature(dir.resolve("rmvpe.onnx"));
    ModelContract bound = ModelFamily.RMVPE.components().get(0).contractFor(rmvpe).orElseThrow();
    assertEquals("mel", bound.inputs().get(0).name());
    // A different export naming its tensors "input"/"output" binds to those names instead.
    Signature renamed =
        new Signature(
            Map.of("input", rmvpe.inputs().get("mel")), Map.of("output", rmvpe.outputs().get("hidden")));
    ModelContract rebound = ModelFamily.RMVPE.components().get(0).contractFor(renamed).orElseThrow();
    assertEquals("input", rebound.inputs().get(0).name());
    assertEquals("output", rebound.outputs().get(0).name());
  }

  @Test
  void theSharedPiperTestVoiceIsDetectedAsPiper() throws Exception {
    Path voice = Path.of(System.getProperty("bridge.projectRoot", ".."), "..", "shared", "fixtures", "piper", "test_voice.onnx");
    if (!Files.isRegularFile(voice)) {
      voice = Path.of("/work/shared/fixtures/piper/test_voice.onnx");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(voice), "no shared Piper fixture");
    assertEquals(List.of(ModelFamily.PIPER), ModelFamily.detect(signature(voice)).families());
  }

}
