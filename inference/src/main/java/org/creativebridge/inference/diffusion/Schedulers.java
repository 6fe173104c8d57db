package org.creativebridge.inference.diffusion;

import java.util.List;
import java.util.Locale;

/** Creates the samplers by the names the protocol uses. Stateless and <b>thread-safe</b>. */
public final class Schedulers {
  /** Known names, in the order a UI may list them. */
  public static final List<String> NAMES = List.of("euler_a", "dpmpp_2m", "ddim", "lcm");

  private Schedulers() {}

  /**
   * A fresh sampler for SD 1.5's noise schedule. Each call makes a new instance, so a stateful
   * one (DPM++ 2M) is never shared between runs.
   *
   * @throws IllegalArgumentException for an unknown name or a step count the sampler refuses
   *     (1..1000; 1..50 for LCM)
   */
  public static Scheduler create(String name, int steps) {
    return create(name, steps, NoiseSchedule.SD15);
  }

  public static Scheduler create(String name, int steps, NoiseSchedule schedule) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "ddim" -> new DdimScheduler(schedule, steps);
      case "euler_a" -> new EulerAncestralScheduler(schedule, steps);
      case "dpmpp_2m" -> new DpmSolverMultistepScheduler(schedule, steps);
      case "lcm" -> new LcmScheduler(schedule, steps);
      default -> throw new IllegalArgumentException("unknown scheduler '" + name + "', known: " + NAMES);
    };
  }
}
