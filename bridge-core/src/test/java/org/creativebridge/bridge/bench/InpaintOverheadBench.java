package org.creativebridge.bridge.bench;

import static org.creativebridge.bridge.bench.BenchSupport.fmt;
import static org.creativebridge.bridge.bench.BenchSupport.median;
import static org.creativebridge.bridge.bench.BenchSupport.ms;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.creativebridge.bridge.bench.BenchSupport.RunningDaemon;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.ImageCodec;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.image.inpaint.PatchMatchInpaintEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's overhead over the engine's own time for {@code image.inpaint} with the built-in
 * engine, 1024x1024 (1 megapixel) photo-like image, a centred round hole of 5% of the pixels. Engine
 * alone: {@link PatchMatchInpaintEngine#run} on decoded images with a detached context. Full daemon
 * path: PUT image and mask PNGs, POST the job, wait for {@code done} on its SSE stream, GET the
 * output PNG. The two alternate, repetition by repetition, in one run. Each repetition changes one
 * pixel far from the hole, so the image upload really stores (the unchanged mask de-duplicates, as
 * it would for a client re-running a fill).
 *
 * <p>{@code -Dbench.reps=N} sets the timed repetitions (default 5).
 */
@Tag("bench")
class InpaintOverheadBench {
  private static final int SIDE = 1024;
  private static final double HOLE_FRACTION = 0.05;
  private static final int WARMUP = 1;
  private static final int REPS = Integer.getInteger("bench.reps", 7);
  private static final long SEED = 12345;

  @TempDir Path dir;

  @Test
  void inpaintOverhead() throws Exception {
    String start = BenchSupport.environment();
    byte[] pixels = BenchSupport.photoLikeRgba8(SIDE, SIDE, 99);
    RgbaImage image = BenchSupport.toImage(pixels, SIDE, SIDE);
    int[] holePixels = new int[1];
    RgbaImage mask = discMask(SIDE, HOLE_FRACTION, holePixels);
    byte[] maskPng = BenchSupport.png(mask);
    ImageCodec.Limits limits = ImageCodec.Limits.defaults();
    PatchMatchInpaintEngine engine = new PatchMatchInpaintEngine();
    Params params = new Params(Map.of("seed", SEED, "grow", 0L, "feather", 0L, "patch_size", 7L));
    byte[] jobTemplate =
        ("{\"task\":\"image.inpaint\",\"inputs\":{\"image\":\"%s\",\"mask\":\"%s\"},"
                + "\"params\":{\"seed\":" + SEED + ",\"grow\":0,\"feather\":0,\"patch_size\":7},"
                + "\"engine\":\"builtin.patchmatch\",\"priority\":\"interactive\"}")
            .getBytes(StandardCharsets.UTF_8);

    long[] engineAlone = new long[REPS];
    long[] daemonTotal = new long[REPS];
    Map<String, long[]> phases = new LinkedHashMap<>();
    for (String p : new String[] {"upload image+mask", "POST /v1/jobs", "POST -> done event", "download output",
        "server: queued (started_at - created_at)", "server: running (finished_at - started_at)"}) {
      phases.put(p, new long[REPS]);
    }
    long[] decodeInputs = new long[REPS];
    long[] encodeOutput = new long[REPS];
    long outputBytes = 0;

    try (RunningDaemon daemon = BenchSupport.startDaemon(dir.resolve("home"), null);
        RawHttp http = daemon.connect()) {
      for (int rep = -WARMUP; rep < REPS; rep++) {
        // A new image each repetition: one pixel in the top-left corner, far from the hole.
        int v = 10 + rep + WARMUP;
        image.set(0, 0, 0, v / 255f);
        byte[] imagePng = BenchSupport.png(image);
        Path imageFile = dir.resolve("image.png");
        Path maskFile = dir.resolve("mask.png");
        Files.write(imageFile, imagePng);
        Files.write(maskFile, maskPng);

        // Components the daemon adds around the engine, timed alone (outside both measured paths).
        long c0 = System.nanoTime();
        RgbaImage decodedImage = ImageCodec.decode(imageFile, "image/png", limits);
        RgbaImage decodedMask = ImageCodec.decode(maskFile, "image/png", limits);
        long c1 = System.nanoTime();

        boolean engineFirst = Math.floorMod(rep, 2) == 0;
        long engineNanos = 0;
        DaemonRun run = null;
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == engineFirst) {
            long t0 = System.nanoTime();
            EngineResult result =
                engine.run(new EngineRequest(Map.of("image", decodedImage, "mask", decodedMask), params),
                    JobContext.detached());
            engineNanos = System.nanoTime() - t0;
            RgbaImage out = (RgbaImage) result.outputs().get("image");
            long e0 = System.nanoTime();
            byte[] encoded = BenchSupport.png(out);
            long e1 = System.nanoTime();
            if (rep >= 0) {
              encodeOutput[rep] = e1 - e0;
            }
            outputBytes = encoded.length;
          } else {
            run = viaDaemon(daemon, http, imagePng, maskPng, jobTemplate);
          }
        }
        System.out.printf("  rep %d: engine %s ms, daemon %s ms%n", rep, ms(engineNanos), ms(run.total));
        if (rep >= 0) {
          engineAlone[rep] = engineNanos;
          daemonTotal[rep] = run.total;
          decodeInputs[rep] = c1 - c0;
          int i = 0;
          for (long[] p : phases.values()) {
            p[rep] = run.phases[i++];
          }
        }
      }
    }

    double engineMedian = median(engineAlone);
    double daemonMedian = median(daemonTotal);
    double[] paired = new double[REPS];
    for (int i = 0; i < REPS; i++) {
      paired[i] = 100.0 * (daemonTotal[i] - engineAlone[i]) / engineAlone[i];
    }
    double overhead = 100.0 * (daemonMedian - engineMedian) / engineMedian;
    double megapixels = SIDE * SIDE / 1e6;

    StringBuilder out = new StringBuilder();
    out.append(fmt("InpaintOverheadBench: image.inpaint, builtin.patchmatch, %dx%d (%.2f MP) photo-like image,"
        + " round hole of %d px (%.2f%%), seed %d, grow 0, feather 0, patch_size 7%n",
        SIDE, SIDE, megapixels, holePixels[0], 100.0 * holePixels[0] / (SIDE * SIDE), SEED));
    out.append(start).append('\n');
    out.append(fmt("%d warm-up + %d timed repetitions, engine-alone and daemon runs alternating (order flipped"
        + " each repetition); medians in ms.%n", WARMUP, REPS));
    out.append("Daemon path = PUT image.png + PUT mask.png + POST /v1/jobs + wait for SSE 'done' + GET output PNG"
        + " (one new image per repetition).\n\n");
    BenchSupport.Table table = new BenchSupport.Table("measurement", "median ms", "s / MP", "per-rep ms");
    table.row("engine alone (PatchMatchInpaintEngine.run)", ms(engineMedian),
        fmt("%.3f", engineMedian / 1e9 / megapixels), list(engineAlone));
    table.row("full daemon path", ms(daemonMedian), fmt("%.3f", daemonMedian / 1e9 / megapixels), list(daemonTotal));
    for (Map.Entry<String, long[]> p : phases.entrySet()) {
      table.row("  " + p.getKey(), ms(median(p.getValue())), "", list(p.getValue()));
    }
    table.row("component alone: PNG decode of image + mask", ms(median(decodeInputs)), "", list(decodeInputs));
    table.row(fmt("component alone: PNG encode of the output (%d bytes)", outputBytes), ms(median(encodeOutput)), "",
        list(encodeOutput));
    out.append(table.render());
    out.append('\n');
    double structural =
        median(decodeInputs) + median(encodeOutput) + median(phases.get("upload image+mask"))
            + median(phases.get("POST /v1/jobs")) + median(phases.get("download output"));
    double structuralPct = 100.0 * structural / engineMedian;
    // On a noisy machine the two medians can land within 5% by luck; the daemon's added work,
    // timed component by component, must also fit for the target to count as met.
    String verdict =
        overhead < 5 && structuralPct < 5
            ? "MET"
            : overhead < 5
                ? fmt("NOT MET: the medians land within noise, but the work the daemon adds is %.1f%% by itself", structuralPct)
                : "MISSED";
    out.append(fmt("Overhead (median daemon / median engine - 1): %.1f%%; median of per-repetition overheads: %.1f%%%n",
        overhead, median(paired)));
    out.append(fmt("Structural overhead from the components (decode inputs + encode output + upload + POST + download):"
        + " %s ms = %.1f%% of the engine median; server running - engine = %.1f%%%n",
        ms(structural), structuralPct,
        100.0 * (median(phases.get("server: running (finished_at - started_at)")) - engineMedian) / engineMedian));
    out.append("Target overhead < 5%: " + verdict + "\n");
    out.append(fmt("Seconds per megapixel: engine %.3f, daemon %.3f%n",
        engineMedian / 1e9 / megapixels, daemonMedian / 1e9 / megapixels));
    BenchSupport.report("InpaintOverheadBench", out.toString());
  }

  private static String list(long[] nanos) {
    StringBuilder s = new StringBuilder();
    for (long n : nanos) {
      s.append(s.length() == 0 ? "" : " ").append(fmt("%.0f", n / 1e6));
    }
    return s.toString();
  }

  /** White (fill) inside a centred disc of about {@code fraction} of the pixels, black elsewhere. */
  private static RgbaImage discMask(int side, double fraction, int[] count) {
    RgbaImage mask = new RgbaImage(side, side, SampleDepth.U8);
    double radius = Math.sqrt(fraction * side * side / Math.PI);
    double c = (side - 1) / 2.0;
    int n = 0;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        boolean hole = (x - c) * (x - c) + (y - c) * (y - c) <= radius * radius;
        float v = hole ? 1f : 0f;
        n += hole ? 1 : 0;
        mask.set(x, y, 0, v);
        mask.set(x, y, 1, v);
        mask.set(x, y, 2, v);
        mask.set(x, y, 3, 1f);
      }
    }
    count[0] = n;
    return mask;
  }

  private record DaemonRun(long total, long[] phases) {}

  private static DaemonRun viaDaemon(
      RunningDaemon daemon, RawHttp http, byte[] imagePng, byte[] maskPng, byte[] jobTemplate) throws Exception {
    long t0 = System.nanoTime();
    String imageId = BenchSupport.upload(http, "image/png", imagePng);
    String maskId = BenchSupport.upload(http, "image/png", maskPng);
    long t1 = System.nanoTime();
    byte[] body = String.format(new String(jobTemplate, StandardCharsets.UTF_8), imageId, maskId)
        .getBytes(StandardCharsets.UTF_8);
    RawHttp.Response posted = http.request("POST", "/v1/jobs", "application/json", body);
    long t2 = System.nanoTime();
    if (posted.status() != 202) {
      throw new IllegalStateException("POST /v1/jobs -> " + posted.status() + " " + posted.text());
    }
    String jobId = BenchSupport.json(posted.body()).get("id").asText();
    String outputId = awaitDone(daemon, jobId);
    long t3 = System.nanoTime();
    RawHttp.Response output = http.request("GET", BenchSupport.blobPath(outputId), null, null);
    long t4 = System.nanoTime();
    if (output.status() != 200 || output.body().length == 0) {
      throw new IllegalStateException("GET output -> " + output.status());
    }
    // Server-side timestamps (ms resolution), read after the clock stopped.
    JsonNode job = BenchSupport.json(http.request("GET", "/v1/jobs/" + jobId, null, null).body());
    Instant created = Instant.parse(job.get("created_at").asText());
    Instant started = Instant.parse(job.get("started_at").asText());
    Instant finished = Instant.parse(job.get("finished_at").asText());
    return new DaemonRun(
        t4 - t0,
        new long[] {
          t1 - t0, t2 - t1, t3 - t2, t4 - t3,
          Duration.between(created, started).toNanos(), Duration.between(started, finished).toNanos()
        });
  }

  /** Follows the job's SSE stream on its own connection until the terminal event; returns the output id. */
  private static String awaitDone(RunningDaemon daemon, String jobId) throws Exception {
    try (RawHttp events = daemon.connect()) {
      Map<String, String> headers = new HashMap<>();
      InputStream stream = events.openStream("/v1/jobs/" + jobId + "/events", headers);
      if (!"200".equals(headers.get(":status"))) {
        throw new IllegalStateException("events -> " + headers);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
      String event = null;
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:") && event != null) {
          if (event.equals("done")) {
            return BenchSupport.json(line.substring(5).trim().getBytes(StandardCharsets.UTF_8))
                .get("outputs").get("image").asText();
          }
          if (event.equals("failed") || event.equals("cancelled")) {
            throw new IllegalStateException("job " + jobId + " " + event + ": " + line);
          }
        }
      }
      throw new IllegalStateException("event stream ended without a terminal event");
    }
  }
}
