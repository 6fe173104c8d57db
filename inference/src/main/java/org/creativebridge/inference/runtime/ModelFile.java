package org.creativebridge.inference.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.creativebridge.inference.EngineException;

/**
 * A model file on disk, identified by the sha256 of its {@code .onnx} bytes (the session cache key
 * and the id recipes pin).
 *
 * <p>Immutable; thread-safe. The file itself can of course change on disk after opening; the
 * installer owns model files and never rewrites one in place.
 *
 * @param path the {@code .onnx} file
 * @param sha256 lower-case hex sha256 of {@code path}'s bytes
 * @param size bytes of {@code path}
 * @param externalDataSize total bytes of the external-data files the model names; 0 when it keeps
 *     all weights inside
 */
public record ModelFile(Path path, String sha256, long size, long externalDataSize) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ModelFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
    }
    if (size < 0 || externalDataSize < 0) {
      throw new IllegalArgumentException("sizes cannot be negative");
    }
  }

  /** Opens {@code path}, hashing its bytes (seconds for a multi-gigabyte model). */
  public static ModelFile open(Path path) throws EngineException {
    requireRegularFile(path);
    return open(path, sha256(path));
  }

  /**
   * Opens {@code path} trusting {@code sha256}, for callers that verified it already (the
   * installer checks each download), so a daemon start does not re-hash gigabytes.
   *
   * @throws EngineException {@link EngineException.Kind#MODEL_UNAVAILABLE} when the path is not a
   *     regular file, or an external-data file it names is missing or outside its folder
   */
  public static ModelFile open(Path path, String sha256) throws EngineException {
    requireRegularFile(path);
    try {
      long size = Files.size(path);
      return new ModelFile(path, sha256, size, externalDataSize(path));
    } catch (IOException e) {
      throw unavailable(path, "cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The external-data files {@code model} names, each checked to be a plain file inside the model's
   * own folder (no absolute path, {@code ../}, symlink or hardlink leading out), for callers that
   * copy or hash a model with everything it loads.
   *
   * @throws EngineException {@link EngineException.Kind#MODEL_UNAVAILABLE} naming the first
   *     location that fails those checks or is missing
   */
  public static List<Path> externalDataFiles(Path model) throws EngineException {
    requireRegularFile(model);
    Path folder = model.toAbsolutePath().normalize().getParent();
    List<Path> files = new ArrayList<>();
    try {
      for (String location : ExternalData.locations(model)) {
        files.add(requireContained(model, folder, location));
      }
    } catch (IOException e) {
      throw unavailable(model, "cannot be read: " + e.getMessage(), e);
    }
    return files;
  }

  /** Whether the model keeps weights in separate files beside it. */
  public boolean hasExternalData() {
    return externalDataSize > 0;
  }

  /** The model's bytes including external data: the weights a session will hold. */
  public long totalBytes() {
    return size + externalDataSize;
  }

  /** The file name, for messages. */
  public String name() {
    Path name = path.getFileName();
    return name == null ? path.toString() : name.toString();
  }

  private static long externalDataSize(Path model) throws IOException, EngineException {
    Set<String> locations = ExternalData.locations(model);
    Path folder = model.toAbsolutePath().normalize().getParent();
    long total = 0;
    for (String location : locations) {
      total += Files.size(requireContained(model, folder, location));
    }
    return total;
  }

  /**
   * The external-data file {@code location} names, once it is proven to be a plain file inside
   * the model's own folder. Model files are untrusted input: a location may try to make ONNX
   * Runtime read (and a job then echo back) any file the daemon can read, by an absolute path,
   * {@code ../}, a symlink leading out, or a hardlink (which has no "out" to see, so any file with
   * a second name is refused). Checked before ORT opens the model; ORT's own check only covers
   * the lexical cases.
   */
  private static Path requireContained(Path model, Path folder, String location)
      throws IOException, EngineException {
    String portable = location.replace('\\', '/');
    // Path.of would read "C:/x" as relative on Linux, yet ORT on Windows would not: refuse both.
    if (portable.startsWith("/") || portable.matches("^[A-Za-z]:.*") || Path.of(location).isAbsolute()) {
      throw unavailable(model, "names external data at an absolute path: " + location, null);
    }
    Path data = folder.resolve(portable).normalize();
    // ORT refuses locations that leave the model's folder; refuse them here with a clearer word.
    if (!data.startsWith(folder) || data.equals(folder)) {
      throw unavailable(model, "names external data outside its folder: " + location, null);
    }
    if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
      throw unavailable(model, "names external data file '" + location + "', which is missing", null);
    }
    Path real;
    try {
      real = data.toRealPath();
    } catch (IOException e) {
      // A dangling symlink: its target is gone, or never was inside.
      throw unavailable(model, "names external data file '" + location + "', which is missing", e);
    }
    Path realFolder = folder.toRealPath();
    if (!real.startsWith(realFolder)) {
      throw unavailable(
          model, "names external data '" + location + "' that links outside its folder", null);
    }
    if (!Files.isRegularFile(real)) {
      throw unavailable(model, "names external data '" + location + "' that is not a regular file", null);
    }
    if (linkCount(real) > 1) {
      throw unavailable(
          model,
          "names external data '" + location + "' that is hardlinked elsewhere; copy it instead",
          null);
    }
    return real;
  }

  /** The number of names a file has; 1 where the file system cannot tell (e.g. Windows). */
  private static int linkCount(Path file) throws IOException {
    try {
      return ((Number) Files.getAttribute(file, "unix:nlink")).intValue();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return 1;
    }
  }

  private static void requireRegularFile(Path path) throws EngineException {
    Objects.requireNonNull(path, "path");
    if (!Files.exists(path)) {
      throw unavailable(path, "does not exist", null);
    }
    // Follows symlinks on purpose: model stores may link shared weights.
    if (!Files.isRegularFile(path)) {
      throw unavailable(
          path, Files.isDirectory(path) ? "is a directory, not a file" : "is not a regular file", null);
    }
  }

  private static String sha256(Path path) throws EngineException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw unavailable(path, "cannot be read: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static EngineException unavailable(Path path, String problem, Throwable cause) {
    Path name = path.getFileName();
    return new EngineException(
        EngineException.Kind.MODEL_UNAVAILABLE,
        "model " + (name == null ? path : name) + " " + problem,
        Map.of("path", path.toString()),
        cause);
  }
}
