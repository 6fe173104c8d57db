package org.creativebridge.inference.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV files byte by byte for tests, including ones whose headers lie. */
final class WavBytes {
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private Long riffSizeOverride;

  static WavBytes riff() {
    return new WavBytes();
  }

  WavBytes riffSize(long size) {
    riffSizeOverride = size;
    return this;
  }

  /** A plain fmt chunk (16 bytes). */
  WavBytes fmt(int tag, int channels, int rate, int bits) {
    int align = channels * bits / 8;
    return chunk("fmt ", le(16).putShort((short) tag).putShort((short) channels).putInt(rate)
        .putInt(rate * align).putShort((short) align).putShort((short) bits));
  }

  /** A fmt chunk with an explicit block align, to make a header that lies. */
  WavBytes fmtWithAlign(int channels, int rate, int bits, int blockAlign) {
    return chunk("fmt ", le(16).putShort((short) 1).putShort((short) channels).putInt(rate)
        .putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) bits));
  }

  WavBytes fmtExtensible(int subformat, int channels, int rate, int containerBits, int validBits) {
    int align = channels * containerBits / 8;
    ByteBuffer b = le(40).putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * align)
        .putShort((short) align).putShort((short) containerBits).putShort((short) 22).putShort((short) validBits)
        .putInt(0).putInt(subformat)
        .put(new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
    return chunk("fmt ", b);
  }

  WavBytes chunk(String id, ByteBuffer content) {
    byte[] bytes = new byte[content.position()];
    content.flip().get(bytes);
    return chunk(id, bytes, true);
  }

  WavBytes chunk(String id, byte[] content, boolean pad) {
    return chunkWithSize(id, content.length, content, pad);
  }

  WavBytes chunkWithSize(String id, long declaredSize, byte[] content, boolean pad) {
    body.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(le(4).putInt((int) declaredSize).array());
    body.writeBytes(content);
    if (pad && (content.length & 1) == 1) {
      body.write(0);
    }
    return this;
  }

  WavBytes data(byte[] samples) {
    return chunk("data", samples, true);
  }

  byte[] bytes() {
    byte[] content = body.toByteArray();
    ByteBuffer out = le(12 + content.length);
    out.put("RIFF".getBytes(StandardCharsets.US_ASCII))
        .putInt((int) (riffSizeOverride != null ? riffSizeOverride : 4 + content.length))
        .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(content);
    return out.array();
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  static byte[] pcm16(short... values) {
    ByteBuffer b = le(values.length * 2);
    for (short v : values) {
      b.putShort(v);
    }
    return b.array();
  }
}
