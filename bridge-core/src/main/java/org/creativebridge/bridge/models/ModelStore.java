package org.creativebridge.bridge.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.models.InstalledModel.LicenceAcceptance;
import org.creativebridge.bridge.models.InstalledModel.ManifestFile;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.models.Catalogue;
import org.creativebridge.inference.models.ModelFamily;
import org.creativebridge.inference.runtime.ModelContract.Signature;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.protocol.ErrorCode;

/**
 * The installed models under {@code $BRIDGE_HOME/models}: one folder per model id holding a
 * {@code manifest.json} and, unless the model is a referenced import, its files.
 *
 * <p>Installs never leave a half-installed model: files are gathered in a staging folder under
 * {@code models/.staging}, checked, given their manifest, and the folder is renamed to its id in
 * one step; any failure deletes the staging folder. A model folder without a manifest is therefore
 * never a model, and {@link #list()} ignores it.
 *
 * <p>Model files are untrusted input: before ONNX Runtime opens an imported file, {@link
 * ModelFile} refuses external data that points outside the model's folder (absolute paths, {@code
 * ../}, symlinks or hardlinks leading out); sessions are only ever made by {@link OnnxRuntime},
 * which registers no custom-op library.
 *
 * <p>Thread-safe: changes (install, import, remove) are serialised on one lock; reads go to the
 * manifests on disk, which are only ever replaced whole (written beside, then renamed).
 */
public final class ModelStore {

  private static final String MANIFEST = "manifest.json";
  private static final String STAGING = ".staging";
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final OnnxRuntime runtime;
  private final Object changes = new Object();

  /**
   * @param root the models folder ({@code BridgeHome.models()}); created when missing
   * @param runtime reads imported models' signatures; may be null for a store that only lists,
   *     installs, verifies and removes (imports then fail)
   */
  public ModelStore(Path root, OnnxRuntime runtime) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.runtime = runtime;
    Files.createDirectories(this.root);
  }

  /** The models folder. */
  public Path root() {
    return root;
  }

  /** Every installed model, by id. Folders without a readable manifest are skipped. */
  public List<InstalledModel> list() {
    List<InstalledModel> models = new ArrayList<>();
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path folder : folders) {
        String name = folder.getFileName().toString();
        if (name.startsWith(".")) {
          continue; // staging and trash
        }
        readManifest(folder).ifPresent(models::add);
      }
    } catch (IOException e) {
      throw new BridgeException(ErrorCode.INTERNAL, "cannot list " + root + ": " + e.getMessage());
    }
    models.sort((a, b) -> a.id().compareTo(b.id()));
    return models;
  }

  /** The installed model {@code id}. */
  public Optional<InstalledModel> find(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return readManifest(root.resolve(id));
  }

  /** The folder model {@code id} lives in (holding at least its manifest). */
  public Path folder(String id) {
    return root.resolve(requireId(id));
  }

  /**
   * Installs a pulled catalogue model: re-checks each downloaded file's size and sha256 against the
   * request and the catalogue, moves the files into a staging folder, writes the manifest and
   * renames the folder into place.
   *
   * @throws BridgeException {@code LICENCE_NOT_ACCEPTED} for a restricted licence not accepted,
   *     {@code MODEL_ALREADY_INSTALLED}, {@code MODEL_VERIFY_FAILED} when a file is not what the
   *     download verified, {@code MODEL_INVALID} for a model file that is unsafe to open
   */
  public InstalledModel installFromFiles(InstallRequest request) {
    Catalogue.Entry entry = request.entry();
    if (entry.licence().restricted() && !request.licenceAccepted()) {
      throw new BridgeException(
          ErrorCode.LICENCE_NOT_ACCEPTED,
          "model " + entry.id() + " comes under " + entry.licence().name() + ": "
              + entry.licence().note() + " Accept the licence to install it.",
          Map.of("licence", entry.licence().id()));
    }
    Map<String, InstallRequest.DownloadedFile> byPath = new LinkedHashMap<>();
    for (InstallRequest.DownloadedFile file : request.files()) {
      byPath.put(requireRelative(file.installAs()), file);
    }
    for (Catalogue.FileSpec spec : entry.files()) {
      if (!byPath.containsKey(spec.installAs())) {
        throw new BridgeException(
            ErrorCode.MODEL_VERIFY_FAILED,
            "model " + entry.id() + ": the download lacks " + spec.installAs(),
            Map.of("path", spec.installAs()));
      }
    }
    synchronized (changes) {
      Path target = requireAbsent(entry.id());
      Path staging = newStaging(entry.id());
      try {
        List<ManifestFile> recorded = new ArrayList<>();
        for (Catalogue.FileSpec spec : entry.files()) {
          InstallRequest.DownloadedFile file = byPath.get(spec.installAs());
          Path staged = staging.resolve(spec.installAs());
          Files.createDirectories(staged.getParent());
          move(file.file(), staged);
          FileFacts facts = FileFacts.of(staged);
          String expected = spec.sha256() != null ? spec.sha256() : file.sha256();
          if (!facts.sha256.equals(expected) || !facts.sha256.equals(file.sha256())
              || (spec.size() != null && facts.size != spec.size())) {
            throw new BridgeException(
                ErrorCode.MODEL_VERIFY_FAILED,
                "model " + entry.id() + ": " + spec.installAs() + " is not the file the download"
                    + " verified (sha256 " + facts.sha256 + ", expected " + expected + ")",
                Map.of("path", spec.installAs()));
          }
          recorded.add(new ManifestFile(spec.installAs(), facts.size, facts.sha256, facts.modified));
        }
        for (ManifestFile file : recorded) {
          if (file.path().endsWith(".onnx")) {
            requireSafeOnnx(entry.id(), file.resolve(staging), file.sha256());
          }
        }
        InstalledModel model =
            new InstalledModel(
                entry.id(),
                entry.family().id(),
                entry.task(),
                InstalledModel.ORIGIN_CATALOGUE,
                recorded,
                false,
                new LicenceAcceptance(entry.licence().id(), request.licenceAccepted() || !entry.licence().restricted()),
                Instant.now());
        writeManifest(staging, model);
        commit(staging, target);
        return model;
      } catch (IOException e) {
        throw new BridgeException(
            ErrorCode.INTERNAL, "cannot install model " + entry.id() + ": " + e.getMessage());
      } finally {
        deleteQuietly(staging);
      }
    }
  }

  /**
   * Imports a model file or folder the user has: checks it is safe to open, detects (or checks)
   * its family from its ONNX signature, hashes every file, and either records it where it is
   * (referenced) or copies it into the store.
   *
   * @throws BridgeException {@code MODEL_INVALID} for a missing, unsafe, truncated or garbage
   *     file, or one that fits no family (or not the named one), saying what it looks like;
   *     {@code MODEL_ALREADY_INSTALLED} when the id is taken
   */
  public InstalledModel importModel(ImportRequest request) {
    if (runtime == null) {
      throw new BridgeException(
          ErrorCode.MODEL_INVALID,
          "models cannot be imported: ONNX Runtime could not start on this machine (see the daemon's log)");
    }
    Path source = request.source().toAbsolutePath().normalize();
    if (!Files.exists(source)) {
      throw invalid(source, "does not exist");
    }
    try {
      // The real path: external-data files are resolved to real paths too, and a referenced
      // import should record where the bytes are, not a link that may be re-pointed later.
      source = source.toRealPath();
    } catch (IOException e) {
      throw invalid(source, "cannot be read: " + e.getMessage());
    }
    Optional<ModelFamily> named = Optional.empty();
    if (request.familyOrNull() != null) {
      named = ModelFamily.byId(request.familyOrNull());
      if (named.isEmpty()) {
        throw new BridgeException(
            ErrorCode.MODEL_INVALID,
            "unknown family '" + request.familyOrNull() + "'; known: " + ModelFamily.ids(),
            Map.of("family", request.familyOrNull()));
      }
    }
    boolean folder = Files.isDirectory(source);
    Path base = folder ? source : source.getParent();
    Set<Path> files = new LinkedHashSet<>();
    ModelFamily family;
    if (folder) {
      family = importFolder(source, named, files);
    } else {
      family = importFile(source, named, files);
    }
    String id = request.idOrNull() != null ? requireId(request.idOrNull()) : deriveId(source);
    synchronized (changes) {
      Path target = requireAbsent(id);
      Path staging = newStaging(id);
      try {
        List<ManifestFile> recorded = new ArrayList<>();
        for (Path file : files) {
          String relative = base.relativize(file).toString().replace('\\', '/');
          if (request.copy()) {
            Path copy = staging.resolve(relative);
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            FileFacts facts = FileFacts.of(copy);
            recorded.add(new ManifestFile(relative, facts.size, facts.sha256, facts.modified));
          } else {
            FileFacts facts = FileFacts.of(file);
            recorded.add(new ManifestFile(file.toString(), facts.size, facts.sha256, facts.modified));
          }
        }
        InstalledModel model =
            new InstalledModel(
                id,
                family.id(),
                family.task(),
                InstalledModel.ORIGIN_IMPORT,
                recorded,
                !request.copy(),
                new LicenceAcceptance("unknown", false),
                Instant.now());
        writeManifest(staging, model);
        commit(staging, target);
        return model;
      } catch (IOException e) {
        throw new BridgeException(
            ErrorCode.INTERNAL, "cannot import " + source + ": " + e.getMessage());
      } finally {
        deleteQuietly(staging);
      }
    }
  }

  /**
   * Checks the size and sha256 of every file of model {@code id} against its manifest. Never
   * repairs or re-records anything: a changed file stays reported until the user re-imports it.
   *
   * @throws BridgeException {@code MODEL_NOT_FOUND}
   */
  public VerifyReport verify(String id) {
    InstalledModel model = require(id);
    Path folder = folder(id);
    List<VerifyReport.FileProblem> problems = new ArrayList<>();
    for (ManifestFile file : model.files()) {
      Path path = file.resolve(folder);
      if (!Files.isRegularFile(path)) {
        problems.add(
            new VerifyReport.FileProblem(
                file.path(),
                VerifyReport.Kind.MISSING,
                file.path() + " is missing (moved, renamed or deleted since "
                    + (model.referenced() ? "import" : "install") + ")"));
        continue;
      }
      try {
        FileFacts facts = FileFacts.of(path);
        if (facts.size != file.size()) {
          problems.add(
              new VerifyReport.FileProblem(
                  file.path(),
                  VerifyReport.Kind.SIZE_CHANGED,
                  file.path() + " changed: " + file.size() + " bytes when recorded, now " + facts.size));
        } else if (!facts.sha256.equals(file.sha256())) {
          problems.add(
              new VerifyReport.FileProblem(
                  file.path(),
                  VerifyReport.Kind.CONTENT_CHANGED,
                  file.path() + " changed: its content no longer matches sha256 " + file.sha256()));
        }
      } catch (IOException e) {
        problems.add(
            new VerifyReport.FileProblem(
                file.path(), VerifyReport.Kind.UNREADABLE, file.path() + " cannot be read: " + e.getMessage()));
      }
    }
    return new VerifyReport(id, problems);
  }

  /** {@link #verify} for every installed model. */
  public List<VerifyReport> verifyAll() {
    return list().stream().map(model -> verify(model.id())).collect(Collectors.toList());
  }

  /**
   * Removes model {@code id}: deletes an installed copy with its folder; for a referenced import
   * only forgets it (its manifest), never touching the user's files.
   *
   * @throws BridgeException {@code MODEL_NOT_FOUND}
   */
  public void remove(String id) {
    synchronized (changes) {
      require(id);
      Path folder = folder(id);
      // Renamed out of the way first, so a crash mid-delete leaves trash, not half a model.
      Path trash = root.resolve(STAGING).resolve("removed-" + id + "-" + UUID.randomUUID());
      try {
        Files.createDirectories(trash.getParent());
        Files.move(folder, trash, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new BridgeException(ErrorCode.INTERNAL, "cannot remove model " + id + ": " + e.getMessage());
      }
      // A referenced model's folder holds only its manifest; its files live elsewhere, and the
      // delete below walks this folder only, never following links, so they stay untouched.
      deleteQuietly(trash);
    }
  }

  /**
   * Opens model {@code id} for an engine: re-checks every file's size and modification time (and,
   * when the time differs or {@code fullHash} is set, its sha256) against the manifest, and runs
   * the untrusted-file checks on its ONNX files again.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when the model is not installed, or a file
   *     moved, changed or is unsafe ("... changed since import ...")
   */
  public EngineModel openForEngine(String id, boolean fullHash) throws EngineException {
    Optional<InstalledModel> found = find(id);
    if (found.isEmpty()) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE, "model " + id + " is not installed", Map.of("model", String.valueOf(id)));
    }
    InstalledModel model = found.get();
    Path folder = folder(id);
    String since = model.referenced() ? "import" : "install";
    Map<String, Path> paths = new LinkedHashMap<>();
    for (ManifestFile file : model.files()) {
      Path path = file.resolve(folder);
      try {
        if (!Files.isRegularFile(path)) {
          throw unavailable(model, file, "is missing: moved, renamed or deleted since " + since);
        }
        long size = Files.size(path);
        if (size != file.size()) {
          throw unavailable(
              model, file, "changed since " + since + " (" + file.size() + " bytes then, " + size + " now)");
        }
        long modified = Files.getLastModifiedTime(path).toMillis();
        if (fullHash || modified != file.modifiedMillis()) {
          // A touched file may still hold the same bytes; only the hash can tell.
          if (!FileFacts.sha256(path).equals(file.sha256())) {
            throw unavailable(model, file, "changed since " + since + " (its sha256 differs)");
          }
        }
      } catch (IOException e) {
        throw unavailable(model, file, "cannot be read: " + e.getMessage());
      }
      paths.put(file.path(), path);
    }
    for (ManifestFile file : model.files()) {
      if (file.path().endsWith(".onnx")) {
        ModelFile.open(paths.get(file.path()), file.sha256()); // external data checks
      }
    }
    return new EngineModel(model, folder, paths);
  }

  /** {@link #openForEngine(String, boolean)} with the cheap size and time check. */
  public EngineModel openForEngine(String id) throws EngineException {
    return openForEngine(id, false);
  }

  /**
   * An installed model checked and ready for an engine to load.
   *
   * <p>Immutable; thread-safe.
   *
   * @param paths each manifest path to the file on disk
   */
  public record EngineModel(InstalledModel manifest, Path folder, Map<String, Path> paths) {
    public EngineModel {
      paths = Map.copyOf(paths);
    }

    /**
     * The ONNX file at manifest path {@code path} (e.g. {@code unet/model.onnx}), or the model's
     * only ONNX file when {@code path} is null, trusting the manifest's hash.
     */
    public ModelFile onnx(String path) throws EngineException {
      ManifestFile file =
          manifest.files().stream()
              .filter(f -> path == null ? f.path().endsWith(".onnx") : f.path().equals(path)
                  || f.path().endsWith("/" + path))
              .findFirst()
              .orElseThrow(
                  () ->
                      new EngineException(
                          EngineException.Kind.MODEL_UNAVAILABLE,
                          "model " + manifest.id() + " has no file " + path));
      return ModelFile.open(paths.get(file.path()), file.sha256());
    }
  }

  // --- import helpers ---

  private ModelFamily importFile(Path source, Optional<ModelFamily> named, Set<Path> files) {
    ModelFile model = safeOnnx(source);
    files.add(source);
    try {
      files.addAll(ModelFile.externalDataFiles(source));
    } catch (EngineException e) {
      throw invalid(source, e);
    }
    Signature signature = signature(model);
    ModelFamily family = pickFamily(source, signature, named);
    for (String suffix : family.companionSuffixes()) {
      Path companion = source.resolveSibling(source.getFileName() + suffix);
      if (!Files.isRegularFile(companion)) {
        throw invalid(
            source,
            "is a " + family.id() + " model but its " + companion.getFileName()
                + " is missing; it must sit beside the model");
      }
      files.add(companion);
    }
    return family;
  }

  private ModelFamily importFolder(Path source, Optional<ModelFamily> named, Set<Path> files) {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(source)) {
      all = walk.filter(p -> !p.equals(source)).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw invalid(source, "cannot be read: " + e.getMessage());
    }
    Map<String, Signature> signatures = new LinkedHashMap<>();
    Map<String, Path> onnxFiles = new LinkedHashMap<>();
    for (Path path : all) {
      if (Files.isSymbolicLink(path)) {
        throw invalid(path, "is a symlink; a model folder must hold its own files");
      }
      if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        files.add(path);
        if (path.getFileName().toString().endsWith(".onnx")) {
          onnxFiles.put(source.relativize(path).toString().replace('\\', '/'), path);
        }
      }
    }
    for (Map.Entry<String, Path> onnx : onnxFiles.entrySet()) {
      signatures.put(onnx.getKey(), signature(safeOnnx(onnx.getValue())));
    }
    if (named.isPresent() && named.get().isFolder()) {
      List<String> mismatches = named.get().folderMismatches(signatures);
      if (!mismatches.isEmpty()) {
        throw invalid(source, "is not a " + named.get().id() + " model: " + String.join("; ", mismatches));
      }
      return named.get();
    }
    ModelFamily.Detection detection = ModelFamily.detectFolder(signatures);
    if (detection.found() && named.isEmpty()) {
      return detection.families().get(0);
    }
    if (onnxFiles.size() == 1) {
      // A single-file family with its companions (a Kokoro model with its voice packs).
      Map.Entry<String, Path> only = onnxFiles.entrySet().iterator().next();
      return pickFamily(only.getValue(), signatures.get(only.getKey()), named);
    }
    throw invalid(source, detection.message());
  }

  private ModelFamily pickFamily(Path source, Signature signature, Optional<ModelFamily> named) {
    ModelFamily.Detection detection = ModelFamily.detect(signature);
    if (named.isPresent()) {
      ModelFamily family = named.get();
      List<String> mismatches = family.isFolder() ? List.of("it is a folder family") : family.mismatches(signature);
      if (!mismatches.isEmpty()) {
        String instead =
            detection.found()
                ? "it fits " + detection.families().stream().map(ModelFamily::id).collect(Collectors.joining(" and "))
                    + " instead (" + ModelFamily.describe(signature) + ")"
                : "it looks like " + ModelFamily.describe(signature);
        throw invalid(
            source, "is not a " + family.id() + " model (" + String.join("; ", mismatches) + "); " + instead);
      }
      return family;
    }
    if (!detection.found()) {
      throw invalid(source, detection.message());
    }
    return detection.families().get(0);
  }

  /** Opens {@code path} through the untrusted-file checks (external data, regular file). */
  private static ModelFile safeOnnx(Path path) {
    try {
      return ModelFile.open(path);
    } catch (EngineException e) {
      throw invalid(path, e);
    }
  }

  private static void requireSafeOnnx(String id, Path path, String sha256) {
    try {
      ModelFile.open(path, sha256);
    } catch (EngineException e) {
      throw new BridgeException(ErrorCode.MODEL_INVALID, "model " + id + ": " + e.getMessage(), Map.of("path", path.toString()));
    }
  }

  private Signature signature(ModelFile model) {
    try {
      return runtime.describe(model);
    } catch (EngineException e) {
      throw invalid(model.path(), e);
    }
  }

  // --- storage helpers ---

  private InstalledModel require(String id) {
    return find(id)
        .orElseThrow(
            () ->
                new BridgeException(
                    ErrorCode.MODEL_NOT_FOUND, "no installed model '" + id + "'", Map.of("model", String.valueOf(id))));
  }

  private Path requireAbsent(String id) {
    Path target = folder(id);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isRegularFile(target.resolve(MANIFEST))) {
        throw new BridgeException(
            ErrorCode.MODEL_ALREADY_INSTALLED,
            "model " + id + " is already installed; remove it first",
            Map.of("model", id));
      }
      // Leftover without a manifest (never a model): it would block the rename below.
      throw new BridgeException(
          ErrorCode.MODEL_ALREADY_INSTALLED,
          target + " exists but holds no model; move it away to install " + id,
          Map.of("model", id));
    }
    return target;
  }

  private Path newStaging(String id) {
    try {
      Path staging = root.resolve(STAGING).resolve(id + "-" + UUID.randomUUID());
      Files.createDirectories(staging);
      return staging;
    } catch (IOException e) {
      throw new BridgeException(ErrorCode.INTERNAL, "cannot create a staging folder: " + e.getMessage());
    }
  }

  /** Renames the finished staging folder to its id: the one step that makes a model exist. */
  private static void commit(Path staging, Path target) throws IOException {
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // Downloads may sit on another file system; the staging folder makes the copy safe anyway.
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      Files.delete(from);
    }
  }

  private Optional<InstalledModel> readManifest(Path folder) {
    Path manifest = folder.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    try {
      JsonNode json = JSON.readTree(manifest.toFile());
      List<ManifestFile> files = new ArrayList<>();
      for (JsonNode file : json.path("files")) {
        files.add(
            new ManifestFile(
                file.path("path").asText(),
                file.path("size").asLong(),
                file.path("sha256").asText(),
                file.path("modified_millis").asLong()));
      }
      JsonNode licence = json.path("licence");
      return Optional.of(
          new InstalledModel(
              json.path("id").asText(),
              json.path("family").asText(),
              json.path("task").isNull() || json.path("task").isMissingNode() ? null : json.path("task").asText(),
              json.path("origin").asText(),
              files,
              json.path("referenced").asBoolean(),
              new LicenceAcceptance(licence.path("id").asText("unknown"), licence.path("accepted").asBoolean()),
              Instant.parse(json.path("installed_at").asText())));
    } catch (IOException | RuntimeException e) {
      // A damaged manifest: not a usable model; verify/list should not crash over it.
      return Optional.empty();
    }
  }

  private static void writeManifest(Path folder, InstalledModel model) throws IOException {
    ObjectNode json = JSON.createObjectNode();
    json.put("id", model.id());
    json.put("family", model.family());
    json.put("task", model.task());
    json.put("origin", model.origin());
    ArrayNode files = json.putArray("files");
    for (ManifestFile file : model.files()) {
      ObjectNode entry = files.addObject();
      entry.put("path", file.path());
      entry.put("size", file.size());
      entry.put("sha256", file.sha256());
      entry.put("modified_millis", file.modifiedMillis());
    }
    json.put("referenced", model.referenced());
    ObjectNode licence = json.putObject("licence");
    licence.put("id", model.licence().id());
    licence.put("accepted", model.licence().accepted());
    json.put("installed_at", model.installedAt().toString());
    Path temp = folder.resolve(MANIFEST + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), json);
    Files.move(temp, folder.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteQuietly(Path folder) {
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      // walkFileTree does not follow symlinks: a link inside is deleted, never its target.
      Files.walkFileTree(
          folder,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      System.getLogger(ModelStore.class.getName())
          .log(System.Logger.Level.WARNING, "cannot delete " + folder + ": " + e.getMessage());
    }
  }

  private static String requireRelative(String path) {
    if (path.startsWith("/") || path.contains("\\") || List.of(path.split("/")).contains("..")) {
      throw new BridgeException(ErrorCode.MODEL_INVALID, "file '" + path + "' must stay inside the model folder");
    }
    return path;
  }

  private static String requireId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new BridgeException(
          ErrorCode.INVALID_PARAM,
          "model id '" + id + "' must be lower-case letters, digits, '.', '_' or '-'",
          Map.of("model", String.valueOf(id)));
    }
    return id;
  }

  private static String deriveId(Path source) {
    String name = source.getFileName().toString();
    if (name.endsWith(".onnx")) {
      name = name.substring(0, name.length() - ".onnx".length());
    }
    String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
    return requireId(id.isEmpty() ? "model" : id.length() > 100 ? id.substring(0, 100) : id);
  }

  private static BridgeException invalid(Path path, String problem) {
    return new BridgeException(
        ErrorCode.MODEL_INVALID, path.getFileName() + " " + problem, Map.of("path", path.toString()));
  }

  private static BridgeException invalid(Path path, EngineException cause) {
    return new BridgeException(ErrorCode.MODEL_INVALID, cause.getMessage(), Map.of("path", path.toString()));
  }

  private static EngineException unavailable(InstalledModel model, ManifestFile file, String problem) {
    return new EngineException(
        EngineException.Kind.MODEL_UNAVAILABLE,
        "model " + model.id() + ": " + file.path() + " " + problem
            + "; run 'models verify' and re-import or pull it again",
        Map.of("model", model.id(), "path", file.path()));
  }

  /** Size, time and sha256 of one file, read together. */
  private static final class FileFacts {
    final long size;
    final long modified;
    final String sha256;

    private FileFacts(long size, long modified, String sha256) {
      this.size = size;
      this.modified = modified;
      this.sha256 = sha256;
    }

    static FileFacts of(Path file) throws IOException {
      long modified = Files.getLastModifiedTime(file).toMillis();
      String sha256 = sha256(file);
      return new FileFacts(Files.size(file), modified, sha256);
    }

    static String sha256(Path file) throws IOException {
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
