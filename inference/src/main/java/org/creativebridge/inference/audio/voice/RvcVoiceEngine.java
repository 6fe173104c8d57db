package org.creativebridge.inference.audio.voice;

import static org.creativebridge.inference.runtime.ElementType.FLOAT32;
import static org.creativebridge.inference.runtime.ElementType.INT64;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.creativebridge.inference.runtime.ModelContract.TensorType;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * {@code audio.voice_convert} with an RVC (Retrieval-based Voice Conversion) v1 or v2 voice in ONNX:
 * the take's words in the voice the model was trained on.
 *
 * <p><b>Pipeline</b>: the take is mixed to mono and resampled to 16 kHz; the content encoder
 * (ContentVec/HuBERT, {@link #CONTENT_ENCODER_CONTRACT}) turns it into 50 feature frames a second
 * of 256 (v1) or 768 (v2) dims, each repeated twice to reach 100 frames/s; f0 comes at 100
 * frames/s from the RMVPE model when one is installed ({@link #RMVPE_CONTRACT}), else from {@link
 * PitchTracker}; it is moved by {@code semitones} (the "key") and fed as {@code pitchf} in Hz and as
 * {@code pitch}, RVC's coarse mel bins ({@link CoarsePitch}); the generator ({@link
 * #GENERATOR_CONTRACT}) also takes the frame count, the speaker id and 192 channels of Gaussian
 * noise per frame, and returns audio at the model's rate, {@code rate / 100} samples per frame.
 *
 * <p><b>Output rate</b>: from a sidecar config beside the generator ({@code <name>.json} or
 * {@code <name>.onnx.json}, key {@code sample_rate}, {@code sampling_rate} or {@code sr}) when one
 * exists, else the job's {@code sample_rate} param, else RVC's usual rate for the version: 40000 Hz
 * for v1, 48000 Hz for v2 (RVC trains 32k, 40k and 48k voices; a wrong rate plays the voice at the
 * wrong speed, so install the sidecar). The output has the take's duration at that rate.
 *
 * <p><b>Long takes</b> run in chunks ({@link Options#chunkSeconds()}, default 10 s) overlapping by
 * {@link Options#overlapSeconds()} (default 0.5 s), each chunk one encoder and one generator run.
 * Chunks start on whole content frames and every chunk sees the same f0 track and the same noise
 * for a given frame (noise is drawn per frame from the seed), so overlapping chunks agree as far as
 * the model lets them. Overlaps are crossfaded with a power-complementary law adjusted to how alike
 * the two chunks are there (see {@link #crossfade}): equal power where they differ, equal gain
 * where they agree, so the seam neither dips nor bumps.
 *
 * <p><b>Params</b>: {@code semitones} -24..24 (default 0), {@code speaker} (the generator's
 * {@code ds}, default 0), {@code seed} (the noise; default 0), {@code sample_rate} (see above).
 *
 * <p>Thread-safety: thread-safe; sessions come from the shared {@link SessionCache} per job and
 * nothing else is mutable, so {@link EngineInfo#concurrent()} is true.
 */
public final class RvcVoiceEngine implements Engine {
  public static final String TASK = "audio.voice_convert";
  /** Bumped whenever the output for a recipe changes. */
  public static final String VERSION = "1";
  public static final int V1_DIMS = 256;
  public static final int V2_DIMS = 768;
  public static final int NOISE_CHANNELS = 192;
  public static final int V1_DEFAULT_RATE = 40000;
  public static final int V2_DEFAULT_RATE = 48000;
  /** 16 kHz samples per content-encoder frame (50 frames/s). */
  public static final int CONTENT_HOP = 320;

  /** The RVC generator as RVC's ONNX export writes it (v1: phone dim 256, v2: 768). */
  public static final ModelContract GENERATOR_CONTRACT =
      ModelContract.builder("rvc")
          .input("phone", TensorType.of(FLOAT32, 1, -1, V1_DIMS), TensorType.of(FLOAT32, 1, -1, V2_DIMS))
          .input("phone_lengths", INT64, 1)
          .input("pitch", INT64, 1, -1)
          .input("pitchf", FLOAT32, 1, -1)
          .input("ds", INT64, 1)
          .input("rnd", FLOAT32, 1, NOISE_CHANNELS, -1)
          .output(
              "audio",
              TensorType.of(FLOAT32, 1, 1, -1),
              TensorType.of(FLOAT32, 1, -1),
              TensorType.of(FLOAT32, -1))
          .build();

  /**
   * A ContentVec/HuBERT content encoder: 16 kHz samples in, feature frames out, channels first as
   * the usual {@code vec-256-layer-9} / {@code vec-768-layer-12} exports give them (channels last
   * accepted too).
   */
  public static final ModelContract CONTENT_ENCODER_CONTRACT =
      ModelContract.builder("contentvec")
          .input("source", FLOAT32, 1, 1, -1)
          .output(
              "embed",
              TensorType.of(FLOAT32, 1, V1_DIMS, -1),
              TensorType.of(FLOAT32, 1, V2_DIMS, -1),
              TensorType.of(FLOAT32, 1, -1, V1_DIMS),
              TensorType.of(FLOAT32, 1, -1, V2_DIMS))
          .build();

  /** RMVPE: log-mel frames in, pitch salience out; see {@link RmvpePitch}. */
  public static final ModelContract RMVPE_CONTRACT = RmvpePitch.CONTRACT;

  private static final Pattern SAMPLE_RATE_KEY =
      Pattern.compile("\"(?:sample_rate|sampling_rate|samplingRate|sr)\"\\s*:\\s*(\\d+)");
  private static final int MIN_RATE = 8000;
  private static final int MAX_RATE = 96000;

  /**
   * One installed model.
   *
   * @param id the installed model's id, as recipes name it
   */
  public record Model(String id, ModelFile file) {
    public Model {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * What an RVC engine runs on.
   *
   * @param voice the generator; its id is the engine's id
   * @param contentEncoder the ContentVec/HuBERT encoder matching the voice's version
   * @param pitchModel an RMVPE model, or null to track f0 with {@link PitchTracker}
   * @param sessions where sessions are leased
   */
  public record Setup(Model voice, Model contentEncoder, Model pitchModel, SessionCache sessions) {
    public Setup {
      Objects.requireNonNull(voice, "voice");
      Objects.requireNonNull(contentEncoder, "contentEncoder");
      Objects.requireNonNull(sessions, "sessions");
    }
  }

  /**
   * How the engine runs.
   *
   * @param device where the sessions run, as {@link EngineInfo#device()} reports it
   * @param chunkSeconds the length of one generator run
   * @param overlapSeconds how much consecutive chunks share, crossfaded
   */
  public record Options(String device, double chunkSeconds, double overlapSeconds) {
    public static final double DEFAULT_CHUNK_SECONDS = 10;
    public static final double DEFAULT_OVERLAP_SECONDS = 0.5;

    public Options {
      Objects.requireNonNull(device, "device");
      if (!(overlapSeconds >= 0.02 && chunkSeconds >= 2 * overlapSeconds + 0.02)) {
        throw new IllegalArgumentException(
            "chunks must be longer than twice their overlap, and overlap at least 20 ms: " + chunkSeconds + " s / " + overlapSeconds + " s");
      }
    }

    public static Options defaults(String device) {
      return new Options(device, DEFAULT_CHUNK_SECONDS, DEFAULT_OVERLAP_SECONDS);
    }

    /** Frames per chunk, even so chunks start on whole content-encoder frames. */
    int chunkFrames() {
      return 2 * (int) Math.round(chunkSeconds * PitchTracker.FRAME_RATE / 2);
    }

    int overlapFrames() {
      return Math.max(2, 2 * (int) Math.round(overlapSeconds * PitchTracker.FRAME_RATE / 2));
    }
  }

  /** Sees every ONNX run and its wall time; for benchmarks. */
  interface RunObserver {
    void onRun(String model, long nanos);
  }

  private final Setup setup;
  private final Options options;
  private final EngineInfo info;
  /** The sidecar's rate, or 0 when the voice has no sidecar naming one. */
  private final int configuredRate;
  private final PitchTracker tracker = new PitchTracker();
  private volatile RunObserver observer;

  public RvcVoiceEngine(Setup setup) {
    this(setup, Options.defaults("cpu"));
  }

  public RvcVoiceEngine(Setup setup, Options options) {
    this.setup = Objects.requireNonNull(setup, "setup");
    this.options = Objects.requireNonNull(options, "options");
    this.configuredRate = sidecarRate(setup.voice().file().path());
    this.info =
        new EngineInfo(
            setup.voice().id(),
            TASK,
            EngineInfo.Kind.MODEL,
            "RVC voice " + setup.voice().file().name() + " with content encoder " + setup.contentEncoder().file().name()
                + (setup.pitchModel() == null ? ", f0 by YIN" : ", f0 by RMVPE"),
            setup.voice().file().sha256(),
            options.device(),
            VERSION,
            true);
  }

  @Override
  public EngineInfo info() {
    return info;
  }

  void observe(RunObserver runObserver) {
    this.observer = runObserver;
  }

  /** The rate the sidecar config names, 0 if there is none. */
  public int configuredSampleRate() {
    return configuredRate;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    AudioClip clip = request.input("audio", AudioClip.class);
    Job job = Job.of(request.params());
    if (clip.frames() == 0) {
      throw new EngineException(EngineException.Kind.AUDIO_UNREADABLE, "the audio input holds no samples");
    }
    try (SessionCache.Lease generator = setup.sessions().lease(setup.voice().file(), GENERATOR_CONTRACT);
        SessionCache.Lease encoder = setup.sessions().lease(setup.contentEncoder().file(), CONTENT_ENCODER_CONTRACT)) {
      int dims = featureDims(generator.fit(), encoder.fit());
      int rate = outputRate(job, dims);
      context.stage("analyse");
      float[] samples16k = PitchTracker.toAnalysisRate(clip);
      float[] f0 = pitch(samples16k, context);
      context.stage("convert");
      Take take = new Take(samples16k, CoarsePitch.shifted(f0, job.semitones()), job, dims);
      float[] audio = new Conversion(take, new Sessions(generator, encoder), rate / PitchTracker.FRAME_RATE, context).run();
      int length = (int) Math.min(audio.length, org.creativebridge.inference.audio.Resampler.outputFrames(clip.frames(), clip.sampleRate(), rate));
      float[] out = java.util.Arrays.copyOf(audio, length);
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.max(-1f, Math.min(1f, out[i]));
      }
      context.progress(1);
      return new EngineResult(Map.of("audio", new AudioClip(rate, 1, clip.format(), out)));
    }
  }

  /** A job's params, checked. */
  private record Job(double semitones, long speaker, long seed, int sampleRate) {
    static Job of(Params params) throws EngineException {
      try {
        double semitones = params.getDouble("semitones", 0);
        if (!(Math.abs(semitones) <= PitchShiftEngine.MAX_SEMITONES)) {
          throw invalid("semitones must be within -24..24: " + semitones);
        }
        long speaker = params.getLong("speaker", 0);
        if (speaker < 0) {
          throw invalid("speaker must be 0 or more: " + speaker);
        }
        int sampleRate = params.getInt("sample_rate", 0);
        if (sampleRate != 0 && (sampleRate < MIN_RATE || sampleRate > MAX_RATE || sampleRate % PitchTracker.FRAME_RATE != 0)) {
          throw invalid("sample_rate must be a multiple of 100 within 8000..96000: " + sampleRate);
        }
        return new Job(semitones, speaker, params.getLong("seed", 0), sampleRate);
      } catch (ClassCastException | ArithmeticException e) {
        throw invalid("semitones, speaker, seed and sample_rate must be numbers");
      }
    }

    private static EngineException invalid(String message) {
      return new EngineException(EngineException.Kind.INVALID_INPUT, message);
    }
  }

  /** The leased sessions one job uses. */
  private record Sessions(SessionCache.Lease generator, SessionCache.Lease encoder) {}

  /** One take's inputs to the chunks: 16 kHz samples, the shifted f0 per frame, the job. */
  private record Take(float[] samples16k, float[] pitchHz, Job job, int dims) {}

  private float[] pitch(float[] samples16k, JobContext context) throws EngineException, CancelledException {
    if (setup.pitchModel() == null) {
      return tracker.track16k(samples16k);
    }
    try (SessionCache.Lease rmvpe = setup.sessions().lease(setup.pitchModel().file(), RMVPE_CONTRACT)) {
      long started = System.nanoTime();
      float[] f0 = RmvpePitch.track(rmvpe, samples16k, context);
      reportRun("rmvpe", System.nanoTime() - started);
      return f0;
    }
  }

  /** The feature size both models agree on, or a refusal naming the mismatch. */
  private int featureDims(ModelContract.Fit generator, ModelContract.Fit encoder) throws EngineException {
    long generatorDims = generator.input("phone").shape().get(2);
    List<Long> embed = encoder.output("embed").shape();
    long encoderDims = embed.get(1) == V1_DIMS || embed.get(1) == V2_DIMS ? embed.get(1) : embed.get(2);
    if (generatorDims == -1 && encoderDims == -1) {
      return V2_DIMS; // both dynamic: the features' actual size is checked against the generator at run time
    }
    if (generatorDims != -1 && encoderDims != -1 && generatorDims != encoderDims) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "content encoder "
              + setup.contentEncoder().file().name()
              + " gives "
              + encoderDims
              + "-dim features but RVC voice "
              + setup.voice().file().name()
              + " takes "
              + generatorDims
              + " (v1 voices need a 256-dim encoder such as vec-256-layer-9, v2 voices a 768-dim one such as vec-768-layer-12)",
          Map.of("encoderDims", encoderDims, "voiceDims", generatorDims));
    }
    return (int) (generatorDims != -1 ? generatorDims : encoderDims);
  }

  private int outputRate(Job job, int dims) {
    if (configuredRate != 0) {
      return configuredRate;
    }
    if (job.sampleRate() != 0) {
      return job.sampleRate();
    }
    return dims == V1_DIMS ? V1_DEFAULT_RATE : V2_DEFAULT_RATE;
  }

  /**
   * One job's conversion: the take, the sessions, the output's samples per frame and the job's
   * context, shared by its chunk runs. Confined to the job's thread.
   */
  private final class Conversion {
    private final Take take;
    private final Sessions sessions;
    private final int hop;
    private final JobContext context;

    Conversion(Take take, Sessions sessions, int hop, JobContext context) {
      this.take = take;
      this.sessions = sessions;
      this.hop = hop;
      this.context = context;
    }

    /** The take converted chunk by chunk and crossfaded: {@code frames * hop} samples. */
    float[] run() throws EngineException, CancelledException {
      double seconds = (double) take.samples16k().length / PitchTracker.ANALYSIS_RATE;
      int frames = Math.max(1, (int) Math.ceil(seconds * PitchTracker.FRAME_RATE));
      int chunk = options.chunkFrames();
      int overlap = options.overlapFrames();
      int step = chunk - overlap;
      int chunks = frames <= chunk ? 1 : (frames - overlap + step - 1) / step;
      float[] output = new float[Math.multiplyExact(frames, hop)];
      for (int c = 0; c < chunks; c++) {
        context.checkCancelled();
        int start = c * step;
        int end = Math.min(frames, start + chunk);
        float[] audio = convertChunk(new FrameRange(start, end));
        if (c == 0) {
          System.arraycopy(audio, 0, output, 0, audio.length);
        } else {
          crossfade(output, audio, start * hop, overlap * hop);
        }
        context.progress((c + 1.0) / chunks * 0.99);
      }
      return output;
    }

    /** One chunk through the encoder and the generator: exactly {@code length * hop} samples. */
    private float[] convertChunk(FrameRange range) throws EngineException, CancelledException {
      int frames = range.length();
      float[] source = new float[frames * PitchTracker.HOP];
      int from = range.start() * PitchTracker.HOP;
      int available = Math.max(0, Math.min(source.length, take.samples16k().length - from));
      System.arraycopy(take.samples16k(), from, source, 0, available);
      float[] phone = contentFeatures(source, frames);
      float[] pitchf = new float[frames];
      long[] pitch = new long[frames];
      for (int t = 0; t < frames; t++) {
        int frame = range.start() + t;
        pitchf[t] = frame < take.pitchHz().length ? take.pitchHz()[frame] : 0f;
        pitch[t] = CoarsePitch.bin(pitchf[t]);
      }
      float[] noise = noise(take.job().seed(), range);
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
      try {
        inputs.put("phone", OnnxTensor.createTensor(environment, FloatBuffer.wrap(phone), new long[] {1, frames, take.dims()}));
        inputs.put("phone_lengths", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[] {frames}), new long[] {1}));
        inputs.put("pitch", OnnxTensor.createTensor(environment, LongBuffer.wrap(pitch), new long[] {1, frames}));
        inputs.put("pitchf", OnnxTensor.createTensor(environment, FloatBuffer.wrap(pitchf), new long[] {1, frames}));
        inputs.put("ds", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[] {take.job().speaker()}), new long[] {1}));
        inputs.put("rnd", OnnxTensor.createTensor(environment, FloatBuffer.wrap(noise), new long[] {1, NOISE_CHANNELS, frames}));
        long started = System.nanoTime();
        float[] samples;
        try (OrtSession.Result result = sessions.generator().run(inputs, context)) {
          samples = flatFloats(result.get("audio").orElse(null), "RVC voice " + setup.voice().file().name());
        }
        reportRun("generator", System.nanoTime() - started);
        // The generator makes hop samples per frame; anything else is padded or cut so chunks align.
        return java.util.Arrays.copyOf(samples, frames * hop);
      } catch (OrtException e) {
        throw new EngineException(
            EngineException.Kind.FAILED, "RVC voice " + setup.voice().file().name() + " failed: " + e.getMessage(), Map.of(), e);
      } finally {
        inputs.values().forEach(OnnxTensor::close);
      }
    }

    /**
     * The content features of one chunk at 100 frames/s, [frames][dims] flattened: the encoder's
     * 50 Hz frames each used twice, the last one held if the encoder returned fewer (real encoders
     * drop a partial frame at the end).
     */
    private float[] contentFeatures(float[] source, int frames) throws EngineException, CancelledException {
      SessionCache.Lease encoder = sessions.encoder();
      int dims = take.dims();
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(source), new long[] {1, 1, source.length})) {
        long started = System.nanoTime();
        try (OrtSession.Result result = encoder.run(Map.of("source", input), context)) {
          reportRun("content encoder", System.nanoTime() - started);
          OnnxTensor embed = (OnnxTensor) result.get("embed").orElseThrow();
          long[] shape = embed.getInfo().getShape();
          boolean channelsFirst = shape[1] == dims && (shape[2] != dims || encoder.fit().output("embed").shape().get(1) == dims);
          if (!channelsFirst && shape[2] != dims) {
            throw new EngineException(
                EngineException.Kind.MODEL_UNAVAILABLE,
                "content encoder " + setup.contentEncoder().file().name() + " returned features of shape "
                    + java.util.Arrays.toString(shape) + "; RVC voice " + setup.voice().file().name() + " takes " + dims + " dims",
                Map.of("shape", java.util.Arrays.toString(shape)));
          }
          int encoded = (int) (channelsFirst ? shape[2] : shape[1]);
          float[] values = new float[embed.getFloatBuffer().remaining()];
          embed.getFloatBuffer().get(values);
          float[] phone = new float[frames * dims];
          if (encoded == 0) {
            return phone;
          }
          for (int t = 0; t < frames; t++) {
            int feature = Math.min(t / 2, encoded - 1);
            for (int d = 0; d < dims; d++) {
              phone[t * dims + d] = channelsFirst ? values[d * encoded + feature] : values[feature * dims + d];
            }
          }
          return phone;
        }
      } catch (OrtException e) {
        throw new EngineException(
            EngineException.Kind.FAILED,
            "content encoder " + setup.contentEncoder().file().name() + " failed: " + e.getMessage(),
            Map.of(),
            e);
      }
    }
  }

  /** Frames {@code start} (inclusive) to {@code end} (exclusive) at 100 frames/s. */
  private record FrameRange(int start, int end) {
    int length() {
      return end - start;
    }
  }

  /**
   * Standard normal noise [192][frames] flattened, drawn per global frame from (seed, frame): a
   * frame gets the same noise in every chunk that covers it, so overlaps agree.
   */
  static float[] noise(long seed, int startFrame, int frames) {
    float[] noise = new float[NOISE_CHANNELS * frames];
    for (int t = 0; t < frames; t++) {
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + startFrame + t);
      for (int channel = 0; channel < NOISE_CHANNELS; channel++) {
        noise[channel * frames + t] = (float) random.nextGaussian();
      }
    }
    return noise;
  }

  private static float[] noise(long seed, FrameRange range) {
    return noise(seed, range.start(), range.length());
  }

  /**
   * Blends {@code next} into {@code output} from {@code at} on, over its first {@code overlap}
   * samples; the rest of {@code next} is copied.
   *
   * <p>The law: with x running 0..1 across the overlap, u = 1 - x and v = x, the old chunk is
   * weighted u / n and the new one v / n with n = sqrt(u^2 + v^2 + 2 rho u v), rho being the two
   * chunks' correlation over the overlap (clamped to 0..1). That keeps the expected power of the
   * blend constant whatever rho is: it is the classic equal-power fade (cos/sin-like) for
   * unrelated signals (rho 0) and the equal-gain linear fade for identical ones (rho 1), where an
   * equal-power fade would bump the level by 3 dB mid-seam. Chunks of one model over the same
   * frames lie in between, mostly near 1.
   */
  static void crossfade(float[] output, float[] next, int at, int overlap) {
    int span = Math.min(overlap, Math.min(next.length, output.length - at));
    double cross = 0;
    double oldPower = 0;
    double newPower = 0;
    for (int i = 0; i < span; i++) {
      cross += (double) output[at + i] * next[i];
      oldPower += (double) output[at + i] * output[at + i];
      newPower += (double) next[i] * next[i];
    }
    double rho = oldPower > 0 && newPower > 0 ? cross / Math.sqrt(oldPower * newPower) : 1;
    rho = Math.max(0, Math.min(1, rho));
    for (int i = 0; i < span; i++) {
      double x = (i + 0.5) / span;
      double u = 1 - x;
      double v = x;
      double norm = Math.sqrt(u * u + v * v + 2 * rho * u * v);
      output[at + i] = (float) ((output[at + i] * u + next[i] * v) / norm);
    }
    int rest = Math.min(next.length - span, output.length - at - span);
    if (rest > 0) {
      System.arraycopy(next, span, output, at + span, rest);
    }
  }

  private static float[] flatFloats(Object value, String what) throws EngineException, OrtException {
    if (!(value instanceof OnnxTensor)) {
      throw new EngineException(EngineException.Kind.FAILED, what + " returned no 'audio' tensor");
    }
    OnnxTensor tensor = (OnnxTensor) value;
    long[] shape = tensor.getInfo().getShape();
    int longAxes = 0;
    for (long dim : shape) {
      longAxes += dim > 1 ? 1 : 0;
    }
    if (longAxes > 1) {
      throw new EngineException(
          EngineException.Kind.FAILED,
          what + " returned audio of shape " + java.util.Arrays.toString(shape) + "; expected samples on one axis",
          Map.of("shape", java.util.Arrays.toString(shape)));
    }
    FloatBuffer buffer = tensor.getFloatBuffer();
    float[] samples = new float[buffer.remaining()];
    buffer.get(samples);
    return samples;
  }

  private void reportRun(String model, long nanos) {
    RunObserver watching = observer;
    if (watching != null) {
      watching.onRun(model, nanos);
    }
  }

  /** The sample rate a sidecar config beside {@code model} names, 0 if none. */
  static int sidecarRate(Path model) {
    String file = model.getFileName().toString();
    String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - ".onnx".length()) : file;
    for (Path candidate : List.of(model.resolveSibling(stem + ".json"), model.resolveSibling(file + ".json"))) {
      if (!Files.isRegularFile(candidate)) {
        continue;
      }
      try {
        String text = Files.readString(candidate, StandardCharsets.UTF_8);
        Matcher matcher = SAMPLE_RATE_KEY.matcher(text);
        if (matcher.find()) {
          long rate = Long.parseLong(matcher.group(1));
          if (rate >= MIN_RATE && rate <= MAX_RATE && rate % PitchTracker.FRAME_RATE == 0) {
            return (int) rate;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // An unreadable sidecar is no sidecar: the param or the version's default applies.
      }
    }
    return 0;
  }
}
