package org.creativebridge.inference.image.texture;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.NchwTensor;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.inference.runtime.SessionCache;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one ControlNet denoising call costs beyond its ONNX runs, for both layouts: the stage's
 * {@code predict} (placing the control image, building tensors, the leased runs with their cancel
 * hooks, reading and checking the output) against bare {@code OrtSession.run}s of the same
 * sessions on tensors built beforehand (for the split layout, the ControlNet's run and the UNet's
 * run fed its outputs). The tiny arithmetic models cost almost nothing to run, so the ratio is an
 * upper bound on what a real model would show; the absolute microseconds carry over.
 *
 * <p>Also, for the split layout, the bytes of the 13 residual tensors per step: out of the
 * ControlNet and into the UNet (x2), as the tiny models give them and as SD 1.5's real shapes
 * would be (channels 320..1280 at the latent side over 1, 2, 4, 8).
 *
 * <p>Run with {@code ./mvnw -Pbench verify} or {@code -Dgroups=bench -Dtest=ControlNetStageOverheadBench}.
 */
@Tag("bench")
class ControlNetStageOverheadBench {
  private static final int WARMUP = 50;
  private static final int ROUNDS = 300;

  /** SD 1.5's residual sides as divisors of the latent side, in {@code RESIDUAL_NAMES} order. */
  private static final int[] REAL_DIVISORS = {1, 1, 1, 2, 2, 2, 4, 4, 4, 8, 8, 8, 8};

  @TempDir Path dir;

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  private record Row(String stage, String size, double stageMicros, double onnxMicros) {
    String format() {
      return String.format(
          Locale.ROOT,
          "%-26s %-7s %10.1f %10.1f %10.1f %8.1f%%",
          stage,
          size,
          stageMicros,
          onnxMicros,
          stageMicros - onnxMicros,
          100 * (stageMicros - onnxMicros) / onnxMicros);
    }
  }

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

  private static DepthDiffusionPipeline.Conditions conditions(int side) throws Exception {
    float[] depth = new float[side * side];
    Arrays.fill(depth, 0.5f);
    DepthDiffusionParams params = DepthDiffusionParams.from(new Params(Map.of("guidance", 7.5)));
    return new DepthDiffusionPipeline.Conditions(
        new float[2 * TextEncoder.EMBEDDING_SIZE], depth, new int[] {side, side}, params);
  }

  @Test
  void printsStageTimeAgainstOnnxTimeAndSplitResidualBytes() throws Exception {
    ControlNetTestModels.generate(dir);
    List<Row> rows = new ArrayList<>();
    List<String> bytes = new ArrayList<>();
    JobContext job = JobContext.detached();
    try (OnnxRuntime runtime = ControlNetTestModels.cpuRuntime()) {
      SessionCache sessions = runtime.sessions();
      ModelFile fusedFile = ModelFile.open(dir.resolve(ControlNetTestModels.FUSED).resolve("unet/model.onnx"));
      ModelFile controlFile = ModelFile.open(dir.resolve(ControlNetTestModels.SPLIT).resolve("controlnet/model.onnx"));
      ModelFile splitFile = ModelFile.open(dir.resolve(ControlNetTestModels.SPLIT).resolve("unet/model.onnx"));
      for (int side : new int[] {64, 512}) {
        String size = side + "px";
        int latent = side / 8;
        NchwTensor sample = new NchwTensor(new NchwTensor.Shape(2, 4, latent, latent), new float[2 * 4 * latent * latent]);
        DepthNoiseModel.Shift none = DepthNoiseModel.Shift.NONE;

        // Fused: stage predict vs one bare run on prebuilt tensors.
        try (ControlNetUnets.Fused fused =
                new ControlNetUnets.Fused(sessions.lease(fusedFile, ControlNetTextureEngine.FUSED_UNET), conditions(side));
            SessionCache.Lease bare = sessions.lease(fusedFile, ControlNetTextureEngine.FUSED_UNET);
            OnnxTensor in = OrtTensors.floats(sample);
            OnnxTensor t = OrtTensors.timestep(500f, bare.fit().input("timestep"));
            OnnxTensor text = OrtTensors.floats(new float[2 * TextEncoder.EMBEDDING_SIZE], new long[] {2, ClipTokenizer.CONTEXT_LENGTH, TextEncoder.HIDDEN_SIZE});
            OnnxTensor conds = OrtTensors.floats(new float[2 * 3 * side * side], new long[] {1, 2, 3, side, side});
            OnnxTensor scales = OrtTensors.floats(new float[] {1f}, new long[] {1, 1})) {
          Map<String, OnnxTensor> inputs =
              Map.of("sample", in, "timestep", t, "encoder_hidden_states", text, "controlnet_conds", conds, "conditioning_scales", scales);
          OrtSession session = bare.session();
          rows.add(
              measure(
                  "fused predict", size,
                  () -> fused.predict(sample, 500f, none, job),
                  () -> {
                    try (OrtSession.Result r = session.run(inputs)) {
                      r.get(0);
                    }
                  }));
        }

        // Split: stage predict vs bare ControlNet run + bare UNet run fed its outputs.
        try (ControlNetUnets.Split split =
                new ControlNetUnets.Split(
                    sessions.lease(controlFile, ControlNetTextureEngine.CONTROLNET),
                    sessions.lease(splitFile, ControlNetTextureEngine.SPLIT_UNET),
                    conditions(side));
            SessionCache.Lease bareControl = sessions.lease(controlFile, ControlNetTextureEngine.CONTROLNET);
            SessionCache.Lease bareUnet = sessions.lease(splitFile, ControlNetTextureEngine.SPLIT_UNET);
            OnnxTensor in = OrtTensors.floats(sample);
            OnnxTensor t = OrtTensors.timestep(500f, bareControl.fit().input("timestep"));
            OnnxTensor text = OrtTensors.floats(new float[2 * TextEncoder.EMBEDDING_SIZE], new long[] {2, ClipTokenizer.CONTEXT_LENGTH, TextEncoder.HIDDEN_SIZE});
            OnnxTensor cond = OrtTensors.floats(new float[2 * 3 * side * side], new long[] {2, 3, side, side});
            OnnxTensor scale = OrtTensors.scalar(1f, bareControl.fit().input("conditioning_scale"))) {
          Map<String, OnnxTensor> controlInputs =
              Map.of("sample", in, "timestep", t, "encoder_hidden_states", text, "controlnet_cond", cond, "conditioning_scale", scale);
          long[] residualBytes = new long[1];
          Call bareRuns =
              () -> {
                try (OrtSession.Result residuals = bareControl.session().run(controlInputs)) {
                  Map<String, OnnxTensorLike> unetInputs = new HashMap<>();
                  long total = 0;
                  for (String name : ControlNetTextureEngine.RESIDUAL_NAMES) {
                    OnnxTensor r = (OnnxTensor) residuals.get(name).orElseThrow();
                    total += r.getInfo().getNumElements() * Float.BYTES;
                    unetInputs.put(name, r);
                  }
                  residualBytes[0] = total;
                  unetInputs.put("sample", in);
                  unetInputs.put("timestep", t);
                  unetInputs.put("encoder_hidden_states", text);
                  try (OrtSession.Result out = bareUnet.session().run(unetInputs)) {
                    out.get(0);
                  }
                }
              };
          rows.add(measure("split predict (2 runs)", size, () -> split.predict(sample, 500f, none, job), bareRuns));
          bytes.add(
              String.format(
                  Locale.ROOT,
                  "%-7s tiny models: %,12d B out + in = %,13d B/step | SD 1.5 shapes: %,13d B/step",
                  size, residualBytes[0], 2 * residualBytes[0], 2 * realResidualBytes(latent, 2)));
        }
      }
    }
    System.out.println();
    System.out.println("ControlNet stage overhead, median of " + ROUNDS + " (microseconds; CFG batch 2)");
    System.out.printf(Locale.ROOT, "%-26s %-7s %10s %10s %10s %9s%n", "stage", "size", "stage", "onnx", "overhead", "share");
    rows.forEach(row -> System.out.println(row.format()));
    System.out.println("split layout, 13 residuals through host memory per denoising step:");
    bytes.forEach(System.out::println);
  }

  /** Bytes of SD 1.5's 13 residuals for one direction at latent side {@code latent}, batch {@code batch}. */
  private static long realResidualBytes(int latent, int batch) {
    long total = 0;
    for (int k = 0; k < REAL_DIVISORS.length; k++) {
      long side = latent / REAL_DIVISORS[k];
      total += (long) ControlNetTextureEngine.RESIDUAL_CHANNELS.get(k) * side * side;
    }
    return total * batch * Float.BYTES;
  }
}
