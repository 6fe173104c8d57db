package org.creativebridge.inference.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Raw interleaved RGBA pixels, little-endian, in 1 MiB slices through bulk {@link ByteBuffer}
 * views, so neither direction ever holds a second full-size copy of the image. Stateless and
 * thread-safe.
 */
final class RawCodec {
  private static final int SLICE_BYTES = 1 << 20;

  private RawCodec() {}

  /** Reads exactly {@code type.expectedBytes()}; the caller has checked the file size. */
  static RgbaImage read(Path file, RawImageType type) throws IOException {
    RgbaImage image = new RgbaImage((int) type.width(), (int) type.height(), type.depth());
    float[] samples = image.samples();
    int bytesPerSample = type.depth().bytesPerSample();
    ByteBuffer slice = ByteBuffer.allocate(SLICE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    byte[] bytes = new byte[SLICE_BYTES];
    short[] shorts = new short[SLICE_BYTES / 2];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      int filled = 0;
      while (filled < samples.length) {
        if (channel.read(slice) < 0) {
          throw new IOException("the file became shorter while it was being read");
        }
        slice.flip();
        int count = Math.min(slice.remaining() / bytesPerSample, samples.length - filled);
        switch (type.depth()) {
          case U8 -> {
            slice.get(bytes, 0, count);
            float[] table = SampleCodes.U8_TO_FLOAT;
            for (int i = 0; i < count; i++) {
              samples[filled + i] = table[bytes[i] & 0xff];
            }
          }
          case U16 -> {
            slice.asShortBuffer().get(shorts, 0, count);
            slice.position(slice.position() + count * 2);
            float[] table = SampleCodes.U16_TO_FLOAT;
            for (int i = 0; i < count; i++) {
              samples[filled + i] = table[shorts[i] & 0xffff];
            }
          }
          case F32 -> {
            slice.asFloatBuffer().get(samples, filled, count);
            slice.position(slice.position() + count * 4);
          }
        }
        filled += count;
        // Keeps a sample split across two reads for the next round.
        slice.compact();
      }
    }
    return image;
  }

  static void write(RgbaImage image, OutputStream out) throws IOException {
    float[] samples = image.samples();
    int bytesPerSample = image.depth().bytesPerSample();
    int perSlice = SLICE_BYTES / bytesPerSample;
    ByteBuffer slice = ByteBuffer.allocate(SLICE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    byte[] bytes = slice.array();
    for (int from = 0; from < samples.length; from += perSlice) {
      int count = Math.min(perSlice, samples.length - from);
      switch (image.depth()) {
        case U8 -> {
          for (int i = 0; i < count; i++) {
            bytes[i] = (byte) SampleCodes.toU8(samples[from + i]);
          }
        }
        case U16 -> {
          for (int i = 0; i < count; i++) {
            int code = SampleCodes.toU16(samples[from + i]);
            bytes[2 * i] = (byte) code;
            bytes[2 * i + 1] = (byte) (code >>> 8);
          }
        }
        case F32 -> slice.asFloatBuffer().put(samples, from, count);
      }
      out.write(bytes, 0, count * bytesPerSample);
    }
    out.flush();
  }
}
