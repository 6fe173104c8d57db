package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {
  private final NoiseSchedule s = NoiseSchedule.SD15;

  @Test
  void firstAlphaBarIsOneMinusBetaStart() {
    // beta_0 = beta_start = 0.00085 exactly, so alphas_cumprod[0] = 0.99915 (diffusers prints 0.9991).
    assertEquals(0.99915, s.alphaCumprod(0), 1e-12);
  }

  @Test
  void secondAlphaBarUsesTheSquaredLinearRamp() {
    double root1 = Math.sqrt(0.00085) + (Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999.0;
    assertEquals(0.99915 * (1 - root1 * root1), s.alphaCumprod(1), 1e-12);
    // diffusers (float32): alphas_cumprod[1] = 0.998296
    assertEquals(0.998296, s.alphaCumprod(1), 1e-6);
  }

  @Test
  void lastAlphaBarMatchesDiffusersToItsFloat32Digits() {
    // diffusers' float32 schedule gives 0.0046600895 (printed as tensor(0.0047)); this double
    // computation gives 0.0046600985; both agree to 1e-7.
    assertEquals(0.0046600895, s.alphaCumprod(999), 1e-7);
    assertEquals(0.0047, s.alphaCumprod(999), 5e-5);
    // beta_999 = beta_end: the last ratio is 1 - 0.012.
    assertEquals(1 - 0.012, s.alphaCumprod(999) / s.alphaCumprod(998), 1e-12);
  }

  @Test
  void matchesTheScalarFormulaEverywhere() {
    for (int t : new int[] {0, 1, 250, 500, 750, 999}) {
      assertEquals(Sd15.alphaBar(t), s.alphaCumprod(t), 1e-12, "t=" + t);
    }
    assertEquals(0.27633268, s.alphaCumprod(500), 1e-7);
  }

  @Test
  void sigmaIsTheNoiseToSignalRatio() {
    double a = s.alphaCumprod(999);
    assertEquals(Math.sqrt((1 - a) / a), s.sigma(999), 1e-12);
    assertEquals(14.6146, s.sigma(999), 1e-4); // diffusers' Euler sigma_max for SD 1.5
  }

  @Test
  void fractionalSigmaInterpolatesLinearlyLikeNumpyInterp() {
    assertEquals(s.sigma(946) + 0.25 * (s.sigma(947) - s.sigma(946)), s.sigmaAt(946.25), 1e-12);
    assertEquals(s.sigma(0), s.sigmaAt(-3), 0);
    assertEquals(s.sigma(999), s.sigmaAt(1200), 0);
  }
}
