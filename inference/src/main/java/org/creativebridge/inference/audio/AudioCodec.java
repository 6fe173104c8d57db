package org.creativebridge.inference.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineException.Kind;

/**
 * Reads and writes the audio the daemon exchanges with clients. Reads WAV (8-bit unsigned, 16,
 * 24 and 32-bit integer PCM, 32 and 64-bit float, plain or WAVE_FORMAT_EXTENSIBLE, any channel
 * count and rate), FLAC, MP3 and Ogg Vorbis (through Java Sound SPI providers); writes WAV as
 * 24-bit PCM or 32-bit float with the job's recipe in a {@code cbrc} chunk.
 *
 * <p><b>Thread-safety:</b> all methods are static and keep no state between calls; every call
 * owns its channels, decoders and buffers, so any number of threads may use the codec at once.
 *
 * <p><b>Declared type versus content:</b> as for images, the client's media type picks the
 * decoder, and a file whose first bytes say it is something else is refused with
 * {@code AUDIO_UNREADABLE} naming what it is, instead of being decoded quietly by its signature.
 *
 * <p><b>Size safety:</b> {@link #probe} reads headers only (WAV chunk headers, FLAC STREAMINFO,
 * the Ogg identification header and last page, the first MP3 frames) and refuses over-long input
 * with {@code AUDIO_TOO_LONG} before any sample buffer exists. {@link #decode} probes first; for
 * compressed formats, whose declared length may be absent or estimated, it also stops the moment
 * the decoded length passes the limit.
 */
public final class AudioCodec {
  /** Refuses before any sample allocation. */
  public record Limits(long maxFrames, int maxChannels, int maxSampleRate) {
    public Limits {
      if (maxFrames < 1 || maxChannels < 1 || maxSampleRate < 1) {
        throw new IllegalArgumentException(
            "limits must be positive: " + maxFrames + ", " + maxChannels + ", " + maxSampleRate);
      }
    }

    /** One hour at 48 kHz, 8 channels, 384 kHz. */
    public static Limits defaults() {
      return new Limits(3600L * 48_000, 8, 384_000);
    }
  }

  /**
   * What a decode will produce: rate, channels, frames (exact for WAV, FLAC with a length and Ogg
   * Vorbis; estimated from the bitrate for MP3 without a Xing/VBRI header; -1 for a FLAC stream
   * that does not state its length), the source sample format, and the normalised media type
   * (audio/wav, audio/flac, audio/mpeg, audio/ogg).
   */
  public record Header(int sampleRate, int channels, long frames, AudioClip.SampleFormat format, String mediaType) {}

  static final String WAV = "audio/wav";
  static final String FLAC = "audio/flac";
  static final String MPEG = "audio/mpeg";
  static final String OGG = "audio/ogg";

  /** The most samples one {@link AudioClip} can hold (a Java array), whatever the limits say. */
  private static final long MAX_SAMPLES_IN_ONE_CLIP = Integer.MAX_VALUE - 8L;

  private AudioCodec() {}

  /**
   * Cheap structural check without decoding samples. Broken, truncated, lying, empty or
   * mislabelled files and unknown types are {@code AUDIO_UNREADABLE}; input over the limits is
   * {@code AUDIO_TOO_LONG}.
   */
  public static Header probe(Path file, String mediaType, Limits limits) throws EngineException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(limits, "limits");
    String type = normalisedType(mediaType);
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      checkContainer(channel, type);
      Header header = switch (type) {
        case WAV -> wavHeader(WavLayout.parse(channel));
        case FLAC -> {
          FlacOggProbe.StreamInfo info = FlacOggProbe.probeFlac(channel);
          yield new Header(info.sampleRate(), info.channels(), info.frames(), flacFormat(info.bitsPerSample()), FLAC);
        }
        case OGG -> {
          FlacOggProbe.StreamInfo info = FlacOggProbe.probeOggVorbis(channel);
          yield new Header(info.sampleRate(), info.channels(), info.frames(), AudioClip.SampleFormat.PCM16, OGG);
        }
        default -> {
          MpegAudioProbe.Stream stream = MpegAudioProbe.probe(channel);
          yield new Header(stream.first().sampleRate(), stream.first().channels(), stream.frames(),
              AudioClip.SampleFormat.PCM16, MPEG);
        }
      };
      if (header.frames() == 0) {
        throw new AudioFormatException("The audio file holds no samples.");
      }
      checkLimits(header, limits);
      return header;
    } catch (AudioFormatException e) {
      throw unreadable(e.getMessage(), type, e);
    } catch (IOException e) {
      throw fileUnreadable(file, type, e);
    }
  }

  /**
   * Full decode (probes first, so limits hold). WAV integer samples map exactly ({@code code /
   * 2^(bits-1)}); FLAC decodes losslessly the same way; MP3 and Ogg Vorbis decode to 16-bit
   * first. A compressed stream that decodes to fewer frames than its header states is refused as
   * truncated; Ogg Vorbis output is cut to its stated length (the decoder pads the last packet).
   */
  public static AudioClip decode(Path file, String mediaType, Limits limits) throws EngineException {
    Header header = probe(file, mediaType, limits);
    if (header.mediaType().equals(WAV)) {
      return decodeWav(file, header);
    }
    return decodeCompressed(file, header, limits);
  }

  /**
   * Writes a complete WAV file: {@link WavEncoding#PCM24} rounds each sample to the nearest 24-bit
   * code without dither (the error is near -144 dBFS; output is reproducible, digital silence
   * stays silent, and 8, 16 and 24-bit input round-trips bit-exactly), clamping to full scale;
   * {@link WavEncoding#FLOAT32} writes the samples bit for bit. Non-empty {@code metadata} goes
   * into a {@code cbrc} chunk (UTF-8 JSON object) and, for programs that show INFO comments, a
   * {@code LIST/INFO} {@code ICMT} with the same JSON; see protocols/WIRE.md, "Audio". Does not
   * close {@code out}.
   *
   * @throws IllegalArgumentException when the clip would exceed a WAV file's 4 GiB, before anything is written
   */
  public static void writeWav(AudioClip clip, WavEncoding encoding, Map<String, String> metadata, OutputStream out)
      throws IOException {
    Objects.requireNonNull(clip, "clip");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(out, "out");
    Map<String, String> entries = new LinkedHashMap<>();
    Objects.requireNonNull(metadata, "metadata").forEach((key, value) ->
        entries.put(Objects.requireNonNull(key, "metadata key"), Objects.requireNonNull(value, "metadata value")));
    WavWriter.write(clip, encoding, entries, out);
  }

  /**
   * The entries of a WAV file's {@code cbrc} metadata chunk, in file order; empty when it has
   * none. Samples are not read.
   *
   * @throws IOException when the file is not a WAV file or its metadata chunk is damaged
   */
  public static Map<String, String> readWavMetadata(Path wav) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(wav)) {
      RiffChunkWalker walker = RiffChunkWalker.open(channel);
      RiffChunkWalker.Chunk chunk;
      while ((chunk = walker.next()) != null) {
        if (chunk.id().equals(WavWriter.METADATA_CHUNK_ID)) {
          return MetadataJson.read(new String(walker.body(chunk), StandardCharsets.UTF_8));
        }
        if (chunk.bodyOffset() + chunk.declaredSize() > walker.fileSize()) {
          break; // a streaming data chunk runs to the end: nothing follows it
        }
        walker.skip(chunk);
      }
      return Map.of();
    }
  }

  /** True for the types {@link #probe} reads: audio/wav (audio/x-wav, audio/wave, audio/vnd.wave), audio/flac (audio/x-flac), audio/mpeg (audio/mp3), audio/ogg (audio/vorbis). */
  public static boolean isAudioType(String mediaType) {
    return mediaType != null && canonical(baseType(mediaType)) != null;
  }

  // ---------------------------------------------------------------- media types

  static String baseType(String mediaType) {
    int semicolon = mediaType.indexOf(';');
    String base = semicolon < 0 ? mediaType : mediaType.substring(0, semicolon);
    return base.trim().toLowerCase(Locale.ROOT);
  }

  private static String canonical(String base) {
    return switch (base) {
      case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> WAV;
      case "audio/flac", "audio/x-flac" -> FLAC;
      case "audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg-3" -> MPEG;
      case "audio/ogg", "audio/vorbis", "audio/x-vorbis+ogg" -> OGG;
      default -> null;
    };
  }

  private static String normalisedType(String mediaType) throws EngineException {
    if (mediaType == null) {
      throw new EngineException(Kind.AUDIO_UNREADABLE, "The audio has no media type.", Map.of());
    }
    String type = canonical(baseType(mediaType));
    if (type == null) {
      throw new EngineException(Kind.AUDIO_UNREADABLE, "The media type '" + mediaType
          + "' is not an audio type this studio reads (audio/wav, audio/flac, audio/mpeg, audio/ogg).",
          Map.of("media_type", mediaType));
    }
    return type;
  }

  /** Refuses a file whose first bytes are another known format than its declared type. */
  private static void checkContainer(SeekableByteChannel channel, String type) throws IOException {
    byte[] prefix = new byte[(int) Math.min(12, channel.size())];
    if (prefix.length == 0) {
      throw new AudioFormatException("The file sent as " + type + " is empty.");
    }
    RiffChunkWalker.read(channel, 0, prefix.length).get(prefix);
    AudioSniffer.Container actual = AudioSniffer.containerOf(prefix);
    AudioSniffer.Container expected = switch (type) {
      case WAV -> AudioSniffer.Container.WAV;
      case FLAC -> AudioSniffer.Container.FLAC;
      case OGG -> AudioSniffer.Container.OGG;
      default -> AudioSniffer.Container.MP3;
    };
    // FLAC files may carry a leading ID3 tag, which looks like MP3 by prefix alone.
    boolean id3BeforeFlac = expected == AudioSniffer.Container.FLAC && AudioSniffer.startsWith(prefix, 0, "ID3");
    if (actual == expected || id3BeforeFlac) {
      return;
    }
    String what = AudioSniffer.describe(prefix);
    if (what != null) {
      String hint = actual == null ? ", which this studio does not read"
          : "; send it as " + switch (actual) {
            case WAV -> WAV;
            case FLAC -> FLAC;
            case OGG -> OGG;
            case MP3 -> MPEG;
          };
      throw new AudioFormatException("The file was sent as " + type + " but it is " + what + hint + ".",
          Map.of("detected_format", what));
    }
    if (expected == AudioSniffer.Container.MP3) {
      return; // MP3 frames may start after junk: MpegAudioProbe searches and decides
    }
    throw new AudioFormatException("The file sent as " + type + " is not " + switch (expected) {
      case WAV -> "a WAV file: it does not start with a RIFF/WAVE header.";
      case FLAC -> "a FLAC file: it does not start with 'fLaC'.";
      default -> "an Ogg file: it does not start with 'OggS'.";
    });
  }

  // ---------------------------------------------------------------- WAV

  private static Header wavHeader(WavLayout layout) {
    return new Header(layout.sampleRate(), layout.channels(), layout.frames(), layout.format(), WAV);
  }

  private static AudioClip decodeWav(Path file, Header header) throws EngineException {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      WavLayout layout = WavLayout.parse(channel);
      if (layout.frames() != header.frames()) {
        throw new AudioFormatException("The WAV file changed while it was being read.");
      }
      return new AudioClip(layout.sampleRate(), layout.channels(), layout.format(), WavSamples.read(channel, layout));
    } catch (AudioFormatException e) {
      throw unreadable(e.getMessage(), WAV, e);
    } catch (IOException e) {
      throw fileUnreadable(file, WAV, e);
    }
  }

  // ---------------------------------------------------------------- FLAC, MP3, Ogg Vorbis

  private static AudioClip decodeCompressed(Path file, Header header, Limits limits) throws EngineException {
    String type = header.mediaType();
    int preferredBits = switch (header.format()) {
      case PCM8 -> 8;
      case PCM24 -> 24;
      default -> 16;
    };
    SpiDecoder.Decoded decoded;
    try {
      decoded = SpiDecoder.decode(file, encoding -> matchesEncoding(type, encoding), preferredBits,
          Math.min(limits.maxFrames(), MAX_SAMPLES_IN_ONE_CLIP / header.channels()));
    } catch (SpiDecoder.TooLongException e) {
      throw tooLong(header, limits, "more than " + e.framesSoFar + " frames");
    } catch (SpiDecoder.NoDecoderException e) {
      throw new EngineException(Kind.FAILED, "No " + type + " decoder is installed in this build: " + e.getMessage()
          + ".", Map.of("media_type", type), e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      // Decoders report damaged input in many ways (their own exceptions, index errors, deep
      // recursion); each is a fault of the file, not of the daemon.
      throw unreadable("The " + formatName(type) + " file is damaged: it cannot be decoded (" + reason(e) + ").",
          type, e);
    }
    if (decoded.channels() != header.channels() || Math.round(decoded.sampleRate()) != header.sampleRate()) {
      throw unreadable("The " + formatName(type) + " file is damaged: its header declares " + header.channels()
          + " channels at " + header.sampleRate() + " Hz but it decodes to " + decoded.channels() + " at "
          + Math.round(decoded.sampleRate()) + " Hz.", type, null);
    }
    long frames = decoded.frames();
    if (frames == 0) {
      throw unreadable("The " + formatName(type) + " file holds no audio samples.", type, null);
    }
    float[] samples = decoded.samples();
    long stated = header.frames();
    if (type.equals(FLAC) && stated > 0 && frames < stated) {
      throw truncated(type, stated, frames);
    }
    if (type.equals(OGG) && stated > 0) {
      if (frames < stated - 2048) { // a Vorbis block may end short of the last granule
        throw truncated(type, stated, frames);
      }
      if (frames > stated) {
        samples = Arrays.copyOf(samples, Math.toIntExact(stated * header.channels()));
      }
    }
    if (type.equals(MPEG) && stated > 0 && frames + 2L * 1152 < stated) {
      // Without a Xing header the count is an estimate; a cut-off stream is still playable audio.
      throw truncated(type, stated, frames);
    }
    AudioClip.SampleFormat format = decoded.bits() == 24 ? AudioClip.SampleFormat.PCM24
        : decoded.bits() == 8 ? AudioClip.SampleFormat.PCM8 : AudioClip.SampleFormat.PCM16;
    return new AudioClip(header.sampleRate(), header.channels(), format, samples);
  }

  private static boolean matchesEncoding(String type, String encoding) {
    String upper = encoding.toUpperCase(Locale.ROOT);
    return switch (type) {
      case FLAC -> upper.contains("FLAC");
      case OGG -> upper.contains("VORBIS");
      default -> upper.startsWith("MPEG");
    };
  }

  private static AudioClip.SampleFormat flacFormat(int bits) {
    return bits <= 8 ? AudioClip.SampleFormat.PCM8
        : bits <= 16 ? AudioClip.SampleFormat.PCM16 : AudioClip.SampleFormat.PCM24;
  }

  // ---------------------------------------------------------------- checks and errors

  private static void checkLimits(Header header, Limits limits) throws EngineException {
    if (header.channels() > limits.maxChannels()) {
      throw tooLong(header, limits, header.channels() + " channels");
    }
    if (header.sampleRate() > limits.maxSampleRate()) {
      throw tooLong(header, limits, "a sample rate of " + header.sampleRate() + " Hz");
    }
    long maxFrames = Math.min(limits.maxFrames(), MAX_SAMPLES_IN_ONE_CLIP / header.channels());
    if (header.frames() > maxFrames) {
      throw tooLong(header, limits, header.frames() + " frames ("
          + String.format(Locale.ROOT, "%.1f", (double) header.frames() / header.sampleRate()) + " s)");
    }
  }

  private static EngineException tooLong(Header header, Limits limits, String what) {
    long maxFrames = Math.min(limits.maxFrames(), MAX_SAMPLES_IN_ONE_CLIP / header.channels());
    return new EngineException(Kind.AUDIO_TOO_LONG,
        "The audio has " + what + ", more than this studio accepts (at most " + maxFrames + " frames, "
            + limits.maxChannels() + " channels and " + limits.maxSampleRate() + " Hz).",
        Map.of("frames", header.frames(), "channels", header.channels(), "sample_rate", header.sampleRate(),
            "max_frames", maxFrames, "max_channels", limits.maxChannels(),
            "max_sample_rate", limits.maxSampleRate(), "media_type", header.mediaType()));
  }

  private static EngineException truncated(String type, long stated, long decoded) {
    return new EngineException(Kind.AUDIO_UNREADABLE, "The " + formatName(type) + " file is truncated: its header"
        + " declares " + stated + " frames but only " + decoded + " decode.",
        Map.of("expected_frames", stated, "actual_frames", decoded, "media_type", type));
  }

  private static String formatName(String type) {
    return switch (type) {
      case WAV -> "WAV";
      case FLAC -> "FLAC";
      case OGG -> "Ogg Vorbis";
      default -> "MP3";
    };
  }

  private static EngineException unreadable(String message, String mediaType, Throwable cause) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (cause instanceof AudioFormatException format) {
      details.putAll(format.details());
    }
    details.put("media_type", mediaType);
    return new EngineException(Kind.AUDIO_UNREADABLE, message, details, cause);
  }

  private static EngineException fileUnreadable(Path file, String mediaType, IOException e) {
    String why = e instanceof NoSuchFileException ? "it does not exist" : reason(e);
    return unreadable("The audio file " + file.getFileName() + " cannot be read: " + why + ".", mediaType, e);
  }

  /** The innermost message of a decoder failure, which is usually the informative one. */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getMessage();
    }
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
