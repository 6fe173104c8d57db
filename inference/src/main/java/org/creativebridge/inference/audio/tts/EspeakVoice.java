package org.creativebridge.inference.audio.tts;

import java.util.List;
import java.util.Objects;

/**
 * One voice libespeak-ng has installed, as {@code espeak_ListVoices} describes it.
 *
 * <p>Immutable; thread-safe.
 *
 * @param name the voice's display name, e.g. {@code English (America)}
 * @param identifier its file under {@code espeak-ng-data/voices}, e.g. {@code gmw/en-US}
 * @param languages the language codes it speaks, most preferred first, e.g. {@code [en-us, en]}
 */
public record EspeakVoice(String name, String identifier, List<String> languages) {

  public EspeakVoice {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(identifier, "identifier");
    languages = List.copyOf(languages);
  }

  /** The code a user types for this voice: its first language, or the identifier's file name. */
  public String code() {
    if (!languages.isEmpty()) {
      return languages.get(0);
    }
    int slash = identifier.lastIndexOf('/');
    return identifier.substring(slash + 1);
  }
}
