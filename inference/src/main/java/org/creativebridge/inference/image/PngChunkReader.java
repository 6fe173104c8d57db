package org.creativebridge.inference.image;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Walks the chunks of a PNG file in order without decoding pixels. One instance reads one file on
 * one thread; it is not thread-safe, and is meant to live for a single call.
 *
 * <p>Every chunk's length is checked against the file size before its data is touched, so a
 * truncated file is reported as truncated (with the chunk it ends in) instead of failing later in
 * some less readable way, and a lying length never causes a large read or allocation.
 */
final class PngChunkReader implements Closeable {
  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** A chunk's length, type and the file offset of its length field. */
  record Chunk(String type, int length, long offset) {
    boolean isCritical() {
      return Character.isUpperCase(type.charAt(0));
    }
  }

  private static final int BUFFER_BYTES = 1 << 16;

  private final InputStream in;
  private final long fileSize;
  private final CRC32 crc = new CRC32();
  private final byte[] scratch = new byte[BUFFER_BYTES];
  private long position;

  private PngChunkReader(InputStream in, long fileSize) {
    this.in = in;
    this.fileSize = fileSize;
  }

  static PngChunkReader open(Path file) throws IOException {
    long size = Files.size(file);
    return new PngChunkReader(new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES), size);
  }

  /**
   * Reads the first bytes of the file (up to {@code count}); fewer when the file is shorter. Used
   * to check the signature and to name what the file really is when it is not a PNG.
   */
  byte[] readPrefix(int count) throws IOException {
    byte[] prefix = in.readNBytes(count);
    position += prefix.length;
    return prefix;
  }

  /** The next chunk header, or a truncation error when the file ends before one is complete. */
  Chunk next() throws IOException {
    if (position == fileSize) {
      throw new PngFormatException(
          "The PNG file is truncated: it ends after " + fileSize + " bytes, before its IEND chunk.");
    }
    long offset = position;
    byte[] header = new byte[8];
    readFully(header, 8, "a chunk header (at offset " + offset + ")");
    long length = readUnsignedInt(header, 0);
    for (int i = 4; i < 8; i++) {
      int c = header[i] & 0xff;
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
        throw new PngFormatException(
            "The PNG file is damaged: the bytes at offset " + offset + " are not a valid chunk.");
      }
    }
    String type = new String(header, 4, 4, StandardCharsets.US_ASCII);
    if (length > Integer.MAX_VALUE) {
      throw new PngFormatException(
          "The PNG file is damaged: its " + type + " chunk at offset " + offset
              + " claims an impossible length.");
    }
    long end = offset + 12 + length;
    if (end > fileSize) {
      throw new PngFormatException(
          "The PNG file is truncated: it ends inside its " + type + " chunk (the chunk needs "
              + end + " bytes, the file has " + fileSize + ").");
    }
    crc.reset();
    crc.update(header, 4, 4);
    return new Chunk(type, (int) length, offset);
  }

  /** Reads all of a chunk's data and checks its CRC. Only for chunks known to be small. */
  byte[] readData(Chunk chunk) throws IOException {
    byte[] data = new byte[chunk.length()];
    readFully(data, data.length, describe(chunk));
    crc.update(data);
    checkCrc(chunk);
    return data;
  }

  /** Streams through a chunk's data to check its CRC without keeping it. */
  void verifyData(Chunk chunk) throws IOException {
    long remaining = chunk.length();
    while (remaining > 0) {
      int n = (int) Math.min(remaining, scratch.length);
      readFully(scratch, n, describe(chunk));
      crc.update(scratch, 0, n);
      remaining -= n;
    }
    checkCrc(chunk);
  }

  /** Skips a chunk's data and CRC unchecked; for callers that only want other chunks. */
  void skipData(Chunk chunk) throws IOException {
    long toSkip = chunk.length() + 4L;
    in.skipNBytes(toSkip);
    position += toSkip;
  }

  private void checkCrc(Chunk chunk) throws IOException {
    byte[] stored = new byte[4];
    readFully(stored, 4, "the checksum of " + describe(chunk));
    if (readUnsignedInt(stored, 0) != crc.getValue()) {
      throw new PngFormatException(
          "The PNG file is damaged: the checksum (CRC) of its " + chunk.type()
              + " chunk at offset " + chunk.offset() + " does not match its contents.");
    }
  }

  /** Fills the start of {@code buffer}; {@code what} names the part being read, for the message. */
  private void readFully(byte[] buffer, int length, String what) throws IOException {
    int read = in.readNBytes(buffer, 0, length);
    position += read;
    if (read < length) {
      // The file shrank after its size was read, or a header straddles the end.
      throw new PngFormatException("The PNG file is truncated: it ends inside " + what + ".");
    }
  }

  private static String describe(Chunk chunk) {
    return "its " + chunk.type() + " chunk (at offset " + chunk.offset() + ")";
  }

  static long readUnsignedInt(byte[] bytes, int offset) {
    return ((bytes[offset] & 0xffL) << 24)
        | ((bytes[offset + 1] & 0xffL) << 16)
        | ((bytes[offset + 2] & 0xffL) << 8)
        | (bytes[offset + 3] & 0xffL);
  }

  static boolean hasSignature(byte[] prefix) {
    return prefix.length >= SIGNATURE.length
        && Arrays.equals(prefix, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
