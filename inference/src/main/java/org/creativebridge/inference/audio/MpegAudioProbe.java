package org.creativebridge.inference.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Finds and checks the start of an MPEG audio (MP3, MP2) stream: skips an ID3v2 tag, then looks
 * for a frame header followed by further frame headers exactly where the first one's length says,
 * all of the same version, layer and rate. One header alone is not trusted, since any two bytes
 * FF Ex look like one; three in a chain make a false positive in random data very unlikely.
 *
 * <p>The frame count comes from a Xing/Info or VBRI header when present (exact); otherwise it is
 * estimated from the file size and the first frame's bitrate (exact for constant bitrate).
 *
 * <p>Thread-safe: stateless.
 */
final class MpegAudioProbe {
  /** How far past the ID3 tag the first frame may start (some taggers leave padding or junk). */
  private static final int SEARCH_BYTES = 64 * 1024;
  private static final int CHAINED_FRAMES = 3;

  private static final int[][] BITRATES_KBPS = {
    {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // MPEG-1 layer I
    {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384}, // MPEG-1 layer II
    {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, // MPEG-1 layer III
    {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256}, // MPEG-2/2.5 layer I
    {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}, // MPEG-2/2.5 layers II and III
  };
  private static final int[][] SAMPLE_RATES = {
    {11025, 12000, 8000}, // MPEG-2.5
    {0, 0, 0},
    {22050, 24000, 16000}, // MPEG-2
    {44100, 48000, 32000}, // MPEG-1
  };

  /** One decoded 4-byte frame header. {@code version}: 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5. */
  record FrameHeader(int version, int layer, int bitrateKbps, int sampleRate, int channels, int frameBytes) {
    /** The header at {@code offset}, or null when those bytes are not a valid, non-free-format one. */
    static FrameHeader parse(byte[] bytes, int offset) {
      if (offset + 4 > bytes.length) {
        return null;
      }
      int b1 = bytes[offset + 1] & 0xff;
      int b2 = bytes[offset + 2] & 0xff;
      int b3 = bytes[offset + 3] & 0xff;
      if ((bytes[offset] & 0xff) != 0xFF || (b1 & 0xE0) != 0xE0) {
        return null;
      }
      int version = (b1 >> 3) & 3;
      int layerBits = (b1 >> 1) & 3;
      int bitrateIndex = b2 >> 4;
      int rateIndex = (b2 >> 2) & 3;
      if (version == 1 || layerBits == 0 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3
          || (b3 & 3) == 2) {
        return null;
      }
      int layer = 4 - layerBits;
      int table = version == 3 ? layer - 1 : layer == 1 ? 3 : 4;
      int bitrate = BITRATES_KBPS[table][bitrateIndex];
      int rate = SAMPLE_RATES[version][rateIndex];
      int padding = (b2 >> 1) & 1;
      int frameBytes;
      if (layer == 1) {
        frameBytes = (12 * bitrate * 1000 / rate + padding) * 4;
      } else if (layer == 3 && version != 3) {
        frameBytes = 72 * bitrate * 1000 / rate + padding;
      } else {
        frameBytes = 144 * bitrate * 1000 / rate + padding;
      }
      int channels = (b3 >> 6) == 3 ? 1 : 2;
      return new FrameHeader(version, layer, bitrate, rate, channels, frameBytes);
    }

    int samplesPerFrame() {
      return layer == 1 ? 384 : layer == 3 && version != 3 ? 576 : 1152;
    }

    boolean sameStream(FrameHeader other) {
      return other != null && other.version == version && other.layer == layer && other.sampleRate == sampleRate;
    }
  }

  /** Where the audio starts, its first frame, and the number of frames (PCM) it holds or is estimated to. */
  record Stream(long firstFrameOffset, FrameHeader first, long frames, boolean framesExact) {}

  private MpegAudioProbe() {}

  static Stream probe(SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    long start = id3v2Length(channel, size);
    int window = (int) Math.min(size - start, SEARCH_BYTES + 3L * 2881 + 4);
    if (window < 4) {
      throw new AudioFormatException("The file sent as audio/mpeg holds no MPEG audio frames"
          + (start > 0 ? " after its ID3 tag." : "."));
    }
    byte[] bytes = new byte[window];
    RiffChunkWalker.read(channel, start, window).get(bytes);
    int searchEnd = Math.min(window - 4, SEARCH_BYTES);
    for (int offset = 0; offset <= searchEnd; offset++) {
      FrameHeader first = FrameHeader.parse(bytes, offset);
      if (first != null && chained(bytes, offset, first, size - start)) {
        return stream(bytes, new FirstFrame(offset, first, size - start - offset, start + offset));
      }
    }
    throw new AudioFormatException("The file sent as audio/mpeg is not an MP3 stream: no chain of MPEG audio"
        + " frame headers starts in its first " + (SEARCH_BYTES / 1024) + " KiB"
        + (start > 0 ? " after its ID3 tag." : "."));
  }

  /** True when the frames after {@code first} follow it exactly, or the file ends with them. */
  private static boolean chained(byte[] bytes, int offset, FrameHeader first, long bytesToEnd) {
    long at = offset;
    FrameHeader frame = first;
    for (int i = 1; i < CHAINED_FRAMES; i++) {
      at += frame.frameBytes();
      if (at >= bytesToEnd) {
        // A stream too short for a chain: accepted when its frames tile it to the end.
        return at == bytesToEnd || i > 1;
      }
      if (at + 4 > bytes.length) {
        return false;
      }
      FrameHeader next = FrameHeader.parse(bytes, (int) at);
      if (!first.sameStream(next)) {
        return false;
      }
      frame = next;
    }
    return true;
  }

  /**
   * Where the audio starts: the first frame's offset in {@code bytes} and in the file, its header,
   * and the bytes of audio from there to the end.
   */
  private record FirstFrame(int offset, FrameHeader header, long audioBytes, long fileOffset) {}

  private static Stream stream(byte[] bytes, FirstFrame found) {
    FrameHeader first = found.header();
    long fileOffset = found.fileOffset();
    long audioBytes = found.audioBytes();
    long vbrFrames = vbrFrameCount(bytes, found.offset(), first);
    if (vbrFrames > 0) {
      return new Stream(fileOffset, first, vbrFrames * first.samplesPerFrame(), true);
    }
    long frames = audioBytes / Math.max(1, first.frameBytes());
    return new Stream(fileOffset, first, frames * first.samplesPerFrame(), false);
  }

  /** The frame count of a Xing/Info or VBRI header in the first frame, or -1. */
  private static long vbrFrameCount(byte[] bytes, int offset, FrameHeader first) {
    int sideInfo = first.version() == 3 ? (first.channels() == 1 ? 17 : 32) : (first.channels() == 1 ? 9 : 17);
    int xing = offset + 4 + sideInfo;
    if (AudioSniffer.startsWith(bytes, xing, "Xing") || AudioSniffer.startsWith(bytes, xing, "Info")) {
      if (xing + 12 <= bytes.length && (ByteBuffer.wrap(bytes, xing + 4, 4).getInt() & 1) == 1) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(bytes, xing + 8, 4).getInt());
      }
    }
    int vbri = offset + 4 + 32;
    if (AudioSniffer.startsWith(bytes, vbri, "VBRI") && vbri + 18 <= bytes.length) {
      return Integer.toUnsignedLong(ByteBuffer.wrap(bytes, vbri + 14, 4).getInt());
    }
    return -1;
  }

  /** Bytes taken by a leading ID3v2 tag (header, body and footer), or 0. */
  static long id3v2Length(SeekableByteChannel channel, long size) throws IOException {
    if (size < 10) {
      return 0;
    }
    byte[] header = new byte[10];
    RiffChunkWalker.read(channel, 0, 10).get(header);
    if (!AudioSniffer.startsWith(header, 0, "ID3")) {
      return 0;
    }
    long body = 0;
    for (int i = 6; i < 10; i++) {
      body = (body << 7) | (header[i] & 0x7f); // "syncsafe": 7 bits per byte
    }
    long total = 10 + body + ((header[5] & 0x10) != 0 ? 10 : 0);
    if (total >= size) {
      throw new AudioFormatException("The MP3 file holds only an ID3 tag and no audio (or is truncated inside it).");
    }
    return total;
  }
}
