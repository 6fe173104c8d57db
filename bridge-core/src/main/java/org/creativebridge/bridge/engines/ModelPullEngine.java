package org.creativebridge.bridge.engines;

import java.util.Map;
import java.util.Optional;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.models.ModelPuller;
import org.creativebridge.bridge.models.ModelService;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.protocol.TaskSpec;

/**
 * Runs {@code models.pull} jobs on their own lane ({@code network}), so a long download never
 * holds up image or audio work. Cancelling interrupts the download; its partial file stays, and the
 * next pull of the same model resumes it. Thread-safe.
 */
public final class ModelPullEngine implements Engine {
  public static final String ID = "builtin.models";
  static final String LANE = "network";

  private final java.util.function.Supplier<ModelService> models;
  private final Optional<String> disabledBecause;

  /**
   * @param models the model service (supplied late: it refreshes the registry this engine is in)
   * @param disabledBecause why downloads are off (config or {@code --offline}), or empty
   */
  public ModelPullEngine(java.util.function.Supplier<ModelService> models, Optional<String> disabledBecause) {
    this.models = models;
    this.disabledBecause = disabledBecause;
  }

  @Override
  public EngineInfo info() {
    return new EngineInfo(
        ID,
        TaskSpec.MODELS_PULL.name(),
        EngineInfo.Kind.BUILTIN,
        "Verified, resumable downloads from the model's publisher or your mirror.",
        null,
        LANE,
        "1",
        true);
  }

  @Override
  public Optional<String> notReadyReason() {
    return disabledBecause;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context) throws EngineException, CancelledException {
    if (disabledBecause.isPresent()) {
      throw new BridgeException(
          org.creativebridge.protocol.ErrorCode.NETWORK_DISABLED, "downloads are disabled: " + disabledBecause.get());
    }
    String model = request.params().getString("model", "");
    boolean accepted = request.params().getBoolean("accept_licence", false);
    Thread worker = Thread.currentThread();
    // The download blocks in socket reads; an interrupt is what stops it promptly.
    try (JobContext.Registration cancel = context.onCancel(worker::interrupt)) {
      context.stage("download");
      models.get().pull(
          new ModelPuller.PullRequest(model, accepted),
          (file, done, total) -> context.progress(total > 0 ? (double) done / total : 0));
      context.stage("installed");
      return new EngineResult(Map.of());
    } catch (InterruptedException e) {
      Thread.interrupted();
      if (context.isCancelled()) {
        throw new CancelledException();
      }
      throw new EngineException(EngineException.Kind.FAILED, "the download was interrupted");
    }
  }
}
