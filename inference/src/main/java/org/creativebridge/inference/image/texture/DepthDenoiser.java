package org.creativebridge.inference.image.texture;

import java.util.Objects;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.LatentNoise;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.Scheduler;
import org.creativebridge.inference.diffusion.StepInput;

/**
 * The denoising loop of the depth-guided texture engines, as diffusers' ControlNet and depth2img
 * pipelines run it (scale the latents, predict on the {@code [uncond, cond]} batch, combine as
 * {@code uncond + g (cond - uncond)}, step), with one addition for seamless textures: on a tiled
 * axis every step rolls the latents circularly by a different offset and pads them circularly by a
 * margin before the UNet (a wrapped, overlapped canvas), then crops and rolls the prediction back. A fixed ONNX graph pads its convolutions with zeros, so the image
 * border is where its context ends; rolling moves that border to a new place each step, and the
 * real border is denoised as an ordinary interior column most of the time, with the other side of
 * the texture as its neighbour. Rolling is a permutation, so it is exact on the latents.
 *
 * <p>Start: txt2img is unit noise times the scheduler's initial sigma; img2img (strength below 1
 * with image latents) noises the image's latents to {@link Scheduler#startIndex} and runs from
 * there. The initial noise is the first draw of the seeded stream and stochastic schedulers draw
 * after it, so the seed fixes the run.
 *
 * <p>Not thread-safe: one instance per job (the scheduler may be stateful).
 */
final class DepthDenoiser {

  /**
   * Latent pixels of wrapped context on each side of a tiled axis while denoising (64 image
   * pixels): a convolution stack sees past the tile edge into the other side, and its zero padding
   * lands in the cropped margin. The UNet's attention reaches further; the per-step roll spreads
   * what is left over the whole texture.
   */
  static final int WRAP_MARGIN = 8;

  private final Plan plan;
  private final StepListener listener;

  DepthDenoiser(Plan plan, StepListener listener) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** What to sample with: a fresh scheduler and the job's params. */
  record Plan(Scheduler scheduler, DepthDiffusionParams params) {
    boolean guided() {
      return params.influence().guided();
    }

    /** The first step of an img2img run; at least the last step runs, however low the strength. */
    int firstStep(boolean hasImage) {
      if (!hasImage || params.influence().strength() >= 1.0) {
        return 0;
      }
      return Math.min(scheduler.startIndex(params.influence().strength()), scheduler.steps() - 1);
    }
  }

  /** Told after every step. */
  @FunctionalInterface
  interface StepListener {
    void afterStep(StepReport report);
  }

  /**
   * One finished step.
   *
   * @param timestep the step's timestep
   * @param modelInput the scaled latents (unshifted)
   * @param noisePrediction the guided prediction for them (unshifted)
   */
  record StepReport(Count count, float timestep, NchwTensor modelInput, float[] noisePrediction) {
    int done() {
      return count.done();
    }

    int total() {
      return count.total();
    }
  }

  /**
   * Steps run so far and in all.
   *
   * @param done steps run so far, 1 for the first
   */
  record Count(int done, int total) {}

  /**
   * Runs the loop.
   *
   * @param latentShape {@code [1, 4, h, w]}
   * @param imageLatents the optional image's latents for img2img, or null for txt2img
   * @return the final latents, {@code latentShape}
   */
  NchwTensor run(
      NchwTensor.Shape latentShape, NchwTensor imageLatents, DepthNoiseModel model, JobContext context)
      throws EngineException, CancelledException {
    Scheduler scheduler = plan.scheduler();
    LatentNoise noise = new LatentNoise(plan.params().sampling().seed());
    float[] initial = noise.next(latentShape.elementCount());
    int first = plan.firstStep(imageLatents != null);
    float[] latents =
        first == 0
            ? scaled(initial, scheduler.initNoiseSigma())
            : scheduler.addNoise(imageLatents.values(), initial, first);
    float[] timesteps = scheduler.timesteps();
    int total = timesteps.length - first;
    int batch = plan.guided() ? 2 : 1;
    Seamless seamless = plan.params().seamless();
    for (int i = first; i < timesteps.length; i++) {
      context.checkCancelled();
      int done = i - first;
      DepthNoiseModel.Shift shift = shift(seamless, latentShape, done);
      NchwTensor modelInput = new NchwTensor(latentShape, scheduler.scaleModelInput(latents, i));
      NchwTensor canvas = shift.onCanvas(modelInput, 1);
      NchwTensor predicted = model.predict(repeated(canvas, batch), timesteps[i], shift, context);
      NchwTensor guided =
          new NchwTensor(
              canvas.shape(),
              guide(predicted.values(), canvas.shape().elementCount(), plan.params().influence().guidance(), batch));
      float[] prediction = shift.offCanvas(guided).values();
      latents = scheduler.step(new StepInput(prediction, i, latents, noise));
      listener.afterStep(new StepReport(new Count(done + 1, total), timesteps[i], modelInput, prediction));
    }
    return new NchwTensor(latentShape, latents);
  }

  /**
   * Where step {@code done} puts the texture: on each tiled axis a golden-ratio offset and a
   * wrapped margin of {@value #WRAP_MARGIN} latent pixels (at most half the side); nothing on the
   * others.
   */
  static DepthNoiseModel.Shift shift(Seamless seamless, NchwTensor.Shape latents, int done) {
    int w = latents.width();
    int h = latents.height();
    return new DepthNoiseModel.Shift(
        seamless.wrapX() ? LatentWrap.offset(done, w) : 0,
        seamless.wrapY() ? LatentWrap.offset(done, h) : 0,
        seamless.wrapX() ? Math.min(WRAP_MARGIN, w / 2) : 0,
        seamless.wrapY() ? Math.min(WRAP_MARGIN, h / 2) : 0);
  }

  /** {@code entry} ({@code [1, C, h, w]}) repeated {@code batch} times along the batch axis. */
  static NchwTensor repeated(NchwTensor entry, int batch) {
    if (batch == 1) {
      return entry;
    }
    int size = entry.values().length;
    float[] out = new float[size * batch];
    for (int n = 0; n < batch; n++) {
      System.arraycopy(entry.values(), 0, out, n * size, size);
    }
    return new NchwTensor(entry.shape().withBatch(batch), out);
  }

  /** Classifier-free guidance over the {@code [uncond, cond]} halves; the prediction itself at batch 1. */
  static float[] guide(float[] predicted, int entrySize, double guidance, int batch) {
    if (batch == 1) {
      return predicted;
    }
    float[] guided = new float[entrySize];
    for (int k = 0; k < entrySize; k++) {
      double uncond = predicted[k];
      double cond = predicted[entrySize + k];
      guided[k] = (float) (uncond + guidance * (cond - uncond));
    }
    return guided;
  }

  private static float[] scaled(float[] values, float factor) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] * factor;
    }
    return out;
  }
}
