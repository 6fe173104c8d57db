package org.creativebridge.bridge.bench;

import static org.creativebridge.bridge.bench.BenchSupport.fmt;
import static org.creativebridge.bridge.bench.BenchSupport.median;
import static org.creativebridge.bridge.bench.BenchSupport.ms;

import io.undertow.Undertow;
import io.undertow.io.IoCallback;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.creativebridge.bridge.bench.BenchSupport.RunningDaemon;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PUT then GET of a 4096x4096 rgba8 image (64 MiB) as raw pixels, side by side with the same image
 * sent as PNG the way a client would (encode, PUT, GET, decode). Every repetition changes one byte
 * (raw) or one sample (PNG) first, so every PUT really stores new bytes instead of hitting the
 * store's de-duplication; each timed PUT must answer 201 Created. Interleaved with them, the parts of a PUT and
 * a GET are timed alone (hashing, file write, fsync, Undertow's blocking input stream, loopback
 * TCP) to show where the time goes.
 *
 * <p>{@code ./mvnw -o -q -Pbench -pl bridge-core -am verify -Dtest='org.creativebridge.bridge.bench.BlobTransferBench' -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbench.reps=N} for more repetitions).
 */
@Tag("bench")
class BlobTransferBench {
  private static final int SIDE = 4096;
  private static final String RAW_TYPE = "image/x-raw; width=4096; height=4096; format=rgba8";
  private static final int WARMUP = 2;
  private static final int REPS = Integer.getInteger("bench.reps", 7);
  private static final int CHUNK = 1 << 20;

  @TempDir Path dir;

  private int variant;

  /** Per-path phase timings (nanos), one entry per timed repetition. */
  private static final class Phases {
    final Map<String, long[]> byPhase = new LinkedHashMap<>();
    final long[] total;
    int created;

    Phases(List<String> phases, int reps) {
      phases.forEach(p -> byPhase.put(p, new long[reps]));
      total = new long[reps];
    }
  }

  @Test
  void blobTransfer() throws Exception {
    byte[] raw = BenchSupport.photoLikeRgba8(SIDE, SIDE, 42);
    RgbaImage image = BenchSupport.toImage(raw, SIDE, SIDE);
    long payload = raw.length;
    byte[] received = new byte[raw.length];

    Phases rawSocket = new Phases(List.of("PUT", "GET"), REPS);
    Phases rawJdk = new Phases(List.of("PUT", "GET"), REPS);
    Phases png = new Phases(List.of("encode", "PUT", "GET", "decode"), REPS);
    long pngBytes = 0;
    String start = BenchSupport.environment();

    Components components = new Components(raw, Files.createDirectories(dir.resolve("components")));
    try (RunningDaemon daemon = BenchSupport.startDaemon(dir.resolve("home"), null);
        RawHttp http = daemon.connect();
        components) {
      HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int rep = -WARMUP; rep < REPS; rep++) {
        // Rotate the order so no path always runs right after another's page-cache writeback;
        // the components run in the same rotation, so they see the same machine load.
        for (int k = 0; k < 4; k++) {
          switch ((k + Math.floorMod(rep, 4)) % 4) {
            case 0 -> rawViaSocket(daemon, http, raw, received, rawSocket, rep);
            case 1 -> rawViaJdk(daemon, jdk, raw, rawJdk, rep);
            case 2 -> components.measure(rep);
            default -> pngBytes = pngViaSocket(daemon, http, image, png, rep);
          }
        }
        if (rep >= 0) {
          System.out.printf("  rep %d: raw/socket %s ms, raw/HttpClient %s ms, PNG %s ms%n", rep,
              ms(rawSocket.total[rep]), ms(rawJdk.total[rep]), ms(png.total[rep]));
        }
      }
    }

    StringBuilder out = new StringBuilder();
    out.append("BlobTransferBench: PUT + GET of a 4096x4096 rgba8 image (payload ")
        .append(payload)
        .append(" bytes = 64 MiB), photo-like content\n");
    out.append(start).append('\n');
    out.append(fmt(
        "%d warm-up + %d timed repetitions per path, interleaved in one run; medians. MB = 10^6 bytes;"
            + " MB/s = payload pixel bytes / time.%n", WARMUP, REPS));
    out.append(
        "De-duplication defeated: before every PUT one byte (raw) or one sample (PNG) is changed, so every"
            + " PUT stores new bytes;\n");
    out.append(fmt(
        "timed PUTs answering 201 Created: raw/socket %d of %d, raw/HttpClient %d of %d, PNG %d of %d.%n",
        rawSocket.created, REPS, rawJdk.created, REPS, png.created, REPS));
    out.append(fmt("PNG file size %d bytes (%.1f%% of raw), deflate level as ImageCodec writes it.%n%n",
        pngBytes, 100.0 * pngBytes / payload));

    BenchSupport.Table table =
        new BenchSupport.Table("path", "encode ms", "PUT ms", "GET ms", "decode ms", "total ms",
            "PUT MB/s", "GET MB/s", "round trip MB/s", "x slower than raw");
    double rawTotal = median(rawSocket.total);
    addRow(table, "raw rgba8, raw socket client", rawSocket, payload, rawTotal);
    addRow(table, "raw rgba8, java.net.http client", rawJdk, payload, rawTotal);
    addRow(table, "PNG (encode+PUT+GET+decode), socket", png, payload, rawTotal);
    out.append(table.render());
    double roundTrip = payload / (rawTotal / 1e9) / 1e6;
    double ratio = median(png.total) / rawTotal;
    out.append('\n');
    out.append(fmt("Target raw round trip >= 1000 MB/s: %.0f MB/s -> %s%n", roundTrip, roundTrip >= 1000 ? "MET" : "MISSED"));
    out.append(fmt("Target raw >= 10x faster than PNG: %.1fx -> %s%n", ratio, ratio >= 10 ? "MET" : "MISSED"));
    double[] perRep = new double[REPS];
    for (int i = 0; i < REPS; i++) {
      perRep[i] = (double) png.total[i] / rawSocket.total[i];
    }
    out.append(fmt("(median of per-repetition ratios PNG/raw: %.1fx; for 10x the raw round trip would need <= %s ms)%n%n",
        median(perRep), ms(median(png.total) / 10)));
    out.append(components.render(payload));
    BenchSupport.report("BlobTransferBench", out.toString());
  }

  private static void addRow(BenchSupport.Table table, String name, Phases p, long payload, double rawTotal) {
    double put = median(p.byPhase.get("PUT"));
    double get = median(p.byPhase.get("GET"));
    double total = median(p.total);
    long[] encode = p.byPhase.get("encode");
    long[] decode = p.byPhase.get("decode");
    table.row(
        name,
        encode == null ? "-" : ms(median(encode)),
        ms(put),
        ms(get),
        decode == null ? "-" : ms(median(decode)),
        ms(total),
        fmt("%.0f", payload / put * 1e3),
        fmt("%.0f", payload / get * 1e3),
        fmt("%.0f", payload / total * 1e3),
        fmt("%.1f", total / rawTotal));
  }

  private byte nextVariant() {
    variant++;
    if (variant > 250) {
      throw new IllegalStateException("too many repetitions for one-byte variants");
    }
    return (byte) variant;
  }

  private void rawViaSocket(RunningDaemon daemon, RawHttp http, byte[] raw, byte[] received, Phases p, int rep)
      throws IOException {
    raw[0] = nextVariant();
    long t0 = System.nanoTime();
    RawHttp.Response put = http.request("PUT", "/v1/blobs", RAW_TYPE, raw);
    long t1 = System.nanoTime();
    String id = BenchSupport.json(put.body()).get("id").asText();
    int status = http.getInto(BenchSupport.blobPath(id), received);
    long t2 = System.nanoTime();
    check(status == 200, "GET status " + status);
    check(Arrays.equals(raw, received), "raw bytes came back different");
    record(p, rep, put.status(), t2 - t0, t1 - t0, t2 - t1);
  }

  private void rawViaJdk(RunningDaemon daemon, HttpClient jdk, byte[] raw, Phases p, int rep)
      throws IOException, InterruptedException {
    raw[0] = nextVariant();
    long t0 = System.nanoTime();
    HttpResponse<byte[]> put =
        jdk.send(
            HttpRequest.newBuilder(URI.create(daemon.url() + "/v1/blobs"))
                .header("Authorization", "Bearer " + daemon.token())
                .header("Content-Type", RAW_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(raw))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    long t1 = System.nanoTime();
    String id = BenchSupport.json(put.body()).get("id").asText();
    HttpResponse<byte[]> get =
        jdk.send(
            HttpRequest.newBuilder(URI.create(daemon.url() + BenchSupport.blobPath(id)))
                .header("Authorization", "Bearer " + daemon.token())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    long t2 = System.nanoTime();
    check(get.statusCode() == 200, "GET status " + get.statusCode());
    check(Arrays.equals(raw, get.body()), "raw bytes came back different (HttpClient)");
    record(p, rep, put.statusCode(), t2 - t0, t1 - t0, t2 - t1);
  }

  private long pngViaSocket(RunningDaemon daemon, RawHttp http, RgbaImage image, Phases p, int rep)
      throws Exception {
    image.samples()[0] = (nextVariant() & 0xFF) / 255f;
    Path file = dir.resolve("downloaded.png");
    long t0 = System.nanoTime();
    byte[] png = BenchSupport.png(image);
    long t1 = System.nanoTime();
    RawHttp.Response put = http.request("PUT", "/v1/blobs", "image/png", png);
    long t2 = System.nanoTime();
    String id = BenchSupport.json(put.body()).get("id").asText();
    byte[] back = new byte[png.length];
    int status = http.getInto(BenchSupport.blobPath(id), back);
    long t3 = System.nanoTime();
    // ImageCodec decodes from a file, so the client saves the download first (timed with decode).
    Files.write(file, back);
    RgbaImage decoded = ImageCodec.decode(file, "image/png", ImageCodec.Limits.defaults());
    long t4 = System.nanoTime();
    check(status == 200, "GET status " + status);
    check(decoded.contentEquals(image), "PNG round trip changed the image");
    if (rep >= 0) {
      p.byPhase.get("encode")[rep] = t1 - t0;
      p.byPhase.get("PUT")[rep] = t2 - t1;
      p.byPhase.get("GET")[rep] = t3 - t2;
      p.byPhase.get("decode")[rep] = t4 - t3;
      p.total[rep] = t4 - t0;
      if (put.status() == 201) {
        p.created++;
      }
    }
    return png.length;
  }

  private static void record(Phases p, int rep, int putStatus, long total, long put, long get) {
    if (rep < 0) {
      return;
    }
    p.byPhase.get("PUT")[rep] = put;
    p.byPhase.get("GET")[rep] = get;
    p.total[rep] = total;
    if (putStatus == 201) {
      p.created++;
    } else if (putStatus != 200) {
      throw new AssertionError("PUT answered " + putStatus);
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }

  // ---------------------------------------------------------------- where the time goes

  /** The pieces a daemon PUT and GET are made of, each timed alone on the same 64 MiB. */
  private static final class Components implements AutoCloseable {
    static final String[] NAMES = {
      "loopback TCP, plain sockets (kernel floor)",
      "Undertow blocking input stream drain (bare server, no storage)",
      "SHA-256 (MessageDigest, 1 MiB chunks)",
      "FileChannel write, no fsync",
      "fsync (force) after the write",
      "Undertow GET transferFrom(file) (bare server, no journal)",
    };
    final Map<String, long[]> timings = new LinkedHashMap<>();
    final byte[] raw;
    final byte[] received;
    final Path files;
    final ServerSocket sink;
    final Undertow bare;
    final Socket plain;
    final RawHttp http;

    Components(byte[] raw, Path files) throws IOException {
      this.raw = raw;
      this.received = new byte[raw.length];
      this.files = files;
      for (String name : NAMES) {
        timings.put(name, new long[REPS]);
      }
      Path served = files.resolve("served.bin");
      Files.write(served, raw);
      sink = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread drainer = new Thread(() -> drainSocketForever(sink), "bench-sink");
      drainer.setDaemon(true);
      drainer.start();
      bare = bareServer(served, raw.length);
      bare.start();
      plain = new Socket();
      plain.setSendBufferSize(4 << 20);
      plain.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), sink.getLocalPort()));
      http = new RawHttp(((InetSocketAddress) bare.getListenerInfo().get(0).getAddress()).getPort(), null);
    }

    void measure(int rep) throws Exception {
      long[] r = new long[NAMES.length];
      // 0: plain loopback: send 64 MiB, wait for the sink's one-byte ack
      long t0 = System.nanoTime();
      plain.getOutputStream().write(raw);
      plain.getOutputStream().flush();
      if (plain.getInputStream().read() < 0) {
        throw new IOException("sink closed");
      }
      r[0] = System.nanoTime() - t0;
      // 1: Undertow drain
      t0 = System.nanoTime();
      RawHttp.Response put = http.request("PUT", "/drain", "application/octet-stream", raw);
      r[1] = System.nanoTime() - t0;
      check(put.status() == 200, "bare PUT " + put.status());
      // 2: sha-256
      t0 = System.nanoTime();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (int off = 0; off < raw.length; off += CHUNK) {
        sha.update(raw, off, Math.min(CHUNK, raw.length - off));
      }
      sha.digest();
      r[2] = System.nanoTime() - t0;
      // 3, 4: write then fsync, to a new file like the store's .part file
      Path part = files.resolve("part-" + (rep + WARMUP) + ".bin");
      t0 = System.nanoTime();
      long t1;
      try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer wrapped = ByteBuffer.wrap(raw);
        for (int off = 0; off < raw.length; off += CHUNK) {
          wrapped.limit(Math.min(raw.length, off + CHUNK)).position(off);
          while (wrapped.hasRemaining()) {
            ch.write(wrapped);
          }
        }
        t1 = System.nanoTime();
        ch.force(false);
      }
      long t2 = System.nanoTime();
      r[3] = t1 - t0;
      r[4] = t2 - t1;
      Files.delete(part);
      // 5: Undertow GET with transferFrom
      t0 = System.nanoTime();
      int status = http.getInto("/file", received);
      r[5] = System.nanoTime() - t0;
      check(status == 200, "bare GET " + status);
      if (rep >= 0) {
        for (int i = 0; i < NAMES.length; i++) {
          timings.get(NAMES[i])[rep] = r[i];
        }
      }
    }

    String render(long payload) {
      StringBuilder out = new StringBuilder();
      out.append("Where the time goes: the pieces of a PUT / GET timed alone on the same 64 MiB, interleaved with the"
          + " runs above (median of ").append(REPS).append(")\n");
      BenchSupport.Table table = new BenchSupport.Table("component", "ms", "MB/s");
      timings.forEach(
          (name, t) -> {
            double m = median(t);
            table.row(name, ms(m), fmt("%.0f", payload / m * 1e3));
          });
      out.append(table.render());
      double put =
          median(timings.get(NAMES[1])) + median(timings.get(NAMES[2])) + median(timings.get(NAMES[3]))
              + median(timings.get(NAMES[4]));
      out.append(fmt(
          "Serial model of a daemon PUT = drain + SHA-256 + write + fsync = %s ms (the handler does them one after"
              + " another on one thread).%n", ms(put)));
      double floor = 2 * median(timings.get(NAMES[0]));
      out.append(fmt(
          "Floor of any PUT+GET here: 2 x loopback TCP = %s ms = %.0f MB/s round trip, before hashing or disk.%n",
          ms(floor), payload / floor * 1e3));
      return out.toString();
    }

    @Override
    public void close() throws IOException {
      http.close();
      plain.close();
      bare.stop();
      sink.close();
    }
  }

  /** A bare Undertow with the daemon's threading (BlockingHandler) but no auth, hashing or storage. */
  private static Undertow bareServer(Path served, long size) {
    return Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setHandler(
            new BlockingHandler(
                exchange -> {
                  if (exchange.getRequestPath().equals("/drain")) {
                    exchange.setMaxEntitySize(0); // as the daemon's PUT handler does
                    byte[] buffer = new byte[CHUNK];
                    InputStream in = exchange.getInputStream();
                    while (in.readNBytes(buffer, 0, buffer.length) > 0) {
                      // discard
                    }
                    exchange.getResponseSender().send("ok");
                  } else {
                    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, size);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
                    FileChannel channel = FileChannel.open(served, StandardOpenOption.READ);
                    exchange
                        .getResponseSender()
                        .transferFrom(
                            channel,
                            new IoCallback() {
                              @Override
                              public void onComplete(io.undertow.server.HttpServerExchange ex, io.undertow.io.Sender s) {
                                close(channel);
                                IoCallback.END_EXCHANGE.onComplete(ex, s);
                              }

                              @Override
                              public void onException(
                                  io.undertow.server.HttpServerExchange ex, io.undertow.io.Sender s, IOException e) {
                                close(channel);
                                IoCallback.END_EXCHANGE.onException(ex, s, e);
                              }
                            });
                  }
                }))
        .build();
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only
    }
  }

  /** Reads 64 MiB messages and acknowledges each with one byte. */
  private static void drainSocketForever(ServerSocket server) {
    try (Socket s = server.accept()) {
      s.setReceiveBufferSize(4 << 20);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buffer = new byte[CHUNK];
      long message = (long) SIDE * SIDE * 4;
      while (true) {
        long got = 0;
        while (got < message) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, message - got));
          if (n < 0) {
            return;
          }
          got += n;
        }
        out.write(1);
        out.flush();
      }
    } catch (IOException e) {
      // closed at the end
    }
  }
}
