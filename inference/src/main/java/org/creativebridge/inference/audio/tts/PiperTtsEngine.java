package org.creativebridge.inference.audio.tts;

import static org.creativebridge.inference.runtime.ElementType.FLOAT32;
import static org.creativebridge.inference.runtime.ElementType.INT64;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code audio.tts} with a Piper voice: a VITS model exported to ONNX plus its {@code .onnx.json}
 * config. Text is phonemised exactly as Piper does ({@link PiperPhonemizer}) and each sentence is
 * one model run; sentences are joined with a short pause.
 *
 * <p>Params: {@code text}; {@code noise_scale}, {@code length_scale}, {@code noise_w} override the
 * config's scales; {@code speed} divides the length scale ({@code 2} speaks twice as fast); {@code
 * speaker}, a speaker id or name of a multi-speaker voice (default 0); {@code sentence_silence},
 * seconds between sentences (default 0.2); {@code seed} is recorded but cannot steer the noise
 * VITS draws inside the model. Output {@code audio}: mono float samples at the config's rate,
 * clamped to -1..1.
 *
 * <p>One {@code progress} report per sentence; cancel stops between sentences (and a running model
 * call is terminated).
 *
 * <p>Thread-safe: jobs may run at once (ONNX Runtime sessions are; phonemisation is serialised by
 * libespeak-ng's lock).
 */
public final class PiperTtsEngine implements Engine {
  public static final String TASK = "audio.tts";

  /**
   * What a Piper voice model must look like: Piper's export names and types. {@code sid} exists
   * only in multi-speaker voices. Exports put the samples on the last axis behind two or three
   * unit axes ({@code [1,1,S]}, {@code [1,1,1,S]}); some tiny exports give {@code [1,S,1]}; the
   * engine accepts any layout where only one axis is longer than 1.
   */
  public static final ModelContract CONTRACT =
      ModelContract.builder("piper")
          .input("input", INT64, 1, -1)
          .input("input_lengths", INT64, 1)
          .input("scales", FLOAT32, 3)
          .optionalInput("sid", INT64, 1)
          .output(
              "output",
              ModelContract.TensorType.of(FLOAT32, -1, -1, -1),
              ModelContract.TensorType.of(FLOAT32, -1, -1, -1, -1))
          .build();

  public static final double DEFAULT_SENTENCE_SILENCE = 0.2;

  private static final double[] SCALE_RANGE = {0, 10};
  private static final double[] LENGTH_RANGE = {0.05, 20};
  private static final double[] SPEED_RANGE = {0.1, 10};
  private static final double[] SILENCE_RANGE = {0, 10};

  private final EngineInfo info;
  private final OnnxRuntime runtime;
  private final ModelFile model;
  private final PiperVoiceConfig config;
  private final PiperPhonemizer phonemizer;

  /** Sees every model run; for tests and benchmarks. Null when nobody listens. */
  private volatile RunObserver observer;

  /**
   * @param id the installed model's id, as recipes name the engine
   * @param model the {@code .onnx} file
   * @param config its {@code .onnx.json}
   */
  public PiperTtsEngine(String id, OnnxRuntime runtime, ModelFile model, PiperVoiceConfig config) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.model = Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.phonemizer = PiperPhonemizer.forVoice(config);
    this.info =
        new EngineInfo(
            id,
            TASK,
            EngineInfo.Kind.MODEL,
            "Piper voice " + model.name() + " (" + config.espeakVoice() + ", " + config.sampleRate() + " Hz)",
            model.sha256(),
            runtime.device(),
            "1",
            true);
  }

  /**
   * An engine for the voice at {@code modelPath}, reading its config from {@code
   * <modelPath>.json} and hashing the model.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when either file is missing or unreadable
   */
  public static PiperTtsEngine open(String id, OnnxRuntime runtime, Path modelPath)
      throws EngineException {
    PiperVoiceConfig config = PiperVoiceConfig.forModel(modelPath);
    return new PiperTtsEngine(id, runtime, ModelFile.open(modelPath), config);
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  public PiperVoiceConfig config() {
    return config;
  }

  /**
   * One model run, as an observer sees it.
   *
   * @param ids the {@code input} fed
   * @param scales the {@code scales} fed
   * @param samples how many samples came out
   * @param onnxNanos how long the run took inside ONNX Runtime, tensors included
   */
  record ModelRun(long[] ids, float[] scales, int samples, long onnxNanos) {}

  /** Told of each model run; called on the job's thread. */
  interface RunObserver {
    void onRun(ModelRun run);
  }

  /** Installs (or with null removes) the observer of model runs. */
  void observeRuns(RunObserver runObserver) {
    this.observer = runObserver;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    Params params = request.params();
    String text = TtsText.from(params);
    float[] scales = scales(params);
    double silenceSeconds =
        TtsText.number(params, "sentence_silence", DEFAULT_SENTENCE_SILENCE, SILENCE_RANGE);

    context.stage("phonemize");
    List<PiperPhonemizer.Sentence> sentences = phonemizer.sentences(text);
    if (sentences.isEmpty()) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT, "param 'text' has nothing to speak (only punctuation or spaces)");
    }
    context.checkCancelled();

    context.stage("synthesize");
    List<float[]> parts = new ArrayList<>();
    try (SessionCache.Lease lease = runtime.sessions().lease(model, CONTRACT)) {
      Long speaker = speakerId(params, lease.fit().hasInput("sid"));
      for (int i = 0; i < sentences.size(); i++) {
        context.checkCancelled();
        parts.add(synthesize(lease, new Sentence(sentences.get(i).ids(), scales, speaker), context));
        context.progress((i + 1.0) / sentences.size());
      }
    }
    context.stage("join");
    int silence = (int) Math.round(silenceSeconds * config.sampleRate());
    AudioClip clip = AudioClip.mono(config.sampleRate(), join(parts, silence));
    return new EngineResult(Map.of("audio", clip));
  }

  /** One model run's inputs; {@code speaker} null for a single-speaker model. */
  private record Sentence(long[] ids, float[] scales, Long speaker) {}

  private float[] synthesize(SessionCache.Lease lease, Sentence sentence, JobContext context)
      throws EngineException, CancelledException {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    try {
      inputs.put(
          "input",
          OnnxTensor.createTensor(environment, LongBuffer.wrap(sentence.ids()), new long[] {1, sentence.ids().length}));
      inputs.put(
          "input_lengths",
          OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[] {sentence.ids().length}), new long[] {1}));
      inputs.put("scales", OnnxTensor.createTensor(environment, FloatBuffer.wrap(sentence.scales()), new long[] {3}));
      if (sentence.speaker() != null) {
        inputs.put(
            "sid", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[] {sentence.speaker()}), new long[] {1}));
      }
      long started = System.nanoTime();
      float[] samples;
      try (OrtSession.Result result = lease.run(inputs, context)) {
        samples = samplesOf(result.get("output").orElse(null));
      }
      RunObserver watching = observer;
      if (watching != null) {
        watching.onRun(
            new ModelRun(sentence.ids().clone(), sentence.scales().clone(), samples.length, System.nanoTime() - started));
      }
      return samples;
    } catch (OrtException e) {
      throw new EngineException(
          EngineException.Kind.FAILED, "Piper voice " + model.name() + " failed: " + e.getMessage(), Map.of(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** The output's samples, clamped to -1..1; every axis but one must be 1. */
  private float[] samplesOf(OnnxValue output) throws EngineException, OrtException {
    if (!(output instanceof OnnxTensor)) {
      throw new EngineException(EngineException.Kind.FAILED, "Piper voice " + model.name() + " returned no 'output' tensor");
    }
    OnnxTensor tensor = (OnnxTensor) output;
    long[] shape = tensor.getInfo().getShape();
    int longAxes = 0;
    for (long dim : shape) {
      longAxes += dim > 1 ? 1 : 0;
    }
    if (longAxes > 1) {
      throw new EngineException(
          EngineException.Kind.FAILED,
          "Piper voice " + model.name() + " returned output of shape " + java.util.Arrays.toString(shape) + "; expected samples on one axis",
          Map.of("shape", java.util.Arrays.toString(shape)));
    }
    FloatBuffer buffer = tensor.getFloatBuffer();
    float[] samples = new float[buffer.remaining()];
    buffer.get(samples);
    for (int i = 0; i < samples.length; i++) {
      // NaN from a broken model becomes silence rather than a click.
      float sample = samples[i];
      samples[i] = Float.isNaN(sample) ? 0f : Math.max(-1f, Math.min(1f, sample));
    }
    return samples;
  }

  /** noise, length, noise_w: the config's, overridden by params, the length divided by speed. */
  private float[] scales(Params params) throws EngineException {
    PiperVoiceConfig.Scales base = config.scales();
    double noise = TtsText.number(params, "noise_scale", base.noise(), SCALE_RANGE);
    double length = TtsText.number(params, "length_scale", base.length(), LENGTH_RANGE);
    double noiseW = TtsText.number(params, "noise_w", base.noiseW(), SCALE_RANGE);
    double speed = TtsText.number(params, "speed", 1.0, SPEED_RANGE);
    return new float[] {(float) noise, (float) (length / speed), (float) noiseW};
  }

  /**
   * The {@code sid} to feed, or null when the model takes none.
   *
   * @throws EngineException {@code INVALID_INPUT} for an unknown speaker name or id
   */
  private Long speakerId(Params params, boolean modelTakesSpeaker) throws EngineException {
    String requested = params.has("speaker") ? params.getString("speaker", "0").strip() : null;
    if (!modelTakesSpeaker) {
      if (requested != null && !requested.equals("0")) {
        throw new EngineException(
            EngineException.Kind.INVALID_INPUT,
            "voice " + model.name() + " has one speaker; param 'speaker' must be left out",
            Map.of("speaker", requested));
      }
      return null;
    }
    if (requested == null) {
      return 0L;
    }
    Integer named = config.speakers().ids().get(requested);
    long id;
    if (named != null) {
      id = named;
    } else {
      try {
        id = Long.parseLong(requested.endsWith(".0") ? requested.substring(0, requested.length() - 2) : requested);
      } catch (NumberFormatException e) {
        throw unknownSpeaker(requested);
      }
    }
    if (id < 0 || id >= config.speakers().count()) {
      throw unknownSpeaker(requested);
    }
    return id;
  }

  private EngineException unknownSpeaker(String requested) {
    List<String> names = new ArrayList<>(config.speakers().ids().keySet());
    String known =
        names.isEmpty()
            ? "ids 0.." + (config.speakers().count() - 1)
            : "ids 0.." + (config.speakers().count() - 1) + " or names such as " + String.join(", ", names.subList(0, Math.min(5, names.size())));
    return new EngineException(
        EngineException.Kind.INVALID_INPUT,
        "voice " + model.name() + " has no speaker '" + requested + "'; it takes " + known,
        Map.of("speaker", requested, "speakers", config.speakers().count()));
  }

  /** Concatenates sentence audio with {@code silence} zero samples between sentences. */
  static float[] join(List<float[]> parts, int silence) {
    long total = (long) silence * Math.max(0, parts.size() - 1);
    for (float[] part : parts) {
      total += part.length;
    }
    float[] joined = new float[Math.toIntExact(total)];
    int offset = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        offset += silence;
      }
      System.arraycopy(parts.get(i), 0, joined, offset, parts.get(i).length);
      offset += parts.get(i).length;
    }
    return joined;
  }
}
