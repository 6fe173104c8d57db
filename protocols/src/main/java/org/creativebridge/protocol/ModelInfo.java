package org.creativebridge.protocol;

import java.time.Instant;
import java.util.List;

/**
 * An installed model, as {@code GET /v1/models} lists it.
 *
 * @param task the task its engine serves; null for a helper model (ContentVec, RMVPE)
 * @param origin {@code catalogue} (pulled) or {@code import}
 * @param referenced true when the files stay where the user keeps them
 * @param ready whether an engine can run it now; {@code problem} says why not
 */
public record ModelInfo(
    String id,
    String family,
    String task,
    String origin,
    boolean referenced,
    List<File> files,
    String licence,
    Instant installedAt,
    boolean ready,
    String problem) {

  /** One file of a model: its path (relative to the model folder, or absolute when referenced). */
  public record File(String path, long size, String sha256) {}
}
