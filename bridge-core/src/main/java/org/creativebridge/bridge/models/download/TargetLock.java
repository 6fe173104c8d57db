package org.creativebridge.bridge.models.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of one target file, between threads and between processes, held while its
 * .part is written.
 *
 * <p>Two layers, because a POSIX record lock belongs to the process: closing any channel on the
 * lock file releases every lock this JVM holds on it, so threads of one JVM must never contend on
 * the file itself. Threads first claim the target in a static set; the claimant then takes an OS
 * lock on {@code <target>.lock} against other processes.
 *
 * <p>The lock file is deleted on release so the user's folder stays clean. Deleting a lock file
 * races with a process that opened it just before: that process could lock the deleted file while
 * a third one creates and locks a new file. So the holder writes a random token into the file it
 * locked and reads the path back; only when it reads its own token is the path its file. The lock
 * covers a byte far past the end of the file because Windows locks are mandatory, and a locked
 * token could not be read back.
 *
 * <p>Thread-safety: {@link #tryAcquire} may be called from any thread; one instance is released
 * once, by its holder.
 */
final class TargetLock implements AutoCloseable {
  private static final Set<Path> CLAIMED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
  private static final long LOCKED_BYTE = Long.MAX_VALUE - 1;
  private static final long POLL_MILLIS = 50;

  private final Path claimKey;
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private TargetLock(Path claimKey, Path file, FileChannel channel, FileLock lock) {
    this.claimKey = claimKey;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code target}, waiting up to {@code wait} for another holder.
   *
   * @return the lock, or null when another pull still holds it after the wait
   */
  static TargetLock tryAcquire(Path target, Duration wait) throws IOException, InterruptedException {
    Path claimKey = target.toAbsolutePath().normalize();
    Path file = claimKey.resolveSibling(claimKey.getFileName() + ".lock");
    long deadline = System.nanoTime() + wait.toNanos();
    while (!CLAIMED_IN_THIS_JVM.add(claimKey)) {
      if (!pause(deadline)) {
        return null;
      }
    }
    boolean acquired = false;
    try {
      while (true) {
        TargetLock held = tryLockFile(claimKey, file);
        if (held != null) {
          acquired = true;
          return held;
        }
        if (!pause(deadline)) {
          return null;
        }
      }
    } finally {
      if (!acquired) {
        CLAIMED_IN_THIS_JVM.remove(claimKey);
      }
    }
  }

  private static TargetLock tryLockFile(Path claimKey, Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock = null;
    try {
      try {
        lock = channel.tryLock(LOCKED_BYTE, 1, false);
      } catch (OverlappingFileLockException e) {
        lock = null; // cannot happen behind the claim set, but is "busy" if it does
      }
      if (lock != null && ownsPath(channel, file)) {
        return new TargetLock(claimKey, file, channel, lock);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    if (lock != null) {
      lock.release();
    }
    channel.close();
    return null;
  }

  private static boolean ownsPath(FileChannel channel, Path file) throws IOException {
    byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(token), 0);
    try {
      return Arrays.equals(Files.readAllBytes(file), token);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Sleeps one poll interval unless the deadline has passed; false when it has. */
  private static boolean pause(long deadline) throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000)));
    return true;
  }

  /** Deletes the lock file (while still holding it, see the class comment) and releases. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // an undeletable lock file is harmless: the next holder reuses it
    }
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel below releases it too
    }
    closeQuietly(channel);
    CLAIMED_IN_THIS_JVM.remove(claimKey);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }
}
