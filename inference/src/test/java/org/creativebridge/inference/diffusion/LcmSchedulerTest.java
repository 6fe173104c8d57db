package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LcmSchedulerTest {
  @Test
  void fourStepsAreDiffusersLcmTimesteps() {
    // LCMScheduler.set_timesteps(4) with original_inference_steps 50: [999, 759, 499, 259].
    assertArrayEquals(new long[] {999, 759, 499, 259}, new LcmScheduler(NoiseSchedule.SD15, 4).timestepsInt64());
  }

  @Test
  void otherStepCountsPickEvenlySpacedDistillationSteps() {
    // floor(linspace(0, 50, n, endpoint=False)) into 999, 979, ..., 19.
    assertArrayEquals(new long[] {999, 879, 759, 639, 499, 379, 259, 139},
        new LcmScheduler(NoiseSchedule.SD15, 8).timestepsInt64());
    assertArrayEquals(new long[] {999, 499}, new LcmScheduler(NoiseSchedule.SD15, 2).timestepsInt64());
    assertArrayEquals(new long[] {999}, new LcmScheduler(NoiseSchedule.SD15, 1).timestepsInt64());
  }

  @Test
  void moreStepsThanTheDistillationScheduleAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LcmScheduler(NoiseSchedule.SD15, 51));
  }

  @Test
  void boundaryScalingsUseTimestepScalingTen() {
    // u = 10 t, sigma_data = 0.5: c_skip = 0.25 / (u^2 + 0.25), c_out = u / sqrt(u^2 + 0.25).
    assertEquals(0.25 / (9990.0 * 9990.0 + 0.25), LcmScheduler.cSkip(999), 1e-18);
    assertEquals(9990.0 / Math.sqrt(9990.0 * 9990.0 + 0.25), LcmScheduler.cOut(999), 1e-15);
    assertEquals(1.0, LcmScheduler.cSkip(0), 0);
    assertEquals(0.0, LcmScheduler.cOut(0), 0);
  }

  @Test
  void oneStepDenoisesThenReinjectsNoiseAtTheNextTimestep() {
    LcmScheduler lcm = new LcmScheduler(NoiseSchedule.SD15, 4);
    double x = 1.5;
    double eps = 0.6;
    double a = Sd15.alphaBar(999);
    double aNext = Sd15.alphaBar(759);
    double u = 9990;
    double cSkip = 0.25 / (u * u + 0.25);
    double cOut = u / Math.sqrt(u * u + 0.25);
    double x0 = (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
    double denoised = cOut * x0 + cSkip * x;
    double z = new LatentNoise(77).nextGaussian();
    double expected = Math.sqrt(aNext) * denoised + Math.sqrt(1 - aNext) * z;
    float[] out = lcm.step(new StepInput(Sd15.constant(1, eps), 0, Sd15.constant(1, x), new LatentNoise(77)));
    Sd15.assertAll(expected, out);
  }

  @Test
  void lastStepReturnsTheDenoisedSampleWithoutNoise() {
    LcmScheduler lcm = new LcmScheduler(NoiseSchedule.SD15, 4);
    double x = 0.3;
    double eps = -0.2;
    double a = Sd15.alphaBar(259);
    double u = 2590;
    double denoised = u / Math.sqrt(u * u + 0.25) * (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a)
        + 0.25 / (u * u + 0.25) * x;
    // No noise source needed: the last step draws nothing.
    Sd15.assertAll(denoised, lcm.step(new StepInput(Sd15.constant(5, eps), 3, Sd15.constant(5, x))));
  }

  @Test
  void aPerfectDenoiserEndsOnTheCleanLatents() {
    LcmScheduler lcm = new LcmScheduler(NoiseSchedule.SD15, 4);
    LatentNoise noise = new LatentNoise(4);
    double clean = 0.9;
    float[] x = noise.next(16);
    for (int i = 0; i < lcm.steps(); i++) {
      x = lcm.step(new StepInput(DdimSchedulerTest.oracle(x, clean, (int) lcm.timesteps()[i]), i, x, noise));
    }
    for (float v : x) {
      assertEquals(clean, v, 1e-5); // c_skip at t = 259 is 4e-8
    }
  }

  @Test
  void addNoiseAndInputsAreThoseOfDdpm() {
    LcmScheduler lcm = new LcmScheduler(NoiseSchedule.SD15, 4);
    double a = Sd15.alphaBar(499);
    Sd15.assertAll(Math.sqrt(a) * -0.5 + Math.sqrt(1 - a) * 2.0,
        lcm.addNoise(Sd15.constant(2, -0.5), Sd15.constant(2, 2.0), 2));
    assertEquals(1f, lcm.initNoiseSigma());
    assertArrayEquals(new float[] {1, 2}, lcm.scaleModelInput(new float[] {1, 2}, 0));
  }
}
