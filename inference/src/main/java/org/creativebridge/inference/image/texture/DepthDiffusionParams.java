package org.creativebridge.inference.image.texture;

import java.util.LinkedHashMap;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.diffusion.Schedulers;

/**
 * The {@code image.texture_from_depth} params the generative engines read, with the schema's
 * defaults and ranges (checked again here, since engines are also driven by code that skips the
 * daemon's validation).
 *
 * <p>Immutable; thread-safe.
 */
record DepthDiffusionParams(Text text, Sampling sampling, Influence influence, Seamless seamless) {

  static final int DEFAULT_STEPS = 25;
  static final double DEFAULT_GUIDANCE = 7.5;
  static final String DEFAULT_SCHEDULER = "euler_a";

  /** The prompt and what to steer away from. */
  record Text(String prompt, String negativePrompt) {}

  /**
   * How to sample.
   *
   * @param previewEvery steps between previews; 0 for none (not in the wire schema: for callers
   *     that drive the engine directly)
   */
  record Sampling(String scheduler, int steps, long seed, int previewEvery) {}

  /**
   * How much each input steers the result.
   *
   * @param guidance classifier-free guidance scale, 1 = off (batch 1)
   * @param strength share of the schedule that runs; 1 = from pure noise, ignoring {@code image}
   * @param controlScale how strongly the depth steers (ControlNet engines)
   */
  record Influence(double guidance, double strength, double controlScale) {
    boolean guided() {
      return guidance > 1.0;
    }
  }

  static DepthDiffusionParams from(Params params) throws EngineException {
    Map<String, Object> bad = new LinkedHashMap<>();
    int steps = params.getInt("steps", DEFAULT_STEPS);
    double guidance = params.getDouble("guidance", DEFAULT_GUIDANCE);
    double strength = params.getDouble("strength", 1.0);
    double scale = params.getDouble("controlnet_scale", 1.0);
    String scheduler = params.getString("scheduler", DEFAULT_SCHEDULER);
    int previewEvery = params.getInt("preview_every", 0);
    if (steps < 1 || steps > 150) {
      bad.put("steps", steps);
    }
    if (!(guidance >= 1 && guidance <= 30)) {
      bad.put("guidance", guidance);
    }
    if (!(strength >= 0 && strength <= 1)) {
      bad.put("strength", strength);
    }
    if (!(scale >= 0 && scale <= 2)) {
      bad.put("controlnet_scale", scale);
    }
    if (!Schedulers.NAMES.contains(scheduler)) {
      bad.put("scheduler", scheduler);
    }
    if (previewEvery < 0) {
      bad.put("preview_every", previewEvery);
    }
    if (!bad.isEmpty()) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "params out of range for a depth-guided texture: "
              + bad
              + " (steps 1..150, guidance 1..30, strength 0..1, controlnet_scale 0..2, scheduler one of "
              + Schedulers.NAMES
              + ", preview_every not negative)",
          Map.copyOf(bad));
    }
    Seamless seamless = Seamless.parse(params.getString("seamless", "none"));
    return new DepthDiffusionParams(
        new Text(params.getString("prompt", ""), params.getString("negative_prompt", "")),
        new Sampling(scheduler, steps, params.getLong("seed", 0), previewEvery),
        new Influence(guidance, strength, scale),
        seamless);
  }
}
