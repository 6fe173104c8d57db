package org.creativebridge.bridge.models;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.models.download.DownloadException;
import org.creativebridge.bridge.models.download.Downloader;
import org.creativebridge.inference.models.Catalogue;
import org.creativebridge.protocol.ErrorCode;

/**
 * Downloads a catalogue entry's files, verified, and installs them: the one way a model enters the
 * store from the network. Partial downloads live in {@code models/.downloads/<id>/} so a pull cut
 * off by a dropped connection or a restart resumes where it stopped. Thread-safe.
 */
public final class ModelPuller {
  private final ModelStore store;
  private final Downloader downloader;
  private final Sources sources;

  /**
   * Where pulls come from.
   *
   * @param endpoint the Hugging Face endpoint: a {@code --mirror}, {@code HF_ENDPOINT} or the
   *     publisher's own
   */
  public record Sources(Catalogue catalogue, String endpoint) {
    /** The shipped catalogue plus the config's local one, and the mirror or publisher endpoint. */
    public static Sources of(
        org.creativebridge.bridge.config.BridgeHome home,
        org.creativebridge.bridge.config.BridgeConfig config,
        String mirror) {
      Catalogue catalogue = Catalogue.shipped();
      if (config.catalogueFile() != null) {
        Path file = home.root().resolve(config.catalogueFile());
        try {
          catalogue = catalogue.withLocal(Catalogue.parse(Files.readString(file)));
        } catch (IOException | IllegalArgumentException e) {
          throw new BridgeException(
              ErrorCode.INTERNAL, "cannot read the catalogue " + file + " named in config.json: " + e.getMessage());
        }
      }
      return new Sources(catalogue, Downloader.huggingFaceEndpoint(mirror, System.getenv()));
    }
  }

  public ModelPuller(ModelStore store, Downloader downloader, Sources sources) {
    this.store = store;
    this.downloader = downloader;
    this.sources = sources;
  }

  public Catalogue catalogue() {
    return sources.catalogue();
  }

  /** Progress of a whole pull: bytes of all files, and the file being fetched. */
  @FunctionalInterface
  public interface Progress {
    void update(String file, long doneBytes, long totalBytes);
  }

  /** What to pull, and whether the user accepted a restricted licence. */
  public record PullRequest(String modelId, boolean licenceAccepted) {}

  public InstalledModel pull(PullRequest request, Progress progress) throws InterruptedException {
    Catalogue.Entry entry =
        sources.catalogue()
            .find(request.modelId())
            .orElseThrow(
                () ->
                    new BridgeException(
                        ErrorCode.MODEL_NOT_FOUND,
                        "the catalogue has no model '" + request.modelId() + "'; try 'bridge models search'",
                        Map.of("id", request.modelId())));
    if (store.find(entry.id()).isPresent()) {
      throw new BridgeException(
          ErrorCode.MODEL_ALREADY_INSTALLED, "model " + entry.id() + " is already installed", Map.of("id", entry.id()));
    }
    if (entry.licence().restricted() && !request.licenceAccepted()) {
      throw new BridgeException(
          ErrorCode.LICENCE_NOT_ACCEPTED,
          "model " + entry.id() + " is under " + entry.licence().name() + ", which restricts its use ("
              + entry.licence().note() + "); accept it to pull",
          Map.of("id", entry.id(), "licence", entry.licence().id(), "url", String.valueOf(entry.licence().url())));
    }
    Path staging = store.root().resolve(".downloads").resolve(entry.id());
    long total = entry.knownSize();
    long[] finished = {0};
    List<InstallRequest.DownloadedFile> downloaded = new ArrayList<>();
    try {
      Files.createDirectories(staging);
      for (Catalogue.FileSpec file : entry.files()) {
        Path target = staging.resolve(file.installAs());
        Files.createDirectories(target.getParent());
        long before = finished[0];
        Downloader.FetchResult result =
            downloader.fetch(
                new Downloader.FetchRequest(
                    urlOf(entry, file), target, file.sha256(), file.size() == null ? -1 : file.size()),
                (done, size) -> progress.update(file.installAs(), before + done, Math.max(total, before + size)));
        finished[0] += result.size();
        downloaded.add(new InstallRequest.DownloadedFile(result.file(), file.installAs(), result.sha256(), result.size()));
      }
    } catch (DownloadException e) {
      throw new BridgeException(
          e.reason() == DownloadException.Reason.OFFLINE ? ErrorCode.NETWORK_DISABLED : ErrorCode.DOWNLOAD_FAILED,
          e.getMessage(),
          Map.of("id", entry.id(), "reason", e.reason().name().toLowerCase(java.util.Locale.ROOT)));
    } catch (IOException e) {
      throw new BridgeException(ErrorCode.DOWNLOAD_FAILED, "cannot stage the download: " + e.getMessage(), Map.of("id", entry.id()));
    }
    InstalledModel installed = store.installFromFiles(new InstallRequest(entry, downloaded, request.licenceAccepted()));
    deleteQuietly(staging);
    return installed;
  }

  private URI urlOf(Catalogue.Entry entry, Catalogue.FileSpec file) {
    Catalogue.Source source = entry.source();
    return switch (source.kind()) {
      case HUGGINGFACE -> Downloader.huggingFaceUrl(sources.endpoint(), source.repo(), source.revision(), file.path());
      case URL -> URI.create(source.baseUrl().replaceAll("/+$", "") + "/" + file.path());
    };
  }

  private static void deleteQuietly(Path folder) {
    try (var walk = Files.walk(folder)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // Leftover empty staging folders cost nothing and are reused by the next pull.
    }
  }
}
