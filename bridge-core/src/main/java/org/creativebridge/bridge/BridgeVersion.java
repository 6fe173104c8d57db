package org.creativebridge.bridge;

/** The version recipes and {@code /v1/health} report: the jar's, or {@code dev} from a source tree. */
public final class BridgeVersion {
  private static final String VERSION = find();

  private BridgeVersion() {}

  public static String current() {
    return VERSION;
  }

  private static String find() {
    String version = BridgeVersion.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }
}
