package org.creativebridge.inference.image.inpaint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.Scheduler;
import org.creativebridge.inference.diffusion.Schedulers;
import org.creativebridge.inference.diffusion.SdTestModels;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The denoising loop on the arithmetic UNet against {@link Sd15Reference}. */
class Sd15DenoiserTest {
  @TempDir static Path dir;
  private static OnnxRuntime runtime;

  private static final int SIDE = 4;
  private static final int PLANE = SIDE * SIDE;
  /** The uncond and cond "embeddings": every value one id, so each prompt's offset is known. */
  private static final float UNCOND_ID = 49400f;

  private static final float COND_ID = 49500f;

  @BeforeAll
  static void models() throws Exception {
    SdTestModels.generate(dir);
    runtime = SdTestModels.cpuRuntime();
  }

  @AfterAll
  static void close() {
    if (runtime != null) {
      runtime.sessions().close();
    }
  }

  private static Unet open(String folder) throws Exception {
    return Unet.open(runtime.sessions(), SdTestModels.component(dir, folder, "unet"));
  }

  private static float[] pattern(int count, double step, double offset) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (Math.sin(i * step) * 0.5 + offset);
    }
    return values;
  }

  private static float[] mask() {
    float[] mask = new float[PLANE];
    for (int i = 0; i < PLANE; i++) {
      mask[i] = (i % SIDE) >= 2 ? 1f : 0f;
    }
    return mask;
  }

  private static Sd15Denoiser.Inputs inputs(boolean guided, float[] imageLatents) {
    NchwTensor.Shape latentShape = new NchwTensor.Shape(1, 4, SIDE, SIDE);
    float[] text = new float[(guided ? 2 : 1) * TextEncoder.EMBEDDING_SIZE];
    if (guided) {
      Arrays.fill(text, 0, TextEncoder.EMBEDDING_SIZE, UNCOND_ID);
      Arrays.fill(text, TextEncoder.EMBEDDING_SIZE, text.length, COND_ID);
    } else {
      Arrays.fill(text, COND_ID);
    }
    return new Sd15Denoiser.Inputs(
        text,
        new NchwTensor(latentShape.withChannels(1), mask()),
        new NchwTensor(latentShape, pattern(4 * PLANE, 0.7, 0.1)),
        imageLatents == null ? null : new NchwTensor(latentShape, imageLatents));
  }

  private static Sd15Reference.LatentInputs referenceInputs(Sd15Denoiser.Inputs inputs) {
    return new Sd15Reference.LatentInputs(
        inputs.mask().values(),
        inputs.maskedImageLatents().values(),
        inputs.imageLatents() == null ? null : inputs.imageLatents().values());
  }

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int k = 0; k < expected.length; k++) {
      double tolerance = 2e-5 * Math.max(1, Math.abs(expected[k]));
      assertEquals(expected[k], actual[k], tolerance, "latent " + k);
    }
  }

  @ParameterizedTest(name = "{0} on the {1} UNet")
  @CsvSource({
    "euler_a, sd15, true",
    "euler_a, sd15-float-timestep, false",
    "ddim, sd15, true",
    "dpmpp_2m, sd15-float-timestep, false",
    "lcm, sd15, true",
  })
  void guidedRunMatchesTheReferenceWithUncondFirst(String scheduler, String folder, boolean truncate)
      throws Exception {
    Sd15Denoiser.Inputs inputs = inputs(true, null);
    Sd15Denoiser.Result result;
    try (Unet unet = open(folder)) {
      Sd15Denoiser.Plan plan = new Sd15Denoiser.Plan(Schedulers.create(scheduler, 6), 7L, 1.0, 7.5);
      result = new Sd15Denoiser(unet, plan, report -> {}).run(inputs, JobContext.detached());
    }
    Sd15Reference.Denoised expected =
        Sd15Reference.denoise(
            referenceInputs(inputs),
            new Sd15Reference.Sampling(Schedulers.create(scheduler, 6), 7L, 1.0, truncate),
            new Sd15Reference.Guidance(UNCOND_ID - 49407, COND_ID - 49407, 7.5));
    assertEquals(0, result.firstStep());
    assertEquals(6, result.stepsRun());
    assertClose(expected.latents(), result.latents().values());

    // The same run with the halves swapped is far from it: the order is observable.
    Sd15Reference.Denoised swapped =
        Sd15Reference.denoise(
            referenceInputs(inputs),
            new Sd15Reference.Sampling(Schedulers.create(scheduler, 6), 7L, 1.0, truncate),
            new Sd15Reference.Guidance(COND_ID - 49407, UNCOND_ID - 49407, 7.5));
    assertNotEquals(swapped.latents()[0], result.latents().values()[0], 1e-3);
  }

  @Test
  void guidanceOfOneRunsTheConditionalHalfAlone() throws Exception {
    Sd15Denoiser.Inputs inputs = inputs(false, null);
    Sd15Denoiser.Result result;
    try (Unet unet = open(SdTestModels.MAIN)) {
      Sd15Denoiser.Plan plan = new Sd15Denoiser.Plan(Schedulers.create("ddim", 5), 3L, 1.0, 1.0);
      result = new Sd15Denoiser(unet, plan, report -> {}).run(inputs, JobContext.detached());
    }
    Sd15Reference.Denoised expected =
        Sd15Reference.denoise(
            referenceInputs(inputs),
            new Sd15Reference.Sampling(Schedulers.create("ddim", 5), 3L, 1.0, true),
            new Sd15Reference.Guidance(Double.NaN, COND_ID - 49407, 1.0));
    assertClose(expected.latents(), result.latents().values());
  }

  @ParameterizedTest(name = "strength {0} of 10 steps starts at step {1}")
  @CsvSource({"0.5, 5", "0.3, 7", "0.99, 1", "0.05, 9"})
  void strengthBelowOneStartsPartWayFromTheNoisedImage(double strength, int firstStep)
      throws Exception {
    float[] imageLatents = pattern(4 * PLANE, 0.3, -0.2);
    Sd15Denoiser.Inputs inputs = inputs(true, imageLatents);
    List<Integer> stepIndices = new ArrayList<>();
    Sd15Denoiser.Result result;
    try (Unet unet = open(SdTestModels.MAIN)) {
      Scheduler scheduler = Schedulers.create("euler_a", 10);
      Sd15Denoiser.Plan plan = new Sd15Denoiser.Plan(scheduler, 11L, strength, 5.0);
      result =
          new Sd15Denoiser(unet, plan, report -> stepIndices.add(report.stepIndex()))
              .run(inputs, JobContext.detached());
    }
    assertEquals(firstStep, result.firstStep());
    assertEquals(10 - firstStep, result.stepsRun());
    assertEquals(firstStep, stepIndices.get(0));
    assertEquals(10 - firstStep, stepIndices.size());
    Sd15Reference.Denoised expected =
        Sd15Reference.denoise(
            referenceInputs(inputs),
            new Sd15Reference.Sampling(Schedulers.create("euler_a", 10), 11L, strength, true),
            new Sd15Reference.Guidance(UNCOND_ID - 49407, COND_ID - 49407, 5.0));
    assertEquals(firstStep, expected.firstStep());
    assertClose(expected.latents(), result.latents().values());
  }

  @Test
  void strengthZeroStillRunsTheLastStep() throws Exception {
    Sd15Denoiser.Inputs inputs = inputs(true, pattern(4 * PLANE, 0.3, -0.2));
    try (Unet unet = open(SdTestModels.MAIN)) {
      Sd15Denoiser.Plan plan = new Sd15Denoiser.Plan(Schedulers.create("ddim", 10), 1L, 0.0, 7.5);
      Sd15Denoiser.Result result =
          new Sd15Denoiser(unet, plan, report -> {}).run(inputs, JobContext.detached());
      assertEquals(9, result.firstStep());
      assertEquals(1, result.stepsRun());
    }
  }
}
