package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SchedulersTest {
  @Test
  void everyNameMakesItsScheduler() {
    assertInstanceOf(DdimScheduler.class, Schedulers.create("ddim", 20));
    assertInstanceOf(EulerAncestralScheduler.class, Schedulers.create("euler_a", 20));
    assertInstanceOf(DpmSolverMultistepScheduler.class, Schedulers.create("dpmpp_2m", 20));
    assertInstanceOf(LcmScheduler.class, Schedulers.create("lcm", 4));
    for (String name : Schedulers.NAMES) {
      Scheduler s = Schedulers.create(name, 4);
      assertEquals(name, s.name());
      assertEquals(4, s.steps());
    }
  }

  @Test
  void eachCallMakesAFreshInstance() {
    assertNotSame(Schedulers.create("dpmpp_2m", 20), Schedulers.create("dpmpp_2m", 20));
  }

  @Test
  void anUnknownNameIsRefusedWithTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedulers.create("plms", 20));
    assertTrue(e.getMessage().contains("euler_a"), e.getMessage());
  }

  @Test
  void badStepCountsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Schedulers.create("ddim", 0));
    assertThrows(IllegalArgumentException.class, () -> Schedulers.create("euler_a", 1001));
  }

  @Test
  void strengthPicksTheStartStepAsDiffusersImg2Img() {
    Scheduler s = Schedulers.create("ddim", 50);
    assertEquals(0, s.startIndex(1.0));
    assertEquals(25, s.startIndex(0.5));
    assertEquals(13, s.startIndex(0.75)); // int(50 * 0.75) = 37 steps run
    assertEquals(50, s.startIndex(0.0));
    assertThrows(IllegalArgumentException.class, () -> s.startIndex(1.5));
  }

  @Test
  void stepIndexOutOfRangeIsRefused() {
    Scheduler s = Schedulers.create("ddim", 10);
    assertThrows(IllegalArgumentException.class, () -> s.step(new StepInput(new float[1], 10, new float[1])));
    assertThrows(IllegalArgumentException.class, () -> new StepInput(new float[2], 0, new float[1]));
  }
}
