package org.creativebridge.inference.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.creativebridge.inference.EngineException;

/**
 * The daemon's one ONNX Runtime: it owns the ORT environment, chooses the execution provider once
 * at start (CUDA, then DirectML, then CoreML when this ORT build has them and they load; CPU
 * otherwise or when the config says {@code cpu}), builds the session options every model uses,
 * and owns the {@link SessionCache} engines lease sessions from.
 *
 * <p>Thread-safe: start one per daemon and share it. Closing it closes idle sessions at once and
 * leased ones when their lease ends.
 */
public final class OnnxRuntime implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(OnnxRuntime.class.getName());

  private final OrtEnvironment environment;
  private final Device device;
  private final int intraOpThreads;
  private final SessionCache sessions;

  /**
   * How the daemon wants ONNX Runtime set up.
   *
   * <p>Immutable; thread-safe.
   *
   * @param device {@code auto} (best available) or {@code cpu} (never a GPU, e.g. for a flaky
   *     driver or reproducing a CPU result)
   * @param maxIntraOpThreads upper bound on threads one session uses inside an operator; the
   *     runtime uses fewer when the machine has fewer processors
   * @param sessionBudgetBytes estimated memory loaded sessions may keep; 0 closes each session as
   *     soon as its last lease ends. See {@link SessionCache}
   */
  public record Config(String device, int maxIntraOpThreads, long sessionBudgetBytes) {
    public Config {
      Objects.requireNonNull(device, "device");
      if (!device.equals("auto") && !device.equals("cpu")) {
        throw new IllegalArgumentException("device must be 'auto' or 'cpu', got '" + device + "'");
      }
      if (maxIntraOpThreads < 1) {
        throw new IllegalArgumentException("maxIntraOpThreads must be at least 1");
      }
      if (sessionBudgetBytes < 0) {
        throw new IllegalArgumentException("sessionBudgetBytes cannot be negative");
      }
    }

    /**
     * {@code auto}; half the logical processors (ORT's own default targets physical cores, which
     * SMT machines have half as many of, and the daemon leaves room for the artist's app); half of
     * physical memory for sessions.
     */
    public static Config defaults() {
      int processors = Runtime.getRuntime().availableProcessors();
      return new Config("auto", Math.max(1, processors / 2), physicalMemory() / 2);
    }

    private static long physicalMemory() {
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean) {
        return ((com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
      }
      return 8L << 30;
    }
  }

  private OnnxRuntime(OrtEnvironment environment, Device device, int intraOpThreads, long budget) {
    this.environment = environment;
    this.device = device;
    this.intraOpThreads = intraOpThreads;
    this.sessions = new SessionCache(this::openSession, budget, device.wireName);
  }

  /**
   * Starts ONNX Runtime and chooses the device.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when the native library cannot load on this
   *     machine: every model engine is unavailable, but the daemon's built-in engines still serve
   */
  /**
   * The longest process command line (bytes of {@code /proc/self/cmdline}) with which ONNX Runtime
   * 1.29's native start-up does not crash the whole JVM: measured here, 3914 bytes worked and 4014
   * crashed with SIGSEGV. A JVM started with a long {@code -cp} gets a clear error instead.
   */
  static final int MAX_COMMAND_LINE_BYTES = 3900;

  static void refuseLongCommandLine(Path cmdline) throws EngineException {
    long length;
    try {
      // procfs reports size 0, so the bytes are read, not stat-ed.
      length = java.nio.file.Files.readAllBytes(cmdline).length;
    } catch (java.io.IOException | UnsupportedOperationException notLinux) {
      return;
    }
    if (length > MAX_COMMAND_LINE_BYTES) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "ONNX Runtime 1.29 crashes when the process command line is longer than about 4 KB (this one is "
              + length
              + " bytes); start Java with -jar, or put a long class path in an @argfile",
          Map.of("command_line_bytes", length));
    }
  }

  public static OnnxRuntime start(Config config) throws EngineException {
    refuseLongCommandLine(Path.of("/proc/self/cmdline"));
    OrtEnvironment environment;
    Set<OrtProvider> available;
    try {
      environment =
          OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "creative-bridge");
      available = OrtEnvironment.getAvailableProviders();
    } catch (RuntimeException | LinkageError e) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          "ONNX Runtime cannot start on this machine: " + e.getMessage(),
          Map.of(),
          e);
    }
    Device device =
        Device.choose(available, config.device().equals("cpu"), d -> works(environment, d));
    int threads = Math.min(config.maxIntraOpThreads(), Runtime.getRuntime().availableProcessors());
    LOG.log(
        Level.INFO,
        "ONNX Runtime {0}: providers {1}, using {2} with {3} intra-op threads",
        environment.getVersion(),
        available,
        device.wireName,
        threads);
    return new OnnxRuntime(environment, device, threads, config.sessionBudgetBytes());
  }

  /** Where sessions run: {@code cuda}, {@code dml}, {@code coreml} or {@code cpu}. */
  public String device() {
    return device.wireName;
  }

  /** The ONNX Runtime version, for diagnostics. */
  public String version() {
    return environment.getVersion();
  }

  int intraOpThreads() {
    return intraOpThreads;
  }

  /** The daemon's session cache; engines lease their sessions here. */
  public SessionCache sessions() {
    return sessions;
  }

  @Override
  public void close() {
    sessions.close();
    // OrtEnvironment is a process-wide singleton whose close() is a no-op; ORT frees it at exit.
  }

  /**
   * Loads {@code model} just long enough to read its inputs and outputs, with the same session
   * options as every other session (so no custom-op library, ever), outside the session cache: an
   * import or a family check should not evict the sessions jobs are using.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when the file cannot load (truncated, garbage,
   *     unsupported opset), {@code OUT_OF_MEMORY} when ORT cannot allocate it
   */
  public ModelContract.Signature describe(ModelFile model) throws EngineException {
    OrtSession session = openSession(model);
    try {
      return ModelContract.Signature.of(session);
    } finally {
      try {
        session.close();
      } catch (OrtException e) {
        LOG.log(Level.WARNING, "closing the session of model " + model.name() + " failed", e);
      }
    }
  }

  /** Creates a session for {@code model} on the chosen device. The caller owns the session. */
  OrtSession openSession(ModelFile model) throws EngineException {
    try (SessionOptions options = sessionOptions()) {
      return environment.createSession(model.path().toString(), options);
    } catch (OrtException e) {
      throw OrtFailures.atLoad(model, e);
    }
  }

  /** The options every session gets. Never registers a custom-op library: models run stock ops. */
  SessionOptions sessionOptions() throws OrtException {
    SessionOptions options = new SessionOptions();
    try {
      options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      // Sequential: node order is fixed, and inter-op parallelism rarely helps the chain-shaped
      // image models we run while it would double the thread count per session.
      options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setInterOpNumThreads(1);
      options.setIntraOpNumThreads(intraOpThreads);
      // Reuses the activation layout planned on the first run of a given input shape.
      options.setMemoryPatternOptimization(true);
      // Recipes promise the same output for the same input: ask kernels for deterministic
      // algorithms where ORT has a choice (cuDNN convolution search, some CPU reductions).
      options.setDeterministicCompute(true);
      // Idle pool threads otherwise spin for a while after each run, burning the artist's CPU
      // (and battery) while their app is in the foreground.
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      device.addTo(options);
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  /**
   * Whether a session really runs on {@code device}: the build may list a provider whose library,
   * driver or GPU is missing, and that only shows when a session is created.
   */
  private static boolean works(OrtEnvironment environment, Device device) {
    try (SessionOptions options = new SessionOptions()) {
      device.addTo(options);
      try (OrtSession probe = environment.createSession(ProbeModel.bytes(), options)) {
        return probe.getNumInputs() == 1;
      }
    } catch (OrtException | RuntimeException | LinkageError e) {
      LOG.log(
          Level.WARNING,
          "ONNX Runtime lists {0} but a session cannot run on it; trying the next device: {1}",
          device.wireName.toUpperCase(Locale.ROOT),
          e.getMessage());
      return false;
    }
  }
}
