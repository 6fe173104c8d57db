package org.creativebridge.inference.runtime;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;

/**
 * Runs a session so that cancelling the job stops the native run: each run gets its own {@link
 * OrtSession.RunOptions}, and a cancel callback registered on the {@link JobContext} sets its
 * terminate flag. ORT checks the flag between nodes (also inside Loop/If bodies), so even a
 * minutes-long diffusion step ends promptly.
 *
 * <p>Stateless; thread-safe. Concurrent runs on one session are fine: ORT sessions are thread-safe
 * for {@code run}, and every run has its own RunOptions.
 */
final class Runs {

  private static final System.Logger LOG = System.getLogger(Runs.class.getName());

  private Runs() {}

  /**
   * Runs {@code session}; {@code outputs} null means all outputs. The caller owns the result and
   * closes it (try-with-resources).
   *
   * @throws CancelledException when the job was cancelled before or during the run
   * @throws EngineException {@code OUT_OF_MEMORY} for allocation failures, {@code FAILED} otherwise
   */
  @SuppressWarnings("try") // the registration is held only for its close(): that is the point
  static OrtSession.Result run(
      OrtSession session,
      Map<String, ? extends OnnxTensorLike> inputs,
      Set<String> outputs,
      JobContext context)
      throws EngineException, CancelledException {
    context.checkCancelled();
    OrtSession.RunOptions options = newRunOptions();
    // Close order matters: the registration ends first, then the terminator refuses late callbacks,
    // and only then are the RunOptions freed, so no callback can touch freed native memory.
    try (options;
        Terminator terminator = new Terminator(options);
        JobContext.Registration registration = context.onCancel(terminator::terminate)) {
      try {
        return outputs == null ? session.run(inputs, options) : session.run(inputs, outputs, options);
      } catch (OrtException e) {
        // The terminate flag makes ORT fail with a generic ORT_FAIL; our own flag says why.
        if (terminator.fired() || context.isCancelled()) {
          throw new CancelledException();
        }
        throw OrtFailures.atRun(e);
      }
    }
  }

  private static OrtSession.RunOptions newRunOptions() throws EngineException {
    OrtSession.RunOptions options = null;
    try {
      options = new OrtSession.RunOptions();
      // Every run failure comes back to us as an exception and is reported once, with a kind;
      // ORT logging it to stderr as well would double every cancel in the daemon log.
      options.setLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      return options;
    } catch (OrtException e) {
      if (options != null) {
        options.close();
      }
      throw OrtFailures.atRun(e);
    }
  }

  /** Sets the terminate flag at most while the run is in flight. */
  private static final class Terminator implements AutoCloseable {
    private final OrtSession.RunOptions options;
    private boolean done;
    private boolean fired;

    Terminator(OrtSession.RunOptions options) {
      this.options = options;
    }

    synchronized void terminate() {
      if (done) {
        return;
      }
      try {
        options.setTerminate(true);
        fired = true;
      } catch (OrtException | RuntimeException e) {
        LOG.log(Level.WARNING, "could not terminate an ONNX Runtime run", e);
      }
    }

    synchronized boolean fired() {
      return fired;
    }

    @Override
    public synchronized void close() {
      done = true;
    }
  }
}
