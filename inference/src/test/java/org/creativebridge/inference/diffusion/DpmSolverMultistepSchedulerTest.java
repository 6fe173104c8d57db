package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class DpmSolverMultistepSchedulerTest {
  /** VE sigma, then the VP alpha and sigma and lambda the solver uses. */
  private static double sigma(int t) {
    return Math.sqrt((1 - Sd15.alphaBar(t)) / Sd15.alphaBar(t));
  }

  private static double alpha(double sigma) {
    return 1 / Math.sqrt(sigma * sigma + 1);
  }

  private static double lambda(double sigma) {
    return Math.log(alpha(sigma)) - Math.log(sigma * alpha(sigma));
  }

  @Test
  void twentyStepsAreRoundedLinspaceWithoutZero() {
    // np.linspace(0, 999, 21).round()[::-1][:-1]: 10 * 49.95 = 499.50000000000006 rounds to 500.
    long[] expected = {999, 949, 899, 849, 799, 749, 699, 649, 599, 549, 500, 450, 400, 350, 300, 250, 200,
        150, 100, 50};
    assertArrayEquals(expected, new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20).timestepsInt64());
  }

  @Test
  void fiftyStepsAreRoundedLinspaceWithoutZero() {
    long[] expected = {999, 979, 959, 939, 919, 899, 879, 859, 839, 819, 799, 779, 759, 739, 719, 699, 679,
        659, 639, 619, 599, 579, 559, 539, 519, 500, 480, 460, 440, 420, 400, 380, 360, 340, 320, 300, 280,
        260, 240, 220, 200, 180, 160, 140, 120, 100, 80, 60, 40, 20};
    assertArrayEquals(expected, new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 50).timestepsInt64());
  }

  @Test
  void firstStepIsFirstOrder() {
    DpmSolverMultistepScheduler dpm = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20);
    double x = 2.0;
    double eps = 0.4;
    double s0 = sigma(999);
    double s1 = sigma(949);
    double x0 = (x - s0 * alpha(s0) * eps) / alpha(s0);
    double h = lambda(s1) - lambda(s0);
    double expected = (s1 * alpha(s1)) / (s0 * alpha(s0)) * x - alpha(s1) * (Math.exp(-h) - 1) * x0;
    Sd15.assertAll(expected, dpm.step(new StepInput(Sd15.constant(8, eps), 0, Sd15.constant(8, x))));
  }

  @Test
  void secondStepUsesThePreviousModelOutput() {
    double x = 2.0;
    double eps0 = 0.4;
    double eps1 = -0.1;
    DpmSolverMultistepScheduler dpm = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20);
    float[] afterFirst = dpm.step(new StepInput(Sd15.constant(8, eps0), 0, Sd15.constant(8, x)));
    double x1 = afterFirst[0];
    float[] afterSecond = dpm.step(new StepInput(Sd15.constant(8, eps1), 1, afterFirst));

    double sA = sigma(999);
    double sB = sigma(949);
    double sC = sigma(899);
    double m1 = (x - sA * alpha(sA) * eps0) / alpha(sA); // previous x0 prediction
    double m0 = (x1 - sB * alpha(sB) * eps1) / alpha(sB); // current x0 prediction
    double h = lambda(sC) - lambda(sB);
    double r = (lambda(sB) - lambda(sA)) / h;
    double d1 = (m0 - m1) / r;
    double c = alpha(sC) * (Math.exp(-h) - 1);
    double expected = (sC * alpha(sC)) / (sB * alpha(sB)) * x1 - c * m0 - 0.5 * c * d1;
    Sd15.assertAll(expected, afterSecond);

    // A different first prediction changes the second step even with the same x and eps there.
    DpmSolverMultistepScheduler other = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20);
    other.step(new StepInput(Sd15.constant(8, eps0 + 0.5), 0, Sd15.constant(8, x)));
    assertNotEquals(afterSecond[0], other.step(new StepInput(Sd15.constant(8, eps1), 1, afterFirst))[0]);
  }

  @Test
  void aRunStartingPartWayBeginsFirstOrder() {
    DpmSolverMultistepScheduler fresh = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20);
    DpmSolverMultistepScheduler used = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20);
    used.step(new StepInput(Sd15.constant(4, 0.9), 0, Sd15.constant(4, 1.0)));
    // Step 5 does not follow step 0: no history applies, both give the first-order result.
    float[] a = fresh.step(new StepInput(Sd15.constant(4, 0.2), 5, Sd15.constant(4, 1.0)));
    float[] b = used.step(new StepInput(Sd15.constant(4, 0.2), 5, Sd15.constant(4, 1.0)));
    assertArrayEquals(a, b);
  }

  @Test
  void lastStepIsFirstOrderAndLandsOnThePredictedCleanLatents() {
    DpmSolverMultistepScheduler dpm = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20);
    dpm.step(new StepInput(Sd15.constant(4, 0.3), 18, Sd15.constant(4, 0.5)));
    double x = 0.45;
    double eps = 0.2;
    double s = sigma(50);
    // Final sigma is 0: x' = x0 = (x - sigma_vp eps) / alpha, with no second-order correction.
    Sd15.assertAll((x - s * alpha(s) * eps) / alpha(s),
        dpm.step(new StepInput(Sd15.constant(4, eps), 19, Sd15.constant(4, x))));
  }

  @Test
  void aPerfectDenoiserEndsExactlyOnTheCleanLatents() {
    DpmSolverMultistepScheduler dpm = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 10);
    double clean = 0.25;
    float[] x = new LatentNoise(2).next(16);
    for (int i = 0; i < dpm.steps(); i++) {
      x = dpm.step(new StepInput(DdimSchedulerTest.oracle(x, clean, (int) dpm.timesteps()[i]), i, x));
    }
    Sd15.assertAll(clean, x);
  }

  @Test
  void addNoiseUsesTheVariancePreservingForm() {
    DpmSolverMultistepScheduler dpm = new DpmSolverMultistepScheduler(NoiseSchedule.SD15, 20);
    double a = Sd15.alphaBar(500); // step 10
    Sd15.assertAll(Math.sqrt(a) * 0.8 + Math.sqrt(1 - a) * 0.1,
        dpm.addNoise(Sd15.constant(4, 0.8), Sd15.constant(4, 0.1), 10));
    assertEquals(1f, dpm.initNoiseSigma());
  }
}
