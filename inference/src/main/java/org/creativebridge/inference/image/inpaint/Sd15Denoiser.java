package org.creativebridge.inference.image.inpaint;

import java.util.Objects;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.LatentNoise;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.Scheduler;
import org.creativebridge.inference.diffusion.StepInput;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.diffusion.Unet;

/**
 * The denoising loop of SD 1.5 inpainting, as diffusers' ONNX inpaint pipeline runs it: each step
 * scales the latents for the scheduler, concatenates {@code [latents, mask, masked-image latents]}
 * along channels (only the latents are scaled), runs the UNet on the {@code [uncond, cond]} batch
 * when guidance is on, combines the halves as {@code uncond + g (cond - uncond)} and lets the
 * scheduler step.
 *
 * <p>Start: at strength 1 the latents are unit noise times the scheduler's initial sigma; below 1
 * they are the image's latents noised to the scheduler's {@link Scheduler#startIndex} step, and
 * only the steps from there run. The initial noise is the first draw of the seeded stream and the
 * stochastic schedulers draw from the same stream after it, so a seed fixes the whole run.
 *
 * <p>Not thread-safe: one instance per job (the scheduler may be stateful).
 */
final class Sd15Denoiser {

  private final Unet unet;
  private final Plan plan;
  private final StepListener listener;

  Sd15Denoiser(Unet unet, Plan plan, StepListener listener) {
    this.unet = Objects.requireNonNull(unet, "unet");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * How to sample.
   *
   * @param guidance classifier-free guidance scale; 1 runs the conditional half alone (batch 1)
   */
  record Plan(Scheduler scheduler, long seed, double strength, double guidance) {
    boolean guided() {
      return guidance > 1.0;
    }

    /**
     * The first step that runs. A strength so low that diffusers would run no step at all still
     * runs the last one here: a fill that changes nothing is not what a caller asks for.
     */
    int firstStep() {
      return Math.min(scheduler.startIndex(strength), scheduler.steps() - 1);
    }
  }

  /**
   * What the UNet is conditioned on.
   *
   * @param textEmbeddings one embedding ({@code 77 * 768}) for an unguided plan, {@code [uncond,
   *     cond]} for a guided one
   * @param mask {@code [1, 1, h, w]}, 1 where the UNet paints
   * @param maskedImageLatents {@code [1, 4, h, w]}: the image with the hole blanked, encoded
   * @param imageLatents {@code [1, 4, h, w]}: the whole image encoded; needed only below strength
   *     1, null otherwise
   */
  record Inputs(
      float[] textEmbeddings, NchwTensor mask, NchwTensor maskedImageLatents, NchwTensor imageLatents) {}

  /** What the loop produced. */
  record Result(NchwTensor latents, int firstStep, int stepsRun) {}

  /** Told after every step, e.g. to report progress and send previews. */
  @FunctionalInterface
  interface StepListener {
    void afterStep(StepReport report);
  }

  /**
   * One finished step.
   *
   * @param done steps run so far in this job, 1 for the first
   * @param total steps this job runs
   */
  record StepReport(int stepIndex, int done, int total, Step step) {}

  /**
   * The values of one step a preview needs.
   *
   * @param modelInput the scaled latents the UNet saw (the first four channels of its sample)
   * @param noisePrediction the guided prediction for them
   */
  record Step(float timestep, NchwTensor modelInput, float[] noisePrediction) {}

  Result run(Inputs inputs, JobContext context) throws EngineException, CancelledException {
    Scheduler scheduler = plan.scheduler();
    NchwTensor.Shape latentShape = inputs.maskedImageLatents().shape();
    int batch = plan.guided() ? 2 : 1;
    if (inputs.textEmbeddings().length
        != batch * TextEncoder.EMBEDDING_SIZE) {
      throw new IllegalArgumentException("expected " + batch + " text embeddings");
    }
    LatentNoise noise = new LatentNoise(plan.seed());
    float[] initialNoise = noise.next(latentShape.elementCount());
    int first = plan.firstStep();
    float[] latents;
    if (first == 0) {
      latents = scaled(initialNoise, scheduler.initNoiseSigma());
    } else {
      Objects.requireNonNull(inputs.imageLatents(), "image latents are needed below strength 1");
      latents = scheduler.addNoise(inputs.imageLatents().values(), initialNoise, first);
    }
    float[] timesteps = scheduler.timesteps();
    int total = timesteps.length - first;
    try (Unet.Conditioning text = unet.condition(inputs.textEmbeddings())) {
      for (int i = first; i < timesteps.length; i++) {
        context.checkCancelled();
        NchwTensor modelInput = new NchwTensor(latentShape, scheduler.scaleModelInput(latents, i));
        NchwTensor sample = concatenate(modelInput, inputs, batch);
        NchwTensor predicted = unet.predict(new Unet.UnetInput(sample, timesteps[i], text), context);
        float[] guided = guide(predicted.values(), latentShape.elementCount(), plan.guidance(), batch);
        latents = scheduler.step(new StepInput(guided, i, latents, noise));
        listener.afterStep(
            new StepReport(i, i - first + 1, total, new Step(timesteps[i], modelInput, guided)));
      }
    }
    return new Result(new NchwTensor(latentShape, latents), first, total);
  }

  /**
   * The UNet sample: for each batch entry the scaled latents, the mask and the masked-image
   * latents, in that channel order (the order SD inpainting UNets were trained on).
   */
  static NchwTensor concatenate(NchwTensor modelInput, Inputs inputs, int batch) {
    NchwTensor.Shape entry = modelInput.shape();
    int plane = entry.height() * entry.width();
    NchwTensor.Shape shape = entry.withBatch(batch).withChannels(Unet.INPAINT_CHANNELS);
    float[] sample = new float[shape.elementCount()];
    int perEntry = Unet.INPAINT_CHANNELS * plane;
    for (int n = 0; n < batch; n++) {
      int at = n * perEntry;
      System.arraycopy(modelInput.values(), 0, sample, at, 4 * plane);
      System.arraycopy(inputs.mask().values(), 0, sample, at + 4 * plane, plane);
      System.arraycopy(inputs.maskedImageLatents().values(), 0, sample, at + 5 * plane, 4 * plane);
    }
    return new NchwTensor(shape, sample);
  }

  /**
   * Classifier-free guidance over the {@code [uncond, cond]} halves of {@code predicted}; the
   * prediction itself for an unguided batch of one.
   */
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
