package org.creativebridge.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeHomeTest {
  private static final Path USER_HOME = Path.of(System.getProperty("user.home"));

  @TempDir Path dir;

  @Test
  void bridgeHomeVariable_overridesThePlatformDefault() {
    BridgeHome home =
        BridgeHome.resolve(Map.of("BRIDGE_HOME", dir.toString(), "XDG_DATA_HOME", "/elsewhere"));

    assertEquals(dir, home.root());
  }

  @Test
  void relativeBridgeHome_isMadeAbsolute() {
    BridgeHome home = BridgeHome.resolve(Map.of("BRIDGE_HOME", "relative/home"));

    assertTrue(home.root().isAbsolute(), home.root().toString());
    assertEquals(Path.of("relative/home").toAbsolutePath(), home.root());
  }

  @Test
  void blankBridgeHome_isIgnored() {
    BridgeHome home = BridgeHome.resolve(Map.of("BRIDGE_HOME", "  "));

    assertEquals(BridgeHome.platformDefault(Map.of(), System.getProperty("os.name", "")), home.root());
  }

  @Test
  void linux_usesXdgDataHome() {
    assertEquals(
        Path.of("/data/me/creative-bridge"),
        BridgeHome.platformDefault(Map.of("XDG_DATA_HOME", "/data/me"), "Linux"));
  }

  @Test
  void linux_withoutXdgDataHome_usesLocalShare() {
    assertEquals(
        USER_HOME.resolve(".local/share/creative-bridge"), BridgeHome.platformDefault(Map.of(), "Linux"));
    assertEquals(
        USER_HOME.resolve(".local/share/creative-bridge"),
        BridgeHome.platformDefault(Map.of("XDG_DATA_HOME", ""), "Linux"));
  }

  @Test
  void otherUnix_followsTheXdgRulesToo() {
    assertEquals(
        Path.of("/data/me/creative-bridge"),
        BridgeHome.platformDefault(Map.of("XDG_DATA_HOME", "/data/me"), "FreeBSD"));
  }

  @Test
  void macOs_usesApplicationSupport() {
    assertEquals(
        USER_HOME.resolve("Library").resolve("Application Support").resolve("CreativeBridge"),
        BridgeHome.platformDefault(Map.of("XDG_DATA_HOME", "/ignored"), "Mac OS X"));
  }

  @Test
  void windows_usesLocalAppData() {
    assertEquals(
        Path.of("C:\\Users\\me\\AppData\\Local").resolve("CreativeBridge"),
        BridgeHome.platformDefault(Map.of("LOCALAPPDATA", "C:\\Users\\me\\AppData\\Local"), "Windows 11"));
  }

  @Test
  void windows_withoutLocalAppData_usesTheUsersAppDataLocal() {
    assertEquals(
        USER_HOME.resolve("AppData").resolve("Local").resolve("CreativeBridge"),
        BridgeHome.platformDefault(Map.of(), "Windows 10"));
  }

  @Test
  void create_makesTheHomeWithItsModelsAndBlobsFolders() throws IOException {
    BridgeHome home = new BridgeHome(dir.resolve("fresh/home")).create();

    assertTrue(Files.isDirectory(home.root()));
    assertTrue(Files.isDirectory(home.models()));
    assertTrue(Files.isDirectory(home.blobs()));
    assertEquals(home, home.create(), "creating an existing home is harmless");
  }

  @Test
  void filesOfTheHome_areWhereTheProtocolSays() {
    BridgeHome home = new BridgeHome(dir);

    assertEquals(dir.resolve("config.json"), home.config());
    assertEquals(dir.resolve("token"), home.token());
    assertEquals(dir.resolve("endpoint.json"), home.endpoint());
    assertEquals(dir.resolve("journal.db"), home.journal());
    assertEquals(dir.resolve("blobs"), home.blobs());
    assertEquals(dir.resolve("models"), home.models());
  }
}
