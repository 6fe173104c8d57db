package org.creativebridge.inference.audio.tts;

import java.util.List;
import java.util.Map;

/**
 * The punctuation that ended a clause, and what Piper writes for it.
 *
 * <p>Piper's phonemiser asks libespeak-ng for each clause's terminator and appends {@code .},
 * {@code ?} or {@code !} for a sentence end, and the mark plus a space for a comma, colon or
 * semicolon; terminators that libespeak-ng flags "no space needed after" (ellipsis, ideographic and
 * full-width marks) match none of those cases, so nothing is appended, though a full stop of that
 * kind still ends the sentence. Debian's libespeak-ng 1.51 cannot report terminators, so {@link
 * #find} reads them from the text, using the same punctuation table and end-of-clause rule.
 *
 * <p>Immutable; thread-safe.
 */
enum ClauseTerminator {
  COMMA(", ", false),
  PERIOD(".", true),
  QUESTION("?", true),
  EXCLAMATION("!", true),
  COLON(": ", false),
  SEMICOLON("; ", false),
  /** Ellipsis: a clause break written as nothing. */
  SILENT_CLAUSE("", false),
  /** Ideographic or full-width full stop, a blank line, or the end of the text. */
  SILENT_SENTENCE("", true),
  /** libespeak-ng split the clause without punctuation (e.g. a very long clause). */
  NONE("", false);

  /** What Piper appends to the clause's phonemes. */
  final String phonemes;

  /** Whether the clause ends a sentence (one ONNX run per sentence). */
  final boolean endsSentence;

  ClauseTerminator(String phonemes, boolean endsSentence) {
    this.phonemes = phonemes;
    this.endsSentence = endsSentence;
  }

  /** libespeak-ng's clause-ending punctuation, by code point. */
  private static final Map<Integer, ClauseTerminator> MARKS =
      Map.ofEntries(
          Map.entry((int) ',', COMMA),
          Map.entry((int) '.', PERIOD),
          Map.entry((int) '?', QUESTION),
          Map.entry((int) '!', EXCLAMATION),
          Map.entry((int) ':', COLON),
          Map.entry((int) ';', SEMICOLON),
          Map.entry(0x2013, SEMICOLON), // en dash
          Map.entry(0x2014, SEMICOLON), // em dash
          Map.entry(0x2026, SILENT_CLAUSE), // ellipsis
          Map.entry(0x037e, QUESTION), // Greek question mark
          Map.entry(0x0387, SEMICOLON), // Greek ano teleia
          Map.entry(0x060c, COMMA), // Arabic comma
          Map.entry(0x061b, SEMICOLON), // Arabic semicolon
          Map.entry(0x061f, QUESTION), // Arabic question mark
          Map.entry(0x06d4, PERIOD), // Arabic full stop
          Map.entry(0x0964, SILENT_SENTENCE), // Devanagari danda
          Map.entry(0x3001, SILENT_CLAUSE), // ideographic comma
          Map.entry(0x3002, SILENT_SENTENCE), // ideographic full stop
          Map.entry(0xff01, SILENT_SENTENCE), // full-width !
          Map.entry(0xff0c, SILENT_CLAUSE), // full-width ,
          Map.entry(0xff0e, SILENT_SENTENCE), // full-width .
          Map.entry(0xff1a, SILENT_CLAUSE), // full-width :
          Map.entry(0xff1b, SILENT_CLAUSE), // full-width ;
          Map.entry(0xff1f, SILENT_SENTENCE)); // full-width ?

  /** Marks that end a clause without a space after them. */
  private static final List<Integer> NO_SPACE_NEEDED =
      List.of(0x2026, 0x0964, 0x3001, 0x3002, 0xff01, 0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff1f);

  /** Closing quotes and brackets that may stand between a mark and the space after it. */
  private static final String CLOSERS = ")]}\"'»”’›」』";

  /**
   * The terminator of the clause libespeak-ng read from {@code text[start, end)}.
   *
   * <p>libespeak-ng reads past a clause's punctuation, over closing quotes or brackets and
   * whitespace, into the first character of the next clause before it decides the clause ended;
   * so a clause's span ends inside the next word, and that last character is not searched. The
   * terminator is the mark just before the trailing whitespace and closers. Should that not be a
   * mark, the last mark in the span that ends a clause in libespeak-ng's sense (followed by
   * whitespace, the end of the text, or closers and then one of those; not the dot in {@code 3.14})
   * is taken instead. Three or more dots are an ellipsis, as libespeak-ng reads them.
   *
   * @param last whether this is the text's last clause (its span has no lookahead)
   */
  static ClauseTerminator find(String text, int start, int end, boolean last) {
    int searchEnd = last || end <= start ? end : end - Character.charCount(text.codePointBefore(end));
    int tail = searchEnd;
    while (tail > start
        && (Character.isWhitespace(text.charAt(tail - 1))
            || text.charAt(tail - 1) == '\u00a0'
            || CLOSERS.indexOf(text.charAt(tail - 1)) >= 0)) {
      tail--;
    }
    if (tail > start) {
      int markIndex = tail - Character.charCount(text.codePointBefore(tail));
      ClauseTerminator mark = MARKS.get(text.codePointAt(markIndex));
      if (mark != null) {
        return mark == PERIOD && isEllipsis(text, markIndex) ? SILENT_CLAUSE : mark;
      }
    }
    for (int i = searchEnd - 1; i >= start; i--) {
      if (Character.isLowSurrogate(text.charAt(i))) {
        continue;
      }
      ClauseTerminator mark = MARKS.get(text.codePointAt(i));
      if (mark != null && endsClause(text, i)) {
        return mark == PERIOD && isEllipsis(text, i) ? SILENT_CLAUSE : mark;
      }
    }
    if (last || hasBlankLine(text, start, end)) {
      return SILENT_SENTENCE;
    }
    return NONE;
  }

  private static boolean endsClause(String text, int markIndex) {
    int codePoint = text.codePointAt(markIndex);
    if (NO_SPACE_NEEDED.contains(codePoint)) {
      return true;
    }
    int i = markIndex + Character.charCount(codePoint);
    while (i < text.length() && CLOSERS.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i >= text.length() || Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '\u00a0';
  }

  private static boolean isEllipsis(String text, int lastDot) {
    return lastDot >= 2 && text.charAt(lastDot - 1) == '.' && text.charAt(lastDot - 2) == '.';
  }

  private static boolean hasBlankLine(String text, int start, int end) {
    int newlines = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        if (++newlines == 2) {
          return true;
        }
      } else if (!Character.isWhitespace(c)) {
        newlines = 0;
      }
    }
    return false;
  }
}
