package org.creativebridge.inference.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The models the engines support and where to get them: one {@link Entry} per model, read from the
 * {@code catalogue.json} shipped beside this class (its JSON Schema is {@code
 * protocols/schemas/catalogue.schema.json}).
 *
 * <p>Loading checks what the schema cannot: ids are unique, every family exists, each entry's task
 * is its family's, and a folder family's files include every component. A catalogue that fails is a
 * build bug, so loading throws instead of skipping entries.
 *
 * <p>Immutable; thread-safe.
 */
public final class Catalogue {

  /** The classpath resource holding the shipped catalogue. */
  public static final String RESOURCE = "/org/creativebridge/inference/models/catalogue.json";

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Map<String, Entry> entries;

  /** The same entries in catalogue order, for listing and search. */
  private final List<Entry> ordered;

  private Catalogue(Map<String, Entry> entries) {
    this.entries = Map.copyOf(entries);
    this.ordered = List.copyOf(entries.values());
  }

  /** The catalogue shipped with this build. */
  public static Catalogue shipped() {
    try (InputStream in = Catalogue.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the build lacks its model catalogue " + RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model catalogue", e);
    }
  }

  /**
   * Reads a catalogue from its JSON text.
   *
   * @throws IllegalArgumentException naming the first entry and field that is wrong
   */
  public static Catalogue parse(String json) {
    Object root = org.creativebridge.inference.PlainJson.parse(json);
    Map<String, Object> document = object(root, "catalogue");
    List<Object> models = list(document.get("models"), "models");
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < models.size(); i++) {
      Entry entry = Entry.from(object(models.get(i), "models[" + i + "]"), "models[" + i + "]");
      if (entries.putIfAbsent(entry.id(), entry) != null) {
        throw new IllegalArgumentException("catalogue id '" + entry.id() + "' is listed twice");
      }
    }
    return new Catalogue(entries);
  }

  /**
   * This catalogue with {@code local}'s entries added after it; a local entry replaces a shipped
   * one of the same id (a studio pinning its own copy of a model on its own mirror).
   */
  public Catalogue withLocal(Catalogue local) {
    Map<String, Entry> merged = new LinkedHashMap<>();
    ordered.forEach(entry -> merged.put(entry.id(), entry));
    local.ordered.forEach(entry -> merged.put(entry.id(), entry));
    return new Catalogue(merged);
  }

  /** Every entry, in catalogue order. */
  public List<Entry> entries() {
    return ordered;
  }

  /** The entry with {@code id}. */
  public Optional<Entry> find(String id) {
    return Optional.ofNullable(entries.get(id));
  }

  /**
   * Entries whose id, family, task or description contains every word of {@code text}, ignoring
   * case; all entries for blank text.
   */
  public List<Entry> search(String text) {
    String[] words = text == null ? new String[0] : text.toLowerCase(Locale.ROOT).trim().split("\\s+");
    return ordered.stream()
        .filter(
            entry -> {
              String haystack =
                  String.join(
                          " ",
                          entry.id(),
                          entry.family().id(),
                          entry.task() == null ? "" : entry.task(),
                          entry.description())
                      .toLowerCase(Locale.ROOT);
              for (String word : words) {
                if (!word.isEmpty() && !haystack.contains(word)) {
                  return false;
                }
              }
              return true;
            })
        .collect(Collectors.toList());
  }

  /**
   * One model the catalogue offers.
   *
   * <p>Immutable; thread-safe.
   *
   * @param task the task it serves; null for a helper model (ContentVec, RMVPE)
   */
  public record Entry(
      String id,
      String task,
      ModelFamily family,
      String description,
      Source source,
      List<FileSpec> files,
      Licence licence,
      Hardware hardware) {

    public Entry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(licence, "licence");
      Objects.requireNonNull(hardware, "hardware");
      files = List.copyOf(files);
    }

    /** The bytes a pull downloads, counting only files whose size is known. */
    public long knownSize() {
      return files.stream().mapToLong(f -> f.size() == null ? 0 : f.size()).sum();
    }

    static Entry from(Map<String, Object> json, String where) {
      String id = string(json, "id", where);
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException(where + ": id '" + id + "' is not a lower-case name");
      }
      String at = "model '" + id + "'";
      String familyId = string(json, "family", at);
      ModelFamily family =
          ModelFamily.byId(familyId)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          at + ": unknown family '" + familyId + "'; known: " + ModelFamily.ids()));
      String task = optionalString(json, "task", at);
      if (!Objects.equals(task, family.task())) {
        throw new IllegalArgumentException(
            at + ": task '" + task + "' is not family " + family.id() + "'s task '" + family.task() + "'");
      }
      List<FileSpec> files = new ArrayList<>();
      List<Object> fileList = list(json.get("files"), at + " files");
      if (fileList.isEmpty()) {
        throw new IllegalArgumentException(at + ": lists no files");
      }
      for (Object file : fileList) {
        files.add(FileSpec.from(object(file, at + " file"), at));
      }
      for (ModelFamily.Component component : family.components()) {
        if (component.path() != null
            && files.stream().noneMatch(f -> f.installAs().equals(component.path()))) {
          throw new IllegalArgumentException(at + ": lacks the family's " + component.path());
        }
      }
      return new Entry(
          id,
          task,
          family,
          string(json, "description", at),
          Source.from(object(json.get("source"), at + " source"), at),
          files,
          Licence.from(object(json.get("licence"), at + " licence"), at),
          Hardware.from(object(json.get("hardware"), at + " hardware"), at));
    }
  }

  /**
   * Where an entry's files come from.
   *
   * <p>Immutable; thread-safe.
   *
   * @param repo the Hugging Face repository ({@code owner/name}); null for kind {@code url}
   * @param revision the pinned revision: a commit hash where the publisher's history gives one,
   *     else a tag
   * @param baseUrl the folder URL file paths are resolved against, for kind {@code url}; else null
   */
  public record Source(Kind kind, String repo, String revision, String baseUrl) {
    public Source {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(revision, "revision");
    }

    /** Whether {@link #revision} is a full commit hash rather than a tag. */
    public boolean isCommitPinned() {
      return revision.matches("[0-9a-f]{40}");
    }

    public enum Kind {
      HUGGINGFACE,
      URL
    }

    static Source from(Map<String, Object> json, String at) {
      String kindName = string(json, "kind", at + " source");
      Kind kind;
      switch (kindName) {
        case "huggingface":
          kind = Kind.HUGGINGFACE;
          break;
        case "url":
          kind = Kind.URL;
          break;
        default:
          throw new IllegalArgumentException(at + ": source kind must be huggingface or url");
      }
      String repo = optionalString(json, "repo", at);
      String baseUrl = optionalString(json, "base_url", at);
      if (kind == Kind.HUGGINGFACE && repo == null) {
        throw new IllegalArgumentException(at + ": a huggingface source needs a repo");
      }
      if (kind == Kind.URL && (baseUrl == null || !baseUrl.startsWith("https://"))) {
        throw new IllegalArgumentException(at + ": a url source needs an https base_url");
      }
      return new Source(kind, repo, string(json, "revision", at), baseUrl);
    }
  }

  /**
   * One file of an entry.
   *
   * <p>Immutable; thread-safe.
   *
   * @param path the file's path at the source (in the repository, or under the base URL)
   * @param installAs where it goes inside the model's folder ({@code unet/model.onnx}); the
   *     catalogue may omit it to keep {@code path}
   * @param size bytes, or null when not known in advance
   * @param sha256 lower-case hex, or null when not known in advance: the download then checks
   *     the hash the server states for the pinned revision and records it
   */
  public record FileSpec(String path, String installAs, Long size, String sha256) {
    public FileSpec {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(installAs, "installAs");
    }

    static FileSpec from(Map<String, Object> json, String at) {
      String path = string(json, "path", at);
      String installAs = optionalString(json, "install_as", at);
      installAs = installAs == null ? path : installAs;
      if (installAs.startsWith("/") || installAs.contains("\\") || List.of(installAs.split("/")).contains("..")) {
        throw new IllegalArgumentException(at + ": file '" + installAs + "' must stay inside the model folder");
      }
      Object size = json.get("size");
      if (size != null && (!(size instanceof Long) || (Long) size <= 0)) {
        throw new IllegalArgumentException(at + ": size of '" + path + "' must be a positive integer");
      }
      String sha256 = optionalString(json, "sha256", at);
      if (sha256 != null && !SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException(at + ": sha256 of '" + path + "' is not 64 lower-case hex digits");
      }
      return new FileSpec(path, installAs, (Long) size, sha256);
    }
  }

  /**
   * The terms a model comes under.
   *
   * <p>Immutable; thread-safe.
   *
   * @param id an SPDX id where one exists ({@code Apache-2.0}), else the licence's own short name
   * @param restricted true for non-commercial or use-restricted licences (OpenRAIL and the like):
   *     the CLI shows {@link #note} and asks the user to accept before a pull
   * @param note one line the CLI shows beside the model
   */
  public record Licence(String id, String name, String url, boolean restricted, String note) {
    public Licence {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(note, "note");
    }

    static Licence from(Map<String, Object> json, String at) {
      Object restricted = json.get("restricted");
      if (!(restricted instanceof Boolean)) {
        throw new IllegalArgumentException(at + ": licence.restricted must be true or false");
      }
      return new Licence(
          string(json, "id", at),
          string(json, "name", at),
          optionalString(json, "url", at),
          (Boolean) restricted,
          string(json, "note", at));
    }
  }

  /**
   * What a machine needs to run the model usefully.
   *
   * <p>Immutable; thread-safe.
   */
  public record Hardware(long minRamMb, Gpu gpu) {
    public Hardware {
      Objects.requireNonNull(gpu, "gpu");
    }

    public enum Gpu {
      OPTIONAL,
      RECOMMENDED,
      REQUIRED;

      public String wireName() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    static Hardware from(Map<String, Object> json, String at) {
      Object ram = json.get("min_ram_mb");
      if (!(ram instanceof Long) || (Long) ram <= 0) {
        throw new IllegalArgumentException(at + ": hardware.min_ram_mb must be a positive integer");
      }
      String gpu = string(json, "gpu", at);
      try {
        return new Hardware((Long) ram, Gpu.valueOf(gpu.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": hardware.gpu must be optional, recommended or required");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String where) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value, String where) {
    if (!(value instanceof List)) {
      throw new IllegalArgumentException(where + " must be an array");
    }
    return (List<Object>) value;
  }

  private static String string(Map<String, Object> json, String name, String where) {
    String value = optionalString(json, name, where);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(where + ": '" + name + "' is required");
    }
    return value;
  }

  private static String optionalString(Map<String, Object> json, String name, String where) {
    Object value = json.get(name);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(where + ": '" + name + "' must be a string");
    }
    return (String) value;
  }
}
