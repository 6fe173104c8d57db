package org.creativebridge.inference.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.creativebridge.inference.EngineException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RawImageTypeTest {
  @Test
  void parse_toleratesCaseSpacingQuotesOrderAndUnknownParameters() throws Exception {
    RawImageType type = RawImageType.parse(" IMAGE/x-raw ; Format = \"rgba16\";width=0640 ; height=480; x-extra=1;");
    assertEquals(new RawImageType(640, 480, SampleDepth.U16), type);
    assertEquals("image/x-raw; width=640; height=480; format=rgba16", type.mediaType());
    assertEquals(640L * 480 * 8, type.expectedBytes());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "image/x-raw; width=2; height=2|width, height and format",
      "image/x-raw; width=2; height=2; format=rgb8|'rgb8' is not one of rgba8, rgba16, rgbaf32",
      "image/x-raw; width=0; height=2; format=rgba8|width must be at least 1 pixel",
      "image/x-raw; width=-3; height=2; format=rgba8|width must be a whole number of pixels, not '-3'",
      "image/x-raw; width=2.5; height=2; format=rgba8|not '2.5'",
      "image/x-raw; width=2; width=3; height=2; format=rgba8|'width' appears twice",
      "image/x-raw; width; height=2; format=rgba8|'width' has no value"})
  void parse_explainsWhatIsWrong(String mediaType, String expectedPart) {
    EngineException e = assertThrows(EngineException.class, () -> RawImageType.parse(mediaType));
    assertEquals(EngineException.Kind.IMAGE_UNREADABLE, e.kind());
    assertTrue(e.getMessage().startsWith("The raw image type '" + mediaType + "' cannot be used: "), e.getMessage());
    assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
  }

  @Test
  void hugeNumbers_saturateInsteadOfOverflowing() throws Exception {
    RawImageType type = RawImageType.parse("image/x-raw; width=123456789012345678901234567890; height=4294967297; format=rgbaf32");
    assertEquals(Long.MAX_VALUE, type.width());
    assertEquals(4294967297L, type.height());
    assertEquals(Long.MAX_VALUE, type.expectedBytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"image/png", "IMAGE/PNG", "image/png; charset=binary", "image/jpeg",
      " image/jpeg ", "image/x-raw; width=1; height=1; format=rgba8",
      "image/x-raw; width=100000; height=100000; format=rgbaf32"})
  void isImageType_acceptsWhatProbeAccepts(String mediaType) {
    assertTrue(ImageCodec.isImageType(mediaType));
  }

  @ParameterizedTest
  @ValueSource(strings = {"image/gif", "text/plain", "image/x-raw", "image/x-raw; width=1; height=1",
      "image/x-raw; width=1; height=1; format=rgb8", "image/pngx", ""})
  void isImageType_refusesOthers(String mediaType) {
    assertFalse(ImageCodec.isImageType(mediaType));
  }

  @Test
  void isImageType_refusesNull() {
    assertFalse(ImageCodec.isImageType(null));
  }
}
