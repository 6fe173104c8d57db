package org.creativebridge.bridge.models;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A model file or folder the user already has.
 *
 * <p>Immutable; thread-safe.
 *
 * @param familyOrNull the family the user names ({@code --family}); null to detect it
 * @param copy true to copy it into the model store; false to reference it where it is
 * @param idOrNull the id to install it as; null to derive one from the file name
 */
public record ImportRequest(Path source, String familyOrNull, boolean copy, String idOrNull) {
  public ImportRequest {
    Objects.requireNonNull(source, "source");
  }
}
