package org.creativebridge.inference.audio;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.spi.AudioFileReader;

/**
 * Decodes FLAC, MP3 and Ogg Vorbis through whichever Java Sound SPI providers are on the class
 * path (jFLAC, mp3spi, vorbisspi), to interleaved floats.
 *
 * <p>The provider is chosen by the encoding it reports, not by {@code AudioSystem}'s first
 * taker: some providers (mp3spi notably) accept nearly any bytes, so asking "who reads this
 * file?" can hand a FLAC file to the MP3 decoder. Each call creates its own readers and streams,
 * so calls are independent and thread-safe.
 *
 * <p>Decoding grows its buffer as audio arrives and stops with {@link TooLongException} as soon as
 * the frame limit is passed, so a stream that lies about (or omits) its length cannot exhaust
 * memory; a decoder that stops making progress is abandoned rather than waited on.
 */
final class SpiDecoder {
  /** Reads that return no bytes in a row before the decoder is taken to be stuck. */
  private static final int MAX_EMPTY_READS = 1000;
  private static final int TRAILING_ZERO_BYTES = 8192;

  /** The decode passed {@code maxFrames}. */
  static final class TooLongException extends IOException {
    private static final long serialVersionUID = 1L;
    final long framesSoFar;

    TooLongException(long framesSoFar) {
      super("too long");
      this.framesSoFar = framesSoFar;
    }
  }

  /** No installed provider reports the wanted encoding for this file. */
  static final class NoDecoderException extends IOException {
    private static final long serialVersionUID = 1L;

    NoDecoderException(String message) {
      super(message);
    }
  }

  private SpiDecoder() {}

  /**
   * @param encodingName matches the encoding names of the wanted provider ("FLAC", "MPEG1L3", "VORBISENC")
   * @param maxFrames decode stops with {@link TooLongException} past this many frames
   * @return the decoded samples and the bits per sample of the PCM they were decoded to
   */
  static Decoded decode(Path file, Predicate<String> encodingName, int preferredBits, long maxFrames)
      throws IOException {
    AudioInputStream encoded = openWithMatchingProvider(file, encodingName);
    try (encoded) {
      AudioInputStream pcm = toPcm(encoded, preferredBits);
      try (pcm) {
        return readAll(pcm, maxFrames);
      }
    }
  }

  /** Samples decoded, interleaved, and the PCM word size they came in. */
  record Decoded(float[] samples, int channels, float sampleRate, int bits) {
    long frames() {
      return samples.length / channels;
    }
  }

  private static AudioInputStream openWithMatchingProvider(Path file, Predicate<String> encodingName)
      throws IOException {
    StringBuilder seen = new StringBuilder();
    for (AudioFileReader reader : ServiceLoader.load(AudioFileReader.class)) {
      AudioInputStream stream;
      try {
        stream = reader.getAudioInputStream(paddedStream(file));
      } catch (Exception | StackOverflowError e) {
        continue; // this provider does not read the file; another may
      }
      String name = String.valueOf(stream.getFormat().getEncoding());
      if (encodingName.test(name)) {
        return stream;
      }
      seen.append(seen.length() == 0 ? "" : ", ").append(name);
      stream.close();
    }
    throw new NoDecoderException("no installed Java Sound provider decodes it"
        + (seen.length() == 0 ? "" : " (providers read it as " + seen + ")"));
  }

  /**
   * The file followed by {@value #TRAILING_ZERO_BYTES} zero bytes. vorbisspi drops the last block
   * it reads from its input when that read also reaches the end of the stream (up to a few
   * hundred milliseconds of audio, depending on the file); zeros after the real end make that
   * last block one of padding, which no decoder takes for audio (no frame sync, no page header).
   */
  private static InputStream paddedStream(Path file) throws IOException {
    return new BufferedInputStream(new SequenceInputStream(Files.newInputStream(file),
        new ByteArrayInputStream(new byte[TRAILING_ZERO_BYTES])), 1 << 16);
  }

  private static AudioInputStream toPcm(AudioInputStream encoded, int preferredBits) {
    AudioFormat source = encoded.getFormat();
    IllegalArgumentException last = null;
    for (int bits : preferredBits == 16 ? new int[] {16} : new int[] {preferredBits, 16}) {
      AudioFormat target = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, source.getSampleRate(), bits,
          source.getChannels(), source.getChannels() * (bits / 8), source.getSampleRate(), false);
      try {
        return AudioSystem.getAudioInputStream(target, encoded);
      } catch (IllegalArgumentException e) {
        last = e; // that word size is not offered; try 16-bit, which every provider gives
      }
    }
    throw last;
  }

  private static Decoded readAll(AudioInputStream pcm, long maxFrames) throws IOException {
    AudioFormat format = pcm.getFormat();
    int channels = format.getChannels();
    int bits = format.getSampleSizeInBits();
    int bytesPerSample = bits / 8;
    int frameBytes = channels * bytesPerSample;
    boolean bigEndian = format.isBigEndian();
    byte[] buffer = new byte[(1 << 16) - (1 << 16) % frameBytes];
    float[] samples = new float[1 << 16];
    int count = 0;
    int carry = 0;
    int emptyReads = 0;
    while (true) {
      int read = pcm.read(buffer, carry, buffer.length - carry);
      if (read < 0) {
        break;
      }
      if (read == 0) {
        if (++emptyReads > MAX_EMPTY_READS) {
          throw new IOException("the decoder stopped making progress");
        }
        continue;
      }
      emptyReads = 0;
      int available = carry + read;
      int whole = available - available % bytesPerSample;
      if ((long) (count + whole / bytesPerSample) / channels > maxFrames) {
        throw new TooLongException((long) count / channels);
      }
      if (count + whole / bytesPerSample > samples.length) {
        long wanted = Math.max((long) samples.length * 2, count + whole / bytesPerSample);
        samples = Arrays.copyOf(samples, (int) Math.min(wanted, Integer.MAX_VALUE - 8L));
      }
      count = convert(new PcmBytes(buffer, whole, bits, bigEndian), samples, count);
      carry = available - whole;
      System.arraycopy(buffer, whole, buffer, 0, carry);
    }
    count -= count % channels; // a partial frame at a cut-off end
    return new Decoded(Arrays.copyOf(samples, count), channels, format.getSampleRate(), bits);
  }

  /** The first {@code length} bytes of {@code bytes}: integer PCM samples of {@code bits}. */
  private record PcmBytes(byte[] bytes, int length, int bits, boolean bigEndian) {}

  /** Appends the samples of {@code pcm} to {@code out} from index {@code at}; returns the next index. */
  private static int convert(PcmBytes pcm, float[] out, int at) {
    byte[] bytes = pcm.bytes();
    int length = pcm.length();
    int bits = pcm.bits();
    boolean bigEndian = pcm.bigEndian();
    int i = at;
    for (int b = 0; b < length; b += bits / 8) {
      int code;
      if (bits == 8) {
        code = bytes[b];
      } else if (bits == 16) {
        code = bigEndian ? (bytes[b] << 8) | (bytes[b + 1] & 0xff) : (bytes[b + 1] << 8) | (bytes[b] & 0xff);
      } else {
        code = bigEndian
            ? (bytes[b] << 16) | ((bytes[b + 1] & 0xff) << 8) | (bytes[b + 2] & 0xff)
            : (bytes[b + 2] << 16) | ((bytes[b + 1] & 0xff) << 8) | (bytes[b] & 0xff);
      }
      out[i++] = code / (float) (1 << (bits - 1));
    }
    return i;
  }
}
