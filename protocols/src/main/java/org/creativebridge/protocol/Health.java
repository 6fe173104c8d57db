package org.creativebridge.protocol;

/** {@code GET /v1/health}: the only unauthenticated answer; says nothing private. */
public record Health(String status, String version, int protocol) {}
