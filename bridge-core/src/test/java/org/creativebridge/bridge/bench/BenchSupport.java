package org.creativebridge.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.bridge.Daemon;
import org.creativebridge.bridge.config.BridgeHome;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.protocol.ProtocolJson;

/** What the daemon benchmarks share: a daemon in a temp home, statistics, tables, test images. */
final class BenchSupport {
  private BenchSupport() {}

  /** A daemon started in-process over a fresh home. */
  record RunningDaemon(Daemon daemon, Path home, String url, int port, String token) implements AutoCloseable {
    RawHttp connect() throws IOException {
      return new RawHttp(port, token);
    }

    @Override
    public void close() {
      daemon.close();
    }
  }

  /** Starts a daemon on a free port; {@code configJson} (may be null) becomes its config.json. */
  static RunningDaemon startDaemon(Path home, String configJson) throws IOException {
    Files.createDirectories(home);
    if (configJson != null) {
      Files.writeString(home.resolve("config.json"), configJson);
    }
    Daemon daemon = Daemon.start(new BridgeHome(home), 0);
    String token = Files.readString(home.resolve("token")).trim();
    String url = daemon.url();
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    return new RunningDaemon(daemon, home, url, port, token);
  }

  static JsonNode json(byte[] body) {
    try {
      return ProtocolJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String blobPath(String id) {
    return "/v1/blobs/" + id.replace(":", "%3A");
  }

  /** PUT /v1/blobs, expecting 200 or 201; returns the blob id. */
  static String upload(RawHttp http, String type, byte[] bytes) throws IOException {
    RawHttp.Response response = http.request("PUT", "/v1/blobs", type, bytes);
    if (response.status() != 201 && response.status() != 200) {
      throw new IllegalStateException("PUT /v1/blobs -> " + response.status() + " " + response.text());
    }
    return json(response.body()).get("id").asText();
  }

  // ---------------------------------------------------------------- statistics

  static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }

  static double median(long[] values) {
    long[] s = sorted(values);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }

  /** Nearest-rank percentile of an already sorted array, p in 0..100. */
  static long percentile(long[] sortedValues, double p) {
    if (sortedValues.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedValues.length);
    return sortedValues[Math.max(0, Math.min(sortedValues.length - 1, rank - 1))];
  }

  static String ms(double nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  static String ms3(double nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** A growable list of longs (latency samples) without boxing. */
  static final class LongList {
    private long[] values = new long[1 << 14];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    int size() {
      return size;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }

    static long[] concat(List<LongList> lists) {
      int total = lists.stream().mapToInt(LongList::size).sum();
      long[] all = new long[total];
      int at = 0;
      for (LongList list : lists) {
        System.arraycopy(list.values, 0, all, at, list.size);
        at += list.size;
      }
      return all;
    }
  }

  // ---------------------------------------------------------------- tables and reports

  /** A text table with aligned columns: first column left, the others right. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Table(String... header) {
      this.header = header;
    }

    Table row(Object... cells) {
      String[] row = new String[header.length];
      for (int i = 0; i < header.length; i++) {
        row[i] = i < cells.length ? String.valueOf(cells[i]) : "";
      }
      rows.add(row);
      return this;
    }

    String render() {
      int[] widths = new int[header.length];
      for (int i = 0; i < header.length; i++) {
        widths[i] = header[i].length();
        for (String[] row : rows) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      StringBuilder out = new StringBuilder();
      line(out, header, widths);
      StringBuilder rule = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
      }
      out.append(rule).append('\n');
      for (String[] row : rows) {
        line(out, row, widths);
      }
      return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          out.append(" | ");
        }
        String cell = cells[i];
        String pad = " ".repeat(widths[i] - cell.length());
        out.append(i == 0 ? cell + pad : pad + cell);
      }
      out.append('\n');
    }
  }

  /** Prints the report and writes it to target/bench/{name}.txt of the module. */
  static Path report(String name, String text) throws IOException {
    System.out.println();
    System.out.println(text);
    System.out.flush();
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path dir = base.resolve("target").resolve("bench");
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  static String environment() {
    Runtime rt = Runtime.getRuntime();
    double[] load = new double[] {java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
    return fmt(
        "Java %s, %d CPUs, max heap %d MiB, load average at start %.2f, %s",
        System.getProperty("java.version"),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        load[0],
        java.time.Instant.now());
  }

  // ---------------------------------------------------------------- test images

  /**
   * A photo-like straight RGBA8 image: smooth gradients, a few soft shapes and sensor-like noise,
   * opaque. Deterministic for a seed. PNG compresses it roughly as it compresses a photo.
   */
  static byte[] photoLikeRgba8(int width, int height, long seed) {
    byte[] bytes = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 4)];
    long state = seed * 0x9E3779B97F4A7C15L + 1;
    double[] cx = new double[6];
    double[] cy = new double[6];
    double[] radius = new double[6];
    double[][] colour = new double[6][3];
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < cx.length; i++) {
      cx[i] = random.nextDouble() * width;
      cy[i] = random.nextDouble() * height;
      radius[i] = (0.08 + random.nextDouble() * 0.2) * Math.min(width, height);
      for (int c = 0; c < 3; c++) {
        colour[i][c] = random.nextDouble() * 120 - 60;
      }
    }
    for (int y = 0; y < height; y++) {
      double v = (double) y / height;
      for (int x = 0; x < width; x++) {
        double u = (double) x / width;
        double r = 40 + 150 * u + 30 * Math.sin(7 * v + 3 * u);
        double g = 60 + 120 * v + 25 * Math.sin(5 * u * v * 6);
        double b = 180 - 100 * u * v + 20 * Math.cos(9 * u);
        for (int i = 0; i < cx.length; i++) {
          double dx = x - cx[i];
          double dy = y - cy[i];
          double w = Math.exp(-(dx * dx + dy * dy) / (radius[i] * radius[i]));
          r += w * colour[i][0];
          g += w * colour[i][1];
          b += w * colour[i][2];
        }
        // xorshift noise, about +-6 levels, like sensor noise
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        int n1 = (int) (state & 0xF) - 8 + (int) ((state >>> 4) & 0x3) - 1;
        int n2 = (int) ((state >>> 8) & 0xF) - 8 + (int) ((state >>> 12) & 0x3) - 1;
        int n3 = (int) ((state >>> 16) & 0xF) - 8 + (int) ((state >>> 20) & 0x3) - 1;
        int at = (y * width + x) * 4;
        bytes[at] = clamp(r + n1 * 0.75);
        bytes[at + 1] = clamp(g + n2 * 0.75);
        bytes[at + 2] = clamp(b + n3 * 0.75);
        bytes[at + 3] = (byte) 255;
      }
    }
    return bytes;
  }

  private static byte clamp(double value) {
    long v = Math.round(value);
    return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
  }

  static RgbaImage toImage(byte[] rgba8, int width, int height) {
    float[] samples = new float[rgba8.length];
    for (int i = 0; i < rgba8.length; i++) {
      samples[i] = (rgba8[i] & 0xFF) / 255f;
    }
    return new RgbaImage(width, height, SampleDepth.U8, samples);
  }

  static byte[] png(RgbaImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(image.width() * image.height() * 2);
    ImageCodec.writePng(image, Map.of(), out);
    return out.toByteArray();
  }
}
