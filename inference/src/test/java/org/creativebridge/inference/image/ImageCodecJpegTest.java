package org.creativebridge.inference.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.creativebridge.inference.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCodecJpegTest {
  private static final ImageCodec.Limits LIMITS = ImageCodec.Limits.defaults();

  @TempDir Path dir;

  @Test
  void colourJpeg_decodesToU8RgbWithOpaqueAlpha() throws Exception {
    BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        rgb.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 128);
      }
    }
    Path jpeg = writeJpeg(rgb, "colour.jpg");
    assertEquals(new ImageCodec.Header(64, 48, SampleDepth.U8, "image/jpeg"),
        ImageCodec.probe(jpeg, "image/JPEG", LIMITS));
    RgbaImage decoded = ImageCodec.decode(jpeg, "image/jpeg", LIMITS);
    assertEquals(SampleDepth.U8, decoded.depth());
    // Lossy, so compare loosely, but red must be red (channel order) and alpha exactly 1.
    BufferedImage reference = ImageIO.read(jpeg.toFile());
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        int argb = reference.getRGB(x, y);
        assertEquals(argb >> 16 & 0xff, code(decoded, x, y, 0));
        assertEquals(argb >> 8 & 0xff, code(decoded, x, y, 1));
        assertEquals(argb & 0xff, code(decoded, x, y, 2));
        assertEquals(255, code(decoded, x, y, 3));
        assertTrue(Math.abs(code(decoded, x, y, 0) - x * 4) <= 8, "red at " + x + "," + y);
      }
    }
  }

  @Test
  void grayJpeg_expandsToRgb() throws Exception {
    BufferedImage gray = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        gray.getRaster().setSample(x, y, 0, 100);
      }
    }
    RgbaImage decoded = ImageCodec.decode(writeJpeg(gray, "gray.jpg"), "image/jpeg", LIMITS);
    for (int c = 0; c < 3; c++) {
      assertTrue(Math.abs(code(decoded, 10, 10, c) - 100) <= 1);
    }
    assertEquals(code(decoded, 5, 7, 0), code(decoded, 5, 7, 2));
  }

  @Test
  void truncatedJpeg_isUnreadable() throws Exception {
    BufferedImage rgb = new BufferedImage(256, 256, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        rgb.setRGB(x, y, (x * 31 ^ y * 17) & 0xffffff);
      }
    }
    byte[] whole = Files.readAllBytes(writeJpeg(rgb, "whole.jpg"));
    for (int cut : new int[] {3, 100, whole.length / 2, whole.length - 2}) {
      Path file = Files.write(dir.resolve("cut" + cut + ".jpg"), Arrays.copyOf(whole, cut));
      EngineException e = assertThrows(EngineException.class, () -> ImageCodec.decode(file, "image/jpeg", LIMITS),
          "cut at " + cut);
      assertEquals(EngineException.Kind.IMAGE_UNREADABLE, e.kind());
      assertTrue(e.getMessage().startsWith("The JPEG file is"), e.getMessage());
    }
  }

  private static int code(RgbaImage image, int x, int y, int channel) {
    return Math.round(image.get(x, y, channel) * 255f);
  }

  private Path writeJpeg(BufferedImage image, String name) throws IOException {
    Path file = dir.resolve(name);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.95f);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return file;
  }
}
