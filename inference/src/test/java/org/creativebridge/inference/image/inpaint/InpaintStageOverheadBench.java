package org.creativebridge.inference.image.inpaint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.inference.runtime.SessionCache;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the LaMa engine's own stages cost next to the ONNX run they wrap, with the tiny arithmetic
 * LaMa model (a real LaMa run takes seconds; this one milliseconds, so the ratio shows the engine's
 * overhead at its most visible). Images of 1 and 4 megapixels, a centred 512x512 hole (one crop,
 * scaled 512/768 to the model) and a hole of a fifth of the image side in each corner (four crops).
 * Median of {@link #RUNS} after {@link #WARM_UP} warm-up runs. Not part of the normal suite: {@code
 * ./mvnw -o -q -Pbench -pl inference verify -Dtest=InpaintStageOverheadBench
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class InpaintStageOverheadBench {

  private static final int WARM_UP = 3;
  private static final int RUNS = 7;

  @TempDir Path models;

  /** Stage start times as the engine reports them. */
  private static final class StageClock implements JobContext {
    final List<String> names = new ArrayList<>();
    final List<Long> starts = new ArrayList<>();

    @Override
    public void stage(String name) {
      names.add(name);
      starts.add(System.nanoTime());
    }

    @Override
    public void progress(double fraction) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Registration onCancel(Runnable onCancel) {
      return () -> {};
    }
  }

  private record Scenario(String name, int side, PixelBounds[] holes) {}

  @Test
  void printStageTimesAgainstTheOnnxRun() throws Exception {
    InpaintModels.generate(models);
    try (OnnxRuntime runtime =
        OnnxRuntime.start(
            new OnnxRuntime.Config(
                "cpu", Math.max(1, Runtime.getRuntime().availableProcessors()), 1L << 30))) {
      ModelEngineSetup setup =
          InpaintModels.setup(runtime, models.resolve("lama_arithmetic.onnx"), "lama-bench");
      LamaInpaintEngine lama = new LamaInpaintEngine(setup);
      double onnxMillis = onnxRunMillis(setup);

      System.out.printf(
          Locale.ROOT,
          "%nLaMa engine stages vs the ONNX run (tiny arithmetic LaMa, %d threads, median of %d)%n"
              + "one ONNX run on 512x512: %.2f ms%n",
          Math.max(1, Runtime.getRuntime().availableProcessors()),
          RUNS,
          onnxMillis);
      System.out.println(
          "scenario                    crops  prepare ms  infer ms  (onnx ms)  compose ms  total ms"
              + "  overhead/onnx");
      // A silent pass first, so no scenario pays for the JIT compiling code the others share.
      for (Scenario scenario : scenarios()) {
        measure(lama, scenario);
      }
      for (Scenario scenario : scenarios()) {
        report(scenario, measure(lama, scenario), onnxMillis);
      }
    }
  }

  private static List<Scenario> scenarios() {
    List<Scenario> scenarios = new ArrayList<>();
    for (int side : new int[] {1024, 2048}) {
      String size = side == 1024 ? "1 MP" : "4 MP";
      int centre = side / 2 - 256;
      scenarios.add(
          new Scenario(
              size + " centred 512 hole",
              side,
              new PixelBounds[] {new PixelBounds(centre, centre, 512, 512)}));
      int hole = side / 5;
      int far = side - hole - 10;
      scenarios.add(
          new Scenario(
              size + " 4 corner holes",
              side,
              new PixelBounds[] {
                new PixelBounds(10, 10, hole, hole),
                new PixelBounds(far, 10, hole, hole),
                new PixelBounds(10, far, hole, hole),
                new PixelBounds(far, far, hole, hole)
              }));
    }
    return scenarios;
  }

  /** Median milliseconds of prepare, infer and compose, and the number of crops. */
  private record StageTimes(double prepare, double infer, double compose, int crops) {}

  private static StageTimes measure(LamaInpaintEngine lama, Scenario scenario) throws Exception {
    RgbaImage image = InpaintImages.gradient(scenario.side(), scenario.side(), SampleDepth.U8);
    RgbaImage mask = InpaintImages.rectangles(scenario.side(), scenario.side(), scenario.holes());
    int crops =
        ContextBoxes.plan(FillMask.prepare(mask, 0, 0), ModelCanvas.fixed(512, 512)).tiles().size();
    double[][] stageMillis = new double[3][RUNS];
    for (int run = -WARM_UP; run < RUNS; run++) {
      StageClock clock = new StageClock();
      lama.run(InpaintImages.request(image, mask, Map.of("feather", 8)), clock);
      long end = System.nanoTime();
      assertEquals(List.of("prepare", "infer", "compose"), clock.names);
      if (run >= 0) {
        for (int stage = 0; stage < 3; stage++) {
          long until = stage == 2 ? end : clock.starts.get(stage + 1);
          stageMillis[stage][run] = (until - clock.starts.get(stage)) / 1e6;
        }
      }
    }
    return new StageTimes(
        median(stageMillis[0]), median(stageMillis[1]), median(stageMillis[2]), crops);
  }

  private static void report(Scenario scenario, StageTimes times, double onnxMillis) {
    double onnx = onnxMillis * times.crops();
    double total = times.prepare() + times.infer() + times.compose();
    System.out.printf(
        Locale.ROOT,
        "%-27s %5d  %10.2f  %8.2f  %9.2f  %10.2f  %8.2f  %12.1fx%n",
        scenario.name(),
        times.crops(),
        times.prepare(),
        times.infer(),
        onnx,
        times.compose(),
        total,
        (total - onnx) / onnx);
  }

  /** The bare session run on one 512 tile, tensors made beforehand. */
  private static double onnxRunMillis(ModelEngineSetup setup) throws Exception {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    float[] rgb = new float[3 * 512 * 512];
    float[] hole = new float[512 * 512];
    Arrays.fill(rgb, 0.5f);
    Arrays.fill(hole, 0, hole.length / 4, 1f);
    double[] millis = new double[RUNS];
    try (SessionCache.Lease lease =
            setup.sessions().lease(setup.model(), LamaInpaintEngine.CONTRACT);
        OnnxTensor image =
            OnnxTensor.createTensor(
                environment, FloatBuffer.wrap(rgb), new long[] {1, 3, 512, 512});
        OnnxTensor mask =
            OnnxTensor.createTensor(
                environment, FloatBuffer.wrap(hole), new long[] {1, 1, 512, 512})) {
      for (int run = -WARM_UP; run < RUNS; run++) {
        long start = System.nanoTime();
        try (OrtSession.Result result =
            lease.run(Map.of("image", image, "mask", mask), JobContext.detached())) {
          if (run >= 0) {
            millis[run] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
    }
    return median(millis);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
