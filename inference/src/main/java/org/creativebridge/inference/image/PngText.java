package org.creativebridge.inference.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Encodes iTXt chunks and decodes tEXt, zTXt and iTXt chunks. Stateless and thread-safe.
 *
 * <p>Text is written as iTXt because it is the only PNG text chunk that carries UTF-8; recipes
 * contain prompts in any language.
 */
final class PngText {
  /** Short texts are stored plain: below this, zlib's header and tables eat the gain. */
  private static final int COMPRESS_FROM_BYTES = 1024;

  /**
   * Bounds the inflated size of one compressed text chunk, so a small "zip bomb" chunk cannot
   * exhaust memory. Recipes are a few kilobytes.
   */
  static final int MAX_INFLATED_TEXT_BYTES = 16 << 20;

  private PngText() {}

  /** The data of an iTXt chunk for {@code keyword} (no language tag, no translated keyword). */
  static byte[] itxtData(String keyword, String text) {
    checkKeyword(keyword);
    byte[] keywordBytes = keyword.getBytes(StandardCharsets.ISO_8859_1);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] stored = utf8;
    boolean compressed = false;
    if (utf8.length >= COMPRESS_FROM_BYTES) {
      byte[] zlib = deflate(utf8);
      if (zlib.length < utf8.length) {
        stored = zlib;
        compressed = true;
      }
    }
    // keyword, NUL, compression flag, compression method, empty language tag + NUL, empty
    // translated keyword + NUL, then the text.
    ByteArrayOutputStream data = new ByteArrayOutputStream(keywordBytes.length + 5 + stored.length);
    data.writeBytes(keywordBytes);
    data.write(0);
    data.write(compressed ? 1 : 0);
    data.write(0);
    data.write(0);
    data.write(0);
    data.writeBytes(stored);
    return data.toByteArray();
  }

  /**
   * Rejects keywords the PNG specification forbids (1-79 Latin-1 printable characters, no leading,
   * trailing or doubled spaces): readers may drop such chunks, losing the recipe silently.
   */
  static void checkKeyword(String keyword) {
    boolean valid = !keyword.isEmpty() && keyword.length() <= 79
        && !keyword.startsWith(" ") && !keyword.endsWith(" ") && !keyword.contains("  ");
    for (int i = 0; valid && i < keyword.length(); i++) {
      char c = keyword.charAt(i);
      valid = c >= 32 && c <= 126 || c >= 161 && c <= 255;
    }
    if (!valid) {
      throw new IllegalArgumentException("not a valid PNG text keyword: '" + keyword + "'");
    }
  }

  /** A decoded text chunk. */
  record Entry(String keyword, String text) {}

  /** Decodes a tEXt, zTXt or iTXt chunk's data. */
  static Entry decode(String chunkType, byte[] data) throws PngFormatException {
    int keywordEnd = indexOfNul(data, 0);
    if (keywordEnd <= 0) {
      throw damaged(chunkType, "has no keyword");
    }
    String keyword = new String(data, 0, keywordEnd, StandardCharsets.ISO_8859_1);
    int at = keywordEnd + 1;
    switch (chunkType) {
      case "tEXt":
        return new Entry(keyword, latin1(data, at, data.length));
      case "zTXt":
        if (at + 1 > data.length || data[at] != 0) {
          throw damaged(chunkType, "uses an unknown compression method");
        }
        return new Entry(keyword, string(inflate(chunkType, data, at + 1), StandardCharsets.ISO_8859_1));
      case "iTXt":
        return decodeItxt(keyword, data, at);
      default:
        throw new IllegalArgumentException("not a text chunk: " + chunkType);
    }
  }

  private static Entry decodeItxt(String keyword, byte[] data, int at) throws PngFormatException {
    if (at + 2 > data.length) {
      throw damaged("iTXt", "is cut short");
    }
    boolean compressed = data[at] != 0;
    if (compressed && data[at + 1] != 0) {
      throw damaged("iTXt", "uses an unknown compression method");
    }
    int languageEnd = indexOfNul(data, at + 2);
    int translatedEnd = languageEnd < 0 ? -1 : indexOfNul(data, languageEnd + 1);
    if (translatedEnd < 0) {
      throw damaged("iTXt", "is cut short");
    }
    int textStart = translatedEnd + 1;
    byte[] utf8 = compressed
        ? inflate("iTXt", data, textStart)
        : Arrays.copyOfRange(data, textStart, data.length);
    return new Entry(keyword, string(utf8, StandardCharsets.UTF_8));
  }

  private static byte[] deflate(byte[] input) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    try {
      deflater.setInput(input);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 2 + 64);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(String chunkType, byte[] data, int from) throws PngFormatException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data, from, data.length - from);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw damaged(chunkType, "holds incomplete compressed text");
        }
        out.write(buffer, 0, n);
        if (out.size() > MAX_INFLATED_TEXT_BYTES) {
          throw damaged(chunkType, "expands to more than " + (MAX_INFLATED_TEXT_BYTES >> 20) + " MiB of text");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new PngFormatException(
          "The PNG file is damaged: a " + chunkType + " text chunk holds corrupt compressed text.", e);
    } finally {
      inflater.end();
    }
  }

  private static int indexOfNul(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static String latin1(byte[] data, int from, int to) {
    return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static String string(byte[] data, Charset charset) {
    return new String(data, charset);
  }

  private static PngFormatException damaged(String chunkType, String problem) {
    return new PngFormatException("The PNG file is damaged: a " + chunkType + " text chunk " + problem + ".");
  }
}
