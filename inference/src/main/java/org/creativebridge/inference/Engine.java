package org.creativebridge.inference;

/**
 * An engine serves one task: the built-in default or one backed by an installed model. Engines are
 * created once and run many jobs; implementations state their own thread-safety, and the scheduler
 * never runs two jobs on one engine instance at once unless {@link EngineInfo#concurrent()} says so.
 */
public interface Engine extends AutoCloseable {

  EngineInfo info();

  /**
   * Runs one job. Reports stages and progress to {@code context}, and checks it for cancellation
   * between steps.
   *
   * @throws EngineException for bad input or a failing model, with a kind the daemon maps to a code
   * @throws CancelledException when {@code context} was cancelled
   */
  EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException;

  /**
   * Refuses params this engine cannot run with (an unknown voice, say) before the job is queued,
   * so the client hears it at once as a 4xx instead of a failed job later. Cheap: no model runs.
   */
  default void checkParams(Params params) throws EngineException {}

  /**
   * Why the engine cannot run here (its model or a system library is missing), or empty when it is
   * ready. Capabilities show it, so a client can tell the user what to install.
   */
  default java.util.Optional<String> notReadyReason() {
    return java.util.Optional.empty();
  }

  @Override
  default void close() {}
}
