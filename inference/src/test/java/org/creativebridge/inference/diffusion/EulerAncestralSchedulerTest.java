package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EulerAncestralSchedulerTest {
  private static double sigmaAt(double t) {
    int lo = (int) Math.floor(t);
    double sLo = Math.sqrt((1 - Sd15.alphaBar(lo)) / Sd15.alphaBar(lo));
    if (lo == t) {
      return sLo;
    }
    double sHi = Math.sqrt((1 - Sd15.alphaBar(lo + 1)) / Sd15.alphaBar(lo + 1));
    return sLo + (sHi - sLo) * (t - lo);
  }

  @Test
  void twentyStepsAreLinspaceInFloat32() {
    // np.linspace(0, 999, 20, dtype=np.float32)[::-1], as EulerAncestralDiscreteScheduler with
    // its default timestep_spacing "linspace" sets them (values printed by numpy).
    float[] expected = {999.0f, 946.4211f, 893.8421f, 841.2632f, 788.6842f, 736.1053f, 683.5263f, 630.9474f,
        578.3684f, 525.7895f, 473.21054f, 420.6316f, 368.05264f, 315.4737f, 262.89474f, 210.3158f, 157.73685f,
        105.1579f, 52.57895f, 0.0f};
    assertArrayEquals(expected, new EulerAncestralScheduler(NoiseSchedule.SD15, 20).timesteps());
  }

  @Test
  void fiftyStepsStartAt999AndEndAt0() {
    float[] t = new EulerAncestralScheduler(NoiseSchedule.SD15, 50).timesteps();
    assertEquals(50, t.length);
    assertEquals(999.0f, t[0]);
    assertEquals(978.61224f, t[1]);
    assertEquals(509.69388f, t[24]);
    assertEquals(20.387754f, t[48]);
    assertEquals(0.0f, t[49]);
  }

  @Test
  void int64TimestepsTruncateLikeANumpyCast() {
    long[] t = new EulerAncestralScheduler(NoiseSchedule.SD15, 20).timestepsInt64();
    assertEquals(946, t[1]);
    assertEquals(52, t[18]);
  }

  @Test
  void initialNoiseIsScaledBySigmaMax() {
    // linspace spacing: init_noise_sigma = sigmas.max() = sigma(999) = 14.6146 for SD 1.5.
    assertEquals(14.6146, new EulerAncestralScheduler(NoiseSchedule.SD15, 20).initNoiseSigma(), 1e-4);
  }

  @Test
  void modelInputIsDividedBySqrtOfSigmaSquaredPlusOne() {
    EulerAncestralScheduler euler = new EulerAncestralScheduler(NoiseSchedule.SD15, 20);
    double s = sigmaAt(946.4211f);
    Sd15.assertAll(3.0 / Math.sqrt(s * s + 1), euler.scaleModelInput(Sd15.constant(10, 3.0), 1));
  }

  @Test
  void oneStepOnConstantsFollowsTheAncestralFormula() {
    EulerAncestralScheduler euler = new EulerAncestralScheduler(NoiseSchedule.SD15, 20);
    double x = 5.0;
    double eps = 0.25;
    double from = sigmaAt(999);
    double to = sigmaAt(946.4211f);
    double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
    double down = Math.sqrt(to * to - up * up);
    double x0 = x - from * eps;
    double derivative = (x - x0) / from;
    double z = new LatentNoise(11).nextGaussian();
    double expected = x + derivative * (down - from) + up * z;
    float[] out = euler.step(new StepInput(Sd15.constant(1, eps), 0, Sd15.constant(1, x), new LatentNoise(11)));
    Sd15.assertAll(expected, out);
  }

  @Test
  void lastStepAddsNoNoise() {
    EulerAncestralScheduler euler = new EulerAncestralScheduler(NoiseSchedule.SD15, 20);
    double s = sigmaAt(0); // the last timestep, 0, going to sigma 0
    float[] out = euler.step(new StepInput(Sd15.constant(4, 0.5), 19, Sd15.constant(4, 1.0), new LatentNoise(3)));
    Sd15.assertAll(1.0 - s * 0.5, out); // x0 = x - sigma eps
  }

  @Test
  void sameSeedGivesTheSameRunAndAnotherSeedDoesNot() {
    float[] a = run(42);
    assertArrayEquals(a, run(42));
    assertFalse(Arrays.equals(a, run(43)));
  }

  private static float[] run(long seed) {
    EulerAncestralScheduler euler = new EulerAncestralScheduler(NoiseSchedule.SD15, 8);
    LatentNoise noise = new LatentNoise(seed);
    float[] x = noise.next(32);
    for (int k = 0; k < x.length; k++) {
      x[k] *= euler.initNoiseSigma();
    }
    for (int i = 0; i < euler.steps(); i++) {
      float[] in = euler.scaleModelInput(x, i);
      float[] eps = Sd15.constant(x.length, 0.1 * in[0]); // any fixed function of the input
      x = euler.step(new StepInput(eps, i, x, noise));
    }
    return x;
  }

  @Test
  void aPerfectDenoiserEndsExactlyOnTheCleanLatents() {
    EulerAncestralScheduler euler = new EulerAncestralScheduler(NoiseSchedule.SD15, 20);
    LatentNoise noise = new LatentNoise(9);
    double clean = -0.6;
    float[] x = noise.next(16);
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) (clean + x[k] * euler.initNoiseSigma());
    }
    for (int i = 0; i < euler.steps(); i++) {
      double s = euler.sigma(i);
      float[] eps = new float[x.length];
      for (int k = 0; k < x.length; k++) {
        eps[k] = (float) ((x[k] - clean) / s); // x = x0 + sigma eps
      }
      x = euler.step(new StepInput(eps, i, x, noise));
    }
    Sd15.assertAll(clean, x);
  }

  @Test
  void addNoiseAddsSigmaTimesNoise() {
    EulerAncestralScheduler euler = new EulerAncestralScheduler(NoiseSchedule.SD15, 20);
    double s = sigmaAt(525.7895f); // step 9
    Sd15.assertAll(0.3 + s * 0.9, euler.addNoise(Sd15.constant(3, 0.3), Sd15.constant(3, 0.9), 9));
  }

  @Test
  void refusesToStepWithoutANoiseSource() {
    EulerAncestralScheduler euler = new EulerAncestralScheduler(NoiseSchedule.SD15, 20);
    assertThrows(IllegalArgumentException.class,
        () -> euler.step(new StepInput(new float[2], 0, new float[2])));
  }
}
