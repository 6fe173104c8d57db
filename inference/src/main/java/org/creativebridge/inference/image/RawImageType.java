package org.creativebridge.inference.image;

import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.EngineException;

/**
 * The parsed form of {@code image/x-raw; width=W; height=H; format=rgba8|rgba16|rgbaf32}.
 * Immutable and thread-safe.
 *
 * <p>Width and height are kept as {@code long} so that absurd values survive parsing and are
 * refused by the size limits with an honest {@code IMAGE_TOO_LARGE}, rather than overflowing
 * into something that looks small. Values too long for a {@code long} saturate to
 * {@link Long#MAX_VALUE} for the same reason.
 */
record RawImageType(long width, long height, SampleDepth depth) {
  /** Same value as {@code org.creativebridge.protocol.Protocol.RAW_IMAGE_TYPE}; inference does not depend on protocols. */
  static final String BASE_TYPE = "image/x-raw";

  static RawImageType of(RgbaImage image) {
    return new RawImageType(image.width(), image.height(), image.depth());
  }

  /**
   * Parses the parameters of a raw media type. Parameter names and the format are
   * case-insensitive, values may be quoted, and unknown parameters are ignored so that clients can
   * add some later without breaking older daemons.
   */
  static RawImageType parse(String mediaType) throws EngineException {
    String[] parts = mediaType.split(";");
    if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(BASE_TYPE)) {
      throw unreadable(mediaType, "it is not an " + BASE_TYPE + " type");
    }
    String width = null;
    String height = null;
    String format = null;
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      if (parameter.isEmpty()) {
        continue;
      }
      int equals = parameter.indexOf('=');
      if (equals <= 0) {
        throw unreadable(mediaType, "the parameter '" + parameter + "' has no value");
      }
      String name = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
      String value = unquote(parameter.substring(equals + 1).trim());
      switch (name) {
        case "width" -> width = once(mediaType, name, width, value);
        case "height" -> height = once(mediaType, name, height, value);
        case "format" -> format = once(mediaType, name, format, value);
        default -> {
          // Ignored on purpose: see the class comment.
        }
      }
    }
    if (width == null || height == null || format == null) {
      throw unreadable(mediaType, "it needs width, height and format parameters");
    }
    SampleDepth depth;
    try {
      depth = SampleDepth.fromRawFormat(format.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw unreadable(
          mediaType, "the format '" + format + "' is not one of rgba8, rgba16, rgbaf32");
    }
    return new RawImageType(
        positiveSize(mediaType, "width", width), positiveSize(mediaType, "height", height), depth);
  }

  /** The exact byte count a file of this type must have; saturates instead of overflowing. */
  long expectedBytes() {
    long perPixel = (long) RgbaImage.CHANNELS * depth.bytesPerSample();
    if (width > Long.MAX_VALUE / perPixel / height) {
      return Long.MAX_VALUE;
    }
    return width * height * perPixel;
  }

  /** The canonical spelling, e.g. {@code image/x-raw; width=640; height=480; format=rgba8}. */
  String mediaType() {
    return BASE_TYPE + "; width=" + width + "; height=" + height + "; format=" + depth.rawFormat();
  }

  private static String once(String mediaType, String name, String previous, String value)
      throws EngineException {
    if (previous != null) {
      throw unreadable(mediaType, "the parameter '" + name + "' appears twice");
    }
    return value;
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1).trim();
    }
    return value;
  }

  private static long positiveSize(String mediaType, String name, String value)
      throws EngineException {
    if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw unreadable(mediaType, name + " must be a whole number of pixels, not '" + value + "'");
    }
    String digits = value.replaceFirst("^0+(?=.)", "");
    long size = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    if (size == 0) {
      throw unreadable(mediaType, name + " must be at least 1 pixel");
    }
    return size;
  }

  private static EngineException unreadable(String mediaType, String reason) {
    return new EngineException(
        EngineException.Kind.IMAGE_UNREADABLE,
        "The raw image type '" + mediaType + "' cannot be used: " + reason + ".",
        Map.of("media_type", mediaType));
  }
}
