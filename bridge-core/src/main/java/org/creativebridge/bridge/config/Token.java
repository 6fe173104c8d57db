package org.creativebridge.bridge.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token clients present. Created once, at first start, readable by the user only; later
 * starts reuse it so configured clients keep working. Immutable.
 */
public final class Token {
  private final byte[] value;

  private Token(String value) {
    this.value = value.getBytes(StandardCharsets.US_ASCII);
  }

  public static Token loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = HexFormat.of().formatHex(random);
      try {
        // Created with 0600 from the start, so the secret is never readable by others, even briefly.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException raced) {
        return load(file);
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, token + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    }
    return load(file);
  }

  private static Token load(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
    if (token.length() < 32) {
      throw new IOException("the token in " + file + " is too short; delete the file to make a new one");
    }
    return new Token(token);
  }

  /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.US_ASCII));
  }

  public String value() {
    return new String(value, StandardCharsets.US_ASCII);
  }
}
