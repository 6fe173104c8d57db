package org.creativebridge.bridge.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.creativebridge.protocol.ErrorResponse;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.OutputFormat;
import org.creativebridge.protocol.Priority;
import org.creativebridge.protocol.ProtocolJson;
import org.creativebridge.protocol.Recipe;

/**
 * The SQLite journal of jobs and blobs in {@code $BRIDGE_HOME/journal.db}. Every job and its outcome
 * is written here before the daemon reports it, so a restarted daemon serves every finished result.
 * WAL mode: a {@code kill -9} loses nothing committed. Thread-safe: one connection behind a lock,
 * with short statements only.
 */
public final class Journal implements AutoCloseable {
  private static final ObjectMapper JSON = ProtocolJson.mapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  /**
   * Reads go through their own connection: in WAL mode they see the last commit without waiting
   * for a writer, so lookups on the request path do not queue behind job updates.
   */
  private final Connection reader;
  private final ReentrantLock readLock = new ReentrantLock();

  /** A job as journalled; {@code inputTypes} are the media types the inputs were probed as. */
  public record JobRow(
      String id,
      String task,
      String engine,
      Priority priority,
      JobStatus status,
      Map<String, String> inputs,
      Map<String, String> inputTypes,
      ObjectNode params,
      OutputFormat outputFormat,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      Map<String, String> outputs,
      Recipe recipe,
      ErrorResponse.Error error) {}

  /** A blob's metadata; the bytes are a file of the blob store. */
  public record BlobRow(String id, long size, String type, long lastUsedMillis) {}

  public Journal(Path file) {
    try {
      connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement st = connection.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        // NORMAL in WAL mode: commits survive a process crash; only an OS crash may lose the last ones.
        st.execute("PRAGMA synchronous=NORMAL");
        st.execute("PRAGMA busy_timeout=5000");
        st.execute(
            "CREATE TABLE IF NOT EXISTS jobs ("
                + "id TEXT PRIMARY KEY, task TEXT NOT NULL, engine TEXT NOT NULL,"
                + " priority TEXT NOT NULL, status TEXT NOT NULL, inputs TEXT NOT NULL,"
                + " input_types TEXT NOT NULL, params TEXT NOT NULL, output_format TEXT NOT NULL,"
                + " created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,"
                + " outputs TEXT, recipe TEXT, error TEXT)");
        st.execute("CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs(status, created_at)");
        st.execute("CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs(created_at)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, size INTEGER NOT NULL,"
                + " type TEXT NOT NULL, last_used INTEGER NOT NULL)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS job_blobs (job_id TEXT NOT NULL, blob_id TEXT NOT NULL,"
                + " PRIMARY KEY (job_id, blob_id))");
        st.execute("CREATE INDEX IF NOT EXISTS job_blobs_by_blob ON job_blobs(blob_id)");
      }
      reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement st = reader.createStatement()) {
        st.execute("PRAGMA busy_timeout=5000");
        st.execute("PRAGMA query_only=true");
      }
    } catch (SQLException e) {
      throw new JournalException("cannot open the journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** A journal failure; the daemon reports it as an internal error. */
  public static final class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JournalException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> T locked(SqlWork<T> work) {
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw new JournalException("journal: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private <T> T read(SqlWork<T> work) {
    readLock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw new JournalException("journal: " + e.getMessage(), e);
    } finally {
      readLock.unlock();
    }
  }

  private <T> T transaction(SqlWork<T> work) {
    return locked(
        () -> {
          connection.setAutoCommit(false);
          try {
            T result = work.run();
            connection.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
          } finally {
            connection.setAutoCommit(true);
          }
        });
  }

  // ---- jobs ----

  /** Inserts a new queued job and pins its input blobs; false when the id is taken. */
  public boolean insertJob(JobRow job) {
    return transaction(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "INSERT OR IGNORE INTO jobs (id, task, engine, priority, status, inputs,"
                      + " input_types, params, output_format, created_at)"
                      + " VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, job.id());
            ps.setString(2, job.task());
            ps.setString(3, job.engine());
            ps.setString(4, job.priority().name());
            ps.setString(5, job.status().name());
            ps.setString(6, json(job.inputs()));
            ps.setString(7, json(job.inputTypes()));
            ps.setString(8, json(job.params()));
            ps.setString(9, job.outputFormat().name());
            ps.setLong(10, job.createdAt().toEpochMilli());
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          pinBlobs(job.id(), job.inputs().values());
          return true;
        });
  }

  public void markRunning(String id, Instant startedAt) {
    locked(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "UPDATE jobs SET status = ?, started_at = ? WHERE id = ? AND status = ?")) {
            ps.setString(1, JobStatus.RUNNING.name());
            ps.setLong(2, startedAt.toEpochMilli());
            ps.setString(3, id);
            ps.setString(4, JobStatus.QUEUED.name());
            return ps.executeUpdate();
          }
        });
  }

  /** Records a job's end: outputs and recipe when it succeeded, the error when it failed. */
  public record Outcome(
      JobStatus status,
      Instant finishedAt,
      Map<String, String> outputs,
      Recipe recipe,
      ErrorResponse.Error error) {}

  public void finish(String id, Outcome outcome) {
    transaction(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "UPDATE jobs SET status = ?, finished_at = ?, outputs = ?, recipe = ?, error = ?"
                      + " WHERE id = ?")) {
            ps.setString(1, outcome.status().name());
            ps.setLong(2, outcome.finishedAt().toEpochMilli());
            setNullableJson(ps, 3, outcome.outputs());
            setNullableJson(ps, 4, outcome.recipe());
            setNullableJson(ps, 5, outcome.error());
            ps.setString(6, id);
            ps.executeUpdate();
          }
          if (outcome.outputs() != null) {
            pinBlobs(id, outcome.outputs().values());
          }
          return null;
        });
  }

  public Optional<JobRow> findJob(String id) {
    return read(
        () -> {
          try (PreparedStatement ps = reader.prepareStatement("SELECT * FROM jobs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(jobRow(rs)) : Optional.empty();
            }
          }
        });
  }

  /** Jobs newest first, optionally only those in {@code statuses}. */
  public List<JobRow> listJobs(Set<JobStatus> statuses, int limit) {
    return read(
        () -> {
          StringBuilder sql = new StringBuilder("SELECT * FROM jobs");
          if (!statuses.isEmpty()) {
            sql.append(" WHERE status IN (")
                .append(String.join(",", statuses.stream().map(s -> "?").toList()))
                .append(")");
          }
          sql.append(" ORDER BY created_at DESC, rowid DESC LIMIT ?");
          try (PreparedStatement ps = reader.prepareStatement(sql.toString())) {
            int i = 1;
            for (JobStatus status : statuses) {
              ps.setString(i++, status.name());
            }
            ps.setInt(i, limit);
            List<JobRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(jobRow(rs));
              }
            }
            return rows;
          }
        });
  }

  /**
   * After a crash or kill: jobs that were running are failed with {@code error}; the queued ones are
   * returned, oldest first, for the caller to queue again.
   */
  public List<JobRow> recoverAfterRestart(ErrorResponse.Error error, Instant now) {
    return transaction(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "UPDATE jobs SET status = ?, finished_at = ?, error = ? WHERE status = ?")) {
            ps.setString(1, JobStatus.FAILED.name());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, json(error));
            ps.setString(4, JobStatus.RUNNING.name());
            ps.executeUpdate();
          }
          List<JobRow> queued = new ArrayList<>();
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT * FROM jobs WHERE status = ? ORDER BY created_at, rowid")) {
            ps.setString(1, JobStatus.QUEUED.name());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                queued.add(jobRow(rs));
              }
            }
          }
          return queued;
        });
  }

  private void pinBlobs(String jobId, Collection<String> blobIds) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT OR IGNORE INTO job_blobs (job_id, blob_id) VALUES (?,?)")) {
      for (String blobId : blobIds) {
        ps.setString(1, jobId);
        ps.setString(2, blobId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private JobRow jobRow(ResultSet rs) throws SQLException {
    return new JobRow(
        rs.getString("id"),
        rs.getString("task"),
        rs.getString("engine"),
        Priority.valueOf(rs.getString("priority")),
        JobStatus.valueOf(rs.getString("status")),
        read(rs.getString("inputs"), STRING_MAP),
        read(rs.getString("input_types"), STRING_MAP),
        read(rs.getString("params"), new TypeReference<ObjectNode>() {}),
        OutputFormat.valueOf(rs.getString("output_format")),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        read(rs.getString("outputs"), STRING_MAP),
        read(rs.getString("recipe"), new TypeReference<Recipe>() {}),
        read(rs.getString("error"), new TypeReference<ErrorResponse.Error>() {}));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  // ---- blobs ----

  public void upsertBlob(BlobRow blob) {
    locked(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "INSERT INTO blobs (id, size, type, last_used) VALUES (?,?,?,?)"
                      + " ON CONFLICT(id) DO UPDATE SET type = excluded.type,"
                      + " last_used = excluded.last_used")) {
            ps.setString(1, blob.id());
            ps.setLong(2, blob.size());
            ps.setString(3, blob.type());
            ps.setLong(4, blob.lastUsedMillis());
            return ps.executeUpdate();
          }
        });
  }

  public Optional<BlobRow> findBlob(String id) {
    return read(
        () -> {
          try (PreparedStatement ps = reader.prepareStatement("SELECT * FROM blobs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new BlobRow(
                          rs.getString("id"),
                          rs.getLong("size"),
                          rs.getString("type"),
                          rs.getLong("last_used")))
                  : Optional.empty();
            }
          }
        });
  }

  public void touchBlob(String id, long nowMillis) {
    locked(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement("UPDATE blobs SET last_used = ? WHERE id = ?")) {
            ps.setLong(1, nowMillis);
            ps.setString(2, id);
            return ps.executeUpdate();
          }
        });
  }

  public long totalBlobBytes() {
    return locked(
        () -> {
          try (Statement st = connection.createStatement();
              ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(size), 0) FROM blobs")) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /** Blobs no journalled job references, least recently used first. */
  public List<BlobRow> evictionCandidates(int limit) {
    return locked(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT * FROM blobs b WHERE NOT EXISTS"
                      + " (SELECT 1 FROM job_blobs j WHERE j.blob_id = b.id)"
                      + " ORDER BY last_used LIMIT ?")) {
            ps.setInt(1, limit);
            List<BlobRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new BlobRow(
                        rs.getString("id"),
                        rs.getLong("size"),
                        rs.getString("type"),
                        rs.getLong("last_used")));
              }
            }
            return rows;
          }
        });
  }

  /** Deletes the row only if no job references the blob by now. */
  public boolean deleteUnreferencedBlob(String id) {
    return locked(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "DELETE FROM blobs WHERE id = ? AND NOT EXISTS"
                      + " (SELECT 1 FROM job_blobs WHERE blob_id = ?)")) {
            ps.setString(1, id);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
          }
        });
  }

  public Set<String> allBlobIds() {
    return locked(
        () -> {
          Set<String> ids = new HashSet<>();
          try (Statement st = connection.createStatement();
              ResultSet rs = st.executeQuery("SELECT id FROM blobs")) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          return ids;
        });
  }

  public void deleteBlobRow(String id) {
    locked(
        () -> {
          try (PreparedStatement ps = connection.prepareStatement("DELETE FROM blobs WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate();
          }
        });
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void setNullableJson(PreparedStatement ps, int index, Object value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, json(value));
    }
  }

  private static <T> T read(String text, TypeReference<T> type) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    read(
        () -> {
          reader.close();
          return null;
        });
    locked(
        () -> {
          connection.close();
          return null;
        });
  }
}
