package org.creativebridge.bridge.models;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.creativebridge.inference.models.Catalogue;

/**
 * Files a pull has downloaded and verified, to be installed as catalogue entry {@code entry}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param licenceAccepted whether the user accepted a restricted licence (ignored for others)
 */
public record InstallRequest(Catalogue.Entry entry, List<DownloadedFile> files, boolean licenceAccepted) {

  public InstallRequest {
    Objects.requireNonNull(entry, "entry");
    files = List.copyOf(files);
  }

  /**
   * One downloaded file, as the downloader's {@code FetchResult} reports it.
   *
   * <p>Immutable; thread-safe.
   *
   * @param file where the download left it (moved into the model's folder on install)
   * @param installAs the catalogue file's {@code install_as}: its path inside the model's folder
   * @param sha256 the hash the download verified (from the catalogue or the server's etag)
   */
  public record DownloadedFile(Path file, String installAs, String sha256, long size) {
    public DownloadedFile {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(installAs, "installAs");
      Objects.requireNonNull(sha256, "sha256");
    }
  }
}
