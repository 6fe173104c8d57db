package org.creativebridge.inference.audio;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Converts a WAV file's sample bytes to interleaved floats in -1..1. Integer codes map as
 * {@code code / 2^(bits-1)} (8-bit: {@code (code - 128) / 128}), so every 8, 16 and 24-bit code
 * is exactly representable and {@link WavWriter} maps it back to itself.
 *
 * <p>Thread-safe: stateless; each call owns its buffers.
 */
final class WavSamples {
  /** Bytes read per block: large enough to amortise reads, small enough to stay in cache. */
  private static final int BLOCK_BYTES = 1 << 16;

  private static final float SCALE_8 = 1f / 128;
  private static final float SCALE_16 = 1f / 32768;
  private static final float SCALE_24 = 1f / 8388608;
  private static final double SCALE_32 = 1.0 / 2147483648.0;

  private WavSamples() {}

  /** The caller has checked that {@code layout.frames() * channels} fits an array. */
  static float[] read(SeekableByteChannel channel, WavLayout layout) throws IOException {
    int bytesPerSample = layout.containerBits() / 8;
    float[] samples = new float[Math.toIntExact(layout.dataBytes() / bytesPerSample)];
    int blockBytes = BLOCK_BYTES - BLOCK_BYTES % (bytesPerSample * layout.channels());
    ByteBuffer buffer = ByteBuffer.allocate(blockBytes).order(ByteOrder.LITTLE_ENDIAN);
    channel.position(layout.dataOffset());
    long remaining = layout.dataBytes();
    int written = 0;
    while (remaining > 0) {
      buffer.clear().limit((int) Math.min(blockBytes, remaining));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          // The layout was taken from this file's size a moment ago; it shrank since.
          throw new EOFException("The WAV file became shorter while it was being read.");
        }
      }
      buffer.flip();
      written = convert(buffer, layout.encoding(), samples, written);
      remaining -= buffer.limit();
    }
    return samples;
  }

  private static int convert(ByteBuffer in, WavLayout.SampleEncoding encoding, float[] out, int at) {
    int i = at;
    switch (encoding) {
      case UNSIGNED8 -> {
        while (in.hasRemaining()) {
          out[i++] = ((in.get() & 0xff) - 128) * SCALE_8;
        }
      }
      case SIGNED16 -> {
        while (in.hasRemaining()) {
          out[i++] = in.getShort() * SCALE_16;
        }
      }
      case SIGNED24 -> {
        while (in.hasRemaining()) {
          int low = in.get() & 0xff;
          int mid = in.get() & 0xff;
          int high = in.get(); // sign-extends
          out[i++] = ((high << 16) | (mid << 8) | low) * SCALE_24;
        }
      }
      case SIGNED32 -> {
        while (in.hasRemaining()) {
          out[i++] = (float) (in.getInt() * SCALE_32);
        }
      }
      case FLOAT32 -> {
        while (in.hasRemaining()) {
          out[i++] = in.getFloat();
        }
      }
      case FLOAT64 -> {
        while (in.hasRemaining()) {
          out[i++] = (float) in.getDouble();
        }
      }
    }
    return i;
  }
}
