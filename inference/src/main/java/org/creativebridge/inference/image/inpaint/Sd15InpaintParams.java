package org.creativebridge.inference.image.inpaint;

import java.util.LinkedHashMap;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.diffusion.Schedulers;

/**
 * The {@code image.inpaint} params the SD 1.5 engine reads, with the schema's defaults and ranges
 * (checked again here: engines are also driven by code that skips the daemon's validation).
 *
 * <p>Immutable; thread-safe.
 */
record Sd15InpaintParams(Text text, Sampling sampling, Influence influence, MaskEdge maskEdge) {

  static final int DEFAULT_STEPS = 25;
  static final double DEFAULT_GUIDANCE = 7.5;
  static final String DEFAULT_SCHEDULER = "euler_a";

  /** The prompt and what to steer away from. */
  record Text(String prompt, String negativePrompt) {}

  /**
   * How to sample.
   *
   * @param previewEvery steps between previews; 0 for none
   */
  record Sampling(String scheduler, int steps, long seed, int previewEvery) {}

  /**
   * How much the prompt and the original steer the fill.
   *
   * @param guidance classifier-free guidance scale, 1 = off
   * @param strength share of the schedule that runs, 1 = from pure noise
   */
  record Influence(double guidance, double strength) {}

  /** The mask preparation every inpaint engine shares ({@link FillMask#prepare}). */
  record MaskEdge(int grow, int feather) {}

  static Sd15InpaintParams from(Params params) throws EngineException {
    Map<String, Object> bad = new LinkedHashMap<>();
    int steps = params.getInt("steps", DEFAULT_STEPS);
    double guidance = params.getDouble("guidance", DEFAULT_GUIDANCE);
    double strength = params.getDouble("strength", 1.0);
    String scheduler = params.getString("scheduler", DEFAULT_SCHEDULER);
    int previewEvery = params.getInt("preview_every", 0);
    int grow = params.getInt("grow", 0);
    int feather = params.getInt("feather", 0);
    if (steps < 1 || steps > 150) {
      bad.put("steps", steps);
    }
    if (!(guidance >= 1 && guidance <= 30)) {
      bad.put("guidance", guidance);
    }
    if (!(strength >= 0 && strength <= 1)) {
      bad.put("strength", strength);
    }
    if (!Schedulers.NAMES.contains(scheduler)) {
      bad.put("scheduler", scheduler);
    }
    if (previewEvery < 0) {
      bad.put("preview_every", previewEvery);
    }
    if (grow < 0 || feather < 0) {
      bad.put("grow", grow);
      bad.put("feather", feather);
    }
    if (!bad.isEmpty()) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "params out of range for Stable Diffusion inpainting: "
              + bad
              + " (steps 1..150, guidance 1..30, strength 0..1, scheduler one of "
              + Schedulers.NAMES
              + ", preview_every, grow and feather not negative)",
          Map.copyOf(bad));
    }
    Text text = new Text(params.getString("prompt", ""), params.getString("negative_prompt", ""));
    Sampling sampling = new Sampling(scheduler, steps, params.getLong("seed", 0), previewEvery);
    return new Sd15InpaintParams(
        text, sampling, new Influence(guidance, strength), new MaskEdge(grow, feather));
  }
}
