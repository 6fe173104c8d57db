package org.creativebridge.inference.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineException.Kind;

/**
 * Reads and writes the images the daemon exchanges with clients: PNG (8 and 16 bit, every colour
 * type, interlaced or not), JPEG, and raw pixels ({@code image/x-raw; width=W; height=H;
 * format=rgba8|rgba16|rgbaf32}, little-endian, straight alpha).
 *
 * <p><b>Thread-safety:</b> all methods are static and keep no state between calls; every call
 * owns its readers, deflaters and buffers, so any number of threads may use the codec at once.
 *
 * <p><b>Declared type versus content:</b> the client's media type is trusted to pick the decoder,
 * and a file whose signature says otherwise is refused with {@code IMAGE_UNREADABLE} and a
 * message naming what the file really is (for example a PNG sent as {@code image/jpeg}). The
 * codec does not quietly decode by signature, because a mislabelled upload is a client bug that
 * should be seen and fixed, and because raw pixels have no signature to fall back on.
 *
 * <p><b>Size safety:</b> {@link #probe} reads only headers and chunk framing, and refuses
 * oversized images before any pixel buffer exists. {@link #decode} probes first, then checks that
 * the decoder produced exactly the probed size.
 */
public final class ImageCodec {
  /** Refuses before any pixel allocation. */
  public record Limits(int maxSide, long maxPixels) {
    public Limits {
      if (maxSide < 1 || maxPixels < 1) {
        throw new IllegalArgumentException("limits must be positive: " + maxSide + ", " + maxPixels);
      }
    }

    public static Limits defaults() {
      return new Limits(16384, 64L * 1024 * 1024);
    }
  }

  /**
   * width, height, the depth a decode will produce, and the normalised media type (image/png,
   * image/jpeg, or the raw type string).
   */
  public record Header(int width, int height, SampleDepth depth, String mediaType) {}

  static final String PNG = "image/png";
  static final String JPEG = "image/jpeg";

  /** The most samples one {@link RgbaImage} can hold (a Java array), whatever the limits say. */
  private static final long MAX_PIXELS_IN_ONE_IMAGE = (Integer.MAX_VALUE - 8L) / RgbaImage.CHANNELS;

  private ImageCodec() {}

  /**
   * Cheap structural check without decoding pixels. PNG: signature, IHDR, and a walk over every
   * chunk up to IEND checking CRCs; JPEG: the frame header via ImageIO; raw: the media type's
   * parameters and the exact file size. Oversized images are {@code IMAGE_TOO_LARGE}, broken or
   * mislabelled files and unknown types {@code IMAGE_UNREADABLE}, raw files of the wrong length
   * {@code RAW_SIZE_MISMATCH}.
   */
  public static Header probe(Path file, String mediaType, Limits limits) throws EngineException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(limits, "limits");
    return switch (formatOf(mediaType)) {
      case PNG -> probePng(file, limits);
      case JPEG -> probeJpeg(file, limits);
      case RAW -> probeRaw(file, RawImageType.parse(mediaType), limits);
    };
  }

  /**
   * Full decode to an {@link RgbaImage} (probes first, so limits hold). 8-bit PNG and JPEG give
   * {@code U8}, 16-bit PNG {@code U16}, raw its own depth. Gray is expanded to RGB, a missing alpha
   * channel reads as 1. Corrupt data is {@code IMAGE_UNREADABLE}.
   */
  public static RgbaImage decode(Path file, String mediaType, Limits limits) throws EngineException {
    Header header = probe(file, mediaType, limits);
    return switch (formatOf(mediaType)) {
      case PNG -> decodeWithImageIo(file, "png", header, limits);
      case JPEG -> decodeWithImageIo(file, "jpeg", header, limits);
      case RAW -> decodeRaw(file, RawImageType.parse(mediaType));
    };
  }

  /**
   * Writes a PNG: 8-bit RGBA for {@code U8} images, 16-bit RGBA for {@code U16} and {@code F32}
   * (floats clamped to 0..1). {@code text} (keyword to value) goes into UTF-8 iTXt chunks before
   * the pixel data. Does not close {@code out}.
   *
   * @throws IllegalArgumentException when a keyword is not a valid PNG keyword (1-79 Latin-1
   *     characters), checked before anything is written
   */
  public static void writePng(RgbaImage image, Map<String, String> text, OutputStream out)
      throws IOException {
    PngWriter.write(Objects.requireNonNull(image, "image"), Objects.requireNonNull(text, "text"), out);
  }

  /** Writes raw interleaved RGBA at the image's own depth, little-endian. Does not close {@code out}. */
  public static void writeRaw(RgbaImage image, OutputStream out) throws IOException {
    RawCodec.write(Objects.requireNonNull(image, "image"), Objects.requireNonNull(out, "out"));
  }

  /** e.g. "image/x-raw; width=640; height=480; format=rgba8" */
  public static String rawMediaType(RgbaImage image) {
    return RawImageType.of(image).mediaType();
  }

  /**
   * All tEXt, zTXt and iTXt chunks of a PNG, keyword to text, in file order; when a keyword
   * repeats, the first chunk wins. Pixel data is skipped, not checked.
   *
   * @throws IOException when the file is not a PNG or its text chunks are damaged
   */
  public static Map<String, String> readPngText(Path png) throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    try (PngChunkReader reader = PngChunkReader.open(png)) {
      byte[] prefix = reader.readPrefix(PngChunkReader.SIGNATURE.length);
      if (!PngChunkReader.hasSignature(prefix)) {
        throw new PngFormatException("The file is not a PNG image.");
      }
      while (true) {
        PngChunkReader.Chunk chunk = reader.next();
        switch (chunk.type()) {
          case "tEXt", "zTXt", "iTXt" -> {
            if (chunk.length() > PngText.MAX_INFLATED_TEXT_BYTES) {
              throw new PngFormatException("The PNG file holds an implausibly large text chunk.");
            }
            PngText.Entry entry = PngText.decode(chunk.type(), reader.readData(chunk));
            texts.putIfAbsent(entry.keyword(), entry.text());
          }
          case "IEND" -> {
            return Collections.unmodifiableMap(texts);
          }
          default -> reader.skipData(chunk);
        }
      }
    }
  }

  /** True when the media type is one probe() accepts (image/png, image/jpeg, image/x-raw;...). */
  public static boolean isImageType(String mediaType) {
    if (mediaType == null) {
      return false;
    }
    String base = baseType(mediaType);
    if (base.equals(PNG) || base.equals(JPEG)) {
      return true;
    }
    if (!base.equals(RawImageType.BASE_TYPE)) {
      return false;
    }
    try {
      RawImageType.parse(mediaType);
      return true;
    } catch (EngineException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- media types

  private enum Format { PNG, JPEG, RAW }

  /** The part before the first ';', trimmed and lower-cased. */
  static String baseType(String mediaType) {
    int semicolon = mediaType.indexOf(';');
    String base = semicolon < 0 ? mediaType : mediaType.substring(0, semicolon);
    return base.trim().toLowerCase(Locale.ROOT);
  }

  private static Format formatOf(String mediaType) throws EngineException {
    if (mediaType == null) {
      throw new EngineException(Kind.IMAGE_UNREADABLE, "The image has no media type.", Map.of());
    }
    return switch (baseType(mediaType)) {
      case PNG -> Format.PNG;
      case JPEG -> Format.JPEG;
      case RawImageType.BASE_TYPE -> Format.RAW;
      default -> throw new EngineException(
          Kind.IMAGE_UNREADABLE,
          "The media type '" + mediaType + "' is not an image type this studio reads"
              + " (image/png, image/jpeg, or image/x-raw with width, height and format).",
          Map.of("media_type", mediaType));
    };
  }

  // ---------------------------------------------------------------- PNG

  private static Header probePng(Path file, Limits limits) throws EngineException {
    try (PngChunkReader reader = PngChunkReader.open(file)) {
      byte[] prefix = reader.readPrefix(PngChunkReader.SIGNATURE.length);
      if (!PngChunkReader.hasSignature(prefix)) {
        throw wrongContent(PNG, "PNG", prefix);
      }
      PngChunkReader.Chunk first = reader.next();
      if (!first.type().equals("IHDR") || first.length() != 13) {
        throw new PngFormatException("The PNG file is damaged: it does not start with its IHDR header.");
      }
      PngHeader png = PngHeader.parse(reader.readData(first));
      // Before walking the (possibly huge) rest of the file: absurd sizes are refused cheaply.
      checkLimits(png.width(), png.height(), limits, PNG);
      walkPngChunks(reader, png);
      return new Header(
          (int) png.width(), (int) png.height(), png.bitDepth() == 16 ? SampleDepth.U16 : SampleDepth.U8, PNG);
    } catch (PngFormatException e) {
      throw unreadable(e.getMessage(), PNG, e);
    } catch (IOException e) {
      throw fileUnreadable(file, PNG, e);
    }
  }

  /** Checks every chunk's CRC up to IEND and that the required chunks are there. */
  private static void walkPngChunks(PngChunkReader reader, PngHeader png) throws IOException {
    boolean sawPalette = false;
    long compressedPixelBytes = 0;
    while (true) {
      PngChunkReader.Chunk chunk = reader.next();
      switch (chunk.type()) {
        case "IHDR" -> throw new PngFormatException("The PNG file is damaged: it has two IHDR headers.");
        case "PLTE" -> sawPalette = true;
        case "IDAT" -> compressedPixelBytes += chunk.length();
        case "IEND" -> {
          reader.verifyData(chunk);
          finishPngWalk(png, sawPalette, compressedPixelBytes);
          return;
        }
        default -> {
          if (chunk.isCritical()) {
            throw new PngFormatException(
                "The PNG file uses a " + chunk.type() + " chunk, which this studio cannot read.");
          }
        }
      }
      reader.verifyData(chunk);
    }
  }

  private static void finishPngWalk(PngHeader png, boolean sawPalette, long compressedPixelBytes)
      throws PngFormatException {
    if (compressedPixelBytes == 0) {
      throw new PngFormatException("The PNG file is damaged: it holds no pixel data (IDAT).");
    }
    if (png.colourType() == PngHeader.PALETTE && !sawPalette) {
      throw new PngFormatException("The PNG file is damaged: it is a palette image without a palette.");
    }
    if (compressedPixelBytes > png.maxPlausibleCompressedBytes()) {
      throw new PngFormatException(
          "The PNG file is damaged: it holds far more pixel data (" + compressedPixelBytes
              + " compressed bytes) than its declared size of " + png.width() + "x" + png.height()
              + " pixels can need.");
    }
  }

  // ---------------------------------------------------------------- JPEG

  private static Header probeJpeg(Path file, Limits limits) throws EngineException {
    byte[] prefix = readPrefix(file, JPEG);
    if (!"JPEG".equals(sniff(prefix))) {
      throw wrongContent(JPEG, "JPEG", prefix);
    }
    ImageReader reader = imageReader("jpeg");
    try (ImageInputStream input = new FileImageInputStream(file.toFile())) {
      reader.setInput(input, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      checkLimits(width, height, limits, JPEG);
      return new Header(width, height, SampleDepth.U8, JPEG);
    } catch (IOException | RuntimeException e) {
      throw unreadable("The JPEG file is damaged or truncated: its header cannot be read (" + reason(e) + ").", JPEG, e);
    } finally {
      reader.dispose();
    }
  }

  // ---------------------------------------------------------------- ImageIO decoding

  private static RgbaImage decodeWithImageIo(Path file, String formatName, Header header, Limits limits)
      throws EngineException {
    String kindName = formatName.toUpperCase(Locale.ROOT);
    ImageReader reader = imageReader(formatName);
    TruncationWarnings warnings = new TruncationWarnings();
    reader.addIIOReadWarningListener(warnings);
    BufferedImage image;
    try (ImageInputStream input = new FileImageInputStream(file.toFile())) {
      reader.setInput(input, true, true);
      // The reader sizes its buffer from the header it parses itself; it must be the one probed.
      if (reader.getWidth(0) != header.width() || reader.getHeight(0) != header.height()) {
        throw unreadable("The " + kindName + " file is damaged: its headers disagree about its size.",
            header.mediaType(), null);
      }
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      throw unreadable("The " + kindName + " file is damaged: its pixel data cannot be decoded ("
          + reason(e) + ").", header.mediaType(), e);
    } finally {
      reader.dispose();
    }
    if (warnings.truncated) {
      throw unreadable("The " + kindName + " file is truncated: its pixel data ends early.",
          header.mediaType(), null);
    }
    if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
      checkLimits(image.getWidth(), image.getHeight(), limits, header.mediaType());
      throw unreadable("The " + kindName + " file is damaged: it decodes to " + image.getWidth() + "x"
          + image.getHeight() + " pixels, not the " + header.width() + "x" + header.height()
          + " its header declares.", header.mediaType(), null);
    }
    return RasterConversion.toRgba(image);
  }

  /** libjpeg reports a cut-off file only as a warning and fills the rest with gray; we refuse it. */
  private static final class TruncationWarnings implements IIOReadWarningListener {
    volatile boolean truncated;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      String lower = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
      if (lower.contains("premature end") || lower.contains("truncated")) {
        truncated = true;
      }
    }
  }

  private static ImageReader imageReader(String formatName) throws EngineException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
    if (!readers.hasNext()) {
      throw new EngineException(Kind.FAILED, "No " + formatName + " decoder is available in this Java runtime.");
    }
    return readers.next();
  }

  // ---------------------------------------------------------------- raw

  private static Header probeRaw(Path file, RawImageType type, Limits limits) throws EngineException {
    String mediaType = type.mediaType();
    checkLimits(type.width(), type.height(), limits, mediaType);
    long actual;
    try {
      actual = Files.size(file);
    } catch (IOException e) {
      throw fileUnreadable(file, mediaType, e);
    }
    long expected = type.expectedBytes();
    if (actual != expected) {
      long difference = Math.abs(actual - expected);
      throw new EngineException(
          Kind.RAW_SIZE_MISMATCH,
          "The raw image is declared as " + type.width() + "x" + type.height() + " "
              + type.depth().rawFormat() + ", which takes " + expected + " bytes, but the file has "
              + actual + " (" + difference + (actual < expected ? " too few" : " too many") + ").",
          Map.of("expected_bytes", expected, "actual_bytes", actual, "media_type", mediaType));
    }
    return new Header((int) type.width(), (int) type.height(), type.depth(), mediaType);
  }

  private static RgbaImage decodeRaw(Path file, RawImageType type) throws EngineException {
    try {
      return RawCodec.read(file, type);
    } catch (IOException e) {
      throw fileUnreadable(file, type.mediaType(), e);
    }
  }

  // ---------------------------------------------------------------- checks and errors

  private static void checkLimits(long width, long height, Limits limits, String mediaType)
      throws EngineException {
    // Each side is checked first, so the product cannot overflow (both are at most maxSide).
    boolean tooLarge = width > limits.maxSide() || height > limits.maxSide()
        || width * height > limits.maxPixels() || width * height > MAX_PIXELS_IN_ONE_IMAGE;
    if (tooLarge) {
      long maxPixels = Math.min(limits.maxPixels(), MAX_PIXELS_IN_ONE_IMAGE);
      throw new EngineException(
          Kind.IMAGE_TOO_LARGE,
          "The image is " + width + "x" + height + " pixels, larger than this studio accepts (at most "
              + limits.maxSide() + " pixels per side and " + maxPixels + " pixels in all).",
          Map.of("width", width, "height", height, "max_side", (long) limits.maxSide(),
              "max_pixels", maxPixels, "media_type", mediaType));
    }
  }

  private static byte[] readPrefix(Path file, String mediaType) throws EngineException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(12);
    } catch (IOException e) {
      throw fileUnreadable(file, mediaType, e);
    }
  }

  /** Names the format a file's first bytes belong to, or null when they match none we know. */
  static String sniff(byte[] prefix) {
    if (PngChunkReader.hasSignature(prefix)) {
      return "PNG";
    }
    if (startsWith(prefix, 0xFF, 0xD8, 0xFF)) {
      return "JPEG";
    }
    if (startsWith(prefix, 'G', 'I', 'F', '8')) {
      return "GIF";
    }
    if (startsWith(prefix, 'R', 'I', 'F', 'F') && prefix.length >= 12
        && prefix[8] == 'W' && prefix[9] == 'E' && prefix[10] == 'B' && prefix[11] == 'P') {
      return "WebP";
    }
    if (startsWith(prefix, 'I', 'I', 42, 0) || startsWith(prefix, 'M', 'M', 0, 42)) {
      return "TIFF";
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, int... expected) {
    if (bytes.length < expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((bytes[i] & 0xff) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static EngineException wrongContent(String declared, String expectedName, byte[] prefix) {
    String actual = sniff(prefix);
    String message;
    if (prefix.length == 0) {
      message = "The file sent as " + declared + " is empty.";
    } else if (actual == null) {
      message = "The file sent as " + declared + " is not a " + expectedName + " image.";
    } else {
      String hint = actual.equals("PNG") ? "; send it as " + PNG
          : actual.equals("JPEG") ? "; send it as " + JPEG : ", which this studio does not read";
      message = "The file was sent as " + declared + " but it is a " + actual + " image" + hint + ".";
    }
    Map<String, Object> details = actual == null
        ? Map.of("media_type", declared)
        : Map.of("media_type", declared, "detected_format", actual);
    return new EngineException(Kind.IMAGE_UNREADABLE, message, details);
  }

  private static EngineException unreadable(String message, String mediaType, Throwable cause) {
    return new EngineException(Kind.IMAGE_UNREADABLE, message, Map.of("media_type", mediaType), cause);
  }

  private static EngineException fileUnreadable(Path file, String mediaType, IOException e) {
    String why = e instanceof NoSuchFileException ? "it does not exist" : reason(e);
    return unreadable("The image file " + file.getFileName() + " cannot be read: " + why + ".", mediaType, e);
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
    if (e instanceof IIOException && root != e && e.getMessage() != null) {
      message = e.getMessage() + ": " + message;
    }
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
