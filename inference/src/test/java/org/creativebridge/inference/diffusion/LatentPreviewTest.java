package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.creativebridge.inference.image.RgbaImage;
import org.junit.jupiter.api.Test;

class LatentPreviewTest {

  @Test
  void predictsTheCleanLatentsANoisedInputWasMadeFrom() {
    double sigma = 3.0;
    double a = 1 / (1 + sigma * sigma);
    float[] clean = {0.5f, -1.25f, 2f};
    float[] noise = {1f, 0.3f, -0.7f};
    float[] input = new float[3];
    for (int i = 0; i < 3; i++) {
      input[i] = (float) (Math.sqrt(a) * clean[i] + Math.sqrt(1 - a) * noise[i]);
    }
    float[] predicted = LatentPreview.predictOriginal(input, noise, sigma);
    for (int i = 0; i < 3; i++) {
      assertEquals(clean[i], predicted[i], 1e-5);
    }
  }

  @Test
  void mapsEachLatentChannelThroughTheDecoderApproximation() {
    NchwTensor.Shape shape = new NchwTensor.Shape(1, 4, 1, 2);
    // Pixel 0: channel 0 alone at 1; pixel 1: all zero (mid grey).
    float[] values = {1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f};
    RgbaImage image = LatentPreview.toImage(new NchwTensor(shape, values));
    assertEquals(2, image.width());
    assertEquals(1, image.height());
    assertEquals((0.3512 + 1) / 2, image.get(0, 0, 0), 1e-6);
    assertEquals((0.2297 + 1) / 2, image.get(0, 0, 1), 1e-6);
    assertEquals((0.3227 + 1) / 2, image.get(0, 0, 2), 1e-6);
    assertEquals(1f, image.get(0, 0, 3));
    assertEquals(0.5f, image.get(1, 0, 0));
  }
}
