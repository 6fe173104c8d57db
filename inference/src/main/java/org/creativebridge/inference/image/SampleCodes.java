package org.creativebridge.inference.image;

/**
 * Conversions between integer code values and the float samples of {@link RgbaImage}. Stateless
 * and thread-safe; the lookup tables are filled once and never written again.
 *
 * <p>Every decoder goes through these tables so that the same code value always becomes the same
 * float, whichever format it arrived in; the encoders invert them exactly.
 */
final class SampleCodes {
  /** {@code U8_TO_FLOAT[code] == code / 255f}. */
  static final float[] U8_TO_FLOAT = table(255);

  /** {@code U16_TO_FLOAT[code] == code / 65535f}. */
  static final float[] U16_TO_FLOAT = table(65535);

  private SampleCodes() {}

  private static float[] table(int maxCode) {
    float[] values = new float[maxCode + 1];
    for (int code = 0; code <= maxCode; code++) {
      values[code] = code / (float) maxCode;
    }
    return values;
  }

  /**
   * The 8-bit code nearest to {@code value}, clamped to 0..255; NaN becomes 0. Written as
   * comparisons rather than Math.min/max so NaN falls into the first branch.
   */
  static int toU8(float value) {
    if (!(value > 0f)) {
      return 0;
    }
    if (value >= 1f) {
      return 255;
    }
    return (int) (value * 255f + 0.5f);
  }

  /** The 16-bit code nearest to {@code value}, clamped to 0..65535; NaN becomes 0. */
  static int toU16(float value) {
    if (!(value > 0f)) {
      return 0;
    }
    if (value >= 1f) {
      return 65535;
    }
    return (int) (value * 65535f + 0.5f);
  }

  /**
   * A table for {@code bits}-wide codes (1..16) scaled onto the nearest 8- or 16-bit code, so that
   * e.g. a 4-bit gray 15 reads exactly like the 8-bit 255.
   */
  static float[] tableForBits(int bits) {
    if (bits == 8) {
      return U8_TO_FLOAT;
    }
    if (bits == 16) {
      return U16_TO_FLOAT;
    }
    int maxCode = (1 << bits) - 1;
    float[] target = bits < 8 ? U8_TO_FLOAT : U16_TO_FLOAT;
    int targetMax = target.length - 1;
    float[] values = new float[maxCode + 1];
    for (int code = 0; code <= maxCode; code++) {
      values[code] = target[(int) Math.round(code * (double) targetMax / maxCode)];
    }
    return values;
  }
}
