package org.creativebridge.bridge.config;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenTest {
  @TempDir Path home;

  @Test
  void newToken_isAFileReadableByTheUserOnly() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path file = home.resolve("token");

    Token.loadOrCreate(file);

    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file));
  }

  @Test
  void newToken_isOneLineOf64HexDigits() throws IOException {
    Path file = home.resolve("token");

    Token token = Token.loadOrCreate(file);

    assertTrue(token.value().matches("[0-9a-f]{64}"), token.value());
    assertEquals(token.value() + "\n", Files.readString(file, US_ASCII));
  }

  @Test
  void existingToken_isReusedOnTheNextLoad() throws IOException {
    Path file = home.resolve("token");
    Token first = Token.loadOrCreate(file);
    byte[] before = Files.readAllBytes(file);

    Token second = Token.loadOrCreate(file);

    assertEquals(first.value(), second.value());
    assertEquals(new String(before, US_ASCII), Files.readString(file, US_ASCII), "the file is left as it was");
  }

  @Test
  void tokensOfSeparateHomes_differ() throws IOException {
    Token a = Token.loadOrCreate(home.resolve("a"));
    Token b = Token.loadOrCreate(home.resolve("b"));

    assertNotEquals(a.value(), b.value());
  }

  @Test
  void userWrittenToken_isReadWithoutItsSurroundingWhitespace() throws IOException {
    String secret = "my-own-secret-token-of-at-least-32-chars";
    Path file = Files.writeString(home.resolve("token"), "  " + secret + "\r\n", US_ASCII);

    assertEquals(secret, Token.loadOrCreate(file).value());
  }

  @Test
  void tooShortToken_isAnErrorNamingTheFile() throws IOException {
    Path file = Files.writeString(home.resolve("token"), "short\n", US_ASCII);

    IOException e = assertThrows(IOException.class, () -> Token.loadOrCreate(file));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void matches_onlyTheExactToken() throws IOException {
    Token token = Token.loadOrCreate(home.resolve("token"));
    String value = token.value();

    assertTrue(token.matches(value));
    assertTrue(token.matches(new String(value.toCharArray())), "compares content, not identity");
    assertFalse(token.matches(null));
    assertFalse(token.matches(""));
    assertFalse(token.matches(value.substring(0, 63)));
    assertFalse(token.matches(value + "0"));
    if (value.chars().anyMatch(Character::isLetter)) {
      assertFalse(token.matches(value.toUpperCase(java.util.Locale.ROOT)), "case matters");
    }
    assertFalse(token.matches(" " + value));
    char last = value.charAt(63);
    assertFalse(token.matches(value.substring(0, 63) + (last == '0' ? '1' : '0')));
  }
}
