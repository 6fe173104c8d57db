package org.creativebridge.inference.image.inpaint;

/**
 * Sum of squared RGBA differences between the patch around a target centre and the patch around a
 * source centre of one level. Alpha takes part so that transparent and opaque areas are not mixed.
 * Reads only; safe to share between threads while the level's samples are not being written.
 */
final class PatchDistance {
  private static final int CHANNELS = PyramidLevel.CHANNELS;

  private final float[] rgba;
  private final int rowStride;
  private final int radius;
  private final int patchRowLength;

  PatchDistance(PyramidLevel level, int patchSize) {
    this.rgba = level.rgba;
    this.rowStride = level.width * CHANNELS;
    this.radius = patchSize / 2;
    this.patchRowLength = patchSize * CHANNELS;
  }

  /**
   * The distance, or any value above {@code bound} once the partial sum exceeds it: candidates that
   * already lost need not be finished, which is most of them during random search.
   */
  float between(int target, int source, float bound) {
    int targetStart = (target * CHANNELS) - radius * rowStride - radius * CHANNELS;
    int sourceStart = (source * CHANNELS) - radius * rowStride - radius * CHANNELS;
    float sum = 0f;
    for (int row = 0; row <= 2 * radius; row++) {
      int t = targetStart + row * rowStride;
      int s = sourceStart + row * rowStride;
      for (int i = 0; i < patchRowLength; i++) {
        float difference = rgba[t + i] - rgba[s + i];
        sum += difference * difference;
      }
      if (sum > bound) {
        return sum;
      }
    }
    return sum;
  }
}
