package org.creativebridge.inference.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Assembles PNG files chunk by chunk, for colour types ImageIO will not write and for broken files. */
final class PngBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  PngBuilder() {
    out.writeBytes(PngChunkReader.SIGNATURE);
  }

  PngBuilder ihdr(int width, int height, int bitDepth, int colourType) {
    byte[] data = new byte[13];
    PngWriter.putInt(data, 0, width);
    PngWriter.putInt(data, 4, height);
    data[8] = (byte) bitDepth;
    data[9] = (byte) colourType;
    return chunk("IHDR", data);
  }

  /** Compresses already-filtered rows (each starting with its filter byte) into one IDAT. */
  PngBuilder idat(byte[] filteredRows) {
    return chunk("IDAT", zlib(filteredRows));
  }

  PngBuilder iend() {
    return chunk("IEND", new byte[0]);
  }

  PngBuilder chunk(String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    byte[] length = new byte[4];
    PngWriter.putInt(length, 0, data.length);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    byte[] crcBytes = new byte[4];
    PngWriter.putInt(crcBytes, 0, (int) crc.getValue());
    out.writeBytes(length);
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(crcBytes);
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** Prefixes each row of packed sample bytes with filter type 0 (None). */
  static byte[] unfilteredRows(int height, byte[] packedRows) {
    int rowBytes = packedRows.length / height;
    byte[] rows = new byte[height * (rowBytes + 1)];
    for (int y = 0; y < height; y++) {
      System.arraycopy(packedRows, y * rowBytes, rows, y * (rowBytes + 1) + 1, rowBytes);
    }
    return rows;
  }

  static byte[] zlib(byte[] data) {
    Deflater deflater = new Deflater(9);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    while (!deflater.finished()) {
      compressed.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return compressed.toByteArray();
  }

  /** The chunk types of a PNG file in order, for checking layout. */
  static List<String> chunkTypes(byte[] png) {
    List<String> types = new ArrayList<>();
    int at = PngChunkReader.SIGNATURE.length;
    while (at + 8 <= png.length) {
      int length = (int) PngChunkReader.readUnsignedInt(png, at);
      types.add(new String(png, at + 4, 4, StandardCharsets.US_ASCII));
      at += 12 + length;
    }
    return types;
  }
}
