package org.creativebridge.inference.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Streams an {@link RgbaImage} out as an 8- or 16-bit RGBA PNG, one row at a time, so the only
 * memory beyond the image is a few row buffers and the IDAT buffer. Stateless and thread-safe:
 * every call has its own buffers and {@link Deflater}.
 */
final class PngWriter {
  /**
   * zlib level for pixel data. Benchmarked on a photo-like 4096x4096 image (see ImageCodecBench):
   * levels above this cost much more time for a few percent of size, which matters less than
   * latency for files that mostly go straight back to the artist's application.
   */
  static final int DEFLATE_LEVEL = 1;

  /** IDAT chunk size; readers do not care, and this keeps the per-chunk overhead negligible. */
  private static final int IDAT_BYTES = 1 << 18;

  private static final int COLOUR_TYPE_RGBA = 6;

  private PngWriter() {}

  static void write(RgbaImage image, Map<String, String> text, OutputStream out) throws IOException {
    // Validate every keyword before writing a byte, so a bad key does not leave half a file.
    text.keySet().forEach(PngText::checkKeyword);
    boolean sixteenBit = image.depth() != SampleDepth.U8;
    ChunkWriter chunks = new ChunkWriter(out);
    out.write(PngChunkReader.SIGNATURE);
    chunks.write("IHDR", header(image, sixteenBit), 13);
    for (Map.Entry<String, String> entry : text.entrySet()) {
      byte[] data = PngText.itxtData(entry.getKey(), entry.getValue());
      chunks.write("iTXt", data, data.length);
    }
    writePixels(image, sixteenBit, chunks);
    chunks.write("IEND", new byte[0], 0);
    out.flush();
  }

  private static byte[] header(RgbaImage image, boolean sixteenBit) {
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, image.width());
    putInt(ihdr, 4, image.height());
    ihdr[8] = (byte) (sixteenBit ? 16 : 8);
    ihdr[9] = COLOUR_TYPE_RGBA;
    // compression 0, filter method 0, no interlace: bytes 10..12 stay zero.
    return ihdr;
  }

  private static void writePixels(RgbaImage image, boolean sixteenBit, ChunkWriter chunks)
      throws IOException {
    int bytesPerPixel = sixteenBit ? 8 : 4;
    int rowBytes = image.width() * bytesPerPixel;
    RowFilter filter = new RowFilter(rowBytes, bytesPerPixel);
    // Rows carry their filter-type byte at index 0, so "None" is the raw row itself.
    byte[] current = new byte[rowBytes + 1];
    byte[] previous = new byte[rowBytes + 1];
    byte[] idat = new byte[IDAT_BYTES];
    int idatFill = 0;
    float[] samples = image.samples();
    int samplesPerRow = image.width() * RgbaImage.CHANNELS;
    Deflater deflater = new Deflater(DEFLATE_LEVEL);
    try {
      for (int y = 0; y < image.height(); y++) {
        if (sixteenBit) {
          toBigEndian16(samples, y * samplesPerRow, samplesPerRow, current);
        } else {
          toBytes8(samples, y * samplesPerRow, samplesPerRow, current);
        }
        byte[] filtered = filter.choose(current, previous);
        deflater.setInput(filtered, 0, rowBytes + 1);
        // The Deflater keeps a reference to the row, so it must be drained before reuse.
        while (!deflater.needsInput()) {
          idatFill += deflater.deflate(idat, idatFill, idat.length - idatFill);
          if (idatFill == idat.length) {
            chunks.write("IDAT", idat, idatFill);
            idatFill = 0;
          }
        }
        byte[] swap = previous;
        previous = current;
        current = swap;
      }
      deflater.finish();
      while (!deflater.finished()) {
        idatFill += deflater.deflate(idat, idatFill, idat.length - idatFill);
        if (idatFill == idat.length) {
          chunks.write("IDAT", idat, idatFill);
          idatFill = 0;
        }
      }
    } finally {
      deflater.end();
    }
    if (idatFill > 0) {
      chunks.write("IDAT", idat, idatFill);
    }
  }

  private static void toBytes8(float[] samples, int from, int count, byte[] row) {
    for (int i = 0; i < count; i++) {
      row[i + 1] = (byte) SampleCodes.toU8(samples[from + i]);
    }
  }

  private static void toBigEndian16(float[] samples, int from, int count, byte[] row) {
    for (int i = 0; i < count; i++) {
      int code = SampleCodes.toU16(samples[from + i]);
      row[2 * i + 1] = (byte) (code >>> 8);
      row[2 * i + 2] = (byte) code;
    }
  }

  static void putInt(byte[] bytes, int offset, int value) {
    bytes[offset] = (byte) (value >>> 24);
    bytes[offset + 1] = (byte) (value >>> 16);
    bytes[offset + 2] = (byte) (value >>> 8);
    bytes[offset + 3] = (byte) value;
  }

  /** Frames chunk data with length, type and CRC. */
  private static final class ChunkWriter {
    private final OutputStream out;
    private final CRC32 crc = new CRC32();
    private final byte[] header = new byte[8];
    private final byte[] trailer = new byte[4];

    ChunkWriter(OutputStream out) {
      this.out = out;
    }

    void write(String type, byte[] data, int length) throws IOException {
      putInt(header, 0, length);
      byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(typeBytes, 0, header, 4, 4);
      crc.reset();
      crc.update(typeBytes);
      crc.update(data, 0, length);
      putInt(trailer, 0, (int) crc.getValue());
      out.write(header);
      out.write(data, 0, length);
      out.write(trailer);
    }
  }

  /**
   * Picks each row's PNG filter by the usual "minimum sum of absolute differences" heuristic: the
   * filter whose output bytes, read as signed, are closest to zero usually deflates best. All five
   * filters are computed in one pass over the row so the row is read from memory once.
   */
  static final class RowFilter {
    private final int rowBytes;
    private final int bytesPerPixel;
    private final byte[] sub;
    private final byte[] up;
    private final byte[] average;
    private final byte[] paeth;

    RowFilter(int rowBytes, int bytesPerPixel) {
      this.rowBytes = rowBytes;
      this.bytesPerPixel = bytesPerPixel;
      sub = filterBuffer(1);
      up = filterBuffer(2);
      average = filterBuffer(3);
      paeth = filterBuffer(4);
    }

    private byte[] filterBuffer(int filterType) {
      byte[] buffer = new byte[rowBytes + 1];
      buffer[0] = (byte) filterType;
      return buffer;
    }

    /**
     * Returns the filtered row (filter type at index 0): one of the internal buffers, or
     * {@code current} itself for filter None. Rows are indexed from 1; {@code previous} is all
     * zeros for the first row, as the specification requires.
     */
    byte[] choose(byte[] current, byte[] previous) {
      long sumNone = 0;
      long sumSub = 0;
      long sumUp = 0;
      long sumAverage = 0;
      long sumPaeth = 0;
      int end = rowBytes + 1;
      int firstPixelEnd = Math.min(bytesPerPixel + 1, end);
      // First pixel: no left neighbour, so a = c = 0 and Paeth predicts b.
      for (int i = 1; i < firstPixelEnd; i++) {
        int x = current[i] & 0xff;
        int b = previous[i] & 0xff;
        byte s = (byte) x;
        byte u = (byte) (x - b);
        byte v = (byte) (x - (b >>> 1));
        sub[i] = s;
        up[i] = u;
        average[i] = v;
        paeth[i] = u;
        sumNone += Math.abs(s);
        sumSub += Math.abs(s);
        sumUp += Math.abs(u);
        sumAverage += Math.abs(v);
        sumPaeth += Math.abs(u);
      }
      for (int i = firstPixelEnd; i < end; i++) {
        int x = current[i] & 0xff;
        int a = current[i - bytesPerPixel] & 0xff;
        int b = previous[i] & 0xff;
        int c = previous[i - bytesPerPixel] & 0xff;
        int pa = Math.abs(b - c);
        int pb = Math.abs(a - c);
        int pc = Math.abs(a + b - 2 * c);
        int predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        byte n = (byte) x;
        byte s = (byte) (x - a);
        byte u = (byte) (x - b);
        byte v = (byte) (x - ((a + b) >>> 1));
        byte p = (byte) (x - predicted);
        sub[i] = s;
        up[i] = u;
        average[i] = v;
        paeth[i] = p;
        sumNone += Math.abs(n);
        sumSub += Math.abs(s);
        sumUp += Math.abs(u);
        sumAverage += Math.abs(v);
        sumPaeth += Math.abs(p);
      }
      current[0] = 0;
      byte[] best = current;
      long bestSum = sumNone;
      if (sumSub < bestSum) {
        best = sub;
        bestSum = sumSub;
      }
      if (sumUp < bestSum) {
        best = up;
        bestSum = sumUp;
      }
      if (sumAverage < bestSum) {
        best = average;
        bestSum = sumAverage;
      }
      if (sumPaeth < bestSum) {
        best = paeth;
      }
      return best;
    }
  }
}
