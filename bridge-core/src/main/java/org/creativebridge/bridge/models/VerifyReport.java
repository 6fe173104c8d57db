package org.creativebridge.bridge.models;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link ModelStore#verify} found for one model.
 *
 * <p>Immutable; thread-safe.
 *
 * @param problems one per file that is missing or differs from the manifest; empty when intact
 */
public record VerifyReport(String id, List<FileProblem> problems) {

  public VerifyReport {
    Objects.requireNonNull(id, "id");
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  /** One line per problem, for the CLI. */
  public String summary() {
    if (ok()) {
      return "model " + id + ": all files intact";
    }
    return "model "
        + id
        + ": "
        + problems.stream().map(FileProblem::message).collect(Collectors.joining("; "));
  }

  /** How a file differs from its manifest record. */
  public enum Kind {
    /** Not at its recorded path: moved, renamed or deleted. */
    MISSING,
    /** Its size differs from the recorded one. */
    SIZE_CHANGED,
    /** Same size, different content. */
    CONTENT_CHANGED,
    /** Present but unreadable (permissions, I/O error). */
    UNREADABLE
  }

  /**
   * One file's problem.
   *
   * <p>Immutable; thread-safe.
   */
  public record FileProblem(String path, Kind kind, String message) {
    public FileProblem {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }
  }
}
