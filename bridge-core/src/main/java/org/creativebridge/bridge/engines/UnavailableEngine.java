package org.creativebridge.bridge.engines;

import java.util.Optional;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;

/**
 * An installed model whose engine cannot run here (its files changed, a companion model is
 * missing, or it failed to load). It stays listed, not ready, with the reason, so the user sees
 * what to fix instead of a model that silently vanished. Immutable and thread-safe.
 */
final class UnavailableEngine implements Engine {
  private final EngineInfo info;
  private final String reason;

  UnavailableEngine(EngineInfo info, String reason) {
    this.info = info;
    this.reason = reason;
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  @Override
  public Optional<String> notReadyReason() {
    return Optional.of(reason);
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context) throws EngineException {
    throw new EngineException(EngineException.Kind.MODEL_UNAVAILABLE, "model " + info.id() + ": " + reason);
  }
}
