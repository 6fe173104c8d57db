package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class DdimSchedulerTest {
  @Test
  void fiftyStepsAreLeadingWithOffsetOne() {
    // DDIMScheduler.set_timesteps, leading: arange(0, 50) * (1000 // 50), reversed, + steps_offset 1.
    long[] expected = new long[50];
    for (int i = 0; i < 50; i++) {
      expected[i] = 981 - 20L * i;
    }
    DdimScheduler ddim = new DdimScheduler(NoiseSchedule.SD15, 50);
    assertArrayEquals(expected, ddim.timestepsInt64());
    assertEquals(981, ddim.timesteps()[0]);
    assertEquals(1, ddim.timesteps()[49]);
  }

  @Test
  void twentyStepsRunFrom951To1() {
    long[] expected = {951, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251, 201, 151,
        101, 51, 1};
    assertArrayEquals(expected, new DdimScheduler(NoiseSchedule.SD15, 20).timestepsInt64());
  }

  @Test
  void oneStepOnConstantsFollowsTheClosedForm() {
    DdimScheduler ddim = new DdimScheduler(NoiseSchedule.SD15, 50);
    double x = 0.7;
    double eps = -0.3;
    // t = 981 -> 961: x0 = (x - sqrt(1-a) eps) / sqrt(a); x' = sqrt(a') x0 + sqrt(1-a') eps.
    double a = Sd15.alphaBar(981);
    double ap = Sd15.alphaBar(961);
    double x0 = (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
    double expected = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * eps;
    float[] out = ddim.step(new StepInput(Sd15.constant(64, eps), 0, Sd15.constant(64, x)));
    Sd15.assertAll(expected, out);
  }

  @Test
  void lastStepUsesAlphaBarZeroNotOne() {
    // set_alpha_to_one = false: below t = 0 the "previous" alpha is alphas_cumprod[0] = 0.99915.
    DdimScheduler ddim = new DdimScheduler(NoiseSchedule.SD15, 50);
    double x = 0.2;
    double eps = 0.5;
    double a = Sd15.alphaBar(1);
    double x0 = (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
    double expected = Math.sqrt(0.99915) * x0 + Math.sqrt(1 - 0.99915) * eps;
    Sd15.assertAll(expected, ddim.step(new StepInput(Sd15.constant(8, eps), 49, Sd15.constant(8, x))));
  }

  @Test
  void etaAddsNoiseOfTheDdimVariance() {
    DdimScheduler ddim = new DdimScheduler(NoiseSchedule.SD15, 50, 1, 1.0);
    double a = Sd15.alphaBar(981);
    double ap = Sd15.alphaBar(961);
    double std = Math.sqrt((1 - ap) / (1 - a) * (1 - a / ap));
    double x = 0.7;
    double eps = -0.3;
    double x0 = (x - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
    double z = new LatentNoise(5).nextGaussian();
    double expected = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap - std * std) * eps + std * z;
    float[] out = ddim.step(new StepInput(Sd15.constant(1, eps), 0, Sd15.constant(1, x), new LatentNoise(5)));
    Sd15.assertAll(expected, out);
  }

  @Test
  void addNoiseMixesSignalAndNoiseByAlphaBar() {
    DdimScheduler ddim = new DdimScheduler(NoiseSchedule.SD15, 20);
    double a = Sd15.alphaBar(501); // step 9 of 20
    float[] out = ddim.addNoise(Sd15.constant(4, 0.8), Sd15.constant(4, -1.2), 9);
    Sd15.assertAll(Math.sqrt(a) * 0.8 + Math.sqrt(1 - a) * -1.2, out);
  }

  @Test
  void modelInputIsAnUnscaledCopy() {
    DdimScheduler ddim = new DdimScheduler(NoiseSchedule.SD15, 20);
    float[] x = {1, 2, 3};
    float[] in = ddim.scaleModelInput(x, 0);
    assertArrayEquals(x, in);
    in[0] = 9;
    assertNotEquals(9f, x[0]);
    assertEquals(1f, ddim.initNoiseSigma());
  }

  @Test
  void aPerfectDenoiserEndsAtTheCleanLatentsBarAlphaBarZero() {
    DdimScheduler ddim = new DdimScheduler(NoiseSchedule.SD15, 20);
    double clean = 0.4;
    float[] x = new LatentNoise(1).next(16);
    for (int i = 0; i < ddim.steps(); i++) {
      x = ddim.step(new StepInput(oracle(x, clean, (int) ddim.timesteps()[i]), i, x));
    }
    // The last step lands at alphas_cumprod[0], so what is left is sqrt(1 - 0.99915) of noise at most.
    for (float v : x) {
      assertEquals(clean, v, 0.15);
    }
  }

  /** The epsilon that makes x0 prediction exact: x = sqrt(a) x0 + sqrt(1-a) eps. */
  static float[] oracle(float[] x, double clean, int t) {
    double a = Sd15.alphaBar(t);
    float[] eps = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      eps[i] = (float) ((x[i] - Math.sqrt(a) * clean) / Math.sqrt(1 - a));
    }
    return eps;
  }
}
