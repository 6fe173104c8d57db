package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VAE stages against the look-alikes: 8x8 average pool in, 0.02 x nearest upsample out. */
class VaeStagesTest {
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

  @Test
  void encoderScalesTheExportsLatentsByTheSdFactor() throws Exception {
    NchwTensor.Shape shape = new NchwTensor.Shape(1, 3, 16, 8);
    float[] pixels = new float[shape.elementCount()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (i % 13) / 6.5f - 1f;
    }
    NchwTensor image = new NchwTensor(shape, pixels);
    try (VaeEncoder encoder =
        VaeEncoder.open(runtime.sessions(), SdTestModels.component(dir, SdTestModels.MAIN, "vae_encoder"))) {
      NchwTensor latents = encoder.encode(image, JobContext.detached());
      assertEquals(new NchwTensor.Shape(1, 4, 2, 1), latents.shape());
      for (int by = 0; by < 2; by++) {
        double[] pooled = new double[3];
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
              pooled[c] += pixels[image.index(0, c, by * 8 + y, x)] / 64.0;
            }
          }
          assertEquals(0.18215 * pooled[c], latents.values()[latents.index(0, c, by, 0)], 1e-6);
        }
        double mean = (pooled[0] + pooled[1] + pooled[2]) / 3;
        assertEquals(0.18215 * mean, latents.values()[latents.index(0, 3, by, 0)], 1e-6);
      }
    }
  }

  @Test
  void encoderRefusesSidesThatAreNotMultiplesOfEight() throws Exception {
    try (VaeEncoder encoder =
        VaeEncoder.open(runtime.sessions(), SdTestModels.component(dir, SdTestModels.MAIN, "vae_encoder"))) {
      NchwTensor odd = NchwTensor.zeros(new NchwTensor.Shape(1, 3, 12, 8));
      assertThrows(IllegalArgumentException.class, () -> encoder.encode(odd, JobContext.detached()));
    }
  }

  @Test
  void decoderUnscalesTheLatentsBeforeTheExportRuns() throws Exception {
    NchwTensor.Shape shape = new NchwTensor.Shape(1, 4, 1, 2);
    float[] values = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 9f, 9f};
    try (VaeDecoder decoder =
        VaeDecoder.open(runtime.sessions(), SdTestModels.component(dir, SdTestModels.MAIN, "vae_decoder"))) {
      NchwTensor image = decoder.decode(new NchwTensor(shape, values), JobContext.detached());
      assertEquals(new NchwTensor.Shape(1, 3, 8, 16), image.shape());
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 8; y++) {
          for (int x = 0; x < 16; x++) {
            double latent = values[c * 2 + x / 8];
            assertEquals(
                SdTestModels.DECODER_GAIN * latent / 0.18215,
                image.values()[image.index(0, c, y, x)],
                1e-6);
          }
        }
      }
    }
  }
}
