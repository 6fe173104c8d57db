package org.creativebridge.inference.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Locale;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of the codec on a 4096x4096 photo-like image, in MB/s of raw RGBA8 pixel data
 * (64 MiB). Not part of the normal suite:
 * {@code ./mvnw -o -q -Pbench -pl inference verify -Dtest=ImageCodecBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class ImageCodecBench {
  private static final int SIDE = 4096;
  private static final int RUNS = 5;

  @TempDir Path dir;

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  @Test
  void printThroughput() throws Exception {
    RgbaImage rgba8 = TestImages.photoLike(SIDE, SIDE, SampleDepth.U8, 42);
    RgbaImage rgba16 = TestImages.photoLike(SIDE, SIDE, SampleDepth.U16, 42);
    Path png8 = dir.resolve("bench8.png");
    Path png16 = dir.resolve("bench16.png");
    Path raw8 = dir.resolve("bench8.raw");
    Path rawF32 = dir.resolve("benchf32.raw");
    RgbaImage rgbaF32 = new RgbaImage(SIDE, SIDE, SampleDepth.F32, rgba8.samples());
    long pixelBytes8 = (long) SIDE * SIDE * 4;
    ImageCodec.Limits limits = ImageCodec.Limits.defaults();

    System.out.printf("%nImageCodec, %dx%d photo-like image, best of %d (MB = 10^6 bytes of pixel data)%n", SIDE, SIDE, RUNS);
    report("PNG encode rgba8", pixelBytes8, () -> writePng(rgba8, png8));
    System.out.printf(Locale.ROOT, "    file %.1f MB (%.1f%% of raw)%n", Files.size(png8) / 1e6, 100.0 * Files.size(png8) / pixelBytes8);
    report("PNG decode rgba8", pixelBytes8, () -> ImageCodec.decode(png8, "image/png", limits));
    report("PNG probe rgba8 (CRC walk)", pixelBytes8, () -> ImageCodec.probe(png8, "image/png", limits));
    report("PNG encode rgba16", pixelBytes8 * 2, () -> writePng(rgba16, png16));
    System.out.printf(Locale.ROOT, "    file %.1f MB%n", Files.size(png16) / 1e6);
    report("PNG decode rgba16", pixelBytes8 * 2, () -> ImageCodec.decode(png16, "image/png", limits));
    report("raw write rgba8", pixelBytes8, () -> writeRaw(rgba8, raw8));
    report("raw read rgba8", pixelBytes8, () -> ImageCodec.decode(raw8, ImageCodec.rawMediaType(rgba8), limits));
    report("raw write rgbaf32", pixelBytes8 * 4, () -> writeRaw(rgbaF32, rawF32));
    report("raw read rgbaf32", pixelBytes8 * 4, () -> ImageCodec.decode(rawF32, ImageCodec.rawMediaType(rgbaF32), limits));
    // Sanity: what we timed is correct.
    if (!rgba8.contentEquals(ImageCodec.decode(png8, "image/png", limits))) {
      throw new AssertionError("PNG round trip changed the image");
    }
  }

  private static void writePng(RgbaImage image, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ImageCodec.writePng(image, Map.of("creative-bridge.recipe", "{}"), out);
    }
  }

  private static void writeRaw(RgbaImage image, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ImageCodec.writeRaw(image, out);
    }
  }

  /**
   * Prints throughput from the best wall-clock run and from the best thread CPU time. On a busy
   * machine (parallel builds) wall time mostly measures contention; CPU time is what a quiet
   * machine's wall time approaches, since every step runs on the calling thread.
   */
  private static void report(String what, long bytes, Step step) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] wallNanos = new long[RUNS];
    long[] cpuNanos = new long[RUNS];
    step.run(); // warm-up
    for (int i = 0; i < RUNS; i++) {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      step.run();
      wallNanos[i] = System.nanoTime() - start;
      cpuNanos[i] = threads.getCurrentThreadCpuTime() - cpuStart;
    }
    Arrays.sort(wallNanos);
    Arrays.sort(cpuNanos);
    System.out.printf(Locale.ROOT, "  %-28s %8.1f MB/s CPU (%5.0f ms) %8.1f MB/s wall (%5.0f ms)%n",
        what, bytes * 1e3 / cpuNanos[0], cpuNanos[0] / 1e6, bytes * 1e3 / wallNanos[0], wallNanos[0] / 1e6);
  }
}
