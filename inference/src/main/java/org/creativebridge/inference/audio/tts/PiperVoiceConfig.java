package org.creativebridge.inference.audio.tts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.EngineException;

/**
 * A Piper voice's config, the {@code .onnx.json} beside its model: how to phonemise, which ids the
 * phonemes map to, and how the model was trained to be driven.
 *
 * <p>Immutable; thread-safe.
 *
 * @param espeakVoice the espeak-ng voice that phonemises for this model ({@code espeak.voice})
 * @param sampleRate the model's output rate ({@code audio.sample_rate})
 * @param phonemeIds phoneme to its ids ({@code phoneme_id_map}); espeak phonemes are single code
 *     points, and keys of several (newer configs carry some for other phonemisers) never match
 *     them. Callers must not modify the arrays
 * @param scales the default noise, length and noise_w scales ({@code inference})
 * @param speakers speaker count ({@code num_speakers}) and names ({@code speaker_id_map})
 */
public record PiperVoiceConfig(
    String espeakVoice,
    int sampleRate,
    Map<String, long[]> phonemeIds,
    Scales scales,
    Speakers speakers) {

  /** Largest config read; real ones are a few kilobytes. */
  private static final long MAX_CONFIG_BYTES = 4L << 20;

  public PiperVoiceConfig {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
    }
    Map<String, long[]> copy = new LinkedHashMap<>();
    phonemeIds.forEach((phoneme, ids) -> copy.put(phoneme, ids.clone()));
    phonemeIds = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * VITS inference scales.
   *
   * @param noise {@code noise_scale}: variation of the audio
   * @param length {@code length_scale}: duration per phoneme (larger is slower)
   * @param noiseW {@code noise_w}: variation of phoneme durations
   */
  public record Scales(double noise, double length, double noiseW) {}

  /**
   * @param count how many speakers the model has; 1 for a single-speaker voice
   * @param ids speaker name to id, possibly empty even for a multi-speaker voice
   */
  public record Speakers(int count, Map<String, Integer> ids) {
    public Speakers {
      ids = Map.copyOf(ids);
    }

    public boolean multiSpeaker() {
      return count > 1;
    }
  }

  /** The ids of Piper's control symbols; every Piper phoneme map has them. */
  static final String PAD = "_";

  static final String BOS = "^";
  static final String EOS = "$";

  /** Reads {@code model}'s config: {@code <model>.json}, as Piper names it. */
  public static PiperVoiceConfig forModel(Path model) throws EngineException {
    return read(model.resolveSibling(model.getFileName() + ".json"));
  }

  /**
   * Reads a config file.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when the file is missing, not JSON, or lacks
   *     what synthesis needs (the phoneme map with its pad, BOS and EOS symbols, the sample rate)
   */
  public static PiperVoiceConfig read(Path json) throws EngineException {
    String text;
    try {
      if (Files.size(json) > MAX_CONFIG_BYTES) {
        throw invalid(json, "is larger than " + MAX_CONFIG_BYTES + " bytes");
      }
      text = Files.readString(json, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "Piper voice config " + json.getFileName() + " cannot be read: " + e.getMessage(),
          Map.of("path", json.toString()),
          e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw invalid(json, "is not a Piper voice config: " + e.getMessage());
    }
  }

  /**
   * Parses a config's text.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  static PiperVoiceConfig parse(String json) {
    Object root = org.creativebridge.inference.PlainJson.parse(json);
    if (!(root instanceof Map)) {
      throw new IllegalArgumentException("the top level is not an object");
    }
    Map<?, ?> config = (Map<?, ?>) root;
    Map<?, ?> espeak = object(config, "espeak", false);
    String voice = espeak == null || espeak.get("voice") == null ? "en-us" : espeak.get("voice").toString();
    Map<?, ?> audio = object(config, "audio", true);
    int sampleRate = (int) number(audio, "sample_rate", -1);
    if (sampleRate <= 0 || sampleRate > 384_000) {
      throw new IllegalArgumentException("audio.sample_rate is missing or out of range");
    }
    Map<?, ?> inference = object(config, "inference", false);
    Scales scales =
        new Scales(
            number(inference, "noise_scale", 0.667),
            number(inference, "length_scale", 1.0),
            number(inference, "noise_w", 0.8));
    Map<String, long[]> ids = phonemeIds(object(config, "phoneme_id_map", true));
    for (String required : List.of(PAD, BOS, EOS)) {
      if (!ids.containsKey(required)) {
        throw new IllegalArgumentException("phoneme_id_map lacks '" + required + "'");
      }
    }
    int speakerCount = (int) number(config, "num_speakers", 1);
    Map<String, Integer> speakerIds = new LinkedHashMap<>();
    Map<?, ?> speakerMap = object(config, "speaker_id_map", false);
    if (speakerMap != null) {
      speakerMap.forEach((name, id) -> speakerIds.put(name.toString(), ((Number) id).intValue()));
    }
    return new PiperVoiceConfig(
        voice, sampleRate, ids, scales, new Speakers(Math.max(1, speakerCount), speakerIds));
  }

  private static Map<String, long[]> phonemeIds(Map<?, ?> map) {
    Map<String, long[]> ids = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String phoneme = entry.getKey().toString();
      List<?> values = (List<?>) entry.getValue();
      long[] phonemeIds = new long[values.size()];
      for (int i = 0; i < phonemeIds.length; i++) {
        phonemeIds[i] = ((Number) values.get(i)).longValue();
      }
      ids.put(phoneme, phonemeIds);
    }
    return ids;
  }

  private static Map<?, ?> object(Map<?, ?> parent, String key, boolean required) {
    Object value = parent.get(key);
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("'" + key + "' is missing or not an object");
    }
    return (Map<?, ?>) value;
  }

  private static double number(Map<?, ?> parent, String key, double fallback) {
    Object value = parent == null ? null : parent.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number)) {
      throw new IllegalArgumentException("'" + key + "' is not a number");
    }
    return ((Number) value).doubleValue();
  }

  private static EngineException invalid(Path json, String problem) {
    return new EngineException(
        EngineException.Kind.MODEL_UNAVAILABLE,
        "Piper voice config " + json.getFileName() + " " + problem,
        Map.of("path", json.toString()));
  }
}
