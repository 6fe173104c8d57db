package org.creativebridge.inference.audio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metadata chunk's payload: one flat JSON object of string values, UTF-8. Written and read
 * here rather than through a JSON library because the inference module has none and the shape is
 * fixed; the reader accepts any valid JSON object of strings (whitespace, every escape).
 *
 * <p>Thread-safe: stateless.
 */
final class MetadataJson {
  private MetadataJson() {}

  static String write(Map<String, String> entries) {
    StringBuilder json = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(entry.getKey(), json);
      json.append(':');
      quote(entry.getValue(), json);
    }
    return json.append('}').toString();
  }

  private static void quote(String text, StringBuilder json) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  /** Parses a JSON object whose values are all strings; anything else is an AudioFormatException. */
  static Map<String, String> read(String json) throws AudioFormatException {
    Parser parser = new Parser(json);
    Map<String, String> entries = parser.object();
    parser.skipSpace();
    if (parser.at < json.length()) {
      throw parser.error("text after the object");
    }
    return Collections.unmodifiableMap(entries);
  }

  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    Map<String, String> object() throws AudioFormatException {
      Map<String, String> entries = new LinkedHashMap<>();
      expect('{');
      skipSpace();
      if (peek() == '}') {
        at++;
        return entries;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        entries.putIfAbsent(key, string());
        skipSpace();
        char next = next();
        if (next == '}') {
          return entries;
        }
        if (next != ',') {
          throw error("expected ',' or '}'");
        }
      }
    }

    String string() throws AudioFormatException {
      expect('"');
      StringBuilder value = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return value.toString();
        }
        if (c != '\\') {
          value.append(c);
          continue;
        }
        char escaped = next();
        switch (escaped) {
          case '"', '\\', '/' -> value.append(escaped);
          case 'b' -> value.append('\b');
          case 'f' -> value.append('\f');
          case 'n' -> value.append('\n');
          case 'r' -> value.append('\r');
          case 't' -> value.append('\t');
          case 'u' -> {
            if (at + 4 > text.length()) {
              throw error("a cut-off \\u escape");
            }
            try {
              value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            } catch (NumberFormatException e) {
              throw error("a bad \\u escape");
            }
            at += 4;
          }
          default -> throw error("an unknown escape \\" + escaped);
        }
      }
    }

    void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }

    private char peek() throws AudioFormatException {
      if (at >= text.length()) {
        throw error("the end of the text");
      }
      return text.charAt(at);
    }

    private char next() throws AudioFormatException {
      char c = peek();
      at++;
      return c;
    }

    private void expect(char wanted) throws AudioFormatException {
      if (next() != wanted) {
        throw error("expected '" + wanted + "'");
      }
    }

    AudioFormatException error(String what) {
      return new AudioFormatException("The WAV file's metadata chunk is not a JSON object of strings ("
          + what + " at character " + at + ").");
    }
  }
}
