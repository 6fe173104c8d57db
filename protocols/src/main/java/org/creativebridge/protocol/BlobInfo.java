package org.creativebridge.protocol;

/** A stored blob: {@code id} is {@code sha256:<hex>} of its bytes, {@code type} its media type. */
public record BlobInfo(String id, long size, String type) {}
