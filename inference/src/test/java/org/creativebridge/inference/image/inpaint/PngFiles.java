package org.creativebridge.inference.image.inpaint;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;

/** Reads photos into 8-bit opaque images and writes images as 8-bit PNG, for the benchmarks. */
final class PngFiles {
  private PngFiles() {}

  static RgbaImage read(Path file) throws IOException {
    BufferedImage picture = ImageIO.read(file.toFile());
    if (picture == null) {
      throw new IOException("not a readable image: " + file);
    }
    RgbaImage image = new RgbaImage(picture.getWidth(), picture.getHeight(), SampleDepth.U8);
    for (int y = 0; y < picture.getHeight(); y++) {
      for (int x = 0; x < picture.getWidth(); x++) {
        int argb = picture.getRGB(x, y);
        image.set(x, y, 0, ((argb >> 16) & 0xff) / 255f);
        image.set(x, y, 1, ((argb >> 8) & 0xff) / 255f);
        image.set(x, y, 2, (argb & 0xff) / 255f);
        image.set(x, y, 3, 1f);
      }
    }
    return image;
  }

  static void writeRgb(RgbaImage image, Path file) throws IOException {
    BufferedImage picture =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        int r = code(image.get(x, y, 0));
        int g = code(image.get(x, y, 1));
        int b = code(image.get(x, y, 2));
        picture.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    if (!ImageIO.write(picture, "png", file.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  static int code(float value) {
    return Math.max(0, Math.min(255, Math.round(value * 255f)));
  }
}
