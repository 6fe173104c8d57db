package org.creativebridge.protocol;

/**
 * The body of {@code POST /v1/models/imports}: a model file or folder already on this machine.
 *
 * @param family the family, or null to detect it from the ONNX signature
 * @param copy true to copy it into the models folder; false (default) to use it where it is
 * @param id the id to install it as, or null to derive one from the file name
 */
public record ModelImportRequest(String path, String family, Boolean copy, String id) {}
