package org.creativebridge.inference.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our PNGs must read the same in an independent decoder (libpng via OpenCV), sample for sample.
 * Skipped, with a reason, where Debian's python3-opencv is not installed.
 */
class PngOpenCvInteropTest {
  private static final String PYTHON = "/usr/bin/python3";

  /** Prints "width height channels dtype" and writes the samples, little-endian, as OpenCV holds them (BGRA). */
  private static final String DUMP_SCRIPT = String.join("\n",
      "import sys, cv2",
      "img = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)",
      "channels = 1 if img.ndim == 2 else img.shape[2]",
      "print(img.shape[1], img.shape[0], channels, img.dtype)",
      "open(sys.argv[2], 'wb').write(img.astype(img.dtype.newbyteorder('<')).tobytes())");

  @TempDir Path dir;

  @BeforeAll
  static void requireOpenCv() throws Exception {
    boolean available = Files.isExecutable(Path.of(PYTHON))
        && run(PYTHON, "-c", "import cv2").exitCode == 0;
    assumeTrue(available, "python3 with cv2 is not installed; independent-decoder check skipped");
  }

  @Test
  void png8_readsIdenticallyInOpenCv() throws Exception {
    RgbaImage image = TestImages.fromCodes(61, 37, SampleDepth.U8, TestImages.everyCode(61 * 37, 255));
    int[] bgra = readWithOpenCv(image, "8 uint8");
    assertArrayEquals(toBgra(TestImages.codes(image)), bgra);
  }

  @Test
  void png16_readsIdenticallyInOpenCv() throws Exception {
    RgbaImage image = TestImages.fromCodes(128, 128, SampleDepth.U16, TestImages.everyCode(128 * 128, 65535));
    int[] bgra = readWithOpenCv(image, "16 uint16");
    assertArrayEquals(toBgra(TestImages.codes(image)), bgra);
  }

  @Test
  void photoLikePng_readsIdenticallyInOpenCv() throws Exception {
    RgbaImage image = TestImages.photoLike(500, 300, SampleDepth.U8, 21);
    assertArrayEquals(toBgra(TestImages.codes(image)), readWithOpenCv(image, "8 uint8"));
  }

  @Test
  void mixedContentPng_readsIdenticallyInOpenCv() throws Exception {
    RgbaImage image = TestImages.mixedContent(640, 200, 8);
    assertArrayEquals(toBgra(TestImages.codes(image)), readWithOpenCv(image, "8 uint8"));
  }

  private int[] readWithOpenCv(RgbaImage image, String expectedDepth) throws Exception {
    Path png = dir.resolve("interop.png");
    Path dump = dir.resolve("interop.bin");
    try (OutputStream out = Files.newOutputStream(png)) {
      ImageCodec.writePng(image, Map.of("creative-bridge.recipe", "{}"), out);
    }
    Result result = run(PYTHON, "-c", DUMP_SCRIPT, png.toString(), dump.toString());
    assertEquals(0, result.exitCode, result.output);
    String dtype = expectedDepth.split(" ")[1];
    assertEquals(image.width() + " " + image.height() + " 4 " + dtype, result.output.trim());
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(dump)).order(ByteOrder.LITTLE_ENDIAN);
    int[] samples = new int[image.samples().length];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = dtype.equals("uint8") ? bytes.get() & 0xff : bytes.getShort() & 0xffff;
    }
    return samples;
  }

  private static int[] toBgra(int[] rgba) {
    int[] bgra = rgba.clone();
    for (int i = 0; i < rgba.length; i += 4) {
      bgra[i] = rgba[i + 2];
      bgra[i + 2] = rgba[i];
    }
    return bgra;
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, "timed out: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}
