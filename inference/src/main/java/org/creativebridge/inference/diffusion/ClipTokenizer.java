package org.creativebridge.inference.diffusion;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The byte-level BPE tokenizer of OpenAI's CLIP text encoder, as Stable Diffusion 1.x uses it.
 *
 * <p>The vocabulary is built the way CLIP's {@code simple_tokenizer.py} builds it: the 256
 * byte-level characters in GPT-2's byte-to-unicode order, the same 256 with {@code </w>}, one
 * entry per merge (the first {@value #MERGES} merges after the header line), then
 * {@code <|startoftext|>} ({@value #BOS}) and {@code <|endoftext|>} ({@value #EOS}): 49408 ids.
 *
 * <p>Text cleanup: CLIP runs {@code ftfy.fix_text}, which has no Java port; this class does the
 * parts of it that change prompts in practice (NFC normalisation, curly quotes to straight ones,
 * Latin ligatures, full-width ASCII, C1 controls read as Windows-1252, other control characters
 * dropped), then HTML-unescapes twice as
 * CLIP does, collapses Unicode whitespace to single spaces, trims and lowercases. Mojibake
 * repair, the rest of ftfy, is not done.
 *
 * <p>Instances are immutable apart from a bounded memo of BPE results, which is a concurrent
 * map: <b>thread-safe</b>, meant to be loaded once and shared.
 */
public final class ClipTokenizer {
  /** Token count of CLIP's text encoder input. */
  public static final int CONTEXT_LENGTH = 77;
  /** {@code <|startoftext|>}. */
  public static final int BOS = 49406;
  /** {@code <|endoftext|>}; also the padding id (see {@link #encode}). */
  public static final int EOS = 49407;
  /** Merges CLIP uses: 49152 - 256 - 2 (its vocabulary size minus bytes and specials). */
  static final int MERGES = 49152 - 256 - 2;
  static final int VOCAB_SIZE = 256 * 2 + MERGES + 2;

  private static final String START_TEXT = "<|startoftext|>";
  private static final String END_TEXT = "<|endoftext|>";
  /** CLIP's pre-tokenizer. Applied to lowercased text, so case-insensitivity only matters for
   *  non-ASCII case folding; kept for fidelity. UNICODE_CHARACTER_CLASS makes {@code \s} the
   *  Unicode White_Space set, as in Python's {@code regex} module that CLIP uses. */
  private static final Pattern PRE_TOKENIZER = Pattern.compile(
      "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern HTML_ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});");
  /** The memo is a speed-up only; bounded so a daemon fed arbitrary text keeps flat memory. */
  private static final int CACHE_LIMIT = 50_000;
  private static final java.nio.charset.Charset WINDOWS_1252 = java.nio.charset.Charset.forName("windows-1252");

  /** byte value -> the printable character standing for it (GPT-2 byte-to-unicode). */
  private static final char[] BYTE_TO_CHAR = new char[256];
  /** byte value -> vocabulary id of its character (the position in byte-to-unicode order). */
  private static final int[] BYTE_TO_ID = new int[256];

  static {
    // Printable Latin-1 bytes stand for themselves and come first, in byte order; the other 68
    // bytes get 256, 257, ... in byte order and follow. The id of a byte's character is its
    // position in that sequence, which is why 'a' is 64 and "a</w>" is 320.
    int next = 0;
    boolean[] printable = new boolean[256];
    for (int b = 0; b < 256; b++) {
      printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
    for (int b = 0; b < 256; b++) {
      if (printable[b]) {
        BYTE_TO_CHAR[b] = (char) b;
        BYTE_TO_ID[b] = next++;
      }
    }
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      if (!printable[b]) {
        BYTE_TO_CHAR[b] = (char) (256 + extra++);
        BYTE_TO_ID[b] = next++;
      }
    }
  }

  private static final Map<String, String> NAMED_ENTITIES = Map.ofEntries(
      Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
      Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("ndash", "\u2013"),
      Map.entry("mdash", "\u2014"), Map.entry("lsquo", "\u2018"), Map.entry("rsquo", "\u2019"),
      Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"), Map.entry("hellip", "\u2026"),
      Map.entry("copy", "\u00a9"), Map.entry("reg", "\u00ae"), Map.entry("trade", "\u2122"),
      Map.entry("deg", "\u00b0"), Map.entry("times", "\u00d7"), Map.entry("eacute", "\u00e9"),
      Map.entry("egrave", "\u00e8"), Map.entry("agrave", "\u00e0"), Map.entry("ccedil", "\u00e7"),
      Map.entry("uuml", "\u00fc"), Map.entry("ouml", "\u00f6"), Map.entry("auml", "\u00e4"),
      Map.entry("szlig", "\u00df"), Map.entry("euro", "\u20ac"), Map.entry("pound", "\u00a3"),
      Map.entry("middot", "\u00b7"), Map.entry("bull", "\u2022"));

  /** (left id << 32 | right id) -> (rank << 32 | merged id). */
  private final PairTable merges;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  private ClipTokenizer(PairTable merges) {
    this.merges = merges;
  }

  /**
   * Loads the merges from CLIP's {@code bpe_simple_vocab_16e6.txt.gz} or from a diffusers model
   * folder's {@code tokenizer/merges.txt} (gzip is detected from the content, not the name). The
   * first line is a header; the next {@value #MERGES} lines are used, as CLIP does.
   *
   * @throws IOException if the file cannot be read or has fewer merges than CLIP needs
   */
  public static ClipTokenizer load(Path mergesOrGz) throws IOException {
    try (InputStream raw = Files.newInputStream(mergesOrGz)) {
      return load(raw, mergesOrGz.toString());
    }
  }

  /** As {@link #load(Path)}, from a stream that this method reads to the end but does not close. */
  public static ClipTokenizer load(InputStream in, String what) throws IOException {
    InputStream buffered = in.markSupported() ? in : new java.io.BufferedInputStream(in);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream text = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buffered) : buffered;
    List<String[]> pairs = new ArrayList<>(MERGES);
    BufferedReader reader = new BufferedReader(new InputStreamReader(text, StandardCharsets.UTF_8));
    String header = reader.readLine();
    if (header == null) {
      throw new IOException(what + ": empty merges file");
    }
    String line;
    while (pairs.size() < MERGES && (line = reader.readLine()) != null) {
      // CLIP splits on whitespace; merge lines are exactly "left right" (indexOf, not a regex,
      // because this runs 48894 times per load).
      String trimmed = line.strip();
      int space = trimmed.indexOf(' ');
      String[] parts = space <= 0 || trimmed.indexOf(' ', space + 1) >= 0 ? new String[0]
          : new String[] {trimmed.substring(0, space), trimmed.substring(space + 1)};
      if (parts.length != 2) {
        throw new IOException(what + ": line " + (pairs.size() + 2) + " is not a merge pair: '" + line + "'");
      }
      pairs.add(parts);
    }
    if (pairs.size() < MERGES) {
      throw new IOException(what + ": " + pairs.size() + " merges, CLIP needs " + MERGES);
    }
    return new ClipTokenizer(buildMerges(pairs));
  }

  private static PairTable buildMerges(List<String[]> pairs) {
    // Vocabulary in CLIP's order; a later duplicate string would win, as it does in Python's
    // dict(zip(vocab, range(len(vocab)))).
    Map<String, Integer> encoder = new HashMap<>(VOCAB_SIZE * 2);
    String[] byteChars = new String[256];
    for (int b = 0; b < 256; b++) {
      byteChars[BYTE_TO_ID[b]] = String.valueOf(BYTE_TO_CHAR[b]);
    }
    int id = 0;
    for (String c : byteChars) {
      encoder.put(c, id++);
    }
    for (String c : byteChars) {
      encoder.put(c + "</w>", id++);
    }
    for (String[] pair : pairs) {
      encoder.put(pair[0] + pair[1], id++);
    }
    PairTable merges = new PairTable(pairs.size());
    for (int rank = 0; rank < pairs.size(); rank++) {
      String[] pair = pairs.get(rank);
      Integer left = encoder.get(pair[0]);
      Integer right = encoder.get(pair[1]);
      int merged = encoder.get(pair[0] + pair[1]);
      if (left == null || right == null) {
        // A merge of a piece no earlier merge produced can never fire; CLIP's file has none.
        continue;
      }
      merges.putIfAbsent(key(left, right), ((long) rank << 32) | merged);
    }
    return merges;
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xffffffffL);
  }

  /**
   * BOS, the text's tokens, EOS, padded with {@link #EOS} to {@value #CONTEXT_LENGTH} ids.
   * Padding with EOS rather than 0 is what SD 1.5's tokenizer (pad_token {@code <|endoftext|>})
   * produces in diffusers, so the text encoder sees the inputs it was used with. Text longer than
   * 75 tokens is cut to its first 75 and EOS stays last, as CLIP's and diffusers' truncation do.
   */
  public int[] encode(String text) {
    int[] tokens = tokens(text);
    int[] out = new int[CONTEXT_LENGTH];
    Arrays.fill(out, EOS);
    out[0] = BOS;
    int n = Math.min(tokens.length, CONTEXT_LENGTH - 2);
    System.arraycopy(tokens, 0, out, 1, n);
    out[n + 1] = EOS;
    return out;
  }

  /** BOS, all of the text's tokens, EOS: neither padded nor truncated (so callers can tell how
   *  much of a long prompt {@link #encode} would drop). */
  public int[] encodeUnpadded(String text) {
    int[] tokens = tokens(text);
    int[] out = new int[tokens.length + 2];
    out[0] = BOS;
    System.arraycopy(tokens, 0, out, 1, tokens.length);
    out[out.length - 1] = EOS;
    return out;
  }

  /** The text's token ids without BOS and EOS. */
  public int[] tokens(String text) {
    String clean = clean(text);
    int[] out = new int[Math.max(8, clean.length())];
    int n = 0;
    Matcher m = PRE_TOKENIZER.matcher(clean);
    while (m.find()) {
      int[] piece = bpe(m.group());
      if (n + piece.length > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, n + piece.length));
      }
      System.arraycopy(piece, 0, out, n, piece.length);
      n += piece.length;
    }
    return Arrays.copyOf(out, n);
  }

  /** CLIP's basic_clean then whitespace_clean then lower(), with the ftfy subset described above. */
  static String clean(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFC);
    s = ftfyLike(s);
    s = htmlUnescape(htmlUnescape(s));
    s = WHITESPACE.matcher(s).replaceAll(" ").strip();
    // Locale.ROOT: a Turkish default locale must not turn "I" into a dotless i.
    return s.toLowerCase(Locale.ROOT);
  }

  private static String ftfyLike(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String replacement = ftfyReplacement(c);
      if (replacement != null && out == null) {
        out = new StringBuilder(s.length());
        out.append(s, 0, i);
      }
      if (out != null) {
        out.append(replacement != null ? replacement : String.valueOf(c));
      }
    }
    return out == null ? s : out.toString();
  }

  /** What ftfy's default fixes turn one char into, for the fixes done here; null = unchanged. */
  private static String ftfyReplacement(char c) {
    if (c == '\u02bc' || (c >= '\u2018' && c <= '\u201b')) {
      return "'"; // uncurl_quotes
    }
    if (c >= '\u201c' && c <= '\u201f') {
      return "\"";
    }
    if (c >= '\uff01' && c <= '\uff5e') {
      return String.valueOf((char) (c - 0xfee0)); // fix_character_width: full-width ASCII
    }
    if (c == '\u3000') {
      return " ";
    }
    switch (c) { // fix_latin_ligatures
      case '\ufb00': return "ff";
      case '\ufb01': return "fi";
      case '\ufb02': return "fl";
      case '\ufb03': return "ffi";
      case '\ufb04': return "ffl";
      case '\ufb06': return "st";
      case '\u0133': return "ij";
      case '\u0132': return "IJ";
      default: break;
    }
    // fix_c1_controls: C1 controls are almost always Windows-1252 bytes decoded as Latin-1
    // (this is how U+0085 becomes an ellipsis under ftfy).
    if (c >= '\u0080' && c <= '\u009f') {
      String cp1252 = new String(new byte[] {(byte) c}, WINDOWS_1252);
      return cp1252.equals("\ufffd") ? null : cp1252;
    }
    // remove_control_chars: ASCII controls other than \t \n \f \r, deprecated Arabic format
    // controls, interlinear annotation marks, the object replacement character and the BOM.
    if ((c <= 0x08) || c == 0x0b || (c >= 0x0e && c <= 0x1f) || c == 0x7f
        || (c >= '\u206a' && c <= '\u206f') || (c >= '\ufff9' && c <= '\ufffc') || c == '\ufeff') {
      return "";
    }
    return null;
  }

  /** Python's html.unescape for numeric references and the common named ones (with ';'). */
  static String htmlUnescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = HTML_ENTITY.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    int last = 0;
    while (m.find()) {
      String body = m.group(1);
      String value;
      if (body.charAt(0) == '#') {
        boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
        int cp = Integer.parseInt(body.substring(hex ? 2 : 1), hex ? 16 : 10);
        // Python maps invalid code points and surrogates to U+FFFD.
        value = (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) ? "\uFFFD"
            : new String(Character.toChars(cp));
      } else {
        value = NAMED_ENTITIES.get(body);
      }
      if (value != null) {
        out.append(s, last, m.start()).append(value);
        last = m.end();
      }
    }
    out.append(s, last, s.length());
    return out.toString();
  }

  private int[] bpe(String token) {
    int[] hit = cache.get(token);
    if (hit != null) {
      return hit;
    }
    int[] ids;
    if (token.equals(START_TEXT)) {
      ids = new int[] {BOS};
    } else if (token.equals(END_TEXT)) {
      ids = new int[] {EOS};
    } else {
      ids = merge(token.getBytes(StandardCharsets.UTF_8));
    }
    if (cache.size() < CACHE_LIMIT) {
      cache.put(token, ids);
    }
    return ids;
  }

  /** CLIP's bpe(): start from one symbol per byte, the last one marked end-of-word, and merge the
   *  lowest-ranked adjacent pair (all its occurrences, left to right) until none is known. */
  private int[] merge(byte[] bytes) {
    int n = bytes.length;
    int[] word = new int[n];
    for (int i = 0; i < n; i++) {
      word[i] = BYTE_TO_ID[bytes[i] & 0xff];
    }
    word[n - 1] += 256; // the "</w>" twin of the last byte's character
    while (n > 1) {
      long best = Long.MAX_VALUE;
      int left = -1;
      int right = -1;
      for (int i = 0; i + 1 < n; i++) {
        long found = merges.get(key(word[i], word[i + 1]));
        if (found >= 0 && found < best) {
          best = found;
          left = word[i];
          right = word[i + 1];
        }
      }
      if (left < 0) {
        break;
      }
      int merged = (int) best;
      int w = 0;
      for (int i = 0; i < n; i++) {
        if (i + 1 < n && word[i] == left && word[i + 1] == right) {
          word[w++] = merged;
          i++;
        } else {
          word[w++] = word[i];
        }
      }
      n = w;
    }
    return Arrays.copyOf(word, n);
  }

  /**
   * Open-addressing map from a pair key to a non-negative value. A boxed {@code Map<Long, Long>}
   * is slow here twice over: boxing on every lookup, and {@code Long.hashCode} being
   * {@code left ^ right}, which for ids under 2^16 crowds all pairs into 65536 buckets.
   * Written once while loading, then only read: safe to share once published through the final
   * field of an immutable tokenizer.
   */
  private static final class PairTable {
    private final long[] keys;
    private final long[] values;
    private final int mask;

    PairTable(int expected) {
      int capacity = Integer.highestOneBit(Math.max(16, expected * 3)) << 1; // load factor < 1/3
      keys = new long[capacity];
      values = new long[capacity];
      Arrays.fill(values, -1);
      mask = capacity - 1;
    }

    private static int slot(long key) {
      long z = key * 0x9e3779b97f4a7c15L;
      return (int) (z ^ (z >>> 32));
    }

    void putIfAbsent(long key, long value) {
      for (int i = slot(key) & mask; ; i = (i + 1) & mask) {
        if (values[i] < 0) {
          keys[i] = key;
          values[i] = value;
          return;
        }
        if (keys[i] == key) {
          return;
        }
      }
    }

    /** The value, or -1 if absent. */
    long get(long key) {
      for (int i = slot(key) & mask; ; i = (i + 1) & mask) {
        long v = values[i];
        if (v < 0 || keys[i] == key) {
          return v;
        }
      }
    }
  }
}
