package org.creativebridge.inference.image.inpaint;

import java.util.Objects;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * What a model-backed inpaint engine needs: the installed model's id (the engine id recipes name),
 * its file, the daemon's session cache to lease the session from, and the device that cache runs on
 * (reported in {@link org.creativebridge.inference.EngineInfo}).
 *
 * <p>Immutable; thread-safe.
 *
 * @param modelId the installed model's id, e.g. {@code lama-big}
 * @param device {@code cpu}, {@code cuda}, {@code dml} or {@code coreml}, as {@link
 *     org.creativebridge.inference.runtime.OnnxRuntime#device()} reports it
 */
public record ModelEngineSetup(
    String modelId, ModelFile model, SessionCache sessions, String device) {
  public ModelEngineSetup {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(device, "device");
    if (modelId.isBlank()) {
      throw new IllegalArgumentException("modelId must not be blank");
    }
  }
}
