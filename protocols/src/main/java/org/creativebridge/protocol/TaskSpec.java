package org.creativebridge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A task of the protocol: its inputs, outputs and the JSON Schema of its params (shipped as
 * {@code schemas/<task>.json}). The list here is the protocol's; engines register behind a task.
 *
 * @param sameSizeInputs image inputs that must all have the same width and height
 */
public record TaskSpec(
    String name,
    String description,
    List<Capabilities.Input> inputs,
    List<String> outputs,
    List<String> sameSizeInputs) {

  public static final TaskSpec IMAGE_INPAINT =
      new TaskSpec(
          "image.inpaint",
          "Fill the masked region of an image with plausible content.",
          List.of(
              new Capabilities.Input("image", "image", true, "The picture to fill."),
              new Capabilities.Input(
                  "mask", "image", true, "White (or opaque) where to fill; same size as image.")),
          List.of("image"),
          List.of("image", "mask"));

  public static final TaskSpec IMAGE_OUTPAINT =
      new TaskSpec(
          "image.outpaint",
          "Grow the canvas by the given margins and fill the new border to match the picture.",
          List.of(new Capabilities.Input("image", "image", true, "The picture to extend.")),
          List.of("image"),
          List.of());

  public static final TaskSpec AUDIO_TTS =
      new TaskSpec(
          "audio.tts",
          "Speak a text as a WAV.",
          List.of(),
          List.of("audio"),
          List.of());

  public static final TaskSpec AUDIO_VOICE_CONVERT =
      new TaskSpec(
          "audio.voice_convert",
          "Move a recorded voice in pitch, or turn it into another voice.",
          List.of(new Capabilities.Input("audio", "audio", true, "The take: WAV, FLAC, MP3 or Ogg Vorbis.")),
          List.of("audio"),
          List.of());

  public static final TaskSpec IMAGE_TEXTURE_FROM_DEPTH =
      new TaskSpec(
          "image.texture_from_depth",
          "A texture that follows a depth map (near = bright): base colour, normal, cavity and occlusion maps.",
          List.of(
              new Capabilities.Input("depth", "image", true, "Depth as seen by the camera, near = bright."),
              new Capabilities.Input(
                  "image", "image", false, "A colour render or an earlier texture, for strength below 1.")),
          List.of("image", "normal", "cavity", "ao"),
          List.of("depth", "image"));

  public static final TaskSpec IMAGE_DEPTH =
      new TaskSpec(
          "image.depth",
          "Estimate depth from a photograph (near = bright), as a 16-bit image.",
          List.of(new Capabilities.Input("image", "image", true, "The photograph.")),
          List.of("depth"),
          List.of());

  /**
   * Downloads a catalogue model, verified, into the models folder: a job like any other, so a pull
   * reports progress as events, can be cancelled (and resumed by pulling again), and is journalled.
   */
  public static final TaskSpec MODELS_PULL =
      new TaskSpec(
          "models.pull",
          "Download a model from the catalogue, verified, into your models folder.",
          List.of(),
          List.of(),
          List.of());

  private static final Map<String, TaskSpec> ALL =
      List.of(
              IMAGE_INPAINT,
              IMAGE_OUTPAINT,
              IMAGE_TEXTURE_FROM_DEPTH,
              IMAGE_DEPTH,
              AUDIO_TTS,
              AUDIO_VOICE_CONVERT,
              MODELS_PULL)
          .stream()
          .collect(Collectors.toUnmodifiableMap(TaskSpec::name, Function.identity()));

  public static Optional<TaskSpec> find(String name) {
    return Optional.ofNullable(ALL.get(name));
  }

  public static List<TaskSpec> all() {
    return List.copyOf(ALL.values());
  }

  private static final Map<String, JsonNode> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The params schema (JSON Schema 2020-12) as shipped in this jar, read once: every job submission
   * consults it. Callers must not modify the returned tree.
   */
  public JsonNode paramsSchema() {
    return SCHEMAS.computeIfAbsent(name, TaskSpec::readSchema);
  }

  private static JsonNode readSchema(String taskName) {
    String resource = "schemas/" + taskName + ".json";
    try (InputStream in = TaskSpec.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing task schema resource " + resource);
      }
      return ProtocolJson.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }


  public Optional<Capabilities.Input> input(String inputName) {
    return inputs.stream().filter(i -> i.name().equals(inputName)).findFirst();
  }
}
