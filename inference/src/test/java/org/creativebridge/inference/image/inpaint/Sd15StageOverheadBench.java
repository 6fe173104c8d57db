package org.creativebridge.inference.image.inpaint;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.Schedulers;
import org.creativebridge.inference.diffusion.SdTestModels;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.diffusion.Unet;
import org.creativebridge.inference.diffusion.VaeDecoder;
import org.creativebridge.inference.diffusion.VaeEncoder;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.inference.runtime.SessionCache;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each SD 1.5 stage costs beyond its ONNX run: the stage's call (tensor building, the leased
 * run with its cancel hook, reading and checking the output, scaling) against a bare
 * {@code OrtSession.run} of the same session on tensors built beforehand. Measured with the tiny
 * arithmetic models, whose runs cost almost nothing, so the ratio is an upper bound on the
 * overhead a real model (seconds per UNet call) would show; the absolute microseconds are what
 * carries over. Two sizes: the tests' 64 square (latents 8x8) and SD's native 512 (latents 64x64).
 *
 * <p>Run with {@code ./mvnw -Pbench verify} or {@code -Dgroups=bench -Dtest=Sd15StageOverheadBench}.
 */
@Tag("bench")
class Sd15StageOverheadBench {
  private static final int WARMUP = 50;
  private static final int ROUNDS = 300;

  @TempDir Path dir;

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  /**
   * Median microseconds of {@code stage} and of {@code onnx}, timed alternately round by round so
   * that load from other processes on the machine drifts into both alike.
   */
  private static Row measure(String name, String size, Call stage, Call onnx) throws Exception {
    for (int i = 0; i < WARMUP; i++) {
      stage.run();
      onnx.run();
    }
    double[] stageMicros = new double[ROUNDS];
    double[] onnxMicros = new double[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      stageMicros[i] = micros(stage);
      onnxMicros[i] = micros(onnx);
    }
    return new Row(name, size, median(stageMicros), median(onnxMicros));
  }

  private static double micros(Call call) throws Exception {
    long start = System.nanoTime();
    call.run();
    return (System.nanoTime() - start) / 1e3;
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }

  private record Row(String stage, String size, double stageMicros, double onnxMicros) {
    String format() {
      double overhead = stageMicros - onnxMicros;
      return String.format(
          Locale.ROOT,
          "%-22s %-9s %10.1f %10.1f %10.1f %8.2f",
          stage,
          size,
          stageMicros,
          onnxMicros,
          overhead,
          stageMicros / onnxMicros);
    }
  }

  /** A bare run of the leased session on tensors built once. */
  private static Call bare(SessionCache.Lease lease, Map<String, OnnxTensor> inputs) {
    OrtSession session = lease.session();
    return () -> {
      try (OrtSession.Result result = session.run(inputs)) {
        result.get(0);
      }
    };
  }

  private static OnnxTensor floats(NchwTensor tensor) throws OrtException {
    return OnnxTensor.createTensor(
        OrtEnvironment.getEnvironment(), FloatBuffer.wrap(tensor.values()), tensor.shape().dims());
  }

  private static NchwTensor filled(NchwTensor.Shape shape, float value) {
    float[] values = new float[shape.elementCount()];
    Arrays.fill(values, value);
    return new NchwTensor(shape, values);
  }

  @Test
  void printsEachStagesTimeAgainstItsOnnxRun() throws Exception {
    SdTestModels.generate(dir);
    ClipTokenizer tokenizer = ClipTokenizer.load(SdTestModels.clipMerges());
    OnnxRuntime runtime = SdTestModels.cpuRuntime();
    SessionCache sessions = runtime.sessions();
    JobContext job = JobContext.detached();
    List<Row> rows = new ArrayList<>();
    ModelFile textFile = SdTestModels.component(dir, SdTestModels.MAIN, "text_encoder");
    ModelFile unetFile = SdTestModels.component(dir, SdTestModels.MAIN, "unet");
    ModelFile encoderFile = SdTestModels.component(dir, SdTestModels.MAIN, "vae_encoder");
    ModelFile decoderFile = SdTestModels.component(dir, SdTestModels.MAIN, "vae_decoder");

    int[] ids = tokenizer.encode("a photo of a cat");
    try (TextEncoder encoder = TextEncoder.open(sessions, textFile);
        SessionCache.Lease lease = sessions.lease(textFile, TextEncoder.CONTRACT);
        OnnxTensor idTensor =
            OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), IntBuffer.wrap(ids), new long[] {1, 77})) {
      rows.add(
          measure(
              "text_encoder", "1x77",
              () -> encoder.encode(ids, job),
              bare(lease, Map.of("input_ids", idTensor))));
    }

    for (int side : new int[] {64, 512}) {
      String size = side + "px";
      int latent = side / 8;
      NchwTensor image = filled(new NchwTensor.Shape(1, 3, side, side), 0.25f);
      NchwTensor latents = filled(new NchwTensor.Shape(1, 4, latent, latent), 0.1f);
      NchwTensor sample = filled(new NchwTensor.Shape(2, 9, latent, latent), 0.1f);
      float[] hidden = new float[2 * TextEncoder.EMBEDDING_SIZE];
      Arrays.fill(hidden, 49407f);
      try (VaeEncoder encoder = VaeEncoder.open(sessions, encoderFile);
          SessionCache.Lease lease = sessions.lease(encoderFile, VaeEncoder.CONTRACT);
          OnnxTensor input = floats(image)) {
        rows.add(
            measure(
                "vae_encoder", size,
                () -> encoder.encode(image, job),
                bare(lease, Map.of("sample", input))));
      }
      try (Unet unet = Unet.open(sessions, unetFile);
          SessionCache.Lease lease = sessions.lease(unetFile, Unet.CONTRACT);
          OnnxTensor input = floats(sample);
          OnnxTensor timestep =
              OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), LongBuffer.wrap(new long[] {500}), new long[] {1});
          OnnxTensor text =
              OnnxTensor.createTensor(
                  OrtEnvironment.getEnvironment(), FloatBuffer.wrap(hidden), new long[] {2, 77, 768})) {
        Call onnx =
            bare(lease, Map.of("sample", input, "timestep", timestep, "encoder_hidden_states", text));
        try (Unet.Conditioning conditioning = unet.condition(hidden)) {
          Unet.UnetInput call = new Unet.UnetInput(sample, 500f, conditioning);
          rows.add(measure("unet (CFG batch 2)", size, () -> unet.predict(call, job), onnx));
        }
        // A whole denoising step: scale, concatenate, UNet, guidance, scheduler step.
        Sd15Denoiser.Inputs inputs =
            new Sd15Denoiser.Inputs(
                hidden,
                filled(new NchwTensor.Shape(1, 1, latent, latent), 1f),
                latents,
                null);
        int steps = 10;
        Call tenOnnxRuns =
            () -> {
              for (int i = 0; i < steps; i++) {
                onnx.run();
              }
            };
        Row loop =
            measure(
                "denoise loop",
                size,
                () ->
                    new Sd15Denoiser(
                            unet,
                            new Sd15Denoiser.Plan(Schedulers.create("euler_a", steps), 1L, 1.0, 7.5),
                            report -> {})
                        .run(inputs, job),
                tenOnnxRuns);
        rows.add(
            new Row(
                "denoise step (euler_a)", size, loop.stageMicros() / steps, loop.onnxMicros() / steps));
      }
      try (VaeDecoder decoder = VaeDecoder.open(sessions, decoderFile);
          SessionCache.Lease lease = sessions.lease(decoderFile, VaeDecoder.CONTRACT);
          OnnxTensor input = floats(latents)) {
        rows.add(
            measure(
                "vae_decoder", size,
                () -> decoder.decode(latents, job),
                bare(lease, Map.of("latent_sample", input))));
      }
    }
    sessions.close();

    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            Locale.ROOT,
            "%nSD 1.5 stage overhead (tiny models, CPU, 1 thread, median of %d)%n%-22s %-9s %10s %10s %10s %8s%n",
            ROUNDS, "stage", "size", "stage us", "onnx us", "extra us", "ratio"));
    for (Row row : rows) {
      table.append(row.format()).append('\n');
    }
    System.out.println(table);
  }
}
