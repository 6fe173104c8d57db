package org.creativebridge.protocol;

/**
 * A model the catalogue offers for {@code models.pull}.
 *
 * @param size bytes to download, counting the files whose size the catalogue knows
 * @param licenceRestricted true when its licence restricts use: a pull needs {@code accept_licence}
 * @param gpu {@code optional}, {@code recommended} or {@code required}
 */
public record CatalogueModel(
    String id,
    String task,
    String family,
    String description,
    String source,
    long size,
    String licence,
    String licenceUrl,
    boolean licenceRestricted,
    String licenceNote,
    long minRamMb,
    String gpu,
    boolean installed) {}
