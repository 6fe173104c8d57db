package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SD 2 depth engine on the 5-channel look-alike, checked against {@link DepthDiffusionReference}. */
class Sd2DepthTextureEngineTest {
  @TempDir static Path dir;
  private static OnnxRuntime runtime;

  @BeforeAll
  static void models() throws Exception {
    ControlNetTestModels.generate(dir);
    runtime = ControlNetTestModels.cpuRuntime();
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private static Sd2DepthTextureEngine engine(String folder) throws EngineException {
    return new Sd2DepthTextureEngine(ControlNetTestModels.setup(runtime, dir, folder));
  }

  @Test
  void depthChannelAndWideTextMatchTheIndependentRecomputation() throws Exception {
    Map<String, Object> params = ControlNetTextureEngineTest.params();
    RgbaImage image = ControlNetTextureEngineTest.run(engine(ControlNetTestModels.SD2), params, JobContext.detached());
    ControlNetTextureEngineTest.assertClose(
        ControlNetTextureEngineTest.reference(DepthDiffusionReference.Model.SD2, params, false), image.samples());
    assertTrue(ControlNetTextureEngineTest.distinct(image.samples()) > 4, "the depth must show");
  }

  @Test
  void textToImageUnetIsRefusedWithAPreciseMessage() throws Exception {
    Sd2DepthTextureEngine engine = engine(ControlNetTestModels.SD2_4CH);
    EngineException e =
        assertThrows(
            EngineException.class,
            () -> ControlNetTextureEngineTest.run(engine, ControlNetTextureEngineTest.params(), JobContext.detached()));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertEquals(
        "the UNet of model sd2-4ch takes 4 input channels, so it is not a depth UNet: Stable Diffusion 2"
            + " depth needs 5 (latents 4 + depth 1); this looks like a text-to-image model",
        e.getMessage());
  }

  @Test
  void sameSeedGivesTheSameImageAndAnotherSeedAnother() throws Exception {
    Map<String, Object> params = ControlNetTextureEngineTest.params();
    params.put("scheduler", "euler_a");
    Sd2DepthTextureEngine engine = engine(ControlNetTestModels.SD2);
    RgbaImage first = ControlNetTextureEngineTest.run(engine, params, JobContext.detached());
    assertArrayEquals(first.samples(), ControlNetTextureEngineTest.run(engine, params, JobContext.detached()).samples());
    params.put("seed", 7L);
    assertFalse(first.contentEquals(ControlNetTextureEngineTest.run(engine, params, JobContext.detached())));
  }

  @Test
  void latentDepthIsBlockMeanStretchedToMinusOneToOne() {
    int[] size = {16, 8};
    float[] depth = new float[16 * 8];
    for (int y = 0; y < 8; y++) {
      for (int x = 8; x < 16; x++) {
        depth[y * 16 + x] = 0.25f;
      }
    }
    NchwTensor latent = Sd2DepthModels.latentDepth(depth, size);
    assertArrayEquals(new float[] {-1f, 1f}, latent.values());
    assertArrayEquals(new float[] {0f, 0f}, Sd2DepthModels.latentDepth(new float[16 * 8], size).values());
  }

  @Test
  void seamlessSd2RunTilesWithoutFailing() throws Exception {
    Map<String, Object> params = ControlNetTextureEngineTest.params();
    params.put("seamless", "both");
    RgbaImage image = ControlNetTextureEngineTest.run(engine(ControlNetTestModels.SD2), params, JobContext.detached());
    assertEquals(ControlNetTextureEngineTest.WIDTH, image.width());
  }
}
