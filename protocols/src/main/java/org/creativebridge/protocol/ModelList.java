package org.creativebridge.protocol;

import java.util.List;

/** {@code GET /v1/models}: what is installed, and what the catalogue offers. */
public record ModelList(List<ModelInfo> installed, List<CatalogueModel> catalogue) {}
