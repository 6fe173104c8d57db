package org.creativebridge.inference.audio.tts;

import com.sun.jna.Callback;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.creativebridge.inference.EngineException;

/**
 * The process's one binding to libespeak-ng (JNA), loaded and initialised once on first use.
 *
 * <p>libespeak-ng keeps all its state in globals (the selected voice, speech parameters, the
 * synthesis callback, translator buffers) and none of it is guarded, so two threads calling it at
 * once corrupt each other's output or crash the process. Every call therefore runs under one
 * global lock, {@link #LOCK}, together with the voice selection it depends on: an operation selects
 * its voice, sets its parameters and runs while holding the lock, so it never sees another job's
 * voice. Thread-safe in that sense; calls from many threads are serialised.
 *
 * <p>Functions are called through {@link Function} rather than an interface mapping so the Java
 * side keeps its own small signatures ({@code espeak_Synth} takes eight arguments in C).
 *
 * <p>Where the library or its data is missing, {@link #instance()} throws {@code MODEL_UNAVAILABLE}
 * naming the Debian packages to install, every time (the failure is remembered, not retried).
 */
final class EspeakLibrary {

  /** The Debian packages that provide the library and its voice data. */
  static final String DEBIAN_PACKAGES = "libespeak-ng1 espeak-ng-data";

  /** Guards every call into libespeak-ng and {@link #currentVoice}; see the class comment. */
  private static final Object LOCK = new Object();

  // speak_lib.h constants (stable since espeak 1.48; libespeak-ng 1.51 keeps them).
  private static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
  /** Keeps libespeak-ng from calling exit() on a fatal error, which would end the daemon. */
  private static final int INITIALIZE_DONT_EXIT = 0x8000;
  private static final int CHARS_AUTO = 0;
  private static final int CHARS_UTF8 = 1;
  /** Adds the end-of-sentence pause after the last clause, as the espeak-ng CLI does. */
  private static final int ENDPAUSE = 0x1000;
  private static final int POS_CHARACTER = 1;
  /**
   * {@code espeak_TextToPhonemes}'s phonememode: bit 1 set selects IPA as UTF-8 (clear gives
   * eSpeak's ASCII mnemonics); bit 7 would enable a tie character taken from bits 8..23, and bits
   * 8..23 a separator between phonemes. Piper uses plain IPA with neither, so only bit 1 is set.
   */
  private static final int PHONEMES_IPA = 0x02;

  private static final int PARAMETER_RATE = 1;
  private static final int PARAMETER_PITCH = 3;
  private static final int EE_OK = 0;

  /** The chunk length libespeak-ng hands the synthesis callback, in milliseconds. */
  private static final int CALLBACK_BUFFER_MS = 200;

  private static final System.Logger LOG = System.getLogger(EspeakLibrary.class.getName());

  /** The loaded library, or why it cannot load: computed once, on first use. */
  private static final class Holder {
    static final Object LOADED = load();
  }

  private final NativeLibrary library;
  private final int sampleRate;
  private final List<EspeakVoice> voices;

  /** Hard reference: libespeak-ng keeps the callback pointer, so it must never be collected. */
  private final SynthCallback callback = this::onSamples;

  /** Collects the running synthesis's samples. Guarded by {@link #LOCK}. */
  private SampleSink sink;

  /** The voice libespeak-ng has selected, or null when none is. Guarded by {@link #LOCK}. */
  private String currentVoice;

  private EspeakLibrary(NativeLibrary library, int sampleRate) {
    this.library = library;
    this.sampleRate = sampleRate;
    function("espeak_SetSynthCallback").invokeVoid(new Object[] {callback});
    this.voices = listVoices();
  }

  /**
   * The loaded library.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} naming the Debian packages to install when
   *     libespeak-ng or its data cannot be loaded on this machine
   */
  static EspeakLibrary instance() throws EngineException {
    Object loaded = Holder.LOADED;
    if (loaded instanceof EspeakLibrary) {
      return (EspeakLibrary) loaded;
    }
    throw new EngineException(
        EngineException.Kind.MODEL_UNAVAILABLE, (String) loaded, Map.of("packages", DEBIAN_PACKAGES));
  }

  /** Why libespeak-ng cannot be used here, or null when it can. */
  static String unavailableReason() {
    Object loaded = Holder.LOADED;
    return loaded instanceof EspeakLibrary ? null : (String) loaded;
  }

  /** The rate libespeak-ng synthesises at (22050 Hz for every espeak-ng voice). */
  int sampleRate() {
    return sampleRate;
  }

  /** Every installed voice, sorted by {@link EspeakVoice#code()}. */
  List<EspeakVoice> voices() {
    return voices;
  }

  /**
   * One clause as {@code espeak_TextToPhonemes} returned it.
   *
   * @param phonemes IPA, words separated by spaces, language switches in parentheses
   * @param textStart char index into the text where libespeak-ng started reading this clause
   * @param textEnd char index where it stopped: it reads a character or so past the clause's
   *     punctuation, into the next clause, so this may lie inside the next word; the text length
   *     for the last clause
   */
  record Clause(String phonemes, int textStart, int textEnd) {}

  /**
   * Phonemises {@code text} clause by clause in IPA with {@code voice}.
   *
   * @throws EngineException {@code INVALID_INPUT} for a voice that is not installed
   */
  List<Clause> textToPhonemes(String voice, String text) throws EngineException {
    byte[] utf8 = cString(text);
    int[] charIndexOfByte = charIndexOfByte(text, utf8.length);
    List<Clause> clauses = new ArrayList<>();
    Function toPhonemes = function("espeak_TextToPhonemes");
    synchronized (LOCK) {
      selectVoice(voice);
      Memory buffer = new Memory(utf8.length + 1L);
      buffer.write(0, utf8, 0, utf8.length);
      buffer.setByte(utf8.length, (byte) 0);
      long base = Pointer.nativeValue(buffer);
      PointerByReference position = new PointerByReference(buffer);
      int start = 0;
      // libespeak-ng advances the pointer past each clause and sets it to NULL after the last.
      while (position.getValue() != null) {
        Pointer phonemes =
            toPhonemes.invokePointer(new Object[] {position, CHARS_AUTO, PHONEMES_IPA});
        Pointer next = position.getValue();
        int end =
            next == null
                ? text.length()
                : charIndexOfByte[(int) Math.min(utf8.length, Pointer.nativeValue(next) - base)];
        String ipa = phonemes == null ? "" : phonemes.getString(0, StandardCharsets.UTF_8.name());
        clauses.add(new Clause(ipa, start, Math.max(start, end)));
        if (clauses.size() > utf8.length + 1) {
          break; // every clause consumes text; more clauses than bytes means the pointer stalled
        }
        start = Math.max(start, end);
      }
    }
    return clauses;
  }

  /**
   * What to speak and how.
   *
   * @param rate words per minute
   * @param pitch 0..100, 50 normal
   */
  record Speech(String voice, String text, int rate, int pitch) {}

  /**
   * Synthesises {@code speech} and returns its 16-bit samples at {@link #sampleRate()}.
   *
   * @param abort polled between audio chunks; returning true stops synthesis early
   * @throws EngineException {@code INVALID_INPUT} for a voice that is not installed; {@code
   *     FAILED} when libespeak-ng reports an error
   */
  short[] synthesize(Speech speech, BooleanSupplier abort) throws EngineException {
    byte[] utf8 = cString(speech.text());
    synchronized (LOCK) {
      selectVoice(speech.voice());
      setParameter(PARAMETER_RATE, speech.rate());
      setParameter(PARAMETER_PITCH, speech.pitch());
      Memory buffer = new Memory(utf8.length + 1L);
      buffer.write(0, utf8, 0, utf8.length);
      buffer.setByte(utf8.length, (byte) 0);
      SampleSink collecting = new SampleSink(abort);
      sink = collecting;
      try {
        Object size = Native.SIZE_T_SIZE == 8 ? (Object) (long) (utf8.length + 1) : utf8.length + 1;
        int result =
            function("espeak_Synth")
                .invokeInt(
                    new Object[] {
                      buffer, size, 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, null, null
                    });
        if (result != EE_OK && !collecting.aborted) {
          throw new EngineException(
              EngineException.Kind.FAILED, "espeak-ng could not synthesise the text (error " + result + ")");
        }
      } finally {
        sink = null;
      }
      return collecting.samples();
    }
  }

  /** {@code t_espeak_callback}: int (short *wav, int numsamples, espeak_EVENT *events). */
  interface SynthCallback extends Callback {
    int invoke(Pointer wav, int sampleCount, Pointer events);
  }

  /** Runs on the thread inside {@code espeak_Synth}, which holds {@link #LOCK}. */
  private int onSamples(Pointer wav, int sampleCount, Pointer events) {
    SampleSink target = sink;
    if (target == null) {
      return 1;
    }
    try {
      if (wav != null && sampleCount > 0) {
        target.append(wav.getShortArray(0, sampleCount));
      }
      if (target.abort.getAsBoolean()) {
        target.aborted = true;
        return 1; // asks libespeak-ng to stop this synthesis
      }
      return 0;
    } catch (RuntimeException | Error e) {
      // An exception must not unwind through C frames; stop the synthesis instead.
      target.aborted = true;
      LOG.log(System.Logger.Level.WARNING, "espeak-ng synthesis callback failed", e);
      return 1;
    }
  }

  /** Growing sample buffer for one synthesis. Confined to the thread holding {@link #LOCK}. */
  private static final class SampleSink {
    final BooleanSupplier abort;
    boolean aborted;
    private short[] buffer = new short[1 << 14];
    private int length;

    SampleSink(BooleanSupplier abort) {
      this.abort = abort;
    }

    void append(short[] chunk) {
      if (length + chunk.length > buffer.length) {
        buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + chunk.length));
      }
      System.arraycopy(chunk, 0, buffer, length, chunk.length);
      length += chunk.length;
    }

    short[] samples() {
      return java.util.Arrays.copyOf(buffer, length);
    }
  }

  /**
   * Makes {@code voice} libespeak-ng's current voice. Names are checked against the installed
   * voices first: {@code espeak_SetVoiceByName} with an unknown name leaves no voice selected, and
   * phonemising without one crashes the process.
   */
  private void selectVoice(String voice) throws EngineException {
    String wanted = voice.trim();
    if (wanted.equalsIgnoreCase(currentVoice)) {
      return;
    }
    String base = wanted.contains("+") ? wanted.substring(0, wanted.indexOf('+')) : wanted;
    if (!isKnownVoice(base)) {
      throw unknownVoice(voice);
    }
    currentVoice = null;
    int result =
        function("espeak_SetVoiceByName").invokeInt(new Object[] {cStringMemory(wanted)});
    if (result != EE_OK) {
      // Leave a working voice selected so the next call on any thread does not crash.
      function("espeak_SetVoiceByName").invokeInt(new Object[] {cStringMemory("en")});
      currentVoice = "en";
      throw unknownVoice(voice);
    }
    currentVoice = wanted;
  }

  /** Whether {@code name} names an installed voice by language, file, or display name. */
  boolean isKnownVoice(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (EspeakVoice voice : voices) {
      if (voice.name().equalsIgnoreCase(name)
          || voice.identifier().equalsIgnoreCase(name)
          || voice.identifier().toLowerCase(Locale.ROOT).endsWith("/" + lower)) {
        return true;
      }
      for (String language : voice.languages()) {
        if (language.equalsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** An {@code INVALID_INPUT} naming the voice and a few installed ones close to it. */
  EngineException unknownVoice(String voice) {
    List<String> suggestions = suggestVoices(voice, 5);
    return new EngineException(
        EngineException.Kind.INVALID_INPUT,
        "unknown espeak-ng voice '"
            + voice
            + "'; installed voices include "
            + String.join(", ", suggestions)
            + " ("
            + voices.size()
            + " in all)",
        Map.of("voice", voice, "suggestions", suggestions));
  }

  /** Installed voice codes sharing {@code voice}'s language first, then the closest by spelling. */
  List<String> suggestVoices(String voice, int limit) {
    String lower = voice.toLowerCase(Locale.ROOT);
    String language = lower.split("[-_+]", 2)[0];
    Set<String> codes = new LinkedHashSet<>();
    for (EspeakVoice installed : voices) {
      codes.add(installed.code());
    }
    List<String> ranked = new ArrayList<>(codes);
    ranked.sort(
        Comparator.comparingInt((String code) -> code.split("-", 2)[0].equals(language) ? 0 : 1)
            .thenComparingInt(code -> editDistance(code, lower))
            .thenComparing(Comparator.naturalOrder()));
    if (!ranked.contains("en-us")) {
      return ranked.subList(0, Math.min(limit, ranked.size()));
    }
    // The default voice is always worth naming.
    List<String> picked = new ArrayList<>(ranked.subList(0, Math.min(limit, ranked.size())));
    if (!picked.contains("en-us")) {
      picked.set(picked.size() - 1, "en-us");
    }
    return picked;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private void setParameter(int parameter, int value) throws EngineException {
    int result = function("espeak_SetParameter").invokeInt(new Object[] {parameter, value, 0});
    if (result != EE_OK) {
      throw new EngineException(
          EngineException.Kind.FAILED, "espeak-ng refused parameter " + parameter + "=" + value);
    }
  }

  /** Reads {@code espeak_ListVoices(NULL)}: a NULL-terminated array of {@code espeak_VOICE *}. */
  private List<EspeakVoice> listVoices() {
    Pointer array = function("espeak_ListVoices").invokePointer(new Object[] {null});
    List<EspeakVoice> found = new ArrayList<>();
    if (array == null) {
      return found;
    }
    int pointerSize = Native.POINTER_SIZE;
    for (int i = 0; ; i++) {
      Pointer voice = array.getPointer((long) i * pointerSize);
      if (voice == null) {
        break;
      }
      // espeak_VOICE: const char *name, *languages, *identifier; then gender, age, ... bytes.
      Pointer name = voice.getPointer(0);
      Pointer languages = voice.getPointer(pointerSize);
      Pointer identifier = voice.getPointer(2L * pointerSize);
      found.add(
          new EspeakVoice(
              name == null ? "" : name.getString(0, "UTF-8"),
              identifier == null ? "" : identifier.getString(0, "UTF-8"),
              languages == null ? List.of() : languages(languages)));
    }
    found.sort(Comparator.comparing(EspeakVoice::code));
    return Collections.unmodifiableList(found);
  }

  /** {@code languages}: repeated (priority byte, NUL-terminated code), ended by priority 0. */
  private static List<String> languages(Pointer languages) {
    List<String> codes = new ArrayList<>();
    long offset = 0;
    while (languages.getByte(offset) != 0 && codes.size() < 32) {
      String code = languages.getString(offset + 1, "UTF-8");
      codes.add(code);
      offset += 1 + code.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return codes;
  }

  private Function function(String name) {
    return library.getFunction(name);
  }

  /** UTF-8 bytes without NULs (a NUL would end the C string early). */
  private static byte[] cString(String text) {
    return text.replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
  }

  private static Memory cStringMemory(String text) {
    byte[] utf8 = cString(text);
    Memory memory = new Memory(utf8.length + 1L);
    memory.write(0, utf8, 0, utf8.length);
    memory.setByte(utf8.length, (byte) 0);
    return memory;
  }

  /** For each UTF-8 byte offset 0..byteLength, the index of the char it falls in (or starts). */
  private static int[] charIndexOfByte(String text, int byteLength) {
    int[] index = new int[byteLength + 1];
    int bytePosition = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      int width = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      for (int k = 0; k < width && bytePosition < byteLength; k++) {
        // A pointer inside a multi-byte character counts as past it: the character was read.
        index[bytePosition++] = k == 0 ? i : i + Character.charCount(codePoint);
      }
      i += Character.charCount(codePoint);
    }
    index[byteLength] = text.length();
    return index;
  }

  /** Loads and initialises the library; returns it, or a message saying what to install. */
  private static Object load() {
    NativeLibrary library = null;
    List<String> tried = new ArrayList<>();
    for (String name : libraryNames()) {
      try {
        library = NativeLibrary.getInstance(name);
        break;
      } catch (UnsatisfiedLinkError e) {
        tried.add(name);
      }
    }
    if (library == null) {
      return "libespeak-ng is not installed (tried "
          + String.join(", ", tried)
          + "); install the Debian packages "
          + DEBIAN_PACKAGES
          + " (apt-get install "
          + DEBIAN_PACKAGES
          + ")";
    }
    Path dataParent = dataParent();
    int rate;
    try {
      rate =
          library
              .getFunction("espeak_Initialize")
              .invokeInt(
                  new Object[] {
                    AUDIO_OUTPUT_SYNCHRONOUS,
                    CALLBACK_BUFFER_MS,
                    dataParent == null ? null : dataParent.toString(),
                    INITIALIZE_DONT_EXIT
                  });
    } catch (UnsatisfiedLinkError e) {
      return "libespeak-ng lacks espeak_Initialize (" + e.getMessage() + "); install " + DEBIAN_PACKAGES;
    }
    if (rate <= 0) {
      return "libespeak-ng could not find its voice data"
          + (dataParent == null ? "" : " under " + dataParent)
          + "; install the Debian package espeak-ng-data (apt-get install "
          + DEBIAN_PACKAGES
          + ")";
    }
    try {
      EspeakLibrary loaded = new EspeakLibrary(library, rate);
      if (loaded.voices.isEmpty()) {
        return "libespeak-ng lists no voices; install the Debian package espeak-ng-data";
      }
      return loaded;
    } catch (UnsatisfiedLinkError e) {
      return "libespeak-ng is too old (" + e.getMessage() + "); install " + DEBIAN_PACKAGES;
    }
  }

  private static List<String> libraryNames() {
    // Debian ships only the versioned soname without libespeak-ng-dev, so name it too.
    return List.of("espeak-ng", "libespeak-ng.so.1", "libespeak-ng.1.dylib", "libespeak-ng");
  }

  /**
   * The folder holding {@code espeak-ng-data}: {@code ESPEAK_DATA_PATH} when set, else Debian's
   * multiarch location, else other common prefixes; null leaves libespeak-ng its built-in path.
   */
  private static Path dataParent() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getenv("ESPEAK_DATA_PATH");
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    String multiarch =
        switch (System.getProperty("os.arch", "")) {
          case "amd64", "x86_64" -> "x86_64-linux-gnu";
          case "aarch64", "arm64" -> "aarch64-linux-gnu";
          default -> null;
        };
    if (multiarch != null) {
      candidates.add(Path.of("/usr/lib", multiarch));
    }
    candidates.add(Path.of("/usr/share"));
    candidates.add(Path.of("/usr/lib"));
    candidates.add(Path.of("/usr/local/share"));
    candidates.add(Path.of("/opt/homebrew/share"));
    for (Path parent : candidates) {
      if (Files.isDirectory(parent.resolve("espeak-ng-data"))) {
        return parent;
      }
    }
    return null;
  }
}
