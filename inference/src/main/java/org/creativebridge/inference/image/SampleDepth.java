package org.creativebridge.inference.image;

/** The depth an image arrived at; outputs go back at the same depth. */
public enum SampleDepth {
  U8(1, "rgba8", 255f),
  U16(2, "rgba16", 65535f),
  F32(4, "rgbaf32", 1f);

  private final int bytesPerSample;
  private final String rawFormat;
  private final float scale;

  SampleDepth(int bytesPerSample, String rawFormat, float scale) {
    this.bytesPerSample = bytesPerSample;
    this.rawFormat = rawFormat;
    this.scale = scale;
  }

  public int bytesPerSample() {
    return bytesPerSample;
  }

  /** The {@code format=} value of an {@code image/x-raw} media type. */
  public String rawFormat() {
    return rawFormat;
  }

  /** Integer code value of 1.0 (255, 65535), or 1 for float samples. */
  public float scale() {
    return scale;
  }

  public static SampleDepth fromRawFormat(String format) {
    for (SampleDepth depth : values()) {
      if (depth.rawFormat.equals(format)) {
        return depth;
      }
    }
    throw new IllegalArgumentException("unknown raw format '" + format + "'");
  }
}
