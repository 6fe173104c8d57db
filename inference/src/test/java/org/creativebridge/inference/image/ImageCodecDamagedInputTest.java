package org.creativebridge.inference.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Broken, mislabelled and hostile inputs: each must fail with the right kind and a readable message. */
class ImageCodecDamagedInputTest {
  private static final ImageCodec.Limits LIMITS = ImageCodec.Limits.defaults();

  @TempDir Path dir;

  @Test
  void truncatedPng_isUnreadable() throws Exception {
    byte[] whole = validPng();
    int idatStart = indexOf(whole, "IDAT") - 4;
    int[] cuts = {0, 5, 8, 12, 20, 33, idatStart + 6, idatStart + 100, whole.length - 12, whole.length - 1};
    for (int cut : cuts) {
      Path file = Files.write(dir.resolve("cut" + cut + ".png"), Arrays.copyOf(whole, cut));
      for (Executable call : new Executable[] {
          () -> ImageCodec.probe(file, "image/png", LIMITS),
          () -> ImageCodec.decode(file, "image/png", LIMITS)}) {
        EngineException e = assertThrows(EngineException.class, call, "cut at " + cut);
        assertEquals(Kind.IMAGE_UNREADABLE, e.kind(), "cut at " + cut);
        String expected = cut == 0 ? "empty" : cut < 8 ? "not a PNG" : "truncated";
        assertTrue(e.getMessage().contains(expected), "cut at " + cut + ": " + e.getMessage());
      }
    }
  }

  @Test
  void truncatedPng_namesTheChunkItEndsIn() throws Exception {
    byte[] whole = validPng();
    int idatStart = indexOf(whole, "IDAT") - 4;
    Path file = Files.write(dir.resolve("cut.png"), Arrays.copyOf(whole, idatStart + 50));
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.probe(file, "image/png", LIMITS));
    assertTrue(e.getMessage().startsWith("The PNG file is truncated: it ends inside its IDAT chunk"), e.getMessage());
  }

  @Test
  void garbageBytes_areUnreadable() throws Exception {
    byte[] garbage = new byte[4096];
    new SplittableRandom(3).nextBytes(garbage);
    garbage[0] = 'x';
    Path file = Files.write(dir.resolve("garbage.bin"), garbage);
    for (String type : new String[] {"image/png", "image/jpeg"}) {
      EngineException e = assertThrows(EngineException.class, () -> ImageCodec.decode(file, type, LIMITS));
      assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
      assertTrue(e.getMessage().contains("is not a"), e.getMessage());
    }
    // Valid signature, garbage after it.
    byte[] signed = garbage.clone();
    System.arraycopy(PngChunkReader.SIGNATURE, 0, signed, 0, 8);
    Path afterSignature = Files.write(dir.resolve("signed.png"), signed);
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.decode(afterSignature, "image/png", LIMITS));
    assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
    assertTrue(e.getMessage().startsWith("The PNG file is"), e.getMessage());
  }

  @Test
  void badCrc_isUnreadable() throws Exception {
    byte[] png = validPng();
    int idatData = indexOf(png, "IDAT") + 4;
    png[idatData + 10] ^= 0x40;
    Path file = Files.write(dir.resolve("crc.png"), png);
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.probe(file, "image/png", LIMITS));
    assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("checksum (CRC) of its IDAT chunk"), e.getMessage());
  }

  @Test
  void corruptPixelDataWithValidCrc_isUnreadable() throws Exception {
    byte[] rows = new byte[10 * 41];
    Arrays.fill(rows, (byte) 9); // filter type 9 does not exist
    byte[] png = new PngBuilder().ihdr(10, 10, 8, PngHeader.RGBA).idat(rows).iend().bytes();
    Path file = Files.write(dir.resolve("filter.png"), png);
    ImageCodec.probe(file, "image/png", LIMITS); // structure is fine
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.decode(file, "image/png", LIMITS));
    assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
    assertTrue(e.getMessage().startsWith("The PNG file is damaged: its pixel data cannot be decoded"), e.getMessage());
  }

  @Test
  void pngDeclaredAsJpeg_isRefusedNamingTheRealFormat() throws Exception {
    Path file = Files.write(dir.resolve("photo.jpg"), validPng());
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.decode(file, "image/jpeg", LIMITS));
    assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
    assertEquals("The file was sent as image/jpeg but it is a PNG image; send it as image/png.", e.getMessage());
    assertEquals("PNG", e.details().get("detected_format"));
  }

  @Test
  void jpegDeclaredAsPng_isRefusedNamingTheRealFormat() throws Exception {
    Path file = Files.write(dir.resolve("x.png"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.probe(file, "image/png", LIMITS));
    assertEquals("The file was sent as image/png but it is a JPEG image; send it as image/jpeg.", e.getMessage());
  }

  @Test
  void unknownMediaType_isUnreadableNamingTheType() throws Exception {
    Path file = Files.write(dir.resolve("a.gif"), "GIF89a".getBytes());
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.probe(file, "image/gif", LIMITS));
    assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("'image/gif'"), e.getMessage());
  }

  @Test
  void absurdIhdr_refusedBeforeAllocation() throws Exception {
    byte[] png = new PngBuilder().ihdr(100_000, 100_000, 8, PngHeader.RGBA)
        .idat(new byte[] {0, 0, 0, 0, 0}).iend().bytes();
    Path file = Files.write(dir.resolve("absurd.png"), png);
    EngineException e = assertAllocatesLittle(() -> ImageCodec.decode(file, "image/png", LIMITS));
    assertEquals(Kind.IMAGE_TOO_LARGE, e.kind());
    assertEquals(100_000L, e.details().get("width"));
    assertEquals(100_000L, e.details().get("height"));
    assertEquals(16384L, e.details().get("max_side"));
    assertTrue(e.getMessage().startsWith("The image is 100000x100000 pixels, larger than"), e.getMessage());
  }

  @Test
  void absurdRawType_refusedBeforeAllocation() throws Exception {
    Path file = Files.write(dir.resolve("absurd.raw"), new byte[16]);
    for (String type : new String[] {
        "image/x-raw; width=100000; height=100000; format=rgba8",
        "image/x-raw; width=99999999999999999999999; height=1; format=rgbaf32",
        "image/x-raw; width=16384; height=16384; format=rgba16"}) {
      EngineException e = assertAllocatesLittle(() -> ImageCodec.decode(file, type, LIMITS));
      assertEquals(Kind.IMAGE_TOO_LARGE, e.kind(), type);
    }
  }

  @Test
  void ihdrLyingSmallOverLargePixelData_isCaughtByDecode() throws Exception {
    // A 2x2 header over the pixel data of a noisy 512x512 image.
    byte[] noise = new byte[512 * (1 + 512 * 4)];
    new SplittableRandom(5).nextBytes(noise);
    for (int y = 0; y < 512; y++) {
      noise[y * (1 + 512 * 4)] = 0;
    }
    byte[] png = new PngBuilder().ihdr(2, 2, 8, PngHeader.RGBA).idat(noise).iend().bytes();
    Path file = Files.write(dir.resolve("liar.png"), png);
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.decode(file, "image/png", LIMITS));
    assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("far more pixel data"), e.getMessage());
  }

  @Test
  void ihdrLyingSmallOverHighlyCompressedData_decodesOnlyTheDeclaredSize() throws Exception {
    // 16 MiB of zeros compress below what a 16x16 header allows; the decoder must still only ever
    // produce (and allocate) the declared 16x16.
    byte[] zeros = new byte[2048 * (1 + 2048 * 4)];
    byte[] png = new PngBuilder().ihdr(16, 16, 8, PngHeader.RGBA).idat(zeros).iend().bytes();
    Path file = Files.write(dir.resolve("bomb.png"), png);
    RgbaImage image = ImageCodec.decode(file, "image/png", LIMITS);
    assertEquals(16, image.width());
    assertEquals(16, image.height());
  }

  @Test
  void rawByteCountMismatch_reportsExpectedAndActual() throws Exception {
    String type = "image/x-raw; width=3; height=2; format=rgba16";
    for (int size : new int[] {47, 49}) {
      Path file = Files.write(dir.resolve("raw" + size), new byte[size]);
      EngineException e = assertThrows(EngineException.class, () -> ImageCodec.decode(file, type, LIMITS));
      assertEquals(Kind.RAW_SIZE_MISMATCH, e.kind());
      assertEquals(48L, e.details().get("expected_bytes"));
      assertEquals((long) size, e.details().get("actual_bytes"));
      assertEquals("The raw image is declared as 3x2 rgba16, which takes 48 bytes, but the file has "
          + size + " (1 " + (size < 48 ? "too few" : "too many") + ").", e.getMessage());
    }
  }

  @Test
  void missingFile_isUnreadable() {
    Path missing = dir.resolve("nope.png");
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.probe(missing, "image/png", LIMITS));
    assertEquals(Kind.IMAGE_UNREADABLE, e.kind());
    assertEquals("The image file nope.png cannot be read: it does not exist.", e.getMessage());
  }

  @Test
  void paletteImageWithoutPalette_isUnreadable() throws Exception {
    byte[] png = new PngBuilder().ihdr(1, 1, 8, PngHeader.PALETTE)
        .idat(new byte[] {0, 0}).iend().bytes();
    Path file = Files.write(dir.resolve("nopal.png"), png);
    EngineException e = assertThrows(EngineException.class, () -> ImageCodec.probe(file, "image/png", LIMITS));
    assertTrue(e.getMessage().contains("without a palette"), e.getMessage());
  }

  @Test
  void readPngText_ofDamagedFile_throwsIoException() throws Exception {
    byte[] whole = validPng();
    Path file = Files.write(dir.resolve("t.png"), Arrays.copyOf(whole, whole.length - 5));
    assertThrows(IOException.class, () -> ImageCodec.readPngText(file));
  }

  // ---------------------------------------------------------------- helpers

  private byte[] validPng() throws IOException {
    Path file = dir.resolve("valid-" + System.nanoTime() + ".png");
    try (OutputStream out = Files.newOutputStream(file)) {
      ImageCodec.writePng(TestImages.photoLike(64, 48, SampleDepth.U8, 11), Map.of("k", "v"), out);
    }
    return Files.readAllBytes(file);
  }

  private static int indexOf(byte[] bytes, String ascii) {
    byte[] needle = ascii.getBytes();
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(ascii + " not found");
  }

  /**
   * Runs a call that must fail, and checks this thread allocated well under a megabyte doing so:
   * the refused image would have needed gigabytes.
   */
  private static EngineException assertAllocatesLittle(Executable call) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    EngineException e = assertThrows(EngineException.class, call);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
    return e;
  }
}
