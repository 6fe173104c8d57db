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
   * zlib level for pixel data. Measured on 4096x4096 images (see ImageCodecBench): level 2 took
   * ~15% longer for 2% less size, level 3 twice as long for 5%, level 6 ten times as long; latency
   * matters more here, the files mostly go straight back to the artist's application.
   */
  static final int DEFLATE_LEVEL = 1;

  /**
   * Rows whose filtered bytes average more than this (absolute, per byte) are photographic noise:
   * LZ77 finds almost no matches there, so Huffman-only coding is both about twice as fast and
   * smaller (30 vs 36 MB on the benchmark photo). Flat and graded content keeps LZ77, where it
   * wins by far (0.3 vs 8.5 MB on a flat layer). The gap between the two thresholds keeps rows
   * near the boundary from flipping the strategy, each flip ending a deflate block.
   */
  static final double NOISY_ROW_RESIDUAL = 2.0;

  static final double CLEAN_ROW_RESIDUAL = 1.0;

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
    boolean huffmanOnly = false;
    try {
      for (int y = 0; y < image.height(); y++) {
        if (sixteenBit) {
          toBigEndian16(samples, y * samplesPerRow, samplesPerRow, current);
        } else {
          toBytes8(samples, y * samplesPerRow, samplesPerRow, current);
        }
        byte[] filtered = filter.choose(current, previous);
        boolean noisy = huffmanOnly
            ? filter.meanResidual() > CLEAN_ROW_RESIDUAL
            : filter.meanResidual() > NOISY_ROW_RESIDUAL;
        if (noisy != huffmanOnly) {
          huffmanOnly = noisy;
          // Takes effect at the next deflate call, which first flushes input taken so far.
          deflater.setStrategy(noisy ? Deflater.HUFFMAN_ONLY : Deflater.DEFAULT_STRATEGY);
        }
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
   * Picks each row's PNG filter by the usual "minimum sum of absolute differences" heuristic (the
   * filter whose output bytes, read as signed, are closest to zero usually deflates best), then
   * computes only that filter. The sums are estimated on every {@value #SAMPLE_STRIDE}th pixel:
   * computing all five filters over every byte cost as much time as deflate itself, and the
   * estimate picks the same filter on real images almost always.
   */
  static final class RowFilter {
    static final int SAMPLE_STRIDE = 8;

    private final int rowBytes;
    private final int bytesPerPixel;
    private final byte[] filtered;
    private double meanResidual;

    RowFilter(int rowBytes, int bytesPerPixel) {
      this.rowBytes = rowBytes;
      this.bytesPerPixel = bytesPerPixel;
      this.filtered = new byte[rowBytes + 1];
    }

    /**
     * Returns the filtered row (filter type at index 0): an internal buffer, or {@code current}
     * itself for filter None. Rows are indexed from 1; {@code previous} is all zeros for the first
     * row, as the specification requires.
     */
    byte[] choose(byte[] current, byte[] previous) {
      int type = estimateBestFilter(current, previous);
      current[0] = 0;
      if (type == 0) {
        return current;
      }
      filtered[0] = (byte) type;
      switch (type) {
        case 1 -> sub(current);
        case 2 -> up(current, previous);
        case 3 -> average(current, previous);
        default -> paeth(current, previous);
      }
      return filtered;
    }

    /**
     * The chosen filter's mean absolute residual per sampled byte for the last row: near 0 for
     * flat or smoothly graded content, a few units for photographic noise.
     */
    double meanResidual() {
      return meanResidual;
    }

    private int estimateBestFilter(byte[] current, byte[] previous) {
      long[] sums = new long[5];
      int pixels = rowBytes / bytesPerPixel;
      // Narrow rows are cheap; sample them all so tiny images are filtered as well as possible.
      int stride = pixels < 64 ? 1 : SAMPLE_STRIDE;
      long sampled = 0;
      for (int pixel = 0; pixel < pixels; pixel += stride) {
        int base = 1 + pixel * bytesPerPixel;
        for (int i = base; i < base + bytesPerPixel; i++) {
          int x = current[i] & 0xff;
          int a = pixel == 0 ? 0 : current[i - bytesPerPixel] & 0xff;
          int b = previous[i] & 0xff;
          int c = pixel == 0 ? 0 : previous[i - bytesPerPixel] & 0xff;
          sums[0] += Math.abs((byte) x);
          sums[1] += Math.abs((byte) (x - a));
          sums[2] += Math.abs((byte) (x - b));
          sums[3] += Math.abs((byte) (x - ((a + b) >>> 1)));
          sums[4] += Math.abs((byte) (x - paethPredictor(a, b, c)));
        }
        sampled += bytesPerPixel;
      }
      int best = 0;
      for (int type = 1; type < 5; type++) {
        if (sums[type] < sums[best]) {
          best = type;
        }
      }
      meanResidual = sums[best] / (double) Math.max(1, sampled);
      return best;
    }

    private static int paethPredictor(int a, int b, int c) {
      int pa = Math.abs(b - c);
      int pb = Math.abs(a - c);
      int pc = Math.abs(a + b - 2 * c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    // The loops below are kept separate and simple so the JIT can unroll (and for Up, vectorise)
    // them; the first pixel has no left neighbour, so a = c = 0 there.

    private void sub(byte[] current) {
      int end = rowBytes + 1;
      int firstPixelEnd = Math.min(bytesPerPixel + 1, end);
      System.arraycopy(current, 1, filtered, 1, firstPixelEnd - 1);
      for (int i = firstPixelEnd; i < end; i++) {
        filtered[i] = (byte) (current[i] - current[i - bytesPerPixel]);
      }
    }

    private void up(byte[] current, byte[] previous) {
      for (int i = 1; i <= rowBytes; i++) {
        filtered[i] = (byte) (current[i] - previous[i]);
      }
    }

    private void average(byte[] current, byte[] previous) {
      int end = rowBytes + 1;
      int firstPixelEnd = Math.min(bytesPerPixel + 1, end);
      for (int i = 1; i < firstPixelEnd; i++) {
        filtered[i] = (byte) (current[i] - ((previous[i] & 0xff) >>> 1));
      }
      for (int i = firstPixelEnd; i < end; i++) {
        filtered[i] = (byte) (current[i] - (((current[i - bytesPerPixel] & 0xff) + (previous[i] & 0xff)) >>> 1));
      }
    }

    private void paeth(byte[] current, byte[] previous) {
      int end = rowBytes + 1;
      int firstPixelEnd = Math.min(bytesPerPixel + 1, end);
      for (int i = 1; i < firstPixelEnd; i++) {
        filtered[i] = (byte) (current[i] - previous[i]);
      }
      for (int i = firstPixelEnd; i < end; i++) {
        int a = current[i - bytesPerPixel] & 0xff;
        int b = previous[i] & 0xff;
        int c = previous[i - bytesPerPixel] & 0xff;
        filtered[i] = (byte) (current[i] - paethPredictor(a, b, c));
      }
    }
  }
}
