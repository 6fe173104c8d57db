package org.creativebridge.bridge.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.audio.AudioCodec;
import org.creativebridge.inference.audio.WavEncoding;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.protocol.OutputFormat;

/**
 * Reads inputs and writes outputs of every media kind a task takes: images (PNG, JPEG, raw) and
 * audio (WAV, FLAC, MP3, Ogg Vorbis in; WAV out). Stateless and thread-safe.
 */
public final class Media {
  public static final String IMAGE = "image";
  public static final String AUDIO = "audio";
  /** Audio task param choosing the WAV sample encoding of audio outputs. */
  static final String WAV_ENCODING_PARAM = "wav_encoding";

  private Media() {}

  /** Limits on inputs, checked before any sample is allocated. */
  public record Limits(ImageCodec.Limits image, AudioCodec.Limits audio) {
    public static Limits defaults() {
      return new Limits(ImageCodec.Limits.defaults(), AudioCodec.Limits.defaults());
    }
  }

  /**
   * Reads only what says whether the input is usable: an {@link ImageCodec.Header} or an
   * {@link AudioCodec.Header}.
   */
  public static Object probe(String kind, Path file, String mediaType, Limits limits) throws EngineException {
    return switch (kind) {
      case IMAGE -> ImageCodec.probe(file, mediaType, limits.image());
      case AUDIO -> AudioCodec.probe(file, mediaType, limits.audio());
      default -> throw new IllegalArgumentException("no codec for input kind " + kind);
    };
  }

  public static Object decode(String kind, Path file, String mediaType, Limits limits) throws EngineException {
    return switch (kind) {
      case IMAGE -> ImageCodec.decode(file, mediaType, limits.image());
      case AUDIO -> AudioCodec.decode(file, mediaType, limits.audio());
      default -> throw new IllegalArgumentException("no codec for input kind " + kind);
    };
  }

  /** How one output is encoded: the job's format for images, the params' WAV encoding for audio. */
  record Encoding(OutputFormat imageFormat, WavEncoding wavEncoding, String recipeJson) {
    static Encoding of(OutputFormat imageFormat, Map<String, Object> params, String recipeJson) {
      Object wav = params.get(WAV_ENCODING_PARAM);
      WavEncoding encoding =
          wav == null ? WavEncoding.PCM24 : WavEncoding.valueOf(wav.toString().toUpperCase(Locale.ROOT));
      return new Encoding(imageFormat, encoding, recipeJson);
    }
  }

  /** Encodes {@code value} into {@code sink} with the recipe inside; returns the stored id. */
  static String store(String outputName, Object value, Encoding encoding, TaskRun.OutputSink sink)
      throws IOException, EngineException {
    Map<String, String> recipe = Map.of(org.creativebridge.protocol.Protocol.PNG_RECIPE_KEYWORD, encoding.recipeJson());
    if (value instanceof RgbaImage image) {
      return encoding.imageFormat() == OutputFormat.RAW
          ? sink.store(outputName, ImageCodec.rawMediaType(image), out -> ImageCodec.writeRaw(image, out))
          : sink.store(outputName, "image/png", out -> ImageCodec.writePng(image, recipe, out));
    }
    if (value instanceof AudioClip clip) {
      return sink.store(outputName, "audio/wav", out -> AudioCodec.writeWav(clip, encoding.wavEncoding(), recipe, out));
    }
    throw new EngineException(
        EngineException.Kind.FAILED,
        "output '" + outputName + "' is a " + value.getClass().getSimpleName() + ", which no codec writes");
  }
}
