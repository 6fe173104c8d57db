package org.creativebridge.bridge.models.download;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.creativebridge.bridge.models.download.DownloadException.Reason;
import org.creativebridge.bridge.models.download.Downloader.FetchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two pulls of one file, and a pull stopped by its thread's interrupt. */
class DownloaderLockingTest extends PublisherFixture {
  private static final String FILE = "/org/repo/resolve/main/model.onnx";

  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  /** Eight chunks 200 ms apart: about 1.6 s, under the 500 ms inactivity limit at every step. */
  private void serveSlowly() {
    publisher.stubFor(get(urlEqualTo(FILE)).willReturn(aResponse().withStatus(200).withBody(MODEL)
        .withChunkedDribbleDelay(8, 1600)));
  }

  @Test
  void aSecondPullOfTheSameFileFailsBusyWhileTheFirstInstallsIt() throws Exception {
    serveSlowly();
    Downloader downloader = new Downloader(FAST);
    CountDownLatch firstIsWriting = new CountDownLatch(1);

    Future<FetchResult> first = threads.submit(() -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE),
        (done, total) -> {
          if (done > 0) {
            firstIsWriting.countDown();
          }
        }));
    assertTrue(firstIsWriting.await(5, TimeUnit.SECONDS));
    Future<FetchResult> second = threads.submit(() -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    ExecutionException busy = assertThrows(ExecutionException.class, () -> second.get(5, TimeUnit.SECONDS));
    DownloadException e = assertInstanceOf(DownloadException.class, busy.getCause());
    assertEquals(Reason.BUSY, e.reason());
    assertTrue(e.getMessage().contains("another pull of model.onnx"), e.getMessage());
    assertInstalled(first.get(10, TimeUnit.SECONDS), "catalogue");
    publisher.verify(1, getRequestedFor(urlEqualTo(FILE)));
  }

  @Test
  void aSecondPullThatWaitsForTheLockGetsTheFileTheFirstInstalled() throws Exception {
    serveSlowly();
    Downloader downloader = new Downloader(FAST, Duration.ofSeconds(10), folder -> Long.MAX_VALUE);
    CountDownLatch firstIsWriting = new CountDownLatch(1);

    Future<FetchResult> first = threads.submit(() -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE),
        (done, total) -> {
          if (done > 0) {
            firstIsWriting.countDown();
          }
        }));
    assertTrue(firstIsWriting.await(5, TimeUnit.SECONDS));
    Future<FetchResult> second = threads.submit(() -> downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null));

    assertInstalled(first.get(10, TimeUnit.SECONDS), "catalogue");
    assertInstalled(second.get(10, TimeUnit.SECONDS), "catalogue");
    publisher.verify(1, getRequestedFor(urlEqualTo(FILE)));
  }

  @Test
  void anInterruptStopsTheDownloadPromptlyAndALaterPullResumesThePart() throws Exception {
    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", absent()).willReturn(aResponse().withStatus(200)
        .withBody(MODEL).withChunkedDribbleDelay(8, 1600)));
    Downloader downloader = new Downloader(FAST);
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Thread> worker = new AtomicReference<>();

    Future<FetchResult> pull = threads.submit(() -> {
      worker.set(Thread.currentThread());
      return downloader.fetch(request(FILE, MODEL_SHA256, SIZE), (done, total) -> {
        if (done > 0) {
          started.countDown();
        }
      });
    });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    long interruptedAt = System.nanoTime();
    worker.get().interrupt();

    ExecutionException stopped = assertThrows(ExecutionException.class, () -> pull.get(5, TimeUnit.SECONDS));
    assertInstanceOf(InterruptedException.class, stopped.getCause());
    assertTrue(Duration.ofNanos(System.nanoTime() - interruptedAt).toMillis() < 1000, "not prompt");
    assertFalse(Files.exists(target));
    assertFalse(Files.exists(lockFile()), "the lock is released");
    long kept = Files.size(part());
    assertTrue(kept > 0 && kept < SIZE, "a resumable .part: " + kept);

    publisher.stubFor(get(urlEqualTo(FILE)).withHeader("Range", equalTo("bytes=" + kept + "-"))
        .willReturn(aResponse().withStatus(206)
            .withHeader("Content-Range", "bytes " + kept + "-" + (SIZE - 1) + "/" + SIZE)
            .withBody(slice(MODEL, (int) kept, SIZE))));
    assertInstalled(downloader.fetch(request(FILE, MODEL_SHA256, SIZE), null), "catalogue");
    publisher.verify(1, getRequestedFor(urlEqualTo(FILE)).withHeader("Range", matching("bytes=\\d+-")));
  }
}
