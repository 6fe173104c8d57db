package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UNet stage against the arithmetic look-alike: out = 0.1 latents + 0.05 mask + 0.02
 * masked-latents + 0.0001 t + 0.00001 mean(hidden - 49407).
 */
class UnetTest {
  @TempDir static Path dir;
  private static OnnxRuntime runtime;

  @BeforeAll
  static void models() throws Exception {
    SdTestModels.generate(dir);
    runtime = SdTestModels.cpuRuntime();
  }

  @AfterAll
  static void close() {
    if (runtime != null) {
      runtime.sessions().close();
    }
  }

  private static Unet open(String folder) throws Exception {
    return Unet.open(runtime.sessions(), SdTestModels.component(dir, folder, "unet"));
  }

  /** A 2-entry batch of 9-channel 2x2 samples with distinct values per channel and entry. */
  private static NchwTensor sample(int channels) {
    NchwTensor.Shape shape = new NchwTensor.Shape(2, channels, 2, 2);
    float[] values = new float[shape.elementCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i % 7) * 0.25f - 0.5f + i * 0.001f;
    }
    return new NchwTensor(shape, values);
  }

  private static NchwTensor predict(Unet unet, NchwTensor sample, float timestep, float[] hidden)
      throws Exception {
    try (Unet.Conditioning text = unet.condition(hidden)) {
      return unet.predict(new Unet.UnetInput(sample, timestep, text), JobContext.detached());
    }
  }

  private static float[] hidden(float first, float second) {
    float[] hidden = new float[2 * TextEncoder.EMBEDDING_SIZE];
    Arrays.fill(hidden, 0, TextEncoder.EMBEDDING_SIZE, first);
    Arrays.fill(hidden, TextEncoder.EMBEDDING_SIZE, hidden.length, second);
    return hidden;
  }

  private static void assertArithmetic(NchwTensor sample, double timestepSeen, float[] textMeans, NchwTensor out) {
    assertEquals(new NchwTensor.Shape(sample.batch(), 4, 2, 2), out.shape());
    for (int n = 0; n < sample.batch(); n++) {
      for (int c = 0; c < 4; c++) {
        for (int y = 0; y < 2; y++) {
          for (int x = 0; x < 2; x++) {
            double expected =
                SdTestModels.UNET_LATENTS * sample.values()[sample.index(n, c, y, x)]
                    + SdTestModels.UNET_TIMESTEP * timestepSeen
                    + SdTestModels.UNET_TEXT * (textMeans[n] - ClipTokenizer.EOS);
            if (sample.channels() == 9) {
              expected +=
                  SdTestModels.UNET_MASK * sample.values()[sample.index(n, 4, y, x)]
                      + SdTestModels.UNET_MASKED * sample.values()[sample.index(n, 5 + c, y, x)];
            }
            assertEquals(expected, out.values()[out.index(n, c, y, x)], 1e-5, "n" + n + " c" + c);
          }
        }
      }
    }
  }

  @Test
  void truncatesAFractionalTimestepForAnInt64Export() throws Exception {
    try (Unet unet = open(SdTestModels.MAIN)) {
      assertEquals(ElementType.INT64, unet.timestepType());
      assertEquals(OptionalInt.of(9), unet.declaredInputChannels());
      NchwTensor sample = sample(9);
      NchwTensor out =
          predict(unet, sample, 998.9f, hidden(49407, 49500));
      assertArithmetic(sample, 998, new float[] {49407, 49500}, out);
    }
  }

  @Test
  void passesAFractionalTimestepToAFloat32Export() throws Exception {
    try (Unet unet = open(SdTestModels.FLOAT_TIMESTEP)) {
      assertEquals(ElementType.FLOAT32, unet.timestepType());
      NchwTensor sample = sample(9);
      NchwTensor out =
          predict(unet, sample, 998.9f, hidden(49407, 49500));
      assertArithmetic(sample, 998.9f, new float[] {49407, 49500}, out);
    }
  }

  @Test
  void feedsAScalarTimestepWhenTheExportDeclaresOne() throws Exception {
    try (Unet unet = open(SdTestModels.SCALAR_TIMESTEP)) {
      NchwTensor sample = sample(9);
      NchwTensor out =
          predict(unet, sample, 500f, hidden(49000, 49407));
      assertArithmetic(sample, 500, new float[] {49000, 49407}, out);
    }
  }

  @Test
  void readsTheInputChannelsOfATextToImageUnet() throws Exception {
    try (Unet unet = open(SdTestModels.TEXT_TO_IMAGE_UNET)) {
      assertEquals(OptionalInt.of(4), unet.declaredInputChannels());
      NchwTensor sample = sample(4);
      NchwTensor out =
          predict(unet, sample, 10f, hidden(49407, 49407));
      assertArithmetic(sample, 10, new float[] {49407, 49407}, out);
    }
  }
}
