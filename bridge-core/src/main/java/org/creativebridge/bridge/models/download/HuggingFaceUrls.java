package org.creativebridge.bridge.models.download;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** Hugging Face file URLs, built the way huggingface_hub builds them. Stateless. */
final class HuggingFaceUrls {
  static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  static final String ENDPOINT_ENV = "HF_ENDPOINT";

  private HuggingFaceUrls() {}

  static String endpoint(String mirrorOption, Map<String, String> env) {
    String chosen;
    if (mirrorOption != null && !mirrorOption.isBlank()) {
      chosen = mirrorOption;
    } else if (env != null && env.get(ENDPOINT_ENV) != null && !env.get(ENDPOINT_ENV).isBlank()) {
      chosen = env.get(ENDPOINT_ENV);
    } else {
      chosen = DEFAULT_ENDPOINT;
    }
    return checkedEndpoint(chosen.trim());
  }

  static URI fileUrl(String endpoint, String repo, String revision, String path) {
    String base = checkedEndpoint(endpoint.trim());
    requireText(repo, "repo");
    requireText(path, "path");
    if (repo.startsWith("/") || repo.endsWith("/") || repo.contains("//")) {
      throw new IllegalArgumentException("repo must look like owner/name: " + repo);
    }
    String rev = revision == null || revision.isBlank() ? "main" : revision;
    String relative = path.startsWith("/") ? path.substring(1) : path;
    // A revision such as refs/pr/1 is one path segment, so its slashes are encoded; the repo and
    // the file path keep theirs (folders inside the repository).
    String url =
        base
            + "/" + encode(repo, true)
            + "/resolve/" + encode(rev, false)
            + "/" + encode(relative, true);
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid Hugging Face URL: " + url, e);
    }
  }

  private static String checkedEndpoint(String endpoint) {
    String trimmed = endpoint;
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid endpoint URL: " + endpoint, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint must be an http(s) URL with a host: " + endpoint);
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("endpoint must not have a query or fragment: " + endpoint);
    }
    return trimmed;
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is required");
    }
  }

  /** RFC 3986 percent-encoding of UTF-8; unreserved characters (and '/' if asked) stay. */
  static String encode(String text, boolean keepSlashes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlashes && c == '/');
      if (unreserved) {
        out.write(c);
      } else {
        String hex = String.format(Locale.ROOT, "%%%02X", c);
        out.writeBytes(hex.getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
