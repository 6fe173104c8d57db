package org.creativebridge.bridge.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The folder the user owns that holds config, token, blobs, journal and models. {@code BRIDGE_HOME}
 * overrides the platform's user data folder. Immutable.
 */
public record BridgeHome(Path root) {

  public static final String ENV = "BRIDGE_HOME";

  public static BridgeHome resolve(Map<String, String> env) {
    String override = env.get(ENV);
    if (override != null && !override.isBlank()) {
      return new BridgeHome(Path.of(override).toAbsolutePath());
    }
    return new BridgeHome(platformDefault(env, System.getProperty("os.name", "")));
  }

  static Path platformDefault(Map<String, String> env, String osName) {
    Path userHome = Path.of(System.getProperty("user.home"));
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.contains("win")) {
      String localAppData = env.get("LOCALAPPDATA");
      Path base =
          localAppData != null ? Path.of(localAppData) : userHome.resolve("AppData").resolve("Local");
      return base.resolve("CreativeBridge");
    }
    if (os.contains("mac")) {
      return userHome.resolve("Library").resolve("Application Support").resolve("CreativeBridge");
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : userHome.resolve(".local/share");
    return base.resolve("creative-bridge");
  }

  public BridgeHome create() throws IOException {
    Files.createDirectories(root);
    Files.createDirectories(models());
    Files.createDirectories(blobs());
    return this;
  }

  public Path config() {
    return root.resolve("config.json");
  }

  public Path token() {
    return root.resolve("token");
  }

  public Path endpoint() {
    return root.resolve("endpoint.json");
  }

  public Path journal() {
    return root.resolve("journal.db");
  }

  public Path blobs() {
    return root.resolve("blobs");
  }

  public Path models() {
    return root.resolve("models");
  }
}
