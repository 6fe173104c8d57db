package org.creativebridge.inference.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for the catalogue: objects become {@code LinkedHashMap<String,
 * Object>}, arrays {@code List<Object>}, numbers {@code Long} or {@code Double}, plus {@code
 * String}, {@code Boolean} and null. The inference module has no JSON library and the catalogue is
 * a trusted, small resource, so a reader of a hundred lines beats a new dependency.
 *
 * <p>Stateless entry point; each parse uses its own cursor, so it is thread-safe.
 */
final class Json {

  private final String text;
  private int position;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value filling the whole text.
   *
   * @throws IllegalArgumentException naming the offset of the first error
   */
  static Object parse(String text) {
    Json reader = new Json(text);
    reader.skipSpace();
    Object value = reader.value(0);
    reader.skipSpace();
    if (reader.position != text.length()) {
      throw reader.error("trailing text");
    }
    return value;
  }

  /** Nesting far beyond any catalogue; stops a malformed file from overflowing the stack. */
  private static final int MAX_DEPTH = 64;

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested too deeply");
    }
    if (position >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(position);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected '" + c + "'");
    }
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> members = new LinkedHashMap<>();
    position++; // {
    skipSpace();
    if (peek('}')) {
      position++;
      return members;
    }
    while (true) {
      skipSpace();
      if (!peek('"')) {
        throw error("expected a member name");
      }
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (members.containsKey(name)) {
        throw error("duplicate member '" + name + "'");
      }
      members.put(name, value(depth + 1));
      skipSpace();
      if (peek(',')) {
        position++;
        continue;
      }
      expect('}');
      return members;
    }
  }

  private List<Object> array(int depth) {
    List<Object> items = new ArrayList<>();
    position++; // [
    skipSpace();
    if (peek(']')) {
      position++;
      return items;
    }
    while (true) {
      skipSpace();
      items.add(value(depth + 1));
      skipSpace();
      if (peek(',')) {
        position++;
        continue;
      }
      expect(']');
      return items;
    }
  }

  private String string() {
    StringBuilder out = new StringBuilder();
    position++; // opening quote
    while (true) {
      if (position >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (position >= text.length()) {
        throw error("unterminated escape");
      }
      char escaped = text.charAt(position++);
      switch (escaped) {
        case '"':
        case '\\':
        case '/':
          out.append(escaped);
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          if (position + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          } catch (NumberFormatException e) {
            throw error("bad \\u escape");
          }
          position += 4;
          break;
        default:
          throw error("bad escape \\" + escaped);
      }
    }
  }

  private Object number() {
    int start = position;
    if (peek('-')) {
      position++;
    }
    boolean fraction = false;
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c >= '0' && c <= '9') {
        position++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        fraction = true;
        position++;
      } else {
        break;
      }
    }
    String literal = text.substring(start, position);
    try {
      return fraction ? (Object) Double.parseDouble(literal) : (Object) Long.parseLong(literal);
    } catch (NumberFormatException e) {
      throw error("bad number '" + literal + "'");
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, position)) {
      throw error("unexpected word");
    }
    position += word.length();
    return value;
  }

  private boolean peek(char c) {
    return position < text.length() && text.charAt(position) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    position++;
  }

  private void skipSpace() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      position++;
    }
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException("invalid JSON at offset " + position + ": " + problem);
  }
}
