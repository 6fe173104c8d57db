package org.creativebridge.inference.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a complete WAV file in one pass (every size is known before the first byte).
 *
 * <p>Layout: {@code RIFF/WAVE}, {@code fmt } (PCM or IEEE float for mono and stereo, which every
 * reader knows; WAVE_FORMAT_EXTENSIBLE with a speaker mask beyond two channels, as the format
 * requires), {@code fact} for float, then when metadata is given a {@code LIST/INFO} chunk
 * ({@code ICMT} = the metadata JSON, {@code ISFT} = "Creative Bridge") and the {@code cbrc} chunk
 * (UTF-8 JSON object), then {@code data}. Metadata comes before the samples so readers that stop at
 * {@code data} still see it.
 *
 * <p>Thread-safe: stateless.
 */
final class WavWriter {
  static final String METADATA_CHUNK_ID = "cbrc";
  static final String SOFTWARE_NAME = "Creative Bridge";
  private static final long MAX_RIFF_BYTES = 0xFFFFFFFFL;
  private static final int BLOCK_BYTES = 1 << 16;

  /** Speaker masks for 3 to 8 channels in WAV channel order (3.0, quad, 5.0, 5.1, 6.1, 7.1). */
  private static final int[] SPEAKER_MASKS = {0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3F, 0x13F, 0x63F};

  private WavWriter() {}

  static void write(AudioClip clip, WavEncoding encoding, Map<String, String> metadata, OutputStream out)
      throws IOException {
    int bytesPerSample = encoding == WavEncoding.PCM24 ? 3 : 4;
    boolean extensible = clip.channels() > 2;
    boolean isFloat = encoding == WavEncoding.FLOAT32;
    long dataBytes = (long) clip.samples().length * bytesPerSample;
    byte[] json = metadata.isEmpty() ? null : MetadataJson.write(metadata).getBytes(StandardCharsets.UTF_8);
    byte[] info = json == null ? null : infoList(json);

    int fmtBytes = extensible ? 40 : isFloat ? 18 : 16;
    long riffBytes = 4 + chunkBytes(fmtBytes) + (isFloat ? chunkBytes(4) : 0)
        + (info == null ? 0 : chunkBytes(info.length) + chunkBytes(json.length)) + chunkBytes(dataBytes);
    if (riffBytes > MAX_RIFF_BYTES - 8) {
      throw new IllegalArgumentException(clip + " takes " + dataBytes + " bytes as " + encoding
          + ", more than a WAV file can hold (4 GiB).");
    }

    ByteBuffer header = ByteBuffer.allocate(96).order(ByteOrder.LITTLE_ENDIAN);
    header.put(ascii("RIFF")).putInt((int) riffBytes).put(ascii("WAVE"));
    header.put(ascii("fmt ")).putInt(fmtBytes);
    int tag = extensible ? WavLayout.WAVE_FORMAT_EXTENSIBLE
        : isFloat ? WavLayout.WAVE_FORMAT_IEEE_FLOAT : WavLayout.WAVE_FORMAT_PCM;
    int blockAlign = clip.channels() * bytesPerSample;
    header.putShort((short) tag).putShort((short) clip.channels()).putInt(clip.sampleRate())
        .putInt(clip.sampleRate() * blockAlign).putShort((short) blockAlign).putShort((short) (bytesPerSample * 8));
    if (extensible) {
      int mask = clip.channels() < SPEAKER_MASKS.length ? SPEAKER_MASKS[clip.channels()] : 0;
      header.putShort((short) 22).putShort((short) (bytesPerSample * 8)).putInt(mask)
          .putInt(isFloat ? WavLayout.WAVE_FORMAT_IEEE_FLOAT : WavLayout.WAVE_FORMAT_PCM)
          .put(new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
              (byte) 0x9B, 0x71});
    } else if (isFloat) {
      header.putShort((short) 0);
    }
    if (isFloat) {
      // Frame count, which the format asks non-PCM files to state.
      header.put(ascii("fact")).putInt(4).putInt(clip.frames());
    }
    out.write(header.array(), 0, header.position());
    if (info != null) {
      writeChunk("LIST", info, out);
      writeChunk(METADATA_CHUNK_ID, json, out);
    }
    ByteBuffer dataHeader = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    out.write(dataHeader.put(ascii("data")).putInt((int) dataBytes).array());
    writeSamples(clip.samples(), encoding, out);
    if ((dataBytes & 1) == 1) {
      out.write(0);
    }
  }

  /** The INFO list body: ICMT (the metadata JSON, NUL-terminated as INFO strings are) and ISFT. */
  private static byte[] infoList(byte[] json) {
    byte[] software = (SOFTWARE_NAME + "\0").getBytes(StandardCharsets.US_ASCII);
    int commentBytes = json.length + 1;
    ByteBuffer list = ByteBuffer.allocate((int) (4 + chunkBytes(commentBytes) + chunkBytes(software.length)))
        .order(ByteOrder.LITTLE_ENDIAN);
    list.put(ascii("INFO"));
    list.put(ascii("ICMT")).putInt(commentBytes).put(json).put((byte) 0);
    if ((commentBytes & 1) == 1) {
      list.put((byte) 0);
    }
    list.put(ascii("ISFT")).putInt(software.length).put(software);
    if ((software.length & 1) == 1) {
      list.put((byte) 0);
    }
    return list.array();
  }

  private static void writeChunk(String id, byte[] body, OutputStream out) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    out.write(header.put(ascii(id)).putInt(body.length).array());
    out.write(body);
    if ((body.length & 1) == 1) {
      out.write(0);
    }
  }

  private static void writeSamples(float[] samples, WavEncoding encoding, OutputStream out) throws IOException {
    int bytesPerSample = encoding == WavEncoding.PCM24 ? 3 : 4;
    ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES - BLOCK_BYTES % bytesPerSample).order(ByteOrder.LITTLE_ENDIAN);
    for (float sample : samples) {
      if (!block.hasRemaining()) {
        out.write(block.array(), 0, block.position());
        block.clear();
      }
      if (encoding == WavEncoding.FLOAT32) {
        block.putInt(Float.floatToRawIntBits(sample));
      } else {
        int code = toPcm24(sample);
        block.put((byte) code).put((byte) (code >> 8)).put((byte) (code >> 16));
      }
    }
    out.write(block.array(), 0, block.position());
  }

  /**
   * Rounds to the nearest 24-bit code (ties to even), clamping to the code range; NaN writes 0.
   * No dither: at 24 bits the rounding error sits near -144 dBFS, below any converter's noise,
   * and without dither output is reproducible, silence stays digital silence, and 8, 16 and
   * 24-bit input comes back bit-exact.
   */
  static int toPcm24(float sample) {
    if (Float.isNaN(sample)) {
      return 0;
    }
    double scaled = Math.rint(sample * 8388608.0);
    return (int) Math.max(-8388608.0, Math.min(8388607.0, scaled));
  }

  private static long chunkBytes(long bodyBytes) {
    return 8 + bodyBytes + (bodyBytes & 1);
  }

  private static byte[] ascii(String id) {
    return id.getBytes(StandardCharsets.US_ASCII);
  }
}
