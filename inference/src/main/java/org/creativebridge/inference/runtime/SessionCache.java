package org.creativebridge.inference.runtime;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;

/**
 * Loaded sessions keyed by model sha256, kept under a memory budget.
 *
 * <p>Loading a model takes seconds and gigabytes, so sessions stay loaded between jobs. Each
 * session's cost is estimated from its file sizes (see {@link #estimatedCost}); when loading
 * another would exceed the budget, the least recently used sessions nobody holds a {@link Lease}
 * on are closed first. A leased session is never closed under its caller: if everything loaded is
 * leased, the new model loads anyway and the cache runs over budget until leases end, because
 * refusing would block a job that ORT might well fit (the budget is an estimate, and a model larger
 * than the whole budget must still be able to run alone). Two threads leasing the same model wait
 * for one load.
 *
 * <p>Thread-safe. Loads run outside the cache lock, so one slow load does not stall leases of
 * other models.
 */
public final class SessionCache implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SessionCache.class.getName());

  /**
   * Why twice the file bytes: ORT copies every initializer into its own buffers, and on CPU it
   * pre-packs MatMul/Conv/Gemm weights into kernel layouts; the packed copy sits beside the
   * original whenever another node shares that weight, and the model's protobuf is held until
   * session init ends. Measured sessions land between 1x and 2x their files; over-counting only
   * means an idle session is closed a little early, under-counting means swapping. On GPU
   * providers the weights move to device memory, which 2x over-states: the same safe direction.
   */
  static final int COST_FACTOR = 2;

  /**
   * Graph, kernels, allocator arenas' first chunks and the session's thread pool: the cost of even
   * a tiny model. Activations are not counted: they belong to a run, scale with the input, and
   * are returned to the arena when it ends.
   */
  static final long SESSION_OVERHEAD_BYTES = 16L << 20;

  /** Loads a session for a model file; the cache owns the result. */
  @FunctionalInterface
  interface Loader {
    OrtSession load(ModelFile model) throws EngineException;
  }

  private final Loader loader;
  private final long budgetBytes;
  private final String device;

  private final Object lock = new Object();

  /** In access order, so iteration starts at the least recently used. Guarded by {@code lock}. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  /** Estimated cost of loaded and loading sessions. Guarded by {@code lock}. */
  private long usedBytes;

  /** Guarded by {@code lock}. */
  private boolean closed;

  SessionCache(Loader loader, long budgetBytes, String device) {
    this.loader = loader;
    this.budgetBytes = budgetBytes;
    this.device = device;
  }

  /** The estimated memory a session of {@code model} holds, in bytes. */
  static long estimatedCost(ModelFile model) {
    return COST_FACTOR * model.totalBytes() + SESSION_OVERHEAD_BYTES;
  }

  /**
   * Leases the session for {@code model}, loading it (once, however many threads ask) if it is not
   * loaded, and checks it against {@code contract}. Close the lease when the job is done with the
   * session; until then the cache will not close it.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when the file cannot load or does not fit
   *     the contract; {@code OUT_OF_MEMORY} when ORT cannot allocate it
   */
  public Lease lease(ModelFile model, ModelContract contract) throws EngineException {
    Entry entry;
    boolean mustLoad;
    List<Entry> evicted;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the session cache is closed");
      }
      entry = entries.get(model.sha256());
      mustLoad = entry == null;
      if (mustLoad) {
        entry = new Entry(model, estimatedCost(model));
        evicted = makeRoom(entry.cost);
        entries.put(model.sha256(), entry);
        usedBytes += entry.cost;
      } else {
        evicted = List.of();
      }
      entry.leases++; // pins it: from here on nothing evicts it until this lease ends
    }
    closeAll(evicted); // before loading, so the freed memory is there for the new session

    boolean leased = false;
    try {
      OrtSession session = mustLoad ? load(entry) : await(entry);
      ModelContract.Fit fit = entry.fit(session, contract);
      Lease lease = new Lease(this, entry, session, fit);
      leased = true;
      return lease;
    } finally {
      if (!leased) {
        // A model just loaded for a contract it does not fit should not sit on the budget.
        release(entry, mustLoad);
      }
    }
  }

  /** The estimated bytes held by loaded and loading sessions. */
  long usedBytes() {
    synchronized (lock) {
      return usedBytes;
    }
  }

  /** The sha256 keys of cached sessions, least recently used first. */
  List<String> cachedModels() {
    synchronized (lock) {
      return List.copyOf(entries.keySet());
    }
  }

  /** Closes idle sessions now and leased ones as their leases end; further leases are refused. */
  @Override
  public void close() {
    List<Entry> idle = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        Entry entry = it.next();
        if (entry.leases == 0) {
          it.remove();
          usedBytes -= entry.cost;
          idle.add(entry);
        }
      }
    }
    closeAll(idle);
  }

  private OrtSession load(Entry entry) throws EngineException {
    Throwable failure = null;
    try {
      OrtSession session = loader.load(entry.model);
      entry.session.complete(session);
      return session;
    } catch (EngineException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (failure != null) {
        // Forget the entry so a later lease retries (the file may be replaced), and hand waiting
        // threads the same failure: they must never wait on a load that will not finish.
        synchronized (lock) {
          if (entries.get(entry.model.sha256()) == entry) {
            entries.remove(entry.model.sha256());
            usedBytes -= entry.cost;
          }
        }
        entry.session.completeExceptionally(failure);
      }
    }
  }

  private static OrtSession await(Entry entry) throws EngineException {
    try {
      return entry.session.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException(
          EngineException.Kind.FAILED,
          "interrupted while waiting for model " + entry.model.name() + " to load",
          Map.of(),
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof EngineException) {
        EngineException failure = (EngineException) cause;
        // A fresh exception carries this thread's stack; the kind and message stay the loader's.
        throw new EngineException(failure.kind(), failure.getMessage(), failure.details(), failure);
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Removes least recently used idle sessions until {@code incoming} more bytes fit the budget or
   * nothing idle is left. Returns them for closing outside the lock.
   */
  private List<Entry> makeRoom(long incoming) {
    List<Entry> evicted = new ArrayList<>();
    for (Iterator<Entry> it = entries.values().iterator();
        it.hasNext() && usedBytes + incoming > budgetBytes; ) {
      Entry candidate = it.next();
      if (candidate.leases == 0 && candidate.isLoaded()) {
        it.remove();
        usedBytes -= candidate.cost;
        evicted.add(candidate);
      }
    }
    return evicted;
  }

  private void release(Entry entry) {
    release(entry, false);
  }

  /** Ends one lease; {@code discard} closes the session now if that was the last lease. */
  private void release(Entry entry, boolean discard) {
    List<Entry> toClose;
    synchronized (lock) {
      entry.leases--;
      // Recency counts from when a job last finished with a model, not when it started: the
      // access-ordered map moves the entry to the most-recent end on get().
      boolean cached = entries.get(entry.model.sha256()) == entry;
      if (entry.leases > 0) {
        return;
      }
      if ((closed || discard) && cached) {
        entries.remove(entry.model.sha256());
        usedBytes -= entry.cost;
        toClose = List.of(entry);
      } else {
        // Loads that went over budget while everything was leased are paid back now.
        toClose = makeRoom(0);
      }
    }
    closeAll(toClose);
  }

  private static void closeAll(List<Entry> entries) {
    for (Entry entry : entries) {
      entry.closeSession();
    }
  }

  /** One model's session, loaded or loading. */
  private static final class Entry {
    final ModelFile model;
    final long cost;
    final CompletableFuture<OrtSession> session = new CompletableFuture<>();

    /** Contract checks are cheap but not free; a model is usually leased under one contract. */
    final Map<ModelContract, ModelContract.Fit> fits = new ConcurrentHashMap<>();

    /** Guarded by the cache's lock. */
    int leases;

    Entry(ModelFile model, long cost) {
      this.model = model;
      this.cost = cost;
    }

    boolean isLoaded() {
      return session.isDone() && !session.isCompletedExceptionally();
    }

    ModelContract.Fit fit(OrtSession loaded, ModelContract contract) throws EngineException {
      ModelContract.Fit fit = fits.get(contract);
      if (fit == null) {
        fit = contract.check(loaded, "model " + model.name());
        fits.put(contract, fit);
      }
      return fit;
    }

    void closeSession() {
      OrtSession loaded = session.getNow(null);
      if (loaded == null) {
        return;
      }
      try {
        loaded.close();
      } catch (OrtException | RuntimeException e) {
        LOG.log(Level.WARNING, "closing the session of model " + model.name() + " failed", e);
      }
    }
  }

  /**
   * A hold on one cached session: while it is open the cache will not close the session. Close it
   * (try-with-resources) when the job no longer needs the session.
   *
   * <p>Thread-safe: several threads may run the session at once (ORT sessions are thread-safe for
   * {@code run}); closing twice is harmless, using it after closing throws.
   */
  public static final class Lease implements AutoCloseable {
    private final SessionCache cache;
    private final Entry entry;
    private final OrtSession session;
    private final ModelContract.Fit fit;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(SessionCache cache, Entry entry, OrtSession session, ModelContract.Fit fit) {
      this.cache = cache;
      this.entry = entry;
      this.session = session;
      this.fit = fit;
    }

    /** The session; the cache owns it, so never close it yourself. */
    public OrtSession session() {
      requireOpen();
      return session;
    }

    public ModelFile model() {
      return entry.model;
    }

    /** What the model declares for each contracted tensor (e.g. which alternative it took). */
    public ModelContract.Fit fit() {
      return fit;
    }

    /** Where the session runs: {@code cuda}, {@code dml}, {@code coreml} or {@code cpu}. */
    public String device() {
      return cache.device;
    }

    /**
     * Runs the session, computing all outputs; cancelling {@code context} terminates the run.
     * Close the result (try-with-resources).
     *
     * @throws CancelledException when {@code context} is cancelled before or during the run
     * @throws EngineException {@code OUT_OF_MEMORY} when ORT cannot allocate, {@code FAILED}
     *     otherwise
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, JobContext context)
        throws EngineException, CancelledException {
      return Runs.run(session(), inputs, null, context);
    }

    /** As {@link #run(Map, JobContext)}, computing only {@code outputs}. */
    public OrtSession.Result run(
        Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs, JobContext context)
        throws EngineException, CancelledException {
      return Runs.run(session(), inputs, Set.copyOf(outputs), context);
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        cache.release(entry);
      }
    }

    private void requireOpen() {
      if (released.get()) {
        throw new IllegalStateException("the lease on model " + entry.model.name() + " has ended");
      }
    }
  }
}
