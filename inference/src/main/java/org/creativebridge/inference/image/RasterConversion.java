package org.creativebridge.inference.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Map;
import org.creativebridge.inference.EngineException;

/**
 * Turns the {@link BufferedImage} an ImageIO reader produced into a float {@link RgbaImage},
 * reading raster samples directly. Stateless and thread-safe.
 *
 * <p>It never uses {@code getRGB}: that goes through the colour model per pixel (slow) and
 * squeezes everything into 8 bits (losing 16-bit data). Samples are taken as stored, without
 * colour management, because the engines work on code values and outputs go back the same way.
 */
final class RasterConversion {
  private RasterConversion() {}

  static RgbaImage toRgba(BufferedImage image) throws EngineException {
    ColorModel colourModel = image.getColorModel();
    if (colourModel instanceof IndexColorModel palette) {
      return fromPalette(palette, image.getRaster());
    }
    if (colourModel.isAlphaPremultiplied()) {
      // Our images carry straight alpha; no ImageIO reader we use produces this, but be safe.
      image.coerceData(false);
    }
    WritableRaster raster = image.getRaster();
    int colours = colourModel.getNumColorComponents();
    boolean hasAlpha = colourModel.hasAlpha();
    int colourSpace = colourModel.getColorSpace().getType();
    boolean knownLayout = colours == 3 && colourSpace == ColorSpace.TYPE_RGB
        || colours == 1 && colourSpace == ColorSpace.TYPE_GRAY;
    if (!knownLayout || raster.getNumBands() != colours + (hasAlpha ? 1 : 0)) {
      throw unsupported("its colour layout (" + raster.getNumBands() + " channels) is not gray or RGB");
    }
    int bits = raster.getSampleModel().getSampleSize(0);
    for (int band = 1; band < raster.getNumBands(); band++) {
      if (raster.getSampleModel().getSampleSize(band) != bits) {
        throw unsupported("its channels have different bit depths");
      }
    }
    if (bits < 1 || bits > 16) {
      throw unsupported("it has " + bits + "-bit samples");
    }
    // Band index of each output channel; gray feeds R, G and B; -1 means "opaque".
    int[] channelBands = colours == 1
        ? new int[] {0, 0, 0, hasAlpha ? 1 : -1}
        : new int[] {0, 1, 2, hasAlpha ? 3 : -1};
    SampleDepth depth = bits > 8 ? SampleDepth.U16 : SampleDepth.U8;
    RgbaImage out = new RgbaImage(raster.getWidth(), raster.getHeight(), depth);
    float[] table = SampleCodes.tableForBits(bits);
    if (!copyDirect(raster, channelBands, table, out)) {
      copyViaPixels(raster, channelBands, table, out);
    }
    return out;
  }

  /**
   * Fast path: reads the backing byte or short array of a pixel- or band-interleaved raster in one
   * bank. Returns false when the raster is laid out some other way.
   */
  private static boolean copyDirect(
      WritableRaster raster, int[] channelBands, float[] table, RgbaImage out) {
    SampleModel model = raster.getSampleModel();
    DataBuffer buffer = raster.getDataBuffer();
    if (!(model instanceof ComponentSampleModel layout) || buffer.getNumBanks() != 1) {
      return false;
    }
    for (int bank : layout.getBankIndices()) {
      if (bank != 0) {
        return false;
      }
    }
    int[] bandOffsets = layout.getBandOffsets();
    int[] offsets = new int[RgbaImage.CHANNELS];
    for (int channel = 0; channel < RgbaImage.CHANNELS; channel++) {
      offsets[channel] = channelBands[channel] < 0 ? -1 : bandOffsets[channelBands[channel]];
    }
    Layout where = new Layout(
        layout.getPixelStride(),
        layout.getScanlineStride(),
        buffer.getOffset()
            - raster.getSampleModelTranslateY() * layout.getScanlineStride()
            - raster.getSampleModelTranslateX() * layout.getPixelStride(),
        offsets);
    if (buffer instanceof DataBufferByte bytes) {
      copyBytes(bytes.getData(), where, table, out);
      return true;
    }
    if (buffer instanceof DataBufferUShort shorts) {
      copyShorts(shorts.getData(), where, table, out);
      return true;
    }
    return false;
  }

  /** Where samples sit in a backing array: strides, start, and each output channel's offset. */
  private record Layout(int pixelStride, int scanlineStride, int start, int[] channelOffsets) {}

  private static void copyBytes(byte[] data, Layout where, float[] table, RgbaImage out) {
    float[] samples = out.samples();
    int width = out.width();
    int[] offsets = where.channelOffsets();
    int r = offsets[0];
    int g = offsets[1];
    int b = offsets[2];
    int a = offsets[3];
    int stride = where.pixelStride();
    int o = 0;
    for (int y = 0; y < out.height(); y++) {
      int p = where.start() + y * where.scanlineStride();
      for (int x = 0; x < width; x++, p += stride, o += 4) {
        samples[o] = table[data[p + r] & 0xff];
        samples[o + 1] = table[data[p + g] & 0xff];
        samples[o + 2] = table[data[p + b] & 0xff];
        samples[o + 3] = a < 0 ? 1f : table[data[p + a] & 0xff];
      }
    }
  }

  private static void copyShorts(short[] data, Layout where, float[] table, RgbaImage out) {
    float[] samples = out.samples();
    int width = out.width();
    int[] offsets = where.channelOffsets();
    int r = offsets[0];
    int g = offsets[1];
    int b = offsets[2];
    int a = offsets[3];
    int stride = where.pixelStride();
    int o = 0;
    for (int y = 0; y < out.height(); y++) {
      int p = where.start() + y * where.scanlineStride();
      for (int x = 0; x < width; x++, p += stride, o += 4) {
        samples[o] = table[data[p + r] & 0xffff];
        samples[o + 1] = table[data[p + g] & 0xffff];
        samples[o + 2] = table[data[p + b] & 0xffff];
        samples[o + 3] = a < 0 ? 1f : table[data[p + a] & 0xffff];
      }
    }
  }

  /** General path for any raster layout (packed low bit depths, banded, int buffers): a row at a time. */
  private static void copyViaPixels(
      WritableRaster raster, int[] channelBands, float[] table, RgbaImage out) {
    int width = out.width();
    int bands = raster.getNumBands();
    int[] row = new int[width * bands];
    float[] samples = out.samples();
    int mask = table.length - 1;
    int o = 0;
    for (int y = 0; y < out.height(); y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
      for (int x = 0, p = 0; x < width; x++, p += bands, o += 4) {
        for (int channel = 0; channel < 3; channel++) {
          samples[o + channel] = table[row[p + channelBands[channel]] & mask];
        }
        samples[o + 3] = channelBands[3] < 0 ? 1f : table[row[p + channelBands[3]] & mask];
      }
    }
  }

  /** Palette images: one lookup per pixel into a float RGBA copy of the palette. */
  private static RgbaImage fromPalette(IndexColorModel palette, WritableRaster raster) {
    int size = palette.getMapSize();
    float[] entries = new float[size * RgbaImage.CHANNELS];
    for (int i = 0; i < size; i++) {
      entries[4 * i] = SampleCodes.U8_TO_FLOAT[palette.getRed(i)];
      entries[4 * i + 1] = SampleCodes.U8_TO_FLOAT[palette.getGreen(i)];
      entries[4 * i + 2] = SampleCodes.U8_TO_FLOAT[palette.getBlue(i)];
      entries[4 * i + 3] = SampleCodes.U8_TO_FLOAT[palette.getAlpha(i)];
    }
    RgbaImage out = new RgbaImage(raster.getWidth(), raster.getHeight(), SampleDepth.U8);
    float[] samples = out.samples();
    int width = out.width();
    int[] row = new int[width];
    int o = 0;
    for (int y = 0; y < out.height(); y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
      for (int x = 0; x < width; x++, o += 4) {
        // An index past the palette is a broken file; show it as the last entry, not crash.
        int entry = Math.min(row[x], size - 1) * RgbaImage.CHANNELS;
        System.arraycopy(entries, entry, samples, o, RgbaImage.CHANNELS);
      }
    }
    return out;
  }

  private static EngineException unsupported(String reason) {
    return new EngineException(
        EngineException.Kind.IMAGE_UNREADABLE,
        "The image cannot be read: " + reason + ".",
        Map.of());
  }
}
