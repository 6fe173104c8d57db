package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.creativebridge.inference.EngineException;
import org.junit.jupiter.api.Test;

class ColourWordsTest {

  private static ColourWords.Colour named(String word) {
    return ColourWords.lookup(word).orElseThrow();
  }

  @Test
  void weatheredBronzeWithGreenPatinaGivesBronzeAndVerdigris() throws EngineException {
    ColourWords.Palette palette =
        ColourWords.palette("weathered bronze, green patina", null, null);
    assertEquals("bronze", palette.base().name());
    assertEquals("verdigris", palette.accent().name());
  }

  @Test
  void theLastColourWordOfAPhraseWins() {
    assertEquals(
        List.of(named("copper"), named("rust")), ColourWords.colours("old red copper with rust"));
    assertEquals(List.of(named("stone"), named("moss")), ColourWords.colours("grey stones and moss"));
  }

  @Test
  void aLoneColourGetsADarkerAccentAndNoneGetsStone() throws EngineException {
    ColourWords.Palette gold = ColourWords.palette("polished gold", null, null);
    assertEquals("gold", gold.base().name());
    assertEquals(gold.base().red() * 0.45f, gold.accent().red(), 1e-6);
    assertEquals("stone", ColourWords.palette("a statue", null, null).base().name());
  }

  @Test
  void hexParamsOverrideThePrompt() throws EngineException {
    ColourWords.Palette palette = ColourWords.palette("bronze, patina", "ff0000", "#0000FF");
    assertEquals(1f, palette.base().red());
    assertEquals(0f, palette.base().blue());
    assertEquals(1f, palette.accent().blue());
    assertThrows(EngineException.class, () -> ColourWords.palette("", "#12345", null));
  }
}
