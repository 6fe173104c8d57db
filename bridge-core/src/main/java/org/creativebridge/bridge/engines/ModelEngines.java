package org.creativebridge.bridge.engines;

import java.util.ArrayList;
import java.util.List;
import org.creativebridge.bridge.models.InstalledModel;
import org.creativebridge.bridge.models.ModelStore;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.audio.tts.KokoroTtsEngine;
import org.creativebridge.inference.audio.tts.PiperTtsEngine;
import org.creativebridge.inference.audio.voice.RvcVoiceEngine;
import org.creativebridge.inference.image.inpaint.LamaInpaintEngine;
import org.creativebridge.inference.image.inpaint.MiganInpaintEngine;
import org.creativebridge.inference.image.inpaint.ModelEngineSetup;
import org.creativebridge.inference.image.inpaint.OutpaintEngine;
import org.creativebridge.inference.image.texture.ControlNetTextureEngine;
import org.creativebridge.inference.image.texture.DepthAnythingEngine;
import org.creativebridge.inference.image.texture.Sd2DepthTextureEngine;
import org.creativebridge.inference.image.inpaint.Sd15InpaintEngine;
import org.creativebridge.inference.image.inpaint.Sd15InpaintSetup;
import org.creativebridge.inference.models.ModelFamily;
import org.creativebridge.inference.runtime.OnnxRuntime;

/**
 * Turns the installed models into engines, one per model (and an outpaint engine around each
 * inpaint model). Stateless and thread-safe.
 */
public final class ModelEngines {
  private ModelEngines() {}

  /** An engine and the model family behind it, which {@code auto} engine choice ranks by. */
  public record ModelEngine(Engine engine, String family) {}

  /** @param runtime null when ONNX Runtime could not start: every model is then listed not ready */
  public static List<ModelEngine> create(ModelStore store, OnnxRuntime runtime) {
    List<ModelEngine> engines = new ArrayList<>();
    for (InstalledModel model : store.list()) {
      if (model.task() == null) {
        continue; // helper models (ContentVec, RMVPE) serve the engines that use them
      }
      Engine engine = open(store, runtime, model);
      engines.add(new ModelEngine(engine, model.family()));
      if (engine.notReadyReason().isEmpty() && model.task().equals("image.inpaint")) {
        engines.add(new ModelEngine(new OutpaintEngine(engine), model.family()));
      }
    }
    return engines;
  }

  private static Engine open(ModelStore store, OnnxRuntime runtime, InstalledModel model) {
    if (runtime == null) {
      return unavailable(model, "ONNX Runtime could not start on this machine (see the daemon's log)");
    }
    try {
      ModelStore.EngineModel files = store.openForEngine(model.id());
      ModelFamily family = ModelFamily.byId(model.family()).orElseThrow();
      return switch (family) {
        case LAMA -> new LamaInpaintEngine(setup(model, files, runtime));
        case MIGAN -> new MiganInpaintEngine(setup(model, files, runtime));
        case DEPTH_ANYTHING -> new DepthAnythingEngine(setup(model, files, runtime));
        case PIPER -> PiperTtsEngine.open(model.id(), runtime, files.onnx(null).path());
        case KOKORO -> new KokoroTtsEngine(model.id(), runtime, files.onnx(null));
        case SD15_INPAINT -> sd15(model, files, runtime);
        case RVC -> rvc(store, model, files, runtime);
        case SD15_CONTROLNET_DEPTH, SD15_CONTROLNET_DEPTH_SPLIT ->
            new ControlNetTextureEngine(diffusionSetup(model, files, runtime));
        case SD2_DEPTH -> new Sd2DepthTextureEngine(diffusionSetup(model, files, runtime));
        default -> unavailable(model, "this version has no engine for the " + model.family() + " family yet");
      };
    } catch (EngineException | RuntimeException e) {
      return unavailable(model, e.getMessage());
    }
  }

  /** The diffusers folder layout: the engine finds its four stages and tokenizer inside it. */
  private static Engine sd15(InstalledModel model, ModelStore.EngineModel files, OnnxRuntime runtime)
      throws EngineException {
    return new Sd15InpaintEngine(diffusionSetup(model, files, runtime));
  }

  /** Every diffusion family uses the diffusers folder layout, found from its text encoder. */
  private static Sd15InpaintSetup diffusionSetup(
      InstalledModel model, ModelStore.EngineModel files, OnnxRuntime runtime) throws EngineException {
    java.nio.file.Path folder = files.onnx("text_encoder/model.onnx").path().getParent().getParent();
    return Sd15InpaintSetup.builder(model.id(), folder, folderSha256(model), runtime.sessions())
        .device(runtime.device())
        .build();
  }

  /**
   * An RVC voice needs a content encoder (ContentVec/HuBERT) installed beside it; an RMVPE pitch
   * model is used when installed, the built-in tracker otherwise.
   */
  private static Engine rvc(ModelStore store, InstalledModel model, ModelStore.EngineModel files, OnnxRuntime runtime)
      throws EngineException {
    InstalledModel encoder =
        store.list().stream()
            .filter(m -> m.family().equals(ModelFamily.CONTENTVEC.id()))
            .findFirst()
            .orElse(null);
    if (encoder == null) {
      return unavailable(model, "an RVC voice needs a content encoder: pull contentvec-768-l12 (or import one)");
    }
    InstalledModel rmvpe =
        store.list().stream().filter(m -> m.family().equals(ModelFamily.RMVPE.id())).findFirst().orElse(null);
    RvcVoiceEngine.Model pitch =
        rmvpe == null ? null : new RvcVoiceEngine.Model(rmvpe.id(), store.openForEngine(rmvpe.id()).onnx(null));
    return new RvcVoiceEngine(
        new RvcVoiceEngine.Setup(
            new RvcVoiceEngine.Model(model.id(), files.onnx(null)),
            new RvcVoiceEngine.Model(encoder.id(), store.openForEngine(encoder.id()).onnx(null)),
            pitch,
            runtime.sessions()));
  }

  /** A folder model's identity for recipes: the sha256 of its files' paths and hashes, sorted. */
  static String folderSha256(InstalledModel model) {
    StringBuilder lines = new StringBuilder();
    model.files().stream()
        .sorted(java.util.Comparator.comparing(InstalledModel.ManifestFile::path))
        .forEach(f -> lines.append(f.path()).append(' ').append(f.sha256()).append('\n'));
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static ModelEngineSetup setup(InstalledModel model, ModelStore.EngineModel files, OnnxRuntime runtime)
      throws EngineException {
    return new ModelEngineSetup(model.id(), files.onnx(null), runtime.sessions(), runtime.device());
  }

  private static Engine unavailable(InstalledModel model, String reason) {
    String sha256 = model.files().isEmpty() ? null : model.files().get(0).sha256();
    return new UnavailableEngine(
        new EngineInfo(
            model.id(), model.task(), EngineInfo.Kind.MODEL, model.family() + " model " + model.id() + ".",
            sha256, "cpu", "1", false),
        reason);
  }
}
