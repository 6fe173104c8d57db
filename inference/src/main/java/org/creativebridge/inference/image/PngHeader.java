package org.creativebridge.inference.image;

/**
 * The fields of a PNG IHDR chunk, validated against the combinations the specification allows.
 * Immutable and thread-safe.
 */
record PngHeader(long width, long height, int bitDepth, int colourType) {
  static final int GRAY = 0;
  static final int RGB = 2;
  static final int PALETTE = 3;
  static final int GRAY_ALPHA = 4;
  static final int RGBA = 6;

  static PngHeader parse(byte[] ihdr) throws PngFormatException {
    long width = PngChunkReader.readUnsignedInt(ihdr, 0);
    long height = PngChunkReader.readUnsignedInt(ihdr, 4);
    int bitDepth = ihdr[8] & 0xff;
    int colourType = ihdr[9] & 0xff;
    int compression = ihdr[10] & 0xff;
    int filter = ihdr[11] & 0xff;
    int interlace = ihdr[12] & 0xff;
    // The specification caps each side at 2^31 - 1; anything else is a broken header.
    if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      throw damaged("its header declares an impossible size of " + width + "x" + height + " pixels");
    }
    if (!validDepth(colourType, bitDepth)) {
      throw damaged("its header declares colour type " + colourType + " at " + bitDepth
          + " bits, which PNG does not allow");
    }
    if (compression != 0 || filter != 0 || interlace > 1) {
      throw damaged("its header names an unknown compression, filter or interlace method");
    }
    return new PngHeader(width, height, bitDepth, colourType);
  }

  private static boolean validDepth(int colourType, int bitDepth) {
    return switch (colourType) {
      case GRAY -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
      case PALETTE -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
      case RGB, GRAY_ALPHA, RGBA -> bitDepth == 8 || bitDepth == 16;
      default -> false;
    };
  }

  int channels() {
    return switch (colourType) {
      case RGB -> 3;
      case GRAY_ALPHA -> 2;
      case RGBA -> 4;
      default -> 1;
    };
  }

  /**
   * An upper bound on the compressed pixel data (all IDAT bytes) any real encoder produces for
   * this size. Only called after the limits check, so the arithmetic cannot overflow.
   *
   * <p>The filtered data is one filter byte plus the packed samples per row; interlacing adds at
   * most a filter byte and a partial byte per row of each of the seven passes, allowed for either
   * way since it is tiny next to the bound. zlib never expands data by more than a few bytes per
   * 16 KiB block; twice the size plus 64 KiB leaves room for any sane encoder, while a header
   * that claims a tiny image over megabytes of data is caught.
   */
  long maxPlausibleCompressedBytes() {
    long rowBytes = (width * channels() * bitDepth + 7) / 8;
    long filtered = height * (1 + rowBytes) + 4 * height + 64;
    return 2 * filtered + (64 << 10);
  }

  private static PngFormatException damaged(String problem) {
    return new PngFormatException("The PNG file is damaged: " + problem + ".");
  }
}
