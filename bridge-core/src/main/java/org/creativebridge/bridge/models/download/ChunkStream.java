package org.creativebridge.bridge.models.download;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A response body read by the downloading thread with an inactivity limit.
 *
 * <p>HttpClient's request timeout stops at the response headers, and a blocking InputStream has no
 * read timeout; so the body is taken from a queue the client fills, one item requested at a time
 * (back-pressure: at most a couple of items wait in memory). A poll that waits longer than the
 * inactivity limit is the read timeout, and an interrupt of the polling thread stops the download
 * at once. {@link #cancel()} closes the connection.
 *
 * <p>Thread-safety: the client's threads call the subscriber methods, one downloading thread
 * calls {@link #next}; {@link #cancel()} may be called from any thread.
 */
final class ChunkStream implements HttpResponse.BodySubscriber<ChunkStream> {
  private sealed interface Signal permits Data, Failed, End {}

  private record Data(List<ByteBuffer> buffers) implements Signal {}

  private record Failed(Throwable cause) implements Signal {}

  private record End() implements Signal {}

  private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
  private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
  private volatile boolean cancelled;
  private volatile boolean ended;

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (!subscription.complete(s) || cancelled) {
      s.cancel();
      return;
    }
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    signals.add(new Data(item));
  }

  @Override
  public void onError(Throwable throwable) {
    signals.add(new Failed(throwable));
  }

  @Override
  public void onComplete() {
    signals.add(new End());
  }

  @Override
  public CompletionStage<ChunkStream> getBody() {
    // Complete at once so that the response (status and headers) is handed over before the body.
    return CompletableFuture.completedFuture(this);
  }

  /**
   * The next buffers of the body, or null at its end.
   *
   * @throws TimeoutException no data came for {@code inactivity}; the connection is closed
   * @throws IOException the connection failed or was closed before the end of the body
   * @throws InterruptedException the calling thread was interrupted; the connection is closed
   */
  List<ByteBuffer> next(Duration inactivity) throws IOException, InterruptedException, TimeoutException {
    Signal signal;
    try {
      signal = signals.poll(inactivity.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      cancel();
      throw e;
    }
    if (signal == null) {
      cancel();
      throw new TimeoutException("no data for " + inactivity.toMillis() + " ms");
    }
    if (signal instanceof Failed failed) {
      ended = true;
      Throwable cause = failed.cause();
      throw cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
    }
    if (signal instanceof End) {
      ended = true;
      return null;
    }
    // Ask for the next item before this one is written, so the network and the disk overlap.
    subscription.thenAccept(s -> s.request(1));
    return ((Data) signal).buffers();
  }

  /** Stops the body (closing its connection) unless it was read to its end. Idempotent. */
  void cancel() {
    if (ended || cancelled) {
      return;
    }
    cancelled = true;
    subscription.thenAccept(Flow.Subscription::cancel);
  }
}
