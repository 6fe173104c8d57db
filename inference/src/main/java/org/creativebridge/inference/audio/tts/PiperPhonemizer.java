package org.creativebridge.inference.audio.tts;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.EngineException;

/**
 * Turns text into the phoneme ids a Piper voice takes, exactly as Piper's own espeak-ng
 * phonemiser does: libespeak-ng phonemises in IPA clause by clause; language switch flags such as
 * {@code (en)} are dropped; each clause's phonemes are decomposed (NFD, so {@code ç} becomes
 * {@code c} and a combining cedilla, as the phoneme map expects) and followed by what its
 * terminator writes ({@link ClauseTerminator}); a sentence-ending terminator closes the sentence.
 * Each sentence maps to {@code ^ _ (phoneme _)* $}: BOS, a pad after BOS and after every phoneme,
 * EOS; phonemes the map lacks are dropped.
 *
 * <p>Thread-safe: immutable; libespeak-ng calls are serialised by {@link EspeakLibrary}.
 */
public final class PiperPhonemizer {

  private final String espeakVoice;
  private final Map<String, long[]> phonemeIds;

  /**
   * @param espeakVoice the espeak-ng voice to phonemise with, e.g. {@code en-us}
   * @param phonemeIds phoneme (one code point) to ids; must hold {@code _}, {@code ^}, {@code $}
   */
  public PiperPhonemizer(String espeakVoice, Map<String, long[]> phonemeIds) {
    for (String required : List.of(PiperVoiceConfig.PAD, PiperVoiceConfig.BOS, PiperVoiceConfig.EOS)) {
      if (!phonemeIds.containsKey(required)) {
        throw new IllegalArgumentException("the phoneme id map lacks '" + required + "'");
      }
    }
    this.espeakVoice = espeakVoice;
    this.phonemeIds = Map.copyOf(phonemeIds);
  }

  /** The phonemiser a voice's config describes. */
  public static PiperPhonemizer forVoice(PiperVoiceConfig config) {
    return new PiperPhonemizer(config.espeakVoice(), config.phonemeIds());
  }

  /**
   * One sentence, ready for a model run.
   *
   * @param text the part of the input it came from (for progress messages and traces)
   * @param phonemes its phonemes, one code point each, after terminators were appended
   * @param ids the ids for the model's {@code input}
   * @param droppedPhonemes how many phonemes the map lacked (dropped, as Piper drops them)
   */
  public record Sentence(String text, List<String> phonemes, long[] ids, int droppedPhonemes) {
    public Sentence {
      phonemes = List.copyOf(phonemes);
    }
  }

  /**
   * Phonemises {@code text} into sentences; blank text gives none.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when libespeak-ng is missing; {@code
   *     INVALID_INPUT} when the voice's espeak-ng voice is not installed
   */
  public List<Sentence> sentences(String text) throws EngineException {
    List<Sentence> sentences = new ArrayList<>();
    for (SpokenSentence spoken : phonemize(espeakVoice, text)) {
      sentences.add(toSentence(spoken.text(), spoken.phonemes()));
    }
    return sentences;
  }

  /**
   * One sentence's phonemes, before mapping to ids.
   *
   * @param phonemes one code point each, terminators appended
   */
  record SpokenSentence(String text, List<String> phonemes) {}

  /**
   * Phonemises {@code text} with {@code voice} clause by clause, as Piper does, into sentences of
   * single-code-point phonemes. Shared by every engine that speaks espeak-ng IPA.
   */
  static List<SpokenSentence> phonemize(String voice, String text) throws EngineException {
    EspeakLibrary espeak = EspeakLibrary.instance();
    List<EspeakLibrary.Clause> clauses = espeak.textToPhonemes(voice, text);
    List<SpokenSentence> sentences = new ArrayList<>();
    List<String> phonemes = new ArrayList<>();
    int sentenceStart = 0;
    for (int i = 0; i < clauses.size(); i++) {
      EspeakLibrary.Clause clause = clauses.get(i);
      boolean last = i == clauses.size() - 1;
      appendWithoutLanguageFlags(clause.phonemes(), phonemes);
      ClauseTerminator terminator =
          ClauseTerminator.find(text, clause.textStart(), clause.textEnd(), last);
      for (int c : terminator.phonemes.codePoints().toArray()) {
        phonemes.add(Character.toString(c));
      }
      if (terminator.endsSentence || last) {
        // The clause's span ends one character into the next sentence (libespeak-ng's lookahead).
        int sentenceEnd = last ? text.length() : Math.max(sentenceStart, clause.textEnd() - 1);
        if (!phonemes.isEmpty() && !onlyPunctuation(phonemes)) {
          sentences.add(new SpokenSentence(text.substring(sentenceStart, sentenceEnd).strip(), phonemes));
        }
        phonemes = new ArrayList<>();
        sentenceStart = sentenceEnd;
      }
    }
    return sentences;
  }

  /** Maps phonemes to ids as Piper does: BOS, pad, then each known phoneme's ids and a pad, EOS. */
  public Sentence toSentence(String text, List<String> phonemes) {
    long[] pad = phonemeIds.get(PiperVoiceConfig.PAD);
    LongList ids = new LongList(phonemes.size() * 2 + 4);
    ids.addAll(phonemeIds.get(PiperVoiceConfig.BOS));
    ids.addAll(pad);
    int dropped = 0;
    for (String phoneme : phonemes) {
      long[] mapped = phonemeIds.get(phoneme);
      if (mapped == null) {
        dropped++;
        continue;
      }
      ids.addAll(mapped);
      ids.addAll(pad);
    }
    ids.addAll(phonemeIds.get(PiperVoiceConfig.EOS));
    return new Sentence(text, phonemes, ids.toArray(), dropped);
  }

  /** The espeak-ng voice this phonemiser speaks through. */
  public String espeakVoice() {
    return espeakVoice;
  }

  /** Decomposes (NFD) and splits into code points, skipping {@code (xx)} language switch flags. */
  private static void appendWithoutLanguageFlags(String ipa, List<String> phonemes) {
    String decomposed = Normalizer.normalize(ipa, Normalizer.Form.NFD);
    boolean inFlag = false;
    for (int i = 0; i < decomposed.length(); ) {
      int codePoint = decomposed.codePointAt(i);
      i += Character.charCount(codePoint);
      if (inFlag) {
        inFlag = codePoint != ')';
      } else if (codePoint == '(') {
        inFlag = true;
      } else {
        phonemes.add(Character.toString(codePoint));
      }
    }
  }

  /** A "sentence" of stray punctuation (e.g. text that is only "...") is not worth a model run. */
  private static boolean onlyPunctuation(List<String> phonemes) {
    for (String phoneme : phonemes) {
      int c = phoneme.codePointAt(0);
      if (!Character.isWhitespace(c) && ",.?!:;".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A growable long array; avoids boxing thousands of ids. Not thread-safe. */
  private static final class LongList {
    private long[] values;
    private int size;

    LongList(int capacity) {
      values = new long[Math.max(4, capacity)];
    }

    void addAll(long[] more) {
      if (size + more.length > values.length) {
        values = java.util.Arrays.copyOf(values, Math.max(values.length * 2, size + more.length));
      }
      System.arraycopy(more, 0, values, size, more.length);
      size += more.length;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
