package org.creativebridge.inference;

/**
 * The running job as an engine sees it: where to report stages and progress, and how to learn that
 * the job was cancelled. Implementations are thread-safe: an engine may report from worker threads.
 */
public interface JobContext {

  /** Names the pipeline stage now running (e.g. {@code decode}, {@code fill}, {@code encode}). */
  void stage(String name);

  /** Overall progress in 0..1; values are clamped and never go backwards. */
  void progress(double fraction);

  boolean isCancelled();

  /**
   * Offers an intermediate result (e.g. an {@link org.creativebridge.inference.image.RgbaImage}
   * of a diffusion step) that a client may show while the job runs. Best effort: the default and
   * a context nobody watches ignore it.
   */
  default void preview(Object intermediate) {}

  /** Throws when the job was cancelled; engines call it between steps. */
  default void checkCancelled() throws CancelledException {
    if (isCancelled()) {
      throw new CancelledException();
    }
  }

  /**
   * Runs {@code onCancel} when the job is cancelled (at once if it already was) until the returned
   * handle is closed. ONNX runs use it to call {@code RunOptions.setTerminate(true)}.
   */
  Registration onCancel(Runnable onCancel);

  /** A registration that ends without checked exceptions. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /** A context for runs nobody watches or cancels (tests, benchmarks). */
  static JobContext detached() {
    return new JobContext() {
      @Override
      public void stage(String name) {}

      @Override
      public void progress(double fraction) {}

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public Registration onCancel(Runnable onCancel) {
        return () -> {};
      }
    };
  }
}
