package org.creativebridge.inference.image.texture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.creativebridge.inference.EngineException;

/**
 * The two colours the built-in texture is shaded with, read from a prompt's colour and material
 * words by a small name table, or from hex params.
 *
 * <p>Reading: the prompt is split into phrases at commas, semicolons, full stops and the words
 * {@code and}, {@code with}, {@code on}, {@code over}; in each phrase the <em>last</em> known word
 * names the phrase's colour, because English puts the head noun last: "green patina" is patina
 * (verdigris), not green, and "weathered bronze" is bronze. The first two distinct phrase colours
 * are the base and the accent (the accent collects in crevices and occluded hollows).
 *
 * <p>Stateless; thread-safe.
 */
public final class ColourWords {

  /**
   * A named sRGB colour, components 0..1 (gamma-encoded, as a hex code or a colour picker gives
   * them).
   */
  public record Colour(String name, float red, float green, float blue) {
    static Colour hex(String name, int rgb) {
      return new Colour(
          name, ((rgb >> 16) & 0xFF) / 255f, ((rgb >> 8) & 0xFF) / 255f, (rgb & 0xFF) / 255f);
    }

    /** The same hue at {@code factor} of the brightness, for an accent a prompt did not name. */
    Colour darker(float factor) {
      return new Colour(name + " (dark)", red * factor, green * factor, blue * factor);
    }
  }

  /** A base colour and an accent colour. */
  public record Palette(Colour base, Colour accent) {}

  private static final Pattern PHRASE_BREAK =
      Pattern.compile("[,;.:/()]|\\b(?:and|with|on|over)\\b");
  private static final Pattern WORD = Pattern.compile("[^a-z]+");
  private static final Pattern HEX = Pattern.compile("#?([0-9a-fA-F]{6})");

  /** Darkening of the base colour when the prompt names only one colour. */
  private static final float LONE_ACCENT_FACTOR = 0.45f;

  private static final Palette DEFAULT =
      new Palette(Colour.hex("stone", 0x8C877D), Colour.hex("charcoal", 0x36363A));

  private static final Map<String, Colour> TABLE = table();

  private ColourWords() {}

  private static Map<String, Colour> table() {
    Map<String, Colour> t = new LinkedHashMap<>();
    put(t, 0x8A6A3B, "bronze");
    put(t, 0xB06A3C, "copper");
    put(t, 0xC9A23F, "gold", "golden", "brass");
    put(t, 0xB8BCC2, "silver", "chrome", "aluminium", "aluminum");
    put(t, 0x5E5E60, "iron");
    put(t, 0x8A9096, "steel", "metal", "metallic");
    put(t, 0x8B3F1E, "rust", "rusty", "rusted");
    put(t, 0x4F9A82, "verdigris", "patina");
    put(t, 0x3F7A3A, "green");
    put(t, 0x9E2B25, "red");
    put(t, 0x2F4F8F, "blue");
    put(t, 0x6B4A2F, "brown");
    put(t, 0x808080, "grey", "gray");
    put(t, 0x1E1E1E, "black");
    put(t, 0xE8E8E4, "white");
    put(t, 0xC1892F, "ochre", "ocher");
    put(t, 0x5A6B2F, "moss", "mossy", "lichen");
    put(t, 0x8C877D, "stone", "rock", "granite");
    put(t, 0x8A6440, "wood", "wooden", "timber", "oak");
    put(t, 0xC8B48A, "sand", "sandstone");
    put(t, 0xA0613F, "clay", "terracotta");
    put(t, 0x8E3B2B, "brick");
    put(t, 0xDCD8D0, "marble");
    put(t, 0x9A9892, "concrete", "cement");
    put(t, 0x4A5058, "slate");
    put(t, 0x5E3C78, "purple", "violet");
    put(t, 0xD8B83A, "yellow");
    put(t, 0xC8702F, "orange");
    put(t, 0x2F7F7F, "teal", "turquoise");
    put(t, 0xEDE6D0, "ivory", "cream");
    put(t, 0x36363A, "charcoal", "soot");
    put(t, 0xD9CFB8, "bone");
    put(t, 0x3D8F6A, "jade");
    put(t, 0x8F1D2C, "crimson");
    put(t, 0x23304F, "navy");
    put(t, 0xC8B89A, "beige");
    return Map.copyOf(t);
  }

  private static void put(Map<String, Colour> table, int rgb, String name, String... aliases) {
    Colour colour = Colour.hex(name, rgb);
    table.put(name, colour);
    for (String alias : aliases) {
      table.put(alias, colour);
    }
  }

  /** The colour a single word names (plurals too: "stones"), if the table knows it. */
  public static Optional<Colour> lookup(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    Colour found = TABLE.get(w);
    if (found == null && w.endsWith("s")) {
      found = TABLE.get(w.substring(0, w.length() - 1));
    }
    return Optional.ofNullable(found);
  }

  /** The distinct colours a prompt names, one per phrase that names any, in prompt order. */
  public static List<Colour> colours(String prompt) {
    List<Colour> found = new ArrayList<>();
    for (String phrase : PHRASE_BREAK.split(prompt.toLowerCase(Locale.ROOT))) {
      Colour last = null;
      for (String word : WORD.split(phrase)) {
        if (!word.isEmpty()) {
          last = lookup(word).orElse(last);
        }
      }
      if (last != null && !found.contains(last)) {
        found.add(last);
      }
    }
    return found;
  }

  /**
   * The palette for a job: hex params win over the prompt, each on its own; a prompt naming one
   * colour gets a darker shade of it as the accent; a prompt naming none gets stone and charcoal.
   *
   * @param colorA the {@code color_a} param ({@code #rrggbb} or {@code rrggbb}), or null
   * @param colorB the {@code color_b} param, or null
   * @throws EngineException {@code INVALID_INPUT} for a malformed hex colour
   */
  public static Palette palette(String prompt, String colorA, String colorB) throws EngineException {
    List<Colour> named = colours(prompt == null ? "" : prompt);
    Colour base = named.isEmpty() ? DEFAULT.base() : named.get(0);
    Colour accent =
        named.size() > 1
            ? named.get(1)
            : named.isEmpty() ? DEFAULT.accent() : base.darker(LONE_ACCENT_FACTOR);
    if (colorA != null && !colorA.isBlank()) {
      base = parseHex("color_a", colorA);
    }
    if (colorB != null && !colorB.isBlank()) {
      accent = parseHex("color_b", colorB);
    }
    return new Palette(base, accent);
  }

  static Colour parseHex(String param, String value) throws EngineException {
    var match = HEX.matcher(value.trim());
    if (!match.matches()) {
      throw new EngineException(
          EngineException.Kind.INVALID_INPUT,
          param + " must be a hex colour like #8a6a3b, not '" + value + "'",
          Map.of("param", param));
    }
    return Colour.hex(value.trim(), Integer.parseInt(match.group(1), 16));
  }
}
