package org.creativebridge.inference.audio;

/** The sample encodings {@link AudioCodec#writeWav} writes. */
public enum WavEncoding {
  /** 24-bit signed integer PCM, rounded to nearest without dither (see {@link AudioCodec#writeWav}). */
  PCM24,
  /** 32-bit IEEE float, the clip's samples bit for bit. */
  FLOAT32
}
