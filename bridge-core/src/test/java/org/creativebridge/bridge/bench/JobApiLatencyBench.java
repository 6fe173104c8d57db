package org.creativebridge.bridge.bench;

import static org.creativebridge.bridge.bench.BenchSupport.fmt;
import static org.creativebridge.bridge.bench.BenchSupport.ms3;
import static org.creativebridge.bridge.bench.BenchSupport.percentile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.creativebridge.bridge.bench.BenchSupport.LongList;
import org.creativebridge.bridge.bench.BenchSupport.RunningDaemon;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency of {@code POST /v1/jobs} + {@code GET /v1/jobs/{id}} under 64 concurrent clients (one
 * keep-alive connection per client thread, each client POSTs then GETs, repeatedly), while the
 * engine works through the submitted 32x32 inpaint jobs on the CPU lane. Side by side, in the same
 * run (each scenario on a fresh daemon): one client alone (no contention), and 64 clients on {@code GET
 * /v1/health} (the HTTP floor: same threads and sockets, no journal), and 64 clients whose jobs have
 * an empty mask (the engine has nothing to fill, so the job pipeline runs but the CPU lane is
 * nearly idle). Job counts come from the
 * journal (read-only JDBC) at the end of the window.
 *
 * <p>{@code -Dbench.seconds=N} sets the measured window (default 15 s), {@code -Dbench.warmup=N}
 * the warm-up (default 5 s).
 */
@Tag("bench")
class JobApiLatencyBench {
  private static final int CLIENTS = 64;
  private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 5);

  @TempDir Path dir;

  private interface Step {
    /** One client iteration; returns the latencies of its requests (nanos). */
    void run(RawHttp http, long[] latencies) throws Exception;
  }

  /** Latencies of one scenario: per request kind, plus the iteration (all kinds together). */
  private record Result(String name, int clients, double seconds, Map<String, long[]> latencies, int errors) {}

  /** One scenario; each gets a fresh daemon, so no scenario inherits another's job backlog. */
  private record Scenario(String name, int clients, String kind, boolean emptyMask) {}

  /** A scenario's outcome, with the job counts of its daemon's journal at the end of the window. */
  private record Outcome(Result result, Map<String, Long> counts, double[] engine) {}

  @Test
  void jobApiLatency() throws Exception {
    String start = BenchSupport.environment();
    List<Scenario> scenarios =
        List.of(
            new Scenario("GET /v1/health, 64 clients (HTTP floor)", CLIENTS, "health", false),
            new Scenario("POST+GET, 1 client (no contention)", 1, "jobs", false),
            new Scenario("POST+GET, 64 clients, empty mask (engine has nothing to fill)", CLIENTS, "jobs", true),
            new Scenario("POST+GET, 64 clients (TARGET)", CLIENTS, "jobs", false));
    List<Outcome> outcomes = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      outcomes.add(runScenario(scenario));
    }
    int cpuJobs = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    StringBuilder out = new StringBuilder();
    out.append("JobApiLatencyBench: POST /v1/jobs + GET /v1/jobs/{id}, small inpaint job (32x32 image + 16x16-hole mask,"
        + " uploaded once), priority batch\n");
    out.append(start).append('\n');
    out.append(fmt("Each scenario: fresh daemon, %d s warm-up, then %d s measured; one keep-alive socket per client"
        + " thread; latencies in ms, client-side.%n", WARMUP, SECONDS));
    out.append("Config: max_queued_jobs raised to 1e8 (default 1000 would turn most POSTs into 503 BRIDGE-3013);"
        + " cpu_jobs default (" + cpuJobs + ").\n\n");
    BenchSupport.Table table =
        new BenchSupport.Table("scenario : request", "count", "req/s", "p50", "p90", "p99", "p99.9", "max", "errors");
    for (Outcome o : outcomes) {
      Result r = o.result();
      for (Map.Entry<String, long[]> e : r.latencies().entrySet()) {
        long[] s = BenchSupport.sorted(e.getValue());
        table.row(
            r.name() + " : " + e.getKey(),
            s.length,
            e.getKey().equals("POST+GET") ? "-" : fmt("%.0f", s.length / r.seconds()),
            ms3(percentile(s, 50)),
            ms3(percentile(s, 90)),
            ms3(percentile(s, 99)),
            ms3(percentile(s, 99.9)),
            ms3(s.length == 0 ? 0 : s[s.length - 1]),
            r.errors());
      }
    }
    out.append(table.render());
    out.append("\nJobs per scenario (from each daemon's journal at the end of its window):\n");
    BenchSupport.Table jobs =
        new BenchSupport.Table("scenario", "submitted", "succeeded", "still queued", "finished in warm-up+window",
            "engine ms/job (median)", "lane busy %");
    for (Outcome o : outcomes) {
      if (o.counts() == null) {
        continue;
      }
      long total = o.counts().values().stream().mapToLong(Long::longValue).sum();
      jobs.row(o.result().name(), total, o.counts().getOrDefault("succeeded", 0L),
          o.counts().getOrDefault("queued", 0L), fmt("%.0f", o.engine()[0]), fmt("%.0f", o.engine()[1]),
          fmt("%.0f", o.engine()[2]));
    }
    out.append(jobs.render());
    Result target = outcomes.get(3).result();
    long[] pair = BenchSupport.sorted(target.latencies().get("POST+GET"));
    long[] post = BenchSupport.sorted(target.latencies().get("POST /v1/jobs"));
    long[] get = BenchSupport.sorted(target.latencies().get("GET /v1/jobs/{id}"));
    long[] floor = BenchSupport.sorted(outcomes.get(0).result().latencies().get("GET health"));
    long[] idlePost = BenchSupport.sorted(outcomes.get(2).result().latencies().get("POST /v1/jobs"));
    out.append('\n');
    out.append(fmt("Target p99 < 5 ms under 64 clients: POST %s ms, GET %s ms, POST+GET %s ms -> %s%n",
        ms3(percentile(post, 99)), ms3(percentile(get, 99)), ms3(percentile(pair, 99)),
        percentile(post, 99) < 5_000_000 && percentile(get, 99) < 5_000_000 ? "MET (per request)" : "MISSED"));
    out.append(fmt("Ratios (same run): p99 POST(target) / p99 GET health = %.1fx; p99 POST(target) / p99 POST(empty mask)"
        + " = %.1fx; p50 POST(target) / p50 GET health = %.1fx%n",
        (double) percentile(post, 99) / percentile(floor, 99),
        (double) percentile(post, 99) / percentile(idlePost, 99),
        (double) percentile(post, 50) / percentile(floor, 50)));
    out.append('\n').append(journalAlone());
    BenchSupport.report("JobApiLatencyBench", out.toString());
  }

  /**
   * The journal alone, in-process, one thread, no HTTP: what one job insert costs while every POST
   * and every lane step waits for the same lock. WAL checkpoints (every ~1000 pages) fsync inside
   * the committing call, which shows in the tail.
   */
  private String journalAlone() throws Exception {
    int n = 10_000;
    Path file = Files.createTempDirectory(dir, "journal").resolve("journal.db");
    long[] lat = new long[n];
    try (org.creativebridge.bridge.journal.Journal journal = new org.creativebridge.bridge.journal.Journal(file)) {
      var params = org.creativebridge.protocol.ProtocolJson.mapper().createObjectNode().put("seed", 1).put("patch_size", 7);
      Map<String, String> inputs = Map.of("image", "sha256:" + "a".repeat(64), "mask", "sha256:" + "b".repeat(64));
      Map<String, String> types = Map.of("image", "image/png", "mask", "image/png");
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        journal.insertJob(
            new org.creativebridge.bridge.journal.Journal.JobRow(
                "job-" + i, "image.inpaint", "auto", org.creativebridge.protocol.Priority.BATCH,
                org.creativebridge.protocol.JobStatus.QUEUED, inputs, types, params,
                org.creativebridge.protocol.OutputFormat.PNG, java.time.Instant.now(), null, null, null, null, null));
        lat[i] = System.nanoTime() - t0;
      }
    }
    long[] s = BenchSupport.sorted(lat);
    long slow = java.util.Arrays.stream(s).filter(x -> x > 2_000_000).count();
    long total = java.util.Arrays.stream(s).sum();
    return fmt("Component alone: Journal.insertJob, 1 thread, %d inserts into a fresh journal: p50 %s ms, p99 %s ms,"
        + " p99.9 %s ms, max %s ms; %d inserts over 2 ms (WAL checkpoints); %.0f inserts/s at most.%n",
        n, ms3(percentile(s, 50)), ms3(percentile(s, 99)), ms3(percentile(s, 99.9)), ms3(s[n - 1]), slow,
        n / (total / 1e9));
  }

  private Outcome runScenario(Scenario scenario) throws Exception {
    String config = "{\"max_queued_jobs\": 100000000}";
    Path home = Files.createTempDirectory(dir, "home");
    try (RunningDaemon daemon = BenchSupport.startDaemon(home, config)) {
      if (scenario.kind().equals("health")) {
        Step health =
            (http, lat) -> {
              long t0 = System.nanoTime();
              RawHttp.Response r = http.request("GET", "/v1/health", null, null);
              lat[0] = System.nanoTime() - t0;
              expect(r, 200);
            };
        return new Outcome(run(daemon, scenario.name(), scenario.clients(), health, List.of("GET health")), null, null);
      }
      byte[] image = BenchSupport.png(BenchSupport.toImage(BenchSupport.photoLikeRgba8(32, 32, 7), 32, 32));
      byte[] mask = BenchSupport.png(scenario.emptyMask() ? squareMask(32, 0, 0) : squareMask(32, 8, 24));
      String imageId;
      String maskId;
      try (RawHttp http = daemon.connect()) {
        imageId = BenchSupport.upload(http, "image/png", image);
        maskId = BenchSupport.upload(http, "image/png", mask);
      }
      byte[] jobBody =
          ("{\"task\":\"image.inpaint\",\"inputs\":{\"image\":\"" + imageId + "\",\"mask\":\"" + maskId
                  + "\"},\"params\":{\"seed\":1,\"patch_size\":7},\"priority\":\"batch\"}")
              .getBytes(StandardCharsets.UTF_8);
      Step postGet =
          (http, lat) -> {
            long t0 = System.nanoTime();
            RawHttp.Response posted = http.request("POST", "/v1/jobs", "application/json", jobBody);
            long t1 = System.nanoTime();
            expect(posted, 202);
            String id = jobId(posted.body());
            long t2 = System.nanoTime();
            RawHttp.Response got = http.request("GET", "/v1/jobs/" + id, null, null);
            long t3 = System.nanoTime();
            expect(got, 200);
            lat[0] = t1 - t0;
            lat[1] = t3 - t2;
            lat[2] = (t1 - t0) + (t3 - t2);
          };
      long windowStart = System.currentTimeMillis();
      Result result =
          run(daemon, scenario.name(), scenario.clients(), postGet,
              List.of("POST /v1/jobs", "GET /v1/jobs/{id}", "POST+GET"));
      long windowEnd = System.currentTimeMillis();
      // Counted before close: close cancels the backlog.
      return new Outcome(result, journalCounts(home), engineTimes(home, windowStart, windowEnd));
    }
  }

  private static RgbaImage squareMask(int side, int from, int to) {
    RgbaImage mask = new RgbaImage(side, side, SampleDepth.U8);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        float v = x >= from && x < to && y >= from && y < to ? 1f : 0f;
        mask.set(x, y, 0, v);
        mask.set(x, y, 1, v);
        mask.set(x, y, 2, v);
        mask.set(x, y, 3, 1f);
      }
    }
    return mask;
  }

  private static void expect(RawHttp.Response r, int status) {
    if (r.status() != status) {
      throw new IllegalStateException("expected " + status + ", got " + r.status() + " " + r.text());
    }
  }

  /** The job id from a Job JSON, without a full parse (client CPU is shared with the daemon). */
  private static String jobId(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    int key = text.indexOf("\"id\":\"");
    int from = key + 6;
    return text.substring(from, text.indexOf('"', from));
  }

  private Result run(RunningDaemon daemon, String name, int clients, Step step, List<String> kinds)
      throws Exception {
    System.out.println("  running: " + name);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger errors = new AtomicInteger();
    long warmupEnd = System.nanoTime() + WARMUP * 1_000_000_000L;
    long end = warmupEnd + SECONDS * 1_000_000_000L;
    List<Future<List<LongList>>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                List<LongList> lists = new ArrayList<>();
                kinds.forEach(k -> lists.add(new LongList()));
                long[] lat = new long[kinds.size()];
                try (RawHttp http = daemon.connect()) {
                  while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                      break;
                    }
                    try {
                      step.run(http, lat);
                    } catch (Exception e) {
                      errors.incrementAndGet();
                      throw e;
                    }
                    if (now >= warmupEnd) {
                      for (int i = 0; i < lat.length; i++) {
                        lists.get(i).add(lat[i]);
                      }
                    }
                  }
                }
                return lists;
              }));
    }
    List<List<LongList>> perClient = new ArrayList<>();
    for (Future<List<LongList>> f : futures) {
      perClient.add(f.get());
    }
    pool.shutdown();
    Map<String, long[]> latencies = new LinkedHashMap<>();
    for (int i = 0; i < kinds.size(); i++) {
      int k = i;
      latencies.put(kinds.get(i), LongList.concat(perClient.stream().map(l -> l.get(k)).toList()));
    }
    return new Result(name, clients, SECONDS, latencies, errors.get());
  }

  private static Map<String, Long> journalCounts(Path home) throws Exception {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("journal.db").toAbsolutePath());
        PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        counts.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getLong(2));
      }
    }
    return counts;
  }

  /** {jobs finished in [from, to], median engine ms, % of the span the lane was busy}. */
  private static double[] engineTimes(Path home, long from, long to) throws Exception {
    List<Long> runs = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("journal.db").toAbsolutePath());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT finished_at - started_at FROM jobs WHERE status = 'SUCCEEDED'"
                    + " AND finished_at BETWEEN ? AND ?")) {
      ps.setLong(1, from);
      ps.setLong(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runs.add(rs.getLong(1));
        }
      }
    }
    long[] values = runs.stream().mapToLong(Long::longValue).toArray();
    double busy = runs.stream().mapToLong(Long::longValue).sum();
    return new double[] {
      values.length, values.length == 0 ? 0 : BenchSupport.median(values), 100.0 * busy / Math.max(1, to - from)
    };
  }
}
