package org.creativebridge.bridge.models;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One installed model as its {@code manifest.json} records it.
 *
 * <p>Immutable; thread-safe.
 *
 * @param task the task its engine serves; null for a helper model (ContentVec, RMVPE)
 * @param origin {@code catalogue} (pulled) or {@code import} (brought by the user)
 * @param files every file the model consists of, as recorded when it was installed
 * @param referenced true for an import left where the user keeps it: its file paths are
 *     absolute, and removing the model never deletes them
 * @param licence the licence id and whether the user accepted it
 */
public record InstalledModel(
    String id,
    String family,
    String task,
    String origin,
    List<ManifestFile> files,
    boolean referenced,
    LicenceAcceptance licence,
    Instant installedAt) {

  public static final String ORIGIN_CATALOGUE = "catalogue";
  public static final String ORIGIN_IMPORT = "import";

  public InstalledModel {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(licence, "licence");
    Objects.requireNonNull(installedAt, "installedAt");
    files = List.copyOf(files);
  }

  /**
   * One file of a model.
   *
   * <p>Immutable; thread-safe.
   *
   * @param path relative to the model's folder ({@code /} separators), or absolute for a
   *     referenced import
   * @param modifiedMillis the file's modification time when recorded: a cheap "did it change"
   *     hint before hashing
   */
  public record ManifestFile(String path, long size, String sha256, long modifiedMillis) {
    public ManifestFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
    }

    /** Where the file is, given the model's folder. */
    public Path resolve(Path modelFolder) {
      Path own = Path.of(path);
      return own.isAbsolute() ? own : modelFolder.resolve(path);
    }
  }

  /**
   * The licence a model came under and whether the user accepted it.
   *
   * <p>Immutable; thread-safe.
   *
   * @param id the licence id (SPDX where one exists); {@code unknown} for an import
   */
  public record LicenceAcceptance(String id, boolean accepted) {
    public LicenceAcceptance {
      Objects.requireNonNull(id, "id");
    }
  }
}
