package org.creativebridge.bridge.models;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.creativebridge.bridge.engines.EngineRegistry;
import org.creativebridge.bridge.engines.ModelEngines;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.models.Catalogue;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.protocol.CatalogueModel;
import org.creativebridge.protocol.ModelImportRequest;
import org.creativebridge.protocol.ModelInfo;
import org.creativebridge.protocol.ModelList;
import org.creativebridge.protocol.ModelVerifyResult;

/**
 * The user's models as the daemon and the CLI see them: the catalogue, the installed ones, pulls,
 * imports, verification and removal; every change refreshes the engines, so a model pulled or
 * imported serves the next job. Thread-safe.
 */
public final class ModelService {
  private final ModelStore store;
  private final ModelPuller puller;
  private final OnnxRuntime runtime;
  private final EngineRegistry engines;

  /** What the service works on. */
  public record Parts(ModelStore store, ModelPuller puller, OnnxRuntime runtime, EngineRegistry engines) {}

  public ModelService(Parts parts) {
    this.store = parts.store();
    this.puller = parts.puller();
    this.runtime = parts.runtime();
    this.engines = parts.engines();
    if (engines != null) {
      engines.beforeLookup(this::refreshIfChanged);
    }
  }

  private volatile String lastFingerprint = "";

  /** Builds the engines of the installed models; called at start and after every change. */
  public synchronized void refreshEngines() {
    if (engines != null) {
      lastFingerprint = fingerprint();
      engines.replaceModels(ModelEngines.create(store, runtime));
    }
  }

  /**
   * Rebuilds the engines when the models folder changed behind the daemon's back (a {@code bridge
   * models} command while it runs). Costs one directory listing.
   */
  public void refreshIfChanged() {
    if (!fingerprint().equals(lastFingerprint)) {
      refreshEngines();
    }
  }

  private String fingerprint() {
    StringBuilder print = new StringBuilder();
    try (var folders = java.nio.file.Files.list(store.root())) {
      folders.sorted().forEach(folder -> {
        java.nio.file.Path manifest = folder.resolve("manifest.json");
        try {
          print.append(folder.getFileName()).append('@')
              .append(java.nio.file.Files.getLastModifiedTime(manifest).toMillis()).append(';');
        } catch (java.io.IOException noManifest) {
          // Staging and download folders have none; they are not models.
        }
      });
    } catch (java.io.IOException e) {
      return "unreadable";
    }
    return print.toString();
  }

  public ModelList list() {
    Set<String> installed = store.list().stream().map(InstalledModel::id).collect(Collectors.toSet());
    List<CatalogueModel> catalogue =
        puller.catalogue().entries().stream().map(entry -> catalogueView(entry, installed.contains(entry.id()))).toList();
    return new ModelList(store.list().stream().map(this::view).toList(), catalogue);
  }

  public List<CatalogueModel> search(String text) {
    Set<String> installed = store.list().stream().map(InstalledModel::id).collect(Collectors.toSet());
    return puller.catalogue().search(text).stream()
        .map(entry -> catalogueView(entry, installed.contains(entry.id())))
        .toList();
  }

  public ModelInfo pull(ModelPuller.PullRequest request, ModelPuller.Progress progress) throws InterruptedException {
    InstalledModel model = puller.pull(request, progress);
    refreshEngines();
    return view(model);
  }

  public ModelInfo importModel(ModelImportRequest request) {
    InstalledModel model =
        store.importModel(
            new ImportRequest(
                java.nio.file.Path.of(request.path()),
                request.family(),
                Boolean.TRUE.equals(request.copy()),
                request.id()));
    refreshEngines();
    return view(model);
  }

  public ModelVerifyResult verify(String id) {
    VerifyReport report = store.verify(id);
    return new ModelVerifyResult(
        report.id(),
        report.ok(),
        report.problems().stream()
            .map(p -> new ModelVerifyResult.Problem(p.path(), p.kind().name().toLowerCase(Locale.ROOT), p.message()))
            .toList());
  }

  public List<ModelVerifyResult> verifyAll() {
    return store.list().stream().map(model -> verify(model.id())).toList();
  }

  public ModelInfo remove(String id) {
    ModelInfo removed = view(store.find(id).orElseThrow(() -> notFound(id)));
    store.remove(id);
    refreshEngines();
    return removed;
  }

  private static org.creativebridge.bridge.BridgeException notFound(String id) {
    return new org.creativebridge.bridge.BridgeException(
        org.creativebridge.protocol.ErrorCode.MODEL_NOT_FOUND, "no installed model '" + id + "'", Map.of("id", id));
  }

  private ModelInfo view(InstalledModel model) {
    Optional<String> problem =
        engines == null
            ? Optional.empty()
            : engines.forTask(model.task() == null ? "" : model.task()).stream()
                .filter(e -> e.info().id().equals(model.id()))
                .findFirst()
                .flatMap(Engine::notReadyReason);
    return new ModelInfo(
        model.id(),
        model.family(),
        model.task(),
        model.origin(),
        model.referenced(),
        model.files().stream().map(f -> new ModelInfo.File(f.path(), f.size(), f.sha256())).toList(),
        model.licence().id(),
        model.installedAt(),
        problem.isEmpty(),
        problem.orElse(null));
  }

  private static CatalogueModel catalogueView(Catalogue.Entry entry, boolean installed) {
    Catalogue.Source source = entry.source();
    String from =
        source.kind() == Catalogue.Source.Kind.HUGGINGFACE
            ? "huggingface:" + source.repo() + "@" + source.revision()
            : source.baseUrl();
    return new CatalogueModel(
        entry.id(),
        entry.task(),
        entry.family().id(),
        entry.description(),
        from,
        entry.knownSize(),
        entry.licence().id(),
        entry.licence().url(),
        entry.licence().restricted(),
        entry.licence().note(),
        entry.hardware().minRamMb(),
        entry.hardware().gpu().wireName(),
        installed);
  }
}
