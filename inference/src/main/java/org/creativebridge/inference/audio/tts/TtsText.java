package org.creativebridge.inference.audio.tts;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.Params;

/** The {@code text} param every TTS engine takes: read, checked, split into sentences. Stateless. */
final class TtsText {

  /**
   * Longest text one job speaks: about twenty minutes of speech, some 100 MB of float samples.
   * Longer text is better split into several jobs (and files) by the caller.
   */
  static final int MAX_CHARS = 20_000;

  private TtsText() {}

  /**
   * The {@code text} param, checked.
   *
   * @throws EngineException {@code INVALID_INPUT} when it is missing, blank, or longer than {@link
   *     #MAX_CHARS}
   */
  static String from(Params params) throws EngineException {
    String text = params.getString("text", null);
    if (text == null || text.isBlank()) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT, "param 'text' is empty; give the words to speak");
    }
    if (text.length() > MAX_CHARS) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "param 'text' has "
              + text.length()
              + " characters; one job speaks at most "
              + MAX_CHARS
              + ", so split the text into several jobs",
          Map.of("length", text.length(), "limit", MAX_CHARS));
    }
    return text;
  }

  /**
   * {@code text} split into sentences with the language's rules (blank sentences dropped), each
   * stripped of surrounding whitespace.
   *
   * @param languageTag a BCP 47 tag or espeak-ng code such as {@code en-us}
   */
  static List<String> sentences(String text, String languageTag) {
    BreakIterator breaks = BreakIterator.getSentenceInstance(Locale.forLanguageTag(languageTag));
    breaks.setText(text);
    List<String> sentences = new ArrayList<>();
    int start = breaks.first();
    for (int end = breaks.next(); end != BreakIterator.DONE; start = end, end = breaks.next()) {
      String sentence = text.substring(start, end).strip();
      if (!sentence.isEmpty()) {
        sentences.add(sentence);
      }
    }
    return sentences;
  }

  /**
   * A numeric param within {@code [min, max]}, or its fallback when absent.
   *
   * @throws EngineException {@code INVALID_INPUT} naming the range
   */
  static double number(Params params, String name, double fallback, double[] range)
      throws EngineException {
    double value;
    try {
      value = params.getDouble(name, fallback);
    } catch (ClassCastException e) {
      throw new EngineException(EngineException.Kind.INVALID_INPUT, "param '" + name + "' must be a number");
    }
    if (!(value >= range[0] && value <= range[1])) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          "param '" + name + "' is " + value + "; it must be between " + format(range[0]) + " and " + format(range[1]),
          Map.of("param", name, "min", range[0], "max", range[1]));
    }
    return value;
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
