package org.creativebridge.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.runtime.ModelContract.TensorType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelContractTest {

  @TempDir static Path dir;
  private static OrtSession affine; // x float32 [1,3,h,w] -> y float32 [1,3,h,w]
  private static OrtSession affineFixed; // x float32 [1,3,8,8] -> y float32 [1,3,8,8]
  private static OrtSession maskU8; // mask uint8 [1,1,h,w] -> result uint8 [1,1,h,w]

  @BeforeAll
  static void load() throws Exception {
    TestModels.generate(dir);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    affine = env.createSession(dir.resolve("affine_2.onnx").toString());
    affineFixed = env.createSession(dir.resolve("affine_fixed.onnx").toString());
    maskU8 = env.createSession(dir.resolve("mask_u8.onnx").toString());
  }

  @AfterAll
  static void close() throws Exception {
    for (OrtSession session : new OrtSession[] {affine, affineFixed, maskU8}) {
      if (session != null) {
        session.close();
      }
    }
  }

  @Test
  void acceptsAFittingModelAndReportsItsTypes() throws Exception {
    ModelContract contract =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, -1, -1)
            .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
            .build();
    ModelContract.Fit fit = contract.check(affine);
    assertEquals(TensorType.of(ElementType.FLOAT32, 1, 3, -1, -1), fit.input("x"));
    assertEquals(TensorType.of(ElementType.FLOAT32, 1, 3, -1, -1), fit.output("y"));
  }

  @Test
  void refusesAWrongElementTypeNamingBothSides() {
    ModelContract contract =
        ModelContract.builder("inpaint")
            .input("mask", ElementType.FLOAT32, 1, 1, 512, 512)
            .output("result", ElementType.UINT8, 1, 1, -1, -1)
            .build();
    EngineException e = assertThrows(EngineException.class, () -> contract.check(maskU8));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertEquals(
        "model does not fit the inpaint contract: "
            + "input 'mask': expected float32 [1,1,512,512], model has uint8 [1,1,-1,-1]",
        e.getMessage());
    assertEquals(
        List.of("input 'mask': expected float32 [1,1,512,512], model has uint8 [1,1,-1,-1]"),
        e.details().get("mismatches"));
  }

  @Test
  void refusesAMissingOutput() {
    ModelContract contract =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, -1, -1)
            .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
            .output("result", ElementType.FLOAT32, 1, 3, -1, -1)
            .build();
    EngineException e = assertThrows(EngineException.class, () -> contract.check(affine));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertEquals("model does not fit the affine contract: missing output 'result'", e.getMessage());
  }

  @Test
  void refusesAnUnexpectedInput() {
    ModelContract contract =
        ModelContract.builder("generator").output("y", ElementType.FLOAT32, 1, 3, -1, -1).build();
    EngineException e = assertThrows(EngineException.class, () -> contract.check(affine));
    assertEquals("model does not fit the generator contract: unexpected input 'x'", e.getMessage());
  }

  @Test
  void refusesAModelFixedToOneSizeWhereTheEngineFeedsAnySize() {
    ModelContract contract =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, -1, -1)
            .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
            .build();
    EngineException e = assertThrows(EngineException.class, () -> contract.check(affineFixed));
    assertEquals(
        "model does not fit the affine contract: "
            + "input 'x': expected float32 [1,3,-1,-1], model has float32 [1,3,8,8]",
        e.getMessage());
  }

  @Test
  void acceptsADynamicModelForAFixedContractAndAnyOutputSize() throws Exception {
    ModelContract fixedInput =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, 512, 512)
            .output("y", ElementType.FLOAT32, 1, 3, 512, 512)
            .build();
    assertEquals(TensorType.of(ElementType.FLOAT32, 1, 3, -1, -1), fixedInput.check(affine).input("x"));

    ModelContract anyOutput =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, 8, 8)
            .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
            .build();
    assertEquals(TensorType.of(ElementType.FLOAT32, 1, 3, 8, 8), anyOutput.check(affineFixed).output("y"));
  }

  @Test
  void refusesADifferentRankOrFixedDim() {
    ModelContract rank =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, -1)
            .output("y", ElementType.FLOAT32, 1, 3, -1, -1)
            .build();
    EngineException e = assertThrows(EngineException.class, () -> rank.check(affine));
    assertEquals(
        "model does not fit the affine contract: "
            + "input 'x': expected float32 [1,3,-1], model has float32 [1,3,-1,-1]",
        e.getMessage());

    ModelContract channels =
        ModelContract.builder("affine")
            .input("x", ElementType.FLOAT32, 1, 3, 8, 8)
            .output("y", ElementType.FLOAT32, 1, 4, 8, 8)
            .build();
    e = assertThrows(EngineException.class, () -> channels.check(affineFixed));
    assertEquals(
        "model does not fit the affine contract: "
            + "output 'y': expected float32 [1,4,8,8], model has float32 [1,3,8,8]",
        e.getMessage());
  }

  @Test
  void acceptsAnyListedAlternativeAndTellsWhichOne() throws Exception {
    ModelContract contract =
        ModelContract.builder("mask")
            .input(
                "mask",
                TensorType.of(ElementType.FLOAT32, 1, 1, -1, -1),
                TensorType.of(ElementType.UINT8, 1, 1, -1, -1))
            .output("result", ElementType.UINT8, 1, 1, -1, -1)
            .build();
    assertEquals(ElementType.UINT8, contract.check(maskU8).input("mask").type());
  }

  @Test
  void namesEveryAlternativeWhenNoneFits() {
    ModelContract contract =
        ModelContract.builder("mask")
            .input(
                "mask",
                TensorType.of(ElementType.FLOAT32, 1, 1, -1, -1),
                TensorType.of(ElementType.FLOAT16, 1, 1, -1, -1))
            .output("result", ElementType.UINT8, 1, 1, -1, -1)
            .build();
    EngineException e = assertThrows(EngineException.class, () -> contract.check(maskU8));
    assertEquals(
        "model does not fit the mask contract: input 'mask': expected float32 [1,1,-1,-1] or "
            + "float16 [1,1,-1,-1], model has uint8 [1,1,-1,-1]",
        e.getMessage());
  }

  @Test
  void listsEveryMismatchInputsFirst() {
    ModelContract contract =
        ModelContract.builder("sd-unet")
            .input("sample", ElementType.FLOAT32, 1, 4, -1, -1)
            .input("timestep", TensorType.of(ElementType.INT64, 1), TensorType.of(ElementType.FLOAT32, 1))
            .output("out_sample", ElementType.FLOAT32, 1, 4, -1, -1)
            .build();
    Map<String, TensorType> modelInputs = new java.util.LinkedHashMap<>();
    modelInputs.put("sample", TensorType.of(ElementType.FLOAT16, 1, 4, -1, -1));
    modelInputs.put("timestep", TensorType.of(ElementType.FLOAT32, 1));
    modelInputs.put("foo", TensorType.of(ElementType.INT64));
    Map<String, TensorType> modelOutputs = Map.of("latent", TensorType.of(ElementType.FLOAT32, 1, 4, -1, -1));
    assertEquals(
        List.of(
            "input 'sample': expected float32 [1,4,-1,-1], model has float16 [1,4,-1,-1]",
            "unexpected input 'foo'",
            "missing output 'out_sample'",
            "unexpected output 'latent'"),
        contract.mismatches(modelInputs, modelOutputs));
  }

  @Test
  void refusesMalformedContracts() {
    IllegalArgumentException duplicate =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelContract.builder("x")
                    .input("a", ElementType.FLOAT32, 1)
                    .input("a", ElementType.INT64, 1)
                    .build());
    assertEquals("duplicate input 'a'", duplicate.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TensorType.of(ElementType.FLOAT32, 1, -2));
  }
}
