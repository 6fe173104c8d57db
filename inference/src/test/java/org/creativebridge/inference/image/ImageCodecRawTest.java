package org.creativebridge.inference.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCodecRawTest {
  private static final ImageCodec.Limits LIMITS = ImageCodec.Limits.defaults();

  @TempDir Path dir;

  @Test
  void raw8_roundTripsEveryCodeValue() throws Exception {
    RgbaImage original = TestImages.fromCodes(64, 32, SampleDepth.U8, TestImages.everyCode(64 * 32, 255));
    RgbaImage decoded = writeAndDecode(original);
    assertTrue(original.contentEquals(decoded));
    assertTrue(decoded.contentEquals(writeAndDecode(decoded)));
  }

  @Test
  void raw16_roundTripsEveryCodeValue() throws Exception {
    // Odd width, and more than one 1 MiB slice, so samples straddle slice boundaries.
    int width = 1023;
    int height = 300;
    RgbaImage original = TestImages.fromCodes(width, height, SampleDepth.U16, TestImages.everyCode(width * height, 65535));
    RgbaImage decoded = writeAndDecode(original);
    assertArrayEquals(TestImages.codes(original), TestImages.codes(decoded));
    assertTrue(original.contentEquals(decoded));
  }

  @Test
  void rawF32_keepsFloatsBitForBitIncludingOutOfRange() throws Exception {
    float[] samples = new float[13 * 16_001 * 4];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (float) Math.sin(i) * 3f;
    }
    samples[5] = Float.MIN_VALUE;
    samples[6] = -0f;
    RgbaImage original = new RgbaImage(16_001, 13, SampleDepth.F32, samples.clone());
    RgbaImage decoded = writeAndDecode(original);
    assertTrue(original.contentEquals(decoded));
  }

  @Test
  void rawBytes_areLittleEndianInterleavedRgbaTopToBottom() throws Exception {
    byte[] bytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, (byte) 0xFF, (byte) 0xFF,
        0, 0, 0, 0, 0, 0, 0, 0};
    Path file = Files.write(dir.resolve("le.raw"), bytes);
    RgbaImage image = ImageCodec.decode(file, "image/x-raw; width=1; height=2; format=rgba16", LIMITS);
    assertArrayEquals(new int[] {0x0201, 0x0403, 0x0605, 0xFFFF, 0, 0, 0, 0}, TestImages.codes(image));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageCodec.writeRaw(image, out);
    assertArrayEquals(bytes, out.toByteArray());

    byte[] floatBytes = {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x3F, 0, 0, 0, 0, 0, 0, 0, (byte) 0xC0};
    RgbaImage floats = ImageCodec.decode(Files.write(dir.resolve("f.raw"), floatBytes),
        "image/x-raw; width=1; height=1; format=rgbaf32", LIMITS);
    assertArrayEquals(new float[] {1f, 0.5f, 0f, -2f}, floats.samples());
  }

  @Test
  void rawMediaType_namesSizeAndDepth() {
    assertEquals("image/x-raw; width=640; height=480; format=rgba8",
        ImageCodec.rawMediaType(new RgbaImage(640, 480, SampleDepth.U8)));
    assertEquals("image/x-raw; width=3; height=5; format=rgbaf32",
        ImageCodec.rawMediaType(new RgbaImage(3, 5, SampleDepth.F32)));
  }

  @Test
  void probe_normalisesTheRawMediaType() throws Exception {
    Path file = Files.write(dir.resolve("p.raw"), new byte[2 * 3 * 4]);
    ImageCodec.Header header = ImageCodec.probe(
        file, "Image/X-Raw;FORMAT=\"RGBA8\"; height = 3 ;width=2; colorspace=srgb", LIMITS);
    assertEquals(new ImageCodec.Header(2, 3, SampleDepth.U8, "image/x-raw; width=2; height=3; format=rgba8"), header);
  }

  @Test
  void sixteenBitImage_writtenAsPng_decodesToTheSameAsItsRaw() throws Exception {
    RgbaImage image = TestImages.photoLike(97, 41, SampleDepth.U16, 9);
    Path png = dir.resolve("x.png");
    try (OutputStream out = Files.newOutputStream(png)) {
      ImageCodec.writePng(image, Map.of(), out);
    }
    RgbaImage viaPng = ImageCodec.decode(png, "image/png", LIMITS);
    assertTrue(writeAndDecode(image).contentEquals(viaPng));
  }

  private RgbaImage writeAndDecode(RgbaImage image) throws IOException, EngineException {
    Path file = dir.resolve("image-" + System.nanoTime() + ".raw");
    try (OutputStream out = Files.newOutputStream(file)) {
      ImageCodec.writeRaw(image, out);
    }
    return ImageCodec.decode(file, ImageCodec.rawMediaType(image), LIMITS);
  }
}
