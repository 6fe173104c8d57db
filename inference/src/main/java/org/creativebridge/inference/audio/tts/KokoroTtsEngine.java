package org.creativebridge.inference.audio.tts;

import static org.creativebridge.inference.runtime.ElementType.FLOAT32;
import static org.creativebridge.inference.runtime.ElementType.INT32;
import static org.creativebridge.inference.runtime.ElementType.INT64;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code audio.tts} with Kokoro-82M (ONNX): phonemes from the same espeak-ng path as Piper
 * ({@link PiperPhonemizer#phonemize}), mapped to Kokoro's phoneme set and vocabulary; each run
 * takes at most {@value #MAX_PHONEME_TOKENS} phoneme tokens framed by a 0 token on each side,
 * the voice pack's style row for that token count, and the speed (float32 or int32, as the model
 * declares it). Output: mono float at 24 kHz.
 *
 * <p>Beside {@code model.onnx} the engine needs Kokoro's vocabulary ({@code tokenizer.json} of
 * the ONNX export, or {@code config.json} of the original release, in the model's folder or its
 * parent) and at least one voice pack ({@code *.bin} there or in {@code voices/}).
 *
 * <p>Params: {@code text}; {@code voice}, a voice pack name (default {@code af_heart}, else the
 * first pack); {@code language}, the espeak-ng voice that phonemises (default from the pack's
 * first letter: {@code a} en-us, {@code b} en-gb, {@code e} es, {@code f} fr-fr, {@code h} hi,
 * {@code i} it, {@code p} pt-br); {@code speed} 0.25..4 (default 1); {@code sentence_silence}
 * seconds (default 0.1). English phonemes are folded into Kokoro's set the way its espeak
 * fallback does (diphthongs and affricates as single letters, no length marks); this is close to,
 * not identical with, Kokoro's own dictionary-based English phonemiser.
 *
 * <p>Thread-safe: jobs may run at once.
 */
public final class KokoroTtsEngine implements Engine {
  public static final String TASK = "audio.tts";
  public static final int SAMPLE_RATE = 24_000;
  public static final int MAX_PHONEME_TOKENS = 510;

  /** The usual export's tensors; {@link #contractFor} adapts the id and output names. */
  public static final ModelContract CONTRACT = contract("input_ids", "waveform");

  private static final double[] SPEED_RANGE = {0.25, 4};
  private static final double[] SILENCE_RANGE = {0, 10};
  private static final double DEFAULT_SENTENCE_SILENCE = 0.1;

  /** espeak-ng voice for each Kokoro voice-pack prefix letter. */
  private static final Map<Character, String> LANGUAGES =
      Map.of('a', "en-us", 'b', "en-gb", 'e', "es", 'f', "fr-fr", 'h', "hi", 'i', "it", 'p', "pt-br");

  /**
   * espeak-ng IPA to Kokoro's English phonemes, longest first: Kokoro writes diphthongs and
   * affricates as one letter, drops length marks, and has no ɐ, ᵻ or r-coloured vowels.
   */
  private static final String[][] ENGLISH_FOLDS = {
    {"eɪ", "A"}, {"aɪ", "I"}, {"aʊ", "W"}, {"ɔɪ", "Y"}, {"oʊ", "O"}, {"əʊ", "Q"},
    {"dʒ", "ʤ"}, {"tʃ", "ʧ"}, {"ɚ", "əɹ"}, {"ɝ", "ɜɹ"}, {"ː", ""}, {"ɐ", "ə"}, {"ᵻ", "ɪ"},
    {"r", "ɹ"}, {"ɬ", "l"}, {"x", "k"}, {"ʲ", ""}
  };

  private final EngineInfo info;
  private final OnnxRuntime runtime;
  private final ModelFile model;
  private final Map<String, Long> vocab;
  private final Map<String, KokoroVoicePack> voices;

  /** The contract fitted to this model's names, found on first use. Guarded by {@code this}. */
  private ModelContract fittedContract;

  /**
   * @throws EngineException {@code MODEL_UNAVAILABLE} when the vocabulary or voice packs are
   *     missing or unreadable
   */
  public KokoroTtsEngine(String id, OnnxRuntime runtime, ModelFile model) throws EngineException {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.model = Objects.requireNonNull(model, "model");
    Path folder = model.path().toAbsolutePath().getParent();
    this.vocab = readVocab(folder);
    this.voices = readVoices(folder);
    this.info =
        new EngineInfo(
            id,
            TASK,
            EngineInfo.Kind.MODEL,
            "Kokoro-82M speech (24 kHz), voices " + String.join(", ", voices.keySet()),
            model.sha256(),
            runtime.device(),
            "1",
            true);
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  /** The installed voice pack names. */
  public List<String> voices() {
    return List.copyOf(voices.keySet());
  }

  /** Kokoro's contract with the given token-input and output names (exports differ in both). */
  static ModelContract contract(String idsName, String outputName) {
    return ModelContract.builder("kokoro")
        .input(idsName, INT64, 1, -1)
        .input("style", FLOAT32, 1, KokoroVoicePack.STYLE_SIZE)
        .input("speed", ModelContract.TensorType.of(FLOAT32, 1), ModelContract.TensorType.of(INT32, 1))
        .output(outputName, ModelContract.TensorType.of(FLOAT32, -1), ModelContract.TensorType.of(FLOAT32, 1, -1))
        .build();
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    Params params = request.params();
    String text = TtsText.from(params);
    KokoroVoicePack voice = voice(params.getString("voice", null));
    String language = params.getString("language", LANGUAGES.getOrDefault(voice.name().charAt(0), "en-us"));
    double speed = TtsText.number(params, "speed", 1.0, SPEED_RANGE);
    double silenceSeconds = TtsText.number(params, "sentence_silence", DEFAULT_SENTENCE_SILENCE, SILENCE_RANGE);

    context.stage("phonemize");
    List<long[]> runs = new ArrayList<>();
    for (PiperPhonemizer.SpokenSentence sentence : PiperPhonemizer.phonemize(language, text)) {
      runs.addAll(chunks(tokens(sentence.phonemes(), language)));
    }
    if (runs.isEmpty()) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT, "param 'text' has nothing to speak (only punctuation or spaces)");
    }
    context.checkCancelled();

    context.stage("synthesize");
    ModelContract contract = contractFor();
    List<float[]> parts = new ArrayList<>();
    try (SessionCache.Lease lease = runtime.sessions().lease(model, contract)) {
      for (int i = 0; i < runs.size(); i++) {
        context.checkCancelled();
        parts.add(synthesize(lease, new KokoroRun(runs.get(i), voice.styleFor(runs.get(i).length), (float) speed), context));
        context.progress((i + 1.0) / runs.size());
      }
    }
    context.stage("join");
    float[] samples = PiperTtsEngine.join(parts, (int) Math.round(silenceSeconds * SAMPLE_RATE));
    return new EngineResult(Map.of("audio", AudioClip.mono(SAMPLE_RATE, samples)));
  }

  /** One run: phoneme tokens (unframed), the style row for their count, the speed. */
  private record KokoroRun(long[] tokens, float[] style, float speed) {}

  private float[] synthesize(SessionCache.Lease lease, KokoroRun run, JobContext context)
      throws EngineException, CancelledException {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    String idsName = lease.fit().hasInput("input_ids") ? "input_ids" : "tokens";
    long[] framed = new long[run.tokens().length + 2];
    System.arraycopy(run.tokens(), 0, framed, 1, run.tokens().length);
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    try {
      inputs.put(idsName, OnnxTensor.createTensor(environment, LongBuffer.wrap(framed), new long[] {1, framed.length}));
      inputs.put(
          "style",
          OnnxTensor.createTensor(environment, FloatBuffer.wrap(run.style()), new long[] {1, KokoroVoicePack.STYLE_SIZE}));
      ElementType speedType = lease.fit().input("speed").type();
      inputs.put(
          "speed",
          speedType == INT32
              ? OnnxTensor.createTensor(environment, IntBuffer.wrap(new int[] {Math.round(run.speed())}), new long[] {1})
              : OnnxTensor.createTensor(environment, FloatBuffer.wrap(new float[] {run.speed()}), new long[] {1}));
      try (OrtSession.Result result = lease.run(inputs, context)) {
        return samplesOf(result.get(0));
      }
    } catch (OrtException e) {
      throw new EngineException(
          EngineException.Kind.FAILED, "Kokoro model " + model.name() + " failed: " + e.getMessage(), Map.of(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static float[] samplesOf(OnnxValue output) throws OrtException {
    FloatBuffer buffer = ((OnnxTensor) output).getFloatBuffer();
    float[] samples = new float[buffer.remaining()];
    buffer.get(samples);
    for (int i = 0; i < samples.length; i++) {
      float sample = samples[i];
      samples[i] = Float.isNaN(sample) ? 0f : Math.max(-1f, Math.min(1f, sample));
    }
    return samples;
  }

  /** The contract with this model's own names, read once from the model's signature. */
  private synchronized ModelContract contractFor() throws EngineException {
    if (fittedContract == null) {
      ModelContract.Signature signature = runtime.describe(model);
      String idsName = signature.inputs().containsKey("tokens") ? "tokens" : "input_ids";
      String outputName =
          signature.outputs().isEmpty() ? "waveform" : signature.outputs().keySet().iterator().next();
      fittedContract = contract(idsName, outputName);
    }
    return fittedContract;
  }

  /** Phonemes to Kokoro token ids; English folded into Kokoro's set first; unknown ones dropped. */
  long[] tokens(List<String> phonemes, String language) {
    String joined = String.join("", phonemes);
    if (language.toLowerCase(Locale.ROOT).startsWith("en")) {
      for (String[] fold : ENGLISH_FOLDS) {
        joined = joined.replace(fold[0], fold[1]);
      }
    }
    long[] ids = new long[joined.length()];
    int count = 0;
    for (int i = 0; i < joined.length(); ) {
      int codePoint = joined.codePointAt(i);
      i += Character.charCount(codePoint);
      Long id = vocab.get(Character.toString(codePoint));
      if (id != null) {
        ids[count++] = id;
      }
    }
    // Piper's terminators end with a space after , : ; which Kokoro's own phonemiser keeps too.
    return java.util.Arrays.copyOf(ids, count);
  }

  /** Splits tokens into runs of at most {@link #MAX_PHONEME_TOKENS}, at a space where possible. */
  List<long[]> chunks(long[] tokens) {
    List<long[]> chunks = new ArrayList<>();
    Long space = vocab.get(" ");
    int start = 0;
    while (start < tokens.length) {
      int end = Math.min(tokens.length, start + MAX_PHONEME_TOKENS);
      if (end < tokens.length && space != null) {
        for (int i = end - 1; i > start + MAX_PHONEME_TOKENS / 2; i--) {
          if (tokens[i] == space) {
            end = i + 1;
            break;
          }
        }
      }
      chunks.add(java.util.Arrays.copyOfRange(tokens, start, end));
      start = end;
    }
    return chunks;
  }

  private KokoroVoicePack voice(String requested) throws EngineException {
    if (requested == null) {
      KokoroVoicePack preferred = voices.get("af_heart");
      return preferred != null ? preferred : voices.values().iterator().next();
    }
    KokoroVoicePack pack = voices.get(requested.strip());
    if (pack == null) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "unknown Kokoro voice '" + requested + "'; installed: " + String.join(", ", voices.keySet()),
          Map.of("voice", requested, "voices", List.copyOf(voices.keySet())));
    }
    return pack;
  }

  /** Kokoro's vocabulary: {@code tokenizer.json} (model.vocab) or {@code config.json} (vocab). */
  private static Map<String, Long> readVocab(Path folder) throws EngineException {
    List<Path> candidates = new ArrayList<>();
    for (Path dir : folder.getParent() == null ? List.of(folder) : List.of(folder, folder.getParent())) {
      candidates.add(dir.resolve("tokenizer.json"));
      candidates.add(dir.resolve("config.json"));
    }
    for (Path candidate : candidates) {
      if (!Files.isRegularFile(candidate)) {
        continue;
      }
      try {
        Object root = org.creativebridge.inference.PlainJson.parse(Files.readString(candidate, StandardCharsets.UTF_8));
        Object vocab = root instanceof Map ? ((Map<?, ?>) root).get("vocab") : null;
        if (vocab == null && root instanceof Map && ((Map<?, ?>) root).get("model") instanceof Map) {
          vocab = ((Map<?, ?>) ((Map<?, ?>) root).get("model")).get("vocab");
        }
        if (vocab instanceof Map && !((Map<?, ?>) vocab).isEmpty()) {
          Map<String, Long> ids = new LinkedHashMap<>();
          ((Map<?, ?>) vocab).forEach((symbol, id) -> ids.put(symbol.toString(), ((Number) id).longValue()));
          return Map.copyOf(ids);
        }
      } catch (IOException | IllegalArgumentException | ClassCastException e) {
        throw new EngineException(
            EngineException.Kind.MODEL_UNAVAILABLE,
            "Kokoro vocabulary " + candidate.getFileName() + " cannot be read: " + e.getMessage(),
            Map.of("path", candidate.toString()));
      }
    }
    throw new EngineException(
        EngineException.Kind.MODEL_UNAVAILABLE,
        "Kokoro needs its vocabulary beside the model: tokenizer.json (from the ONNX export) or"
            + " config.json (from hexgrad/Kokoro-82M) in "
            + folder,
        Map.of("folder", folder.toString()));
  }

  /** Voice packs: {@code *.bin} in the model's folder and its {@code voices/}, by name. */
  private static Map<String, KokoroVoicePack> readVoices(Path folder) throws EngineException {
    Map<String, KokoroVoicePack> packs = new TreeMap<>();
    for (Path dir : List.of(folder, folder.resolve("voices"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.bin")) {
        for (Path file : files) {
          KokoroVoicePack pack = KokoroVoicePack.read(file);
          packs.putIfAbsent(pack.name(), pack);
        }
      } catch (IOException e) {
        throw new EngineException(
            EngineException.Kind.MODEL_UNAVAILABLE, "cannot list Kokoro voice packs in " + dir + ": " + e.getMessage());
      }
    }
    if (packs.isEmpty()) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "Kokoro needs a voice pack (e.g. voices/af_heart.bin) beside the model in " + folder,
          Map.of("folder", folder.toString()));
    }
    return packs;
  }
}
