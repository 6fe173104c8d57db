package org.creativebridge.bridge.models.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code <target>.part} file of one fetch and a running sha256 of its bytes.
 *
 * <p>The digest is carried over from one attempt to the next, so resuming after a dropped
 * connection does not re-read gigabytes; it is recomputed from the disk only when the file no
 * longer has the length the digest covers (a write failed half-way, or the file came from an
 * earlier run). Used by one fetch on one thread, under the target's lock: not thread-safe.
 */
final class PartialFile {
  private static final int READ_BUFFER = 1 << 20;

  private final Path path;
  private MessageDigest digest;
  /** How many leading bytes of the file {@link #digest} covers; -1 when it covers nothing known. */
  private long digestedBytes = -1;

  PartialFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** Bytes on disk; 0 when there is no .part. */
  long size() throws IOException {
    return Files.exists(path) ? Files.size(path) : 0;
  }

  /** Deletes the .part (a mismatch, or the server made us start over). */
  void discard() throws IOException {
    Files.deleteIfExists(path);
    digest = null;
    digestedBytes = -1;
  }

  /**
   * Opens the .part for writing at {@code offset}: anything after it is cut off, and the digest is
   * brought to cover exactly the first {@code offset} bytes.
   */
  FileChannel openAt(long offset) throws IOException {
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      if (channel.size() > offset) {
        channel.truncate(offset);
      }
      if (digestedBytes != offset) {
        rehash(channel, offset);
      }
      channel.position(offset);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Writes all of {@code buffer} at the channel's position and adds it to the digest. */
  int append(FileChannel channel, ByteBuffer buffer) throws IOException {
    ByteBuffer forDigest = buffer.duplicate();
    int length = buffer.remaining();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    // Only bytes that reached the file are hashed, so digestedBytes always matches the file.
    digest.update(forDigest);
    digestedBytes += length;
    return length;
  }

  /**
   * The sha256 of the whole .part, as lowercase hex. Hashes from the disk if the running digest
   * does not cover the file (the 416 "already complete" case).
   */
  String sha256() throws IOException {
    long size = size();
    if (digestedBytes != size) {
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
        rehash(channel, size);
      }
    }
    MessageDigest copy = clone(digest);
    return HexFormat.of().formatHex(copy.digest());
  }

  /** fsyncs the .part, renames it onto the target atomically, and fsyncs the folder (best effort). */
  void install(Path target) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    try {
      Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same folder, so this only happens on odd file systems; a plain replace is the best left.
      Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
    }
    syncFolder(target.toAbsolutePath().getParent());
    digest = null;
    digestedBytes = -1;
  }

  /** The sha256 of any file, as lowercase hex (an already installed target). */
  static String sha256Of(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      feed(channel, channel.size(), digest);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private void rehash(FileChannel channel, long length) throws IOException {
    MessageDigest fresh = newDigest();
    feed(channel, length, fresh);
    digest = fresh;
    digestedBytes = length;
  }

  private static void feed(FileChannel channel, long length, MessageDigest digest) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
    long position = 0;
    while (position < length) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
      int read = channel.read(buffer, position);
      if (read < 0) {
        throw new IOException("file shrank while it was hashed");
      }
      buffer.flip();
      digest.update(buffer);
      position += read;
    }
  }

  private static void syncFolder(Path folder) {
    if (folder == null) {
      return;
    }
    // Makes the rename durable on Linux/macOS; Windows cannot open a folder this way, and there
    // NTFS journals the rename anyway, so a failure here is not an error.
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | RuntimeException ignored) {
      // best effort, see above
    }
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static MessageDigest clone(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
    }
  }
}
