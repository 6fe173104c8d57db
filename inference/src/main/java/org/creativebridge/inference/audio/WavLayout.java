package org.creativebridge.inference.audio;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;

/**
 * What a WAV file's chunk walk found: the sample layout from its fmt chunk and where its sample
 * bytes are. Parsing reads only chunk headers and the fmt chunk.
 *
 * <p><b>Data sizes that disagree with the file.</b> Writers that stream to a pipe cannot go back to
 * fill in the data chunk's size, and leave a placeholder: 0xFFFFFFFF, a value near 2 GiB
 * (0x7FFFFFFF, sox's 0x7FFFF000), or 0 together with a placeholder RIFF size. Such a size is not a
 * claim about the audio, so the data is taken to run to the end of the file
 * ({@link #lengthFromFile} is true) without complaint. Any other size larger than the file is a
 * claim that bytes are missing: the file was cut short, and it is refused naming the bytes expected
 * and present. A partial frame at the end of the data is dropped.
 *
 * @param containerBits bits each sample occupies in the file
 * @param encoding how each sample's bytes are read
 * @param format the source format the clip reports
 */
record WavLayout(
    int sampleRate,
    int channels,
    int containerBits,
    SampleEncoding encoding,
    AudioClip.SampleFormat format,
    long dataOffset,
    long dataBytes,
    boolean lengthFromFile) {

  enum SampleEncoding { UNSIGNED8, SIGNED16, SIGNED24, SIGNED32, FLOAT32, FLOAT64 }

  static final int WAVE_FORMAT_PCM = 1;
  static final int WAVE_FORMAT_IEEE_FLOAT = 3;
  static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

  /** Sizes at or above this that exceed the file are streaming placeholders (see the class comment). */
  private static final long PLACEHOLDER_SIZE_FLOOR = 0x7FFF0000L;

  /** The KSDATAFORMAT_SUBTYPE GUID tail shared by PCM and IEEE float subformats. */
  private static final byte[] SUBFORMAT_GUID_TAIL = {
    0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71
  };

  int blockAlign() {
    return channels * containerBits / 8;
  }

  long frames() {
    return dataBytes / blockAlign();
  }

  /** Walks the file's chunks; throws {@link AudioFormatException} with a user-readable reason. */
  static WavLayout parse(SeekableByteChannel channel) throws IOException {
    RiffChunkWalker walker = RiffChunkWalker.open(channel);
    long riffDeclaredSize = Integer.toUnsignedLong(RiffChunkWalker.read(channel, 4, 4).getInt());
    FmtChunk fmt = null;
    RiffChunkWalker.Chunk data = null;
    RiffChunkWalker.Chunk chunk;
    while ((chunk = walker.next()) != null) {
      if (chunk.id().equals("fmt ")) {
        if (chunk.declaredSize() < 16 || chunk.declaredSize() > 1024) {
          throw new AudioFormatException("The WAV file is damaged: its fmt chunk is " + chunk.declaredSize()
              + " bytes long, not the 16 to 40 a format description takes.");
        }
        if (fmt == null) {
          fmt = FmtChunk.parse(walker.body(chunk));
        }
      } else if (chunk.id().equals("data") && data == null) {
        data = chunk;
        if (chunk.bodyOffset() + chunk.declaredSize() > walker.fileSize() || chunk.declaredSize() == 0) {
          // Nothing after a data chunk that runs to (or past) the end of the file can be a chunk.
          break;
        }
      }
      if (fmt != null && data != null) {
        break;
      }
      walker.skip(chunk);
    }
    if (fmt == null) {
      throw new AudioFormatException(data == null
          ? "The WAV file is damaged: it has neither a fmt chunk nor a data chunk."
          : "The WAV file is damaged: it has no fmt chunk describing its samples.");
    }
    if (data == null) {
      throw new AudioFormatException("The WAV file holds no audio: it has no data chunk.");
    }
    return fmt.layout(data, walker.fileSize(), riffDeclaredSize);
  }

  private static boolean isPlaceholder(long size) {
    return size >= PLACEHOLDER_SIZE_FLOOR;
  }

  /** The fields of a fmt chunk, checked for consistency. */
  private record FmtChunk(int formatTag, int channels, int sampleRate, int blockAlign, int bits, int validBits) {
    static FmtChunk parse(byte[] body) throws AudioFormatException {
      java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(body).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      int tag = Short.toUnsignedInt(in.getShort());
      int channels = Short.toUnsignedInt(in.getShort());
      long rate = Integer.toUnsignedLong(in.getInt());
      in.getInt(); // byte rate: derived, and wrong in enough files that it is not checked
      int blockAlign = Short.toUnsignedInt(in.getShort());
      int bits = Short.toUnsignedInt(in.getShort());
      int validBits = bits;
      if (tag == WAVE_FORMAT_EXTENSIBLE) {
        if (body.length < 40) {
          throw new AudioFormatException("The WAV file is damaged: its extensible fmt chunk is " + body.length
              + " bytes long, shorter than the 40 it needs.");
        }
        in.getShort(); // cbSize
        int declaredValid = Short.toUnsignedInt(in.getShort());
        in.getInt(); // channel mask: speaker positions do not change how samples are read
        long subformat = Integer.toUnsignedLong(in.getInt());
        byte[] tail = new byte[12];
        in.get(tail);
        if (!java.util.Arrays.equals(tail, SUBFORMAT_GUID_TAIL)) {
          throw new AudioFormatException("The WAV file uses a subformat GUID this studio does not know"
              + " (only PCM and IEEE float are read).");
        }
        tag = (int) subformat;
        // 0 means "all container bits are valid", as some writers leave it.
        validBits = declaredValid == 0 ? bits : declaredValid;
      }
      if (rate == 0 || rate > Integer.MAX_VALUE) {
        throw new AudioFormatException("The WAV file is damaged: it declares a sample rate of " + rate + " Hz.");
      }
      return new FmtChunk(tag, channels, (int) rate, blockAlign, bits, validBits);
    }

    WavLayout layout(RiffChunkWalker.Chunk data, long fileSize, long riffDeclaredSize) throws AudioFormatException {
      SampleEncoding encoding = encoding();
      if (channels == 0) {
        throw new AudioFormatException("The WAV file is damaged: it declares zero channels.");
      }
      int expectedAlign = channels * (bits / 8);
      if (blockAlign != expectedAlign) {
        throw new AudioFormatException("The WAV file's header is inconsistent: it declares a block size of "
            + blockAlign + " bytes, but " + channels + " channels of " + bits + "-bit samples take "
            + expectedAlign + ".", Map.of("block_align", blockAlign, "expected_block_align", expectedAlign));
      }
      long present = fileSize - data.bodyOffset();
      long declared = data.declaredSize();
      boolean fromFile = false;
      long usable = declared;
      if (declared > present) {
        boolean streamingPlaceholder = isPlaceholder(declared);
        if (!streamingPlaceholder) {
          throw new AudioFormatException("The WAV file is truncated: its data chunk declares " + declared
              + " bytes (" + declared / blockAlign + " frames) but only " + present + " bytes ("
              + present / blockAlign + " frames) are present.",
              Map.of("expected_bytes", declared, "actual_bytes", present));
        }
        fromFile = true;
        usable = present;
      } else if (declared == 0 && present > 0 && (riffDeclaredSize == 0 || isPlaceholder(riffDeclaredSize))) {
        fromFile = true;
        usable = present;
      }
      usable -= usable % blockAlign;
      if (usable == 0) {
        throw new AudioFormatException("The WAV file holds no audio samples: its data chunk is "
            + (declared == 0 ? "empty." : "shorter than one frame (" + declared + " bytes)."));
      }
      return new WavLayout(sampleRate, channels, bits, encoding, format(encoding),
          data.bodyOffset(), usable, fromFile);
    }

    private SampleEncoding encoding() throws AudioFormatException {
      if (formatTag == WAVE_FORMAT_PCM) {
        if (validBits > bits || validBits == 0) {
          throw new AudioFormatException("The WAV file's header is inconsistent: " + validBits
              + " valid bits in a " + bits + "-bit sample.");
        }
        return switch (bits) {
          case 8 -> SampleEncoding.UNSIGNED8;
          case 16 -> SampleEncoding.SIGNED16;
          case 24 -> SampleEncoding.SIGNED24;
          case 32 -> SampleEncoding.SIGNED32;
          default -> throw new AudioFormatException("The WAV file uses " + bits
              + "-bit integer samples; this studio reads 8, 16, 24 and 32-bit.");
        };
      }
      if (formatTag == WAVE_FORMAT_IEEE_FLOAT) {
        return switch (bits) {
          case 32 -> SampleEncoding.FLOAT32;
          case 64 -> SampleEncoding.FLOAT64;
          default -> throw new AudioFormatException("The WAV file uses " + bits
              + "-bit float samples; this studio reads 32 and 64-bit float.");
        };
      }
      throw new AudioFormatException("The WAV file is compressed as " + formatName(formatTag)
          + "; this studio reads PCM and IEEE float WAV.", Map.of("format_tag", formatTag));
    }

    private AudioClip.SampleFormat format(SampleEncoding encoding) {
      return switch (encoding) {
        case UNSIGNED8 -> AudioClip.SampleFormat.PCM8;
        case SIGNED16 -> AudioClip.SampleFormat.PCM16;
        case SIGNED24 -> AudioClip.SampleFormat.PCM24;
        // A 24-bit-valid sample in a 32-bit container (extensible) is 24-bit audio.
        case SIGNED32 -> validBits <= 16 ? AudioClip.SampleFormat.PCM16
            : validBits <= 24 ? AudioClip.SampleFormat.PCM24 : AudioClip.SampleFormat.PCM32;
        case FLOAT32, FLOAT64 -> AudioClip.SampleFormat.FLOAT32;
      };
    }

    private static String formatName(int tag) {
      return switch (tag) {
        case 2 -> "Microsoft ADPCM";
        case 6 -> "A-law";
        case 7 -> "mu-law";
        case 0x11 -> "IMA ADPCM";
        case 0x50 -> "MPEG audio";
        case 0x55 -> "MP3";
        default -> "format 0x" + Integer.toHexString(tag);
      };
    }
  }
}
