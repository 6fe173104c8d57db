package org.creativebridge.inference.image.texture;

import java.util.Map;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.LatentNoise;
import org.creativebridge.inference.diffusion.Scheduler;
import org.creativebridge.inference.diffusion.Schedulers;
import org.creativebridge.inference.diffusion.StepInput;

/**
 * An independent recomputation of a depth-guided texture job with the arithmetic look-alikes of
 * make_controlnet_models.py: the models' formulas written out per latent pixel, the txt2img loop
 * written out with the same seeded noise stream, and the decoder's nearest upsample; no engine
 * class is used. Only for unshifted runs (seamless none) at the depth's own size.
 */
final class DepthDiffusionReference {

  /** Which look-alike the job ran on. */
  enum Model {
    FUSED,
    SPLIT,
    SD2
  }

  /**
   * One job.
   *
   * @param depth the depth, 0..1, row-major at {@code width x height}
   * @param size {@code [width, height]}
   * @param swapBatch recompute as if the batch were {@code [cond, uncond]} (to show order matters)
   */
  record Job(Model model, Map<String, Object> params, float[] depth, Shape size) {}

  record Shape(int width, int height, boolean swapBatch) {}

  private static final double SCALING = 0.18215;

  private DepthDiffusionReference() {}

  /** The expected 8-bit RGB samples, RGBA order, alpha 1. */
  static float[] image(Job job, ClipTokenizer tokenizer) {
    Map<String, Object> p = job.params();
    int w = job.size().width() / 8;
    int h = job.size().height() / 8;
    int plane = w * h;
    double guidance = ((Number) p.getOrDefault("guidance", 7.5)).doubleValue();
    double scale = ((Number) p.getOrDefault("controlnet_scale", 1.0)).doubleValue();
    int steps = ((Number) p.getOrDefault("steps", 25)).intValue();
    long seed = ((Number) p.getOrDefault("seed", 0L)).longValue();
    double textCond = textTerm(tokenizer.encode((String) p.getOrDefault("prompt", "")));
    double textUncond = textTerm(tokenizer.encode((String) p.getOrDefault("negative_prompt", "")));
    if (job.size().swapBatch()) {
      double t = textCond;
      textCond = textUncond;
      textUncond = t;
    }
    double[] blockMean = blockMeans(job.depth(), job.size().width(), job.size().height());
    double[] control = new double[plane];
    double depthMean = 0;
    for (float d : job.depth()) {
      depthMean += d;
    }
    depthMean /= job.depth().length;
    double low = Double.MAX_VALUE;
    double high = -Double.MAX_VALUE;
    for (double v : blockMean) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    for (int i = 0; i < plane; i++) {
      control[i] =
          switch (job.model()) {
            case FUSED -> scale * depthMean;
            case SPLIT -> scale * blockMean[i] * 0.098; // (1 + ... + 12) * 0.001 + 0.02
            case SD2 -> 0.05 * (high > low ? 2 * (blockMean[i] - low) / (high - low) - 1 : 0);
          };
    }
    Scheduler scheduler = Schedulers.create((String) p.getOrDefault("scheduler", "euler_a"), steps);
    LatentNoise noise = new LatentNoise(seed);
    float[] latents = noise.next(4 * plane);
    for (int i = 0; i < latents.length; i++) {
      latents[i] *= scheduler.initNoiseSigma();
    }
    float[] timesteps = scheduler.timesteps();
    for (int s = 0; s < timesteps.length; s++) {
      float[] x = scheduler.scaleModelInput(latents, s);
      double t = (long) timesteps[s];
      float[] eps = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        double shared = 0.1 * x[i] + 0.0001 * t + control[i % plane];
        double uncond = shared + 0.00001 * textUncond;
        double cond = shared + 0.00001 * textCond;
        eps[i] = (float) (guidance > 1 ? uncond + guidance * (cond - uncond) : cond);
      }
      latents = scheduler.step(new StepInput(eps, s, latents, noise));
    }
    int width = job.size().width();
    float[] out = new float[width * job.size().height() * 4];
    for (int y = 0; y < job.size().height(); y++) {
      for (int x = 0; x < width; x++) {
        int at = (y * width + x) * 4;
        for (int c = 0; c < 3; c++) {
          double v = 0.02 * latents[c * plane + (y / 8) * w + x / 8] / SCALING;
          double q = Math.min(1, Math.max(0, (v + 1) / 2));
          out[at + c] = Math.round(q * 255) / 255f;
        }
        out[at + 3] = 1f;
      }
    }
    return out;
  }

  /** mean over tokens of (id - EOS): the text encoder echoes ids into every hidden column. */
  private static double textTerm(int[] ids) {
    double sum = 0;
    for (int id : ids) {
      sum += id - ClipTokenizer.EOS;
    }
    return sum / ids.length;
  }

  private static double[] blockMeans(float[] depth, int width, int height) {
    int w = width / 8;
    int h = height / 8;
    double[] out = new double[w * h];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        out[(y / 8) * w + x / 8] += depth[y * width + x] / 64.0;
      }
    }
    return out;
  }
}
