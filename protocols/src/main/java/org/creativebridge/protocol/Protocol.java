package org.creativebridge.protocol;

/** Constants of wire protocol v1. */
public final class Protocol {
  public static final int VERSION = 1;
  public static final String PREFIX = "/v1";
  public static final String BLOB_ID_PREFIX = "sha256:";
  public static final String RAW_IMAGE_TYPE = "image/x-raw";
  /** The PNG iTXt keyword under which every PNG output carries its recipe (JSON, UTF-8). */
  public static final String PNG_RECIPE_KEYWORD = "creative-bridge.recipe";

  private Protocol() {}
}
