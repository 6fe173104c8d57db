package org.creativebridge.inference.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Reads the stream parameters of FLAC (its STREAMINFO block) and Ogg Vorbis (its identification
 * header, and the last page's granule position for the length) without decoding any audio.
 *
 * <p>Thread-safe: stateless.
 */
final class FlacOggProbe {
  /** Parameters found; {@code frames} is -1 when the stream does not say. */
  record StreamInfo(int sampleRate, int channels, int bitsPerSample, long frames) {}

  /** How much of an Ogg file's tail is searched for its last page (a page is at most 65 307 bytes). */
  private static final int OGG_TAIL_BYTES = 65_307 * 2;

  private FlacOggProbe() {}

  static StreamInfo probeFlac(SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    long start = MpegAudioProbe.id3v2Length(channel, size);
    if (size - start < 8 + 34) {
      throw new AudioFormatException("The FLAC file is truncated: it ends before its stream header.");
    }
    ByteBuffer head = RiffChunkWalker.read(channel, start, 8 + 34).order(ByteOrder.BIG_ENDIAN);
    byte[] magic = new byte[4];
    head.get(magic);
    if (!AudioSniffer.startsWith(magic, 0, "fLaC")) {
      throw new AudioFormatException("The file sent as audio/flac is not a FLAC file.");
    }
    int blockType = head.get() & 0x7f;
    int blockLength = ((head.get() & 0xff) << 16) | ((head.get() & 0xff) << 8) | (head.get() & 0xff);
    if (blockType != 0 || blockLength != 34) {
      throw new AudioFormatException("The FLAC file is damaged: it does not start with its STREAMINFO block.");
    }
    head.position(head.position() + 10); // block sizes and frame sizes
    long packed = head.getLong(); // rate:20 channels-1:3 bits-1:5 total samples:36
    int rate = (int) (packed >>> 44);
    int channels = (int) ((packed >>> 41) & 7) + 1;
    int bits = (int) ((packed >>> 36) & 31) + 1;
    long total = packed & 0xFFFFFFFFFL;
    if (rate == 0) {
      throw new AudioFormatException("The FLAC file is damaged: its stream header declares a sample rate of 0 Hz.");
    }
    return new StreamInfo(rate, channels, bits, total == 0 ? -1 : total);
  }

  static StreamInfo probeOggVorbis(SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    if (size < 27 + 1 + 30) {
      throw new AudioFormatException("The Ogg file is truncated: it ends before its first page.");
    }
    int headLength = (int) Math.min(size, 27 + 255 + 64);
    byte[] head = new byte[headLength];
    RiffChunkWalker.read(channel, 0, headLength).get(head);
    if (!AudioSniffer.startsWith(head, 0, "OggS")) {
      throw new AudioFormatException("The file sent as audio/ogg is not an Ogg file.");
    }
    int serial = ByteBuffer.wrap(head, 14, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int packet = 27 + (head[26] & 0xff);
    if (AudioSniffer.startsWith(head, packet, "OpusHead")) {
      throw new AudioFormatException("The Ogg file holds Opus audio; this studio reads Ogg Vorbis.");
    }
    if (packet + 30 > head.length || head[packet] != 1 || !AudioSniffer.startsWith(head, packet + 1, "vorbis")) {
      throw new AudioFormatException("The Ogg file does not hold Vorbis audio (its first packet is not a Vorbis"
          + " identification header); this studio reads Ogg Vorbis.");
    }
    ByteBuffer id = ByteBuffer.wrap(head, packet + 7, 9).order(ByteOrder.LITTLE_ENDIAN);
    id.getInt(); // Vorbis version
    int channels = id.get() & 0xff;
    long rate = Integer.toUnsignedLong(id.getInt());
    if (channels == 0 || rate == 0 || rate > Integer.MAX_VALUE) {
      throw new AudioFormatException("The Ogg Vorbis file is damaged: it declares " + channels + " channels at "
          + rate + " Hz.");
    }
    return new StreamInfo((int) rate, channels, 16, lastGranule(channel, size, serial));
  }

  /**
   * The granule position (PCM frames) of the stream's last complete page. A stream whose last page
   * is not marked end-of-stream was cut off: refused, since the rest of the audio is missing.
   */
  private static long lastGranule(SeekableByteChannel channel, long size, int serial) throws IOException {
    int tailLength = (int) Math.min(size, OGG_TAIL_BYTES);
    byte[] tail = new byte[tailLength];
    long tailStart = size - tailLength;
    RiffChunkWalker.read(channel, tailStart, tailLength).get(tail);
    for (int at = tailLength - 27; at >= 0; at--) {
      if (!AudioSniffer.startsWith(tail, at, "OggS")) {
        continue;
      }
      ByteBuffer page = ByteBuffer.wrap(tail, at, tailLength - at).order(ByteOrder.LITTLE_ENDIAN);
      int headerType = tail[at + 5] & 0xff;
      long granule = page.getLong(at + 6);
      int pageSerial = page.getInt(at + 14);
      int segments = tail[at + 26] & 0xff;
      if (pageSerial != serial || at + 27 + segments > tailLength) {
        continue;
      }
      long bodyBytes = 0;
      for (int s = 0; s < segments; s++) {
        bodyBytes += tail[at + 27 + s] & 0xff;
      }
      long pageEnd = tailStart + at + 27 + segments + bodyBytes;
      if (pageEnd > size) {
        continue; // a page cut off by the end of the file; the last complete one is wanted
      }
      if ((headerType & 4) == 0) {
        throw new AudioFormatException("The Ogg file is truncated: its last complete page (ending at byte "
            + pageEnd + " of " + size + ") is not the end of its stream.");
      }
      return granule < 0 ? -1 : granule;
    }
    throw new AudioFormatException("The Ogg file is damaged: no complete page of its stream is found near its end.");
  }
}
