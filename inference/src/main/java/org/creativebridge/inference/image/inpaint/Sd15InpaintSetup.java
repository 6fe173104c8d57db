package org.creativebridge.inference.image.inpaint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * What {@link Sd15InpaintEngine} is built from: an installed model folder in diffusers' ONNX
 * layout ({@code text_encoder/}, {@code unet/}, {@code vae_encoder/}, {@code vae_decoder/}, each
 * with a {@code model.onnx}, and {@code tokenizer/merges.txt}), the folder's id and sha256 as the
 * catalogue records them, and the daemon's session cache.
 *
 * <p>Optional: the device the cache runs on (default {@code cpu}), a CLIP merges file to use when
 * the folder has no {@code tokenizer/merges.txt} (e.g. the shared {@code bpe_simple_vocab_16e6.txt.gz}),
 * and a sink for denoising previews. The daemon does not wire previews yet (it will turn them into
 * the job's {@code preview} events); until then they go nowhere unless a caller sets a sink here.
 * The sink is called on the job's thread, so it must return quickly, and an exception it throws
 * is logged and ignored.
 *
 * <p>Immutable; thread-safe as long as the preview sink is. {@link Builder} is not thread-safe.
 */
public final class Sd15InpaintSetup {

  private final String modelId;
  private final Path folder;
  private final String sha256;
  private final SessionCache sessions;
  private final String device;
  private final Path tokenizerFallback;
  private final Consumer<RgbaImage> previews;

  private Sd15InpaintSetup(Builder builder) {
    this.modelId = builder.modelId;
    this.folder = builder.folder;
    this.sha256 = builder.sha256;
    this.sessions = builder.sessions;
    this.device = builder.device;
    this.tokenizerFallback = builder.tokenizerFallback;
    this.previews = builder.previews;
  }

  /**
   * Starts a setup.
   *
   * @param modelId the installed model's id, the engine id recipes name
   * @param folder the model folder
   * @param sha256 the folder's sha256 as the catalogue pins it (lower-case hex); each component's
   *     session is cached under a key derived from it, so nothing is re-hashed at start
   * @param sessions the daemon's session cache
   */
  public static Builder builder(String modelId, Path folder, String sha256, SessionCache sessions) {
    return new Builder(modelId, folder, sha256, sessions);
  }

  public String modelId() {
    return modelId;
  }

  public Path folder() {
    return folder;
  }

  public String sha256() {
    return sha256;
  }

  public SessionCache sessions() {
    return sessions;
  }

  public String device() {
    return device;
  }

  /** The merges file to use when the folder has none. */
  public Optional<Path> tokenizerFallback() {
    return Optional.ofNullable(tokenizerFallback);
  }
  /** The tokenizer a diffusers folder carries. */
  private static final String MERGES = "tokenizer/merges.txt";

  /**
   * A component file of the folder (e.g. {@code unet/model.onnx}). Its session-cache key is the
   * folder's sha256 and the component's path, hashed: unique per folder and component, stable
   * across starts, and free, where hashing the component's own bytes would read gigabytes at
   * every daemon start.
   */
  public ModelFile component(String relative) throws EngineException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] bytes = (sha256 + "/" + relative).getBytes(StandardCharsets.UTF_8);
      return ModelFile.open(folder.resolve(relative), HexFormat.of().formatHex(digest.digest(bytes)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The folder's CLIP tokenizer, or the fallback given to the builder. */
  public ClipTokenizer loadTokenizer() throws EngineException {
    Path own = folder.resolve(MERGES);
    Path merges = Files.isRegularFile(own) ? own : tokenizerFallback().orElse(null);
    if (merges == null) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "model " + modelId + " has no " + MERGES + " and no fallback tokenizer was given",
          Map.of("path", own.toString()));
    }
    try {
      return ClipTokenizer.load(merges);
    } catch (IOException e) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "the CLIP tokenizer of model " + modelId + " cannot be read: " + e.getMessage(),
          Map.of("path", merges.toString()),
          e);
    }
  }


  /** Where previews go; a no-op when none was set. */
  public Consumer<RgbaImage> previews() {
    return previews;
  }

  /** Collects a setup. */
  public static final class Builder {
    private final String modelId;
    private final Path folder;
    private final String sha256;
    private final SessionCache sessions;
    private String device = "cpu";
    private Path tokenizerFallback;
    private Consumer<RgbaImage> previews = image -> {};

    private Builder(String modelId, Path folder, String sha256, SessionCache sessions) {
      this.modelId = Objects.requireNonNull(modelId, "modelId");
      this.folder = Objects.requireNonNull(folder, "folder");
      this.sha256 = Objects.requireNonNull(sha256, "sha256");
      this.sessions = Objects.requireNonNull(sessions, "sessions");
      if (modelId.isBlank()) {
        throw new IllegalArgumentException("modelId must not be blank");
      }
      if (!sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
      }
    }

    /** {@code cpu}, {@code cuda}, {@code dml} or {@code coreml}, as the runtime reports it. */
    public Builder device(String device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /** A CLIP merges file ({@code merges.txt} or CLIP's gzipped vocabulary) for folders without one. */
    public Builder tokenizerFallback(Path merges) {
      this.tokenizerFallback = Objects.requireNonNull(merges, "merges");
      return this;
    }

    /** Receives a preview of the fill every {@code preview_every} steps of a job that asks. */
    public Builder previews(Consumer<RgbaImage> sink) {
      this.previews = Objects.requireNonNull(sink, "sink");
      return this;
    }

    public Sd15InpaintSetup build() {
      return new Sd15InpaintSetup(this);
    }
  }
}
