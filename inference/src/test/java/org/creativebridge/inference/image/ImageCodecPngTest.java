package org.creativebridge.inference.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.awt.color.ColorSpace;
import java.awt.Transparency;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.creativebridge.inference.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCodecPngTest {
  private static final ImageCodec.Limits LIMITS = ImageCodec.Limits.defaults();

  @TempDir Path dir;

  @Test
  void png8_roundTripsEveryCodeValue() throws Exception {
    RgbaImage original = TestImages.fromCodes(64, 32, SampleDepth.U8, TestImages.everyCode(64 * 32, 255));
    RgbaImage decoded = writeAndDecode(original, "every8.png");
    assertEquals(SampleDepth.U8, decoded.depth());
    assertArrayEquals(TestImages.codes(original), TestImages.codes(decoded));
    assertTrue(original.contentEquals(decoded), "same floats, bit for bit");
    // And a second generation is identical too (decode -> encode -> decode).
    assertTrue(decoded.contentEquals(writeAndDecode(decoded, "every8-again.png")));
  }

  @Test
  void png16_roundTripsEveryCodeValue() throws Exception {
    // 128 x 128 pixels x 4 channels = 65536 samples: every 16-bit code in every channel.
    RgbaImage original =
        TestImages.fromCodes(128, 128, SampleDepth.U16, TestImages.everyCode(128 * 128, 65535));
    RgbaImage decoded = writeAndDecode(original, "every16.png");
    assertEquals(SampleDepth.U16, decoded.depth());
    assertArrayEquals(TestImages.codes(original), TestImages.codes(decoded));
    assertTrue(original.contentEquals(decoded));
    assertTrue(decoded.contentEquals(writeAndDecode(decoded, "every16-again.png")));
  }

  @Test
  void mixedNoisyAndFlatRows_roundTripAcrossDeflateStrategySwitches() throws Exception {
    RgbaImage original = TestImages.mixedContent(333, 120, 4);
    assertTrue(original.contentEquals(writeAndDecode(original, "mixed.png")));
  }

  @Test
  void tinyImages_roundTrip() throws Exception {
    for (int[] size : new int[][] {{1, 1}, {1, 7}, {7, 1}, {2, 3}}) {
      RgbaImage original = TestImages.photoLike(size[0], size[1], SampleDepth.U16, size[0] * 10 + size[1]);
      assertTrue(original.contentEquals(writeAndDecode(original, "tiny.png")), size[0] + "x" + size[1]);
    }
  }

  @Test
  void floatImage_writesSixteenBitPngClampedToUnitRange() throws Exception {
    float[] samples = {-0.5f, 0f, 0.5f, 1f, 1.5f, Float.NaN, 0.25f, 2f};
    RgbaImage image = new RgbaImage(2, 1, SampleDepth.F32, samples);
    RgbaImage decoded = writeAndDecode(image, "float.png");
    assertEquals(SampleDepth.U16, decoded.depth());
    assertArrayEquals(
        new int[] {0, 0, 32768, 65535, 65535, 0, 16384, 65535}, TestImages.codes(decoded));
  }

  @Test
  void recipeText_survivesPngRoundTrip() throws Exception {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("creative-bridge.recipe", "{\"prompt\":\"ciel étoilé, 夜空, звёзды 🌌\",\"seed\":42}");
    text.put("long", "Ω≈ç√∫ repeated ".repeat(500)); // long enough to be stored compressed
    text.put("empty", "");
    Path png = dir.resolve("text.png");
    RgbaImage image = TestImages.photoLike(8, 8, SampleDepth.U8, 1);
    try (OutputStream out = Files.newOutputStream(png)) {
      ImageCodec.writePng(image, text, out);
    }
    assertEquals(text, ImageCodec.readPngText(png));
    List<String> chunks = PngBuilder.chunkTypes(Files.readAllBytes(png));
    assertEquals(List.of("IHDR", "iTXt", "iTXt", "iTXt", "IDAT", "IEND"), chunks);
    // The long text really was compressed (flag byte after "long\0").
    assertTrue(Files.size(png) < 3000, "compressed iTXt expected, file is " + Files.size(png));
    assertTrue(image.contentEquals(ImageCodec.decode(png, "image/png", LIMITS)));
  }

  @Test
  void readPngText_readsLatin1TextAndCompressedText() throws Exception {
    byte[] rows = PngBuilder.unfilteredRows(1, new byte[] {(byte) 200});
    byte[] ztxt = concat("Comment\0\0".getBytes("ISO-8859-1"), PngBuilder.zlib("café".getBytes("ISO-8859-1")));
    byte[] file = new PngBuilder()
        .ihdr(1, 1, 8, PngHeader.GRAY)
        .chunk("tEXt", "Author\0Zoë".getBytes("ISO-8859-1"))
        .idat(rows)
        .chunk("zTXt", ztxt)
        .iend()
        .bytes();
    Path png = write("latin1.png", file);
    assertEquals(Map.of("Author", "Zoë", "Comment", "café"), ImageCodec.readPngText(png));
  }

  @Test
  void invalidKeyword_isRejectedBeforeWriting() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RgbaImage image = new RgbaImage(1, 1, SampleDepth.U8);
    assertThrows(IllegalArgumentException.class,
        () -> ImageCodec.writePng(image, Map.of(" bad", "x"), out));
    assertThrows(IllegalArgumentException.class,
        () -> ImageCodec.writePng(image, Map.of("clé✓", "x"), out));
    assertEquals(0, out.size());
  }

  @Test
  void palettePng_decodesToRgbaIncludingPaletteAlpha() throws Exception {
    byte[] reds = {0, (byte) 255, 10, 0};
    byte[] greens = {0, 0, 20, (byte) 255};
    byte[] blues = {0, 0, 30, 0};
    byte[] alphas = {0, (byte) 255, (byte) 128, (byte) 255};
    IndexColorModel palette = new IndexColorModel(2, 4, reds, greens, blues, alphas);
    BufferedImage indexed = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_BINARY, palette);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        indexed.getRaster().setSample(x, y, 0, (x + y) % 4);
      }
    }
    Path png = writeWithImageIo(indexed, "palette.png", false);
    assertEquals(3, Files.readAllBytes(png)[25], "ImageIO wrote a palette PNG");
    RgbaImage decoded = ImageCodec.decode(png, "image/png", LIMITS);
    assertEquals(SampleDepth.U8, decoded.depth());
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        int entry = (x + y) % 4;
        assertPixel(decoded, x, y, rgba(reds[entry] & 0xff, greens[entry] & 0xff, blues[entry] & 0xff, alphas[entry] & 0xff));
      }
    }
  }

  @Test
  void gray8Png_expandsToRgbWithOpaqueAlpha() throws Exception {
    BufferedImage gray = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < 256; x++) {
      gray.getRaster().setSample(x, 0, 0, x);
    }
    RgbaImage decoded = ImageCodec.decode(writeWithImageIo(gray, "gray8.png", false), "image/png", LIMITS);
    assertEquals(SampleDepth.U8, decoded.depth());
    for (int x = 0; x < 256; x++) {
      assertPixel(decoded, x, 0, rgba(x, x, x, 255));
    }
  }

  @Test
  void gray16Png_keepsSixteenBits() throws Exception {
    BufferedImage gray = new BufferedImage(1024, 1, BufferedImage.TYPE_USHORT_GRAY);
    for (int x = 0; x < 1024; x++) {
      gray.getRaster().setSample(x, 0, 0, x * 64 + 63);
    }
    RgbaImage decoded = ImageCodec.decode(writeWithImageIo(gray, "gray16.png", false), "image/png", LIMITS);
    assertEquals(SampleDepth.U16, decoded.depth());
    for (int x = 0; x < 1024; x++) {
      int code = x * 64 + 63;
      assertPixel(decoded, x, 0, rgba(code, code, code, 65535));
    }
  }

  @Test
  void lowBitGrayAndGrayAlphaPngs_scaleToFullRange() throws Exception {
    // 4-bit gray: codes 0..15 must read as 0, 17, 34, ... 255.
    byte[] packed = new byte[8];
    for (int i = 0; i < 8; i++) {
      packed[i] = (byte) ((2 * i) << 4 | (2 * i + 1));
    }
    Path gray4 = write("gray4.png", new PngBuilder()
        .ihdr(16, 1, 4, PngHeader.GRAY).idat(PngBuilder.unfilteredRows(1, packed)).iend().bytes());
    RgbaImage decoded = ImageCodec.decode(gray4, "image/png", LIMITS);
    for (int x = 0; x < 16; x++) {
      assertPixel(decoded, x, 0, rgba(17 * x, 17 * x, 17 * x, 255));
    }
    // 16-bit gray + alpha, big-endian samples.
    byte[] grayAlpha = {0x12, 0x34, (byte) 0xAB, (byte) 0xCD, 0, 1, (byte) 0xFF, (byte) 0xFE};
    Path ga16 = write("ga16.png", new PngBuilder()
        .ihdr(2, 1, 16, PngHeader.GRAY_ALPHA).idat(PngBuilder.unfilteredRows(1, grayAlpha)).iend().bytes());
    RgbaImage gaDecoded = ImageCodec.decode(ga16, "image/png", LIMITS);
    assertEquals(SampleDepth.U16, gaDecoded.depth());
    assertPixel(gaDecoded, 0, 0, rgba(0x1234, 0x1234, 0x1234, 0xABCD));
    assertPixel(gaDecoded, 1, 0, rgba(1, 1, 1, 0xFFFE));
  }

  @Test
  void rgbPngWithTransparentColour_readsThatColourAsTransparent() throws Exception {
    byte[] rgb = {10, 20, 30, 40, 50, 60};
    Path png = write("trns.png", new PngBuilder()
        .ihdr(2, 1, 8, PngHeader.RGB)
        .chunk("tRNS", new byte[] {0, 10, 0, 20, 0, 30})
        .idat(PngBuilder.unfilteredRows(1, rgb)).iend().bytes());
    RgbaImage decoded = ImageCodec.decode(png, "image/png", LIMITS);
    assertPixel(decoded, 0, 0, rgba(10, 20, 30, 0));
    assertPixel(decoded, 1, 0, rgba(40, 50, 60, 255));
  }

  @Test
  void interlacedPng_decodesLikeTheSameImageNonInterlaced() throws Exception {
    BufferedImage argb = new BufferedImage(37, 23, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 23; y++) {
      for (int x = 0; x < 37; x++) {
        argb.setRGB(x, y, (x * 7 + y) << 24 | (x * 5) << 16 | (y * 11) << 8 | (x ^ y));
      }
    }
    Path interlaced = writeWithImageIo(argb, "adam7.png", true);
    Path plain = writeWithImageIo(argb, "plain.png", false);
    assertEquals(1, Files.readAllBytes(interlaced)[28], "IHDR interlace method is Adam7");
    RgbaImage fromInterlaced = ImageCodec.decode(interlaced, "image/png", LIMITS);
    assertTrue(fromInterlaced.contentEquals(ImageCodec.decode(plain, "image/png", LIMITS)));
    for (int y = 0; y < 23; y++) {
      for (int x = 0; x < 37; x++) {
        int argbValue = argb.getRGB(x, y);
        assertPixel(fromInterlaced, x, y, rgba(argbValue >> 16 & 0xff, argbValue >> 8 & 0xff, argbValue & 0xff, argbValue >>> 24));
      }
    }
  }

  @Test
  void sixteenBitRgbaFromAnotherEncoder_decodesExactly() throws Exception {
    int width = 64;
    int height = 16;
    int[] codes = TestImages.everyCode(width * height, 65535);
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
        true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
    WritableRaster raster = Raster.createWritableRaster(
        new PixelInterleavedSampleModel(DataBuffer.TYPE_USHORT, width, height, 4, width * 4, new int[] {0, 1, 2, 3}), null);
    raster.setPixels(0, 0, width, height, codes);
    Path png = writeWithImageIo(new BufferedImage(model, raster, false, null), "imageio16.png", false);
    ImageCodec.Header header = ImageCodec.probe(png, "image/png", LIMITS);
    assertEquals(new ImageCodec.Header(width, height, SampleDepth.U16, "image/png"), header);
    assertArrayEquals(codes, TestImages.codes(ImageCodec.decode(png, "image/png", LIMITS)));
  }

  @Test
  void ourPngs_areReadByImageIo() throws Exception {
    RgbaImage image = TestImages.photoLike(300, 200, SampleDepth.U8, 7);
    Path png = dir.resolve("ours.png");
    try (OutputStream out = Files.newOutputStream(png)) {
      ImageCodec.writePng(image, Map.of(), out);
    }
    BufferedImage read = ImageIO.read(png.toFile());
    int[] codes = TestImages.codes(image);
    for (int y = 0; y < 200; y += 13) {
      for (int x = 0; x < 300; x += 7) {
        int i = image.index(x, y);
        int argb = read.getRGB(x, y);
        assertEquals(codes[i + 3] << 24 | codes[i] << 16 | codes[i + 1] << 8 | codes[i + 2], argb);
      }
    }
  }

  @Test
  void probe_reportsSizeDepthAndNormalisedType() throws Exception {
    Path png = dir.resolve("probe.png");
    try (OutputStream out = Files.newOutputStream(png)) {
      ImageCodec.writePng(new RgbaImage(3, 2, SampleDepth.U16), Map.of(), out);
    }
    assertEquals(new ImageCodec.Header(3, 2, SampleDepth.U16, "image/png"),
        ImageCodec.probe(png, " Image/PNG ; name=x", LIMITS));
  }

  @Test
  void imageOverCustomLimits_isTooLarge() throws Exception {
    Path png = dir.resolve("big.png");
    try (OutputStream out = Files.newOutputStream(png)) {
      ImageCodec.writePng(new RgbaImage(100, 50, SampleDepth.U8), Map.of(), out);
    }
    EngineException side = assertThrows(EngineException.class,
        () -> ImageCodec.decode(png, "image/png", new ImageCodec.Limits(64, 1_000_000)));
    assertEquals(EngineException.Kind.IMAGE_TOO_LARGE, side.kind());
    assertEquals(64L, side.details().get("max_side"));
    EngineException pixels = assertThrows(EngineException.class,
        () -> ImageCodec.probe(png, "image/png", new ImageCodec.Limits(1000, 4999)));
    assertEquals(EngineException.Kind.IMAGE_TOO_LARGE, pixels.kind());
    assertEquals(100L, pixels.details().get("width"));
    assertEquals(50L, pixels.details().get("height"));
    assertEquals(4999L, pixels.details().get("max_pixels"));
  }

  // ---------------------------------------------------------------- helpers

  private RgbaImage writeAndDecode(RgbaImage image, String name) throws IOException, EngineException {
    Path png = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(png)) {
      ImageCodec.writePng(image, Map.of(), out);
    }
    return ImageCodec.decode(png, "image/png", LIMITS);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path writeWithImageIo(BufferedImage image, String name, boolean interlaced) throws IOException {
    Path file = dir.resolve(name);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
    Files.deleteIfExists(file);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return file;
  }

  private static int[] rgba(int r, int g, int b, int a) {
    return new int[] {r, g, b, a};
  }

  /** Compares one pixel's integer codes with {@code expected} (R, G, B, A). */
  private static void assertPixel(RgbaImage image, int x, int y, int[] expected) {
    float scale = image.depth().scale();
    int[] actual = new int[4];
    for (int c = 0; c < 4; c++) {
      actual[c] = Math.round(image.get(x, y, c) * scale);
    }
    assertArrayEquals(expected, actual, "pixel " + x + "," + y);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
