package org.creativebridge.inference;

/**
 * What an engine is, as recipes and capabilities name it.
 *
 * @param id stable id, e.g. {@code builtin.patchmatch}, or an installed model's id
 * @param modelSha256 the model file's sha256 (hex), null for a built-in engine
 * @param device where it runs: {@code cpu}, {@code cuda}, {@code dml}, {@code coreml}
 * @param version the engine's algorithm version: bumped whenever its output for a recipe changes
 * @param concurrent whether one instance may run several jobs at once
 */
public record EngineInfo(
    String id,
    String task,
    Kind kind,
    String description,
    String modelSha256,
    String device,
    String version,
    boolean concurrent) {

  public enum Kind {
    BUILTIN,
    MODEL;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
