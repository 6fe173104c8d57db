package org.creativebridge.inference.audio;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Walks the chunks of a RIFF/WAVE file by their 8-byte headers, seeking past bodies, so a walk
 * costs a few reads however large the file is.
 *
 * <p>Robust to what real writers do: odd-sized chunks padded to even length (and writers that
 * forget the pad byte: when the padded position does not start a plausible chunk id but the
 * unpadded one does, the unpadded one is taken), and chunks in any order.
 *
 * <p>Not thread-safe: one walker per channel, used by one thread.
 */
final class RiffChunkWalker {
  /** One chunk's id, declared body size (unsigned 32-bit) and where its body starts. */
  record Chunk(String id, long declaredSize, long bodyOffset) {}

  private final SeekableByteChannel channel;
  private final long fileSize;
  private long position;

  private RiffChunkWalker(SeekableByteChannel channel, long fileSize, long position) {
    this.channel = channel;
    this.fileSize = fileSize;
    this.position = position;
  }

  /**
   * Checks the 12-byte RIFF/WAVE preamble and returns a walker positioned at the first chunk.
   *
   * @throws AudioFormatException naming what the file is instead, when it is not a WAVE file
   */
  static RiffChunkWalker open(SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    if (size == 0) {
      throw new AudioFormatException("The WAV file is empty.");
    }
    ByteBuffer preamble = read(channel, 0, (int) Math.min(12, size));
    byte[] bytes = new byte[preamble.remaining()];
    preamble.get(bytes);
    String riff = ascii(bytes, 0, 4);
    if (riff.equals("RF64") || riff.equals("BW64")) {
      throw new AudioFormatException("The file is an RF64 (64-bit WAV) file, which this studio does not read;"
          + " export it as a standard WAV.");
    }
    if (riff.equals("RIFX")) {
      throw new AudioFormatException("The file is a big-endian RIFX WAV, which this studio does not read.");
    }
    if (bytes.length < 12 || !riff.equals("RIFF") || !ascii(bytes, 8, 4).equals("WAVE")) {
      String what = AudioSniffer.describe(bytes);
      throw new AudioFormatException(what == null
          ? "The file is not a WAV file: it does not start with a RIFF/WAVE header."
          : "The file is not a WAV file but " + what + ".");
    }
    return new RiffChunkWalker(channel, size, 12);
  }

  long fileSize() {
    return fileSize;
  }

  /** The next chunk header, or null at the end of the file (or when fewer than 8 bytes remain). */
  Chunk next() throws IOException {
    if (position + 8 > fileSize) {
      return null;
    }
    ByteBuffer header = read(channel, position, 8);
    byte[] id = new byte[4];
    header.get(id);
    long size = Integer.toUnsignedLong(header.getInt());
    Chunk chunk = new Chunk(ascii(id, 0, 4), size, position + 8);
    position = chunk.bodyOffset() + size;
    return chunk;
  }

  /** Moves past {@code chunk}'s body and its pad byte (see the class comment for writers that omit it). */
  void skip(Chunk chunk) throws IOException {
    long end = chunk.bodyOffset() + chunk.declaredSize();
    if ((chunk.declaredSize() & 1) == 1 && end + 1 + 4 <= fileSize) {
      boolean paddedLooksLikeChunk = plausibleId(end + 1);
      boolean unpaddedLooksLikeChunk = plausibleId(end);
      position = !paddedLooksLikeChunk && unpaddedLooksLikeChunk ? end : end + 1;
    } else {
      position = (chunk.declaredSize() & 1) == 1 ? end + 1 : end;
    }
  }

  /** Reads {@code chunk}'s body, which the caller has checked is small. */
  byte[] body(Chunk chunk) throws IOException {
    if (chunk.bodyOffset() + chunk.declaredSize() > fileSize) {
      throw new AudioFormatException("The WAV file is truncated: its '" + chunk.id().trim() + "' chunk declares "
          + chunk.declaredSize() + " bytes but only " + (fileSize - chunk.bodyOffset()) + " are present.");
    }
    ByteBuffer buffer = read(channel, chunk.bodyOffset(), (int) chunk.declaredSize());
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private boolean plausibleId(long at) throws IOException {
    ByteBuffer id = read(channel, at, 4);
    for (int i = 0; i < 4; i++) {
      int b = id.get(i) & 0xff;
      // Chunk ids are four printable ASCII characters (spaces allowed, as in "fmt ").
      if (b < 0x20 || b > 0x7e) {
        return false;
      }
    }
    return true;
  }

  static ByteBuffer read(SeekableByteChannel channel, long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    channel.position(offset);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("unexpected end of file at byte " + (offset + buffer.position()));
      }
    }
    return buffer.flip();
  }

  static String ascii(byte[] bytes, int offset, int length) {
    if (bytes.length < offset + length) {
      return "";
    }
    return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
  }
}
